"""Calibration measures and the saved calibration: focus score, exposure histogram with clipping warnings, region of
interest and timing checks, and save / restore of the station file's camera and timing values.

Saving goes through :func:`save_calibration` only: given the station database, the technician permission is checked
(``NO_USERS`` on a station without users) and an audit entry (changed values before and after, reason) is committed
with the file.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import cv2
import numpy as np
import tomli_w

from inspector.camera_controls import IMAGING, CameraControls, CameraReference
from inspector.config import ConfigError, StationConfig, TimingSettings, parse_station

CLIP_WARN_FRACTION = 0.01  # more than 1 % of the ROI's pixels at the ends of the range: a warning
DARK_LEVEL, BRIGHT_LEVEL = 2, 253
INFERENCE_ALLOWANCE_S = 0.05  # the models' time after the frame, when no run has measured it
MIN_PULSE_S = 0.01  # a solenoid needs about this long to stroke out at all


class CalibrationError(ValueError):
    """A calibration value that cannot be used; the message names the value and the limit."""


Roi = tuple[int, int, int, int]


def crop(image: np.ndarray, roi: Roi | None) -> np.ndarray:
    if roi is None:
        return image
    x, y, w, h = roi
    return image[y:y + h, x:x + w]


def gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def focus_score(image: np.ndarray, roi: Roi | None = None) -> float:
    """Variance of the Laplacian of the ROI's grey image: larger is sharper (only comparable on the same scene)."""
    return float(cv2.Laplacian(gray(crop(image, roi)), cv2.CV_64F).var())


@dataclass(frozen=True)
class Exposure:
    histogram: np.ndarray  # 256 counts of grey levels in the ROI
    mean: float
    dark_fraction: float  # at or below DARK_LEVEL
    bright_fraction: float  # at or above BRIGHT_LEVEL
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.warnings


def exposure(image: np.ndarray, roi: Roi | None = None, limit: float = CLIP_WARN_FRACTION) -> Exposure:
    """The ROI's grey-level histogram and the share of clipped pixels, with a warning for each end over ``limit``."""
    g = gray(crop(image, roi))
    hist = cv2.calcHist([g], [0], None, [256], [0, 256]).ravel()
    n = max(float(hist.sum()), 1.0)
    dark, bright = float(hist[:DARK_LEVEL + 1].sum() / n), float(hist[BRIGHT_LEVEL:].sum() / n)
    warnings = []
    if bright > limit:
        warnings.append(f"overexposed: {bright:.1%} of pixels clipped white (limit {limit:.0%}); "
                        "lower exposure or gain")
    if dark > limit:
        warnings.append(f"underexposed: {dark:.1%} of pixels clipped black (limit {limit:.0%}); "
                        "raise exposure or gain")
    return Exposure(hist, float(g.mean()), dark, bright, tuple(warnings))


def check_roi(roi: Iterable[float] | None, size: tuple[int, int]) -> Roi | None:
    """``roi`` (x, y, width, height) as ints when it lies inside a ``size`` (width, height) frame."""
    if roi is None:
        return None
    x, y, w, h = (int(round(v)) for v in roi)
    width, height = size
    if w < 8 or h < 8:
        raise CalibrationError(f"roi {w}x{h} is too small: at least 8x8 pixels")
    if x < 0 or y < 0:
        raise CalibrationError(f"roi starts at ({x}, {y}), outside the frame: x and y must be >= 0")
    if x + w > width:
        raise CalibrationError(f"roi right edge x + width = {x + w} is outside the {width}x{height} frame "
                               f"(limit {width})")
    if y + h > height:
        raise CalibrationError(f"roi bottom edge y + height = {y + h} is outside the {width}x{height} frame "
                               f"(limit {height})")
    return x, y, w, h


def inference_budget_s(timing: TimingSettings, inference_s: float | None = None) -> float:
    """What a part needs between the beam and its decision: the frame wait plus the models' time."""
    return timing.frame_timeout_s + (INFERENCE_ALLOWANCE_S if inference_s is None else inference_s)


def check_travel(travel_s: float, budget_s: float) -> float:
    if not travel_s > budget_s:
        raise CalibrationError(f"travel time {travel_s:.3f} s is not longer than the inference budget "
                               f"{budget_s:.3f} s: the pusher would fire before the part is decided")
    if travel_s > 60:
        raise CalibrationError(f"travel time {travel_s:.3f} s is above the limit 60 s")
    return float(travel_s)


def check_pulse(pulse_s: float, travel_s: float, part_gap_s: float | None = None) -> float:
    """The pusher pulse: long enough to stroke, shorter than the travel and than the gap to the next part."""
    if not pulse_s >= MIN_PULSE_S:
        raise CalibrationError(f"pulse width {pulse_s:.3f} s is below the minimum {MIN_PULSE_S} s")
    if pulse_s >= travel_s:
        raise CalibrationError(f"pulse width {pulse_s:.3f} s must be shorter than the travel time {travel_s:.3f} s")
    if part_gap_s is not None and pulse_s >= part_gap_s:
        raise CalibrationError(f"pulse width {pulse_s:.3f} s would still push when the next part comes "
                               f"{part_gap_s:.3f} s later (limit {part_gap_s:.3f} s)")
    return float(pulse_s)


@dataclass(frozen=True)
class Calibration:
    """What the calibration screen saves: the camera controls, the ROI and the pusher timing."""

    controls: CameraControls = field(default_factory=CameraControls)
    roi: Roi | None = None
    travel_s: float = 0.5
    pulse_s: float = 0.05

    @classmethod
    def of(cls, config: StationConfig) -> "Calibration":
        return cls(CameraControls.from_camera(config.camera), config.camera.roi, config.timing.travel_s,
                   config.timing.pulse_s)

    def as_dict(self) -> dict[str, Any]:
        return {"controls": self.controls.model_dump(), "roi": list(self.roi) if self.roi else None,
                "travel_s": self.travel_s, "pulse_s": self.pulse_s}

    def validated(self, timing: TimingSettings, inference_s: float | None = None) -> "Calibration":
        """Refuses an ROI outside the frame, a travel time within the inference budget, a pulse out of bounds."""
        roi = check_roi(self.roi, self.controls.size)
        check_travel(self.travel_s, inference_budget_s(timing, inference_s))
        check_pulse(self.pulse_s, self.travel_s)
        return Calibration(self.controls, roi, self.travel_s, self.pulse_s)


@dataclass(frozen=True)
class Reference:
    """What a calibration is compared with before it is saved: the recipe's ``[camera_reference]``, or, where the
    recipe has none, the values last saved in the station file (``source`` says which)."""

    values: CameraReference
    source: str  # "recipe <name>" or "last saved"

    def as_dict(self) -> dict[str, Any]:
        return {**self.values.model_dump(), "source": self.source}


def reference_for(recipe: Any, saved: Calibration) -> Reference:
    given = getattr(recipe, "camera_reference", None)
    if given is not None and (given.focus is not None or given.exposure is not None):
        return Reference(given, f"recipe {recipe.name}")
    return Reference(CameraReference(focus=saved.controls.focus, exposure=saved.controls.exposure), "last saved")


def reference_warnings(controls: CameraControls, reference: Reference) -> list[str]:
    """Why ``controls`` look wrong for the product: focus or exposure far from the reference. Empty: none."""
    ref, warnings = reference.values, []
    if ref.focus is not None and abs(controls.focus - ref.focus) > ref.focus_tolerance:
        warnings.append(f"focus {controls.focus:g} is {abs(controls.focus - ref.focus):g} steps from the "
                        f"{reference.source} reference {ref.focus:g} (tolerance ±{ref.focus_tolerance:g}): "
                        "parts may be out of focus and miscounted")
    if ref.exposure is not None:
        factor = max(controls.exposure / ref.exposure, ref.exposure / controls.exposure)
        if factor > ref.exposure_factor:
            side = "above" if controls.exposure > ref.exposure else "below"
            warnings.append(f"exposure {controls.exposure:g} ms is {factor:.1f}x {side} the {reference.source} "
                            f"reference {ref.exposure:g} ms (limit {ref.exposure_factor:g}x)")
    return warnings


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the station file to update it: {e}") from None


def _merged(data: dict[str, Any], cal: Calibration) -> dict[str, Any]:
    camera = dict(data.get("camera", {}))
    camera.update(width=cal.controls.width, height=cal.controls.height, fps=cal.controls.fps,
                  controls={k: getattr(cal.controls, k) for k in IMAGING})
    if cal.roi is None:
        camera.pop("roi", None)
    else:
        camera["roi"] = list(cal.roi)
    timing = {**data.get("timing", {}), "travel_s": cal.travel_s, "pulse_s": cal.pulse_s}
    return {**data, "camera": camera, "timing": timing}


def save_calibration(path: Path, cal: Calibration, *, session: Any = None, db: Any = None, reason: str = "",
                     inference_s: float | None = None) -> StationConfig:
    """Write ``cal`` into the station file at ``path`` (other settings kept), refusing bad values before anything is
    written; the file is replaced whole, never left half-written. Returns the station settings as saved.

    With the station database ``db``: a technician (or admin-granted) ``session`` is required once the station has
    users (``actions.actor``; without users the entry names ``NO_USERS``), a reason too, and one audit entry with the
    changed values before and after is committed together with the file. Without ``db`` (offline tools, tests) the
    file is written with no trail, and a ``session`` is refused: its change would go unrecorded.
    """
    from inspector import actions, audit
    from inspector.permissions import CALIBRATION_SAVE

    path = Path(path)
    if db is None and session is not None:
        raise CalibrationError("saving calibration as a logged-in user needs the station database for the audit trail")
    who = actions.actor(session, db, CALIBRATION_SAVE) if db is not None else None
    if who is not None and not (reason or "").strip():
        raise CalibrationError("saving calibration needs a reason for the audit trail")
    data = _read(path)
    before = parse_station(data, str(path)) if data else StationConfig()
    cal = cal.validated(before.timing, inference_s)
    merged = _merged(data, cal)
    saved = parse_station(merged, str(path))
    text = tomli_w.dumps(_plain(merged))
    if who is None:
        _write_atomic(path, text)
        return saved
    old, new = actions.changed(Calibration.of(before).as_dict(), cal.as_dict())
    with audit.transaction(db) as conn:  # the entry and the file together: a failed write rolls the entry back
        audit.append(conn, who, CALIBRATION_SAVE, str(path), old, new, reason)
        _write_atomic(path, text)
    return saved


def restore_calibration(path: Path, default: StationConfig | None = None) -> Calibration:
    """The calibration last saved in the station file at ``path``; ``default``'s (or the defaults) when none is."""
    path = Path(path)
    data = _read(path)
    return Calibration.of(parse_station(data, str(path)) if data else (default or StationConfig()))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise ConfigError(f"{path}: cannot write the station file: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write the station file: {e.strerror or e}") from None


def median_and_spread(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), max(values) - min(values)
