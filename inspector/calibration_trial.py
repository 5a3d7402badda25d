"""The calibration preview: trial settings that reach the line's camera only while the line is stopped.

How a trial is shown depends on the line, decided here in the runtime (never by a screen):

- **stopped**: the trial goes on the camera itself, so focus, exposure, white balance and resolution are seen as the
  lens and sensor really answer them (nothing is inspected meanwhile). The camera goes back to the applied values
  when the trial ends (the screen closes, or its lease of ``LEASE_S`` runs out because the screen died) and, before
  anything else, when the line starts: :class:`CameraTrial` is one of ``Line.before_start``'s hooks, run under
  ``Line.start_lock``, which a trial also holds while it checks the line and changes the camera.
- **running**: the camera is not touched. The trial is rendered on the camera's latest frame from the difference
  between the trial and the values the camera runs on (:func:`emulate`): light (exposure x gain), black level,
  white balance and resolution. Focus and frame rate cannot be rendered from a frame: they are listed as
  ``not_previewed`` and the screen says to stop the line to see them.

Why not a second stream: one sensor gives one stream, and most of the station's cameras (V4L2, Picamera2, GenICam)
cannot expose two settings at once; a still frame changed by a model is honest about what it can show.
"""
from __future__ import annotations

import threading
import time
from typing import Any

import cv2
import numpy as np

from inspector.calibration import CalibrationError, Roi, check_roi, exposure, focus_score
from inspector.camera_controls import RANGES, CameraControls

LEASE_S = 15.0  # a trial nobody asked about for this long ends: the camera goes back to the applied values
FRESH_FRAME_WAIT_S = 0.5
GAIN_STEPS_PER_DOUBLING = 20.0  # the station's gain unit (inspector.camera_controls)
BRIGHTNESS_LEVELS_PER_STEP = 2.0
NOT_RENDERABLE = ("focus", "fps")


def actual_controls(camera: Any, saved: CameraControls) -> CameraControls:
    """What the camera runs on now, each value held to its calibration range; ``saved`` where the camera cannot say
    (a device left on its own automatic settings)."""
    current = getattr(camera, "controls", None)
    if current is None:
        return saved
    values = {}
    for name, spec in RANGES.items():
        value = getattr(current, name, None)
        values[name] = getattr(saved, name) if value is None else min(max(float(value), spec.low), spec.high)
    return CameraControls(**{**values, "width": int(values["width"]), "height": int(values["height"])})


def emulate(image: np.ndarray, actual: CameraControls, trial: CameraControls) -> tuple[np.ndarray, list[str]]:
    """``image`` (taken at ``actual``) as the camera would take it at ``trial``, for what a frame can show; and the
    changed controls it cannot show (focus, frame rate)."""
    not_previewed = [name for name in NOT_RENDERABLE if getattr(trial, name) != getattr(actual, name)]
    out = image
    if trial.size != actual.size or (image.shape[1], image.shape[0]) != trial.size:
        shrink = trial.width < image.shape[1]
        out = cv2.resize(out, trial.size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    light = trial.exposure / actual.exposure * 2.0 ** ((trial.gain - actual.gain) / GAIN_STEPS_PER_DOUBLING)
    blue = (actual.wb_temperature / trial.wb_temperature) ** 0.5
    if light != 1.0 or blue != 1.0:
        gains = np.diag([blue * light, light, light / blue]).astype(np.float32)
        out = cv2.transform(out, gains) if out.ndim == 3 else cv2.convertScaleAbs(out, alpha=light)
    offset = (trial.brightness - actual.brightness) * BRIGHTNESS_LEVELS_PER_STEP
    if offset:
        out = cv2.add(out, (offset, offset, offset, 0)) if out.ndim == 3 else cv2.add(out, offset)
    return np.ascontiguousarray(out), not_previewed


def measures(image: np.ndarray, roi: Roi | None) -> dict[str, Any]:
    """Focus score and exposure (histogram, clipping) of ``image`` in ``roi`` (the whole frame where it does not fit)."""
    try:
        roi = check_roi(roi, (image.shape[1], image.shape[0]))
    except CalibrationError:
        roi = None
    exp = exposure(image, roi)
    return {"focus_score": round(focus_score(image, roi), 2), "roi": list(roi) if roi else None,
            "exposure": {"mean": round(exp.mean, 2), "dark_fraction": exp.dark_fraction,
                         "bright_fraction": exp.bright_fraction, "warnings": list(exp.warnings),
                         "histogram": [int(v) for v in exp.histogram]}}


class CameraTrial:
    """One calibration session's trial on a line: the values the camera runs on (``applied``), the trial on the
    camera while the line is stopped, and the travel measurement that borrows the beam. Ended by :meth:`end`, by the
    line starting, or by its lease running out."""

    def __init__(self, line: Any, applied: CameraControls, *, lease_s: float = LEASE_S) -> None:
        self.line, self.camera, self.applied, self.lease_s = line, line.frames.camera, applied, lease_s
        self.on_camera: CameraControls | None = None  # the trial the camera shows now (stopped line only)
        # what the camera goes back to: its own values as they were (even outside the calibration ranges, as a
        # simulated camera's frame rate may be), or the applied ones; a device on its own automatic settings cannot
        # be put back on them, it gets the applied (saved) values
        own = getattr(self.camera, "controls", None)
        self._camera_values = applied if own is None else own
        self.measurement: Any = None  # inspector.timing.TravelMeasurement while one runs
        self.ended = threading.Event()
        self._lock = threading.Lock()
        self._renewed = time.monotonic()
        line.before_start.append(self._line_starting)
        self._watch = threading.Thread(target=self._expire, name="calibration-lease", daemon=True)
        self._watch.start()

    def renew(self) -> None:
        self._renewed = time.monotonic()

    def preview(self, trial: CameraControls) -> tuple[np.ndarray, str, list[str]]:
        """The picture at ``trial``: (image, "camera" or "emulated", controls not shown)."""
        self.renew()
        with self.line.start_lock, self._lock:
            if self.line.running:  # never on the running line's camera
                self._off_camera()
                mode = "emulated"
            else:
                mode = "camera"
                if trial != (self.on_camera if self.on_camera is not None else self.applied):
                    before = self._latest_seq()
                    self.camera.apply_controls(trial)
                    self.on_camera = trial
                else:
                    before = None
        if mode == "camera":
            frame = self._frame_after(before)
            if frame is None:
                raise CalibrationError("the camera gives no frames: check its cable and the camera alarms")
            return np.asarray(frame.image), mode, []
        frame = self.line.frames.latest()
        if frame is None:
            raise CalibrationError("the camera gives no frames: check its cable and the camera alarms")
        image, not_previewed = emulate(np.asarray(frame.image), self.applied, trial)
        return image, mode, not_previewed

    def apply(self, controls: CameraControls) -> dict[str, str]:
        """Put ``controls`` on the camera as the values it runs on; {control: why} for each the device refused."""
        with self.line.start_lock, self._lock:
            refused = self.camera.apply_controls(controls) or {}
            self.applied, self.on_camera, self._camera_values = controls, None, controls
        return refused

    def start_measurement(self, make: Any) -> Any:
        """Start a travel measurement (``make()`` borrows the beam) while the line is stopped; refused while it runs."""
        with self.line.start_lock, self._lock:
            if self.line.running:
                raise CalibrationError("stop the line before measuring: the measurement borrows the beam")
            self._close_measurement()
            self.measurement = make()
        return self.measurement

    def stop_measurement(self) -> None:
        with self._lock:
            self._close_measurement()

    def end(self) -> None:
        """The camera back on the applied values, the beam back to the line; the trial is over."""
        with self.line.start_lock, self._lock:
            self._off_camera()
            self._close_measurement()
            if self._line_starting in self.line.before_start:
                self.line.before_start.remove(self._line_starting)
            self.ended.set()

    def _line_starting(self) -> None:
        self.end()

    def _off_camera(self) -> None:
        if self.on_camera is not None:
            self.on_camera = None
            self.camera.apply_controls(self._camera_values)

    def _close_measurement(self) -> None:
        if self.measurement is not None:
            self.measurement.close()
            self.measurement = None

    def _latest_seq(self) -> int:
        frame = self.line.frames.latest()
        return frame.seq if frame is not None else -1

    def _frame_after(self, seq: int | None) -> Any:
        """The first frame exposed after the camera took the trial: two frames on (one may have been read before)."""
        end = time.monotonic() + FRESH_FRAME_WAIT_S
        while True:
            frame = self.line.frames.latest()
            if frame is not None and (seq is None or frame.seq >= seq + 2) or time.monotonic() >= end:
                return frame
            time.sleep(0.005)

    def _expire(self) -> None:
        while not self.ended.wait(min(1.0, self.lease_s / 4)):
            if time.monotonic() - self._renewed > self.lease_s:
                self.end()
