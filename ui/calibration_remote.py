"""The calibration screen's view of the runtime: API v1's calibration ops over a ``client`` (anything with
``.call(op, **args)``, i.e. :class:`inspector.api.client.Client`). The screen never touches the camera or the pins:
it asks, and the runtime decides what reaches the line (:mod:`inspector.api.ops_calibration`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from inspector.camera_controls import CameraControls


@dataclass(frozen=True)
class Preview:
    """One preview picture and what the runtime measured on it (full resolution, in the ROI)."""

    image: np.ndarray  # BGR, possibly scaled down for the wire
    frame_size: tuple[int, int]  # the camera frame's (width, height): ROI coordinates are in it
    mode: str  # "camera" (stopped line: the trial on the camera) or "emulated" (running line: rendered on a frame)
    not_previewed: tuple[str, ...]
    focus_score: float
    exposure: dict[str, Any]
    warnings: tuple[str, ...]
    running: bool
    roi: tuple[int, int, int, int] | None = None
    histogram: np.ndarray = field(default_factory=lambda: np.zeros(256))


class RemoteCalibration:
    def __init__(self, client: Any) -> None:
        self.client = client

    def settings(self) -> dict[str, Any]:
        """The camera's real values, the saved ROI and timing, ranges, the reference, whether the line runs."""
        return self.client.call("calibration")

    def preview(self, controls: CameraControls, roi) -> Preview:
        header, payload = self.client.call("calibration_preview", controls=controls.model_dump(),
                                           roi=list(roi) if roi else None)
        image = cv2.imdecode(np.frombuffer(payload, np.uint8), cv2.IMREAD_COLOR)
        exposure = header["exposure"]
        return Preview(image, (header["frame_width"], header["frame_height"]), header["mode"],
                       tuple(header["not_previewed"]), header["focus_score"], exposure, tuple(header["warnings"]),
                       header["running"], tuple(header["roi"]) if header.get("roi") else None,
                       np.asarray(exposure["histogram"], dtype=np.float64))

    def check(self, controls: CameraControls) -> dict[str, Any]:
        return self.client.call("calibration_check", controls=controls.model_dump())

    def apply(self, controls: CameraControls, roi, travel_s: float, pulse_s: float, reason: str, *,
              confirm: bool = False, accept_warnings: bool = False) -> dict[str, Any]:
        return self.client.call("calibration_apply", controls=controls.model_dump(), roi=list(roi) if roi else None,
                                travel_s=travel_s, pulse_s=pulse_s, reason=reason, confirm=confirm,
                                accept_warnings=accept_warnings)

    def end(self) -> dict[str, Any]:
        return self.client.call("calibration_end")

    def io(self, action: str = "state", **args: Any) -> dict[str, Any]:
        return self.client.call("calibration_io", action=action, **args)
