"""The camera's imaging controls as one validated value: exposure, gain, white balance, focus, brightness, resolution
and frame rate, each with a named range. Out-of-range values are refused with a message naming the value and limit.

``ImagingControls`` is what the station file keeps under ``[camera.controls]``; resolution and frame rate live in
``[camera]`` (``width``, ``height``, ``fps``) as before. ``CameraControls`` is both together, as the calibration
screen and the cameras see them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError


class ControlError(ValueError):
    """A control value outside its range; the message names the control, the value and the limit."""


@dataclass(frozen=True)
class Range:
    name: str
    low: float
    high: float
    default: float
    unit: str = ""
    step: float = 1.0
    label: str = ""

    def check(self, value: float) -> float:
        value = float(value)
        if not (self.low <= value <= self.high):  # also refuses NaN
            side = f"below the minimum {self.low:g}" if value < self.high else f"above the maximum {self.high:g}"
            raise ControlError(f"{self.name} {value:g}{self.unit and ' ' + self.unit} is {side}"
                               f"{self.unit and ' ' + self.unit} (allowed {self.low:g}–{self.high:g})")
        return value


RANGES: dict[str, Range] = {r.name: r for r in (
    Range("exposure", 0.1, 200.0, 10.0, "ms", 0.1, "Exposure"),
    Range("gain", 0.0, 100.0, 0.0, "", 1.0, "Gain"),  # driver units; the synthetic camera doubles per 20
    Range("wb_temperature", 2500.0, 9000.0, 5000.0, "K", 50.0, "White balance"),
    Range("focus", 0.0, 255.0, 128.0, "", 1.0, "Focus"),  # V4L2 focus_absolute scale
    Range("brightness", -64.0, 64.0, 0.0, "", 1.0, "Brightness"),
    Range("width", 160.0, 4096.0, 640.0, "px", 1.0, "Width"),
    Range("height", 120.0, 3072.0, 480.0, "px", 1.0, "Height"),
    Range("fps", 1.0, 120.0, 30.0, "fps", 1.0, "Frame rate"),
)}
IMAGING = ("exposure", "gain", "wb_temperature", "focus", "brightness")
FORMAT = ("width", "height", "fps")
RESOLUTIONS = ((320, 240), (640, 480), (800, 600), (1280, 720), (1280, 960), (1920, 1080))


def check(name: str, value: Any) -> float:
    """``value`` as a float when ``name`` allows it; ``ControlError`` naming value and limit otherwise."""
    try:
        spec = RANGES[name]
    except KeyError:
        raise ControlError(f"unknown camera control {name!r}; known: {', '.join(RANGES)}") from None
    try:
        return spec.check(value)
    except (TypeError, ValueError) as e:
        if isinstance(e, ControlError):
            raise
        raise ControlError(f"{name} {value!r} is not a number") from None


def _ranged(name: str):
    def validate(value: float) -> float:
        check(name, value)
        return value

    return AfterValidator(validate)


class ImagingControls(BaseModel):
    """Exposure (ms), gain, white-balance temperature (K), focus, brightness: the image's look, auto modes off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exposure: Annotated[float, _ranged("exposure")] = RANGES["exposure"].default
    gain: Annotated[float, _ranged("gain")] = RANGES["gain"].default
    wb_temperature: Annotated[float, _ranged("wb_temperature")] = RANGES["wb_temperature"].default
    focus: Annotated[float, _ranged("focus")] = RANGES["focus"].default
    brightness: Annotated[float, _ranged("brightness")] = RANGES["brightness"].default


class CameraControls(ImagingControls):
    """The imaging controls plus resolution and frame rate."""

    width: Annotated[int, _ranged("width")] = int(RANGES["width"].default)
    height: Annotated[int, _ranged("height")] = int(RANGES["height"].default)
    fps: Annotated[float, _ranged("fps")] = RANGES["fps"].default

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def imaging(self) -> ImagingControls:
        return ImagingControls(**{k: getattr(self, k) for k in IMAGING})

    def with_(self, **changes: Any) -> "CameraControls":
        """A copy with ``changes``, each checked against its range first (``ControlError`` on the first bad one)."""
        checked = {}
        for name, value in changes.items():
            checked[name] = check(name, value)
            if name in ("width", "height"):
                checked[name] = int(round(checked[name]))
        return self.model_copy(update=checked)

    @classmethod
    def from_camera(cls, camera_settings: Any) -> "CameraControls":
        """From the station file's ``[camera]`` section (``config.CameraSettings``); a frame rate above the range
        (the simulated line may run its camera faster) is taken as the range's maximum."""
        imaging = getattr(camera_settings, "controls", None) or ImagingControls()
        return cls(**imaging.model_dump(), width=camera_settings.width, height=camera_settings.height,
                   fps=min(camera_settings.fps, RANGES["fps"].high))


class CameraReference(BaseModel):
    """A recipe's reference imaging (``[camera_reference]``): the focus and exposure its product was set up with, and
    how far a calibration may stray before saving it warns (a focus of 0 on a lens set at 128 is a mistake)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    focus: Annotated[float, _ranged("focus")] | None = None
    exposure: Annotated[float, _ranged("exposure")] | None = None  # ms
    focus_tolerance: Annotated[float, Field(gt=0, le=255)] = 24.0  # focus steps either side
    exposure_factor: Annotated[float, Field(gt=1, le=100)] = 2.0  # times above or below


def make_controls(values: dict[str, Any]) -> CameraControls:
    """``CameraControls`` from plain values; the first bad one raises ``ControlError`` naming it."""
    for name in values:
        if name not in RANGES:
            raise ControlError(f"unknown camera control {name!r}; known: {', '.join(RANGES)}")
    for name in ("width", "height"):
        if name in values:
            check(name, values[name])
            values = {**values, name: int(round(float(values[name])))}
    try:
        return CameraControls(**values)
    except ValidationError as e:
        first = e.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "controls"
        raise ControlError(first["msg"].removeprefix("Value error, ") if name in RANGES else f"{name}: {first['msg']}") \
            from None


class ControllableCamera(Protocol):
    """A camera that takes imaging controls while it runs."""

    def apply_controls(self, controls: CameraControls) -> dict[str, str]:
        """Apply ``controls``; returns {control: why} for each one the device refused or changed (empty: all taken)."""
