"""Station and recipe settings: TOML on disk, validated on load, refused whole when any value is wrong.

With no station file at all the defaults describe the simulated line, so the station starts with no hardware.
"""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from inspector import shipped
from inspector.camera_controls import CameraReference, ImagingControls

SHIPPED_MODELS = shipped.models_dir()
SHIPPED_RECIPES = shipped.recipes_dir()

Seconds = Annotated[float, Field(gt=0)]
Pin = Annotated[int | str, Field(description="BCM number or a gpiozero pin name such as 'GPIO17' or 'BOARD11'")]


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3,
          "t": 1000**4, "tb": 1000**4, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}


def parse_size(value: Any) -> int:
    """Bytes from an int or a text such as ``"20 GB"``, ``"512 MiB"`` (GB = 10**9, GiB = 2**30)."""
    if isinstance(value, bool):
        raise ValueError("a size is a number of bytes or a text such as '20 GB' or '512 MiB'")
    if isinstance(value, int):
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None or match.group(2).lower() not in _UNITS:
        raise ValueError("a size is a number of bytes or a text such as '20 GB' or '512 MiB'")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


Bytes = Annotated[int, BeforeValidator(parse_size), Field(ge=0)]


class ConfigError(ValueError):
    """A settings file that cannot be used; the message names the file, key, value and what is allowed."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CameraSettings(_Section):
    backend: Literal["synthetic", "opencv", "folder", "picamera2", "gstreamer", "genicam"] = "synthetic"
    source: int | str = Field(0, description="opencv: index, device path or GStreamer pipeline; folder: image folder; "
                              "picamera2: camera number; gstreamer: 'nvargus:N', rtsp:// URL or pipeline; "
                              "genicam: serial number or index")
    api: Literal["any", "v4l2", "gstreamer"] = "any"
    width: Annotated[int, Field(gt=0, le=8192)] = 640
    height: Annotated[int, Field(gt=0, le=8192)] = 480
    fps: Annotated[float, Field(gt=0, le=1000)] = 30.0
    loop: bool = True  # folder replay only
    # no frame for this many frame periods: camera_lost, as for an unplugged camera (a triggered camera: never)
    stall_frames: Annotated[int, Field(ge=2, le=10_000)] = 15
    roi: tuple[int, int, int, int] | None = Field(None, description="x, y, width, height in frame pixels")
    controls: ImagingControls = ImagingControls()  # exposure, gain, white balance, focus, brightness (calibration)
    # the boards' cameras (README, "Hardware")
    cti: str | None = Field(None, description="genicam: the camera maker's GenTL producer (.cti)")
    trigger: Annotated[str, Field(pattern=r"^(free|Line[0-9])$")] = "free"  # genicam: a line input wired to the beam
    trigger_activation: Literal["RisingEdge", "FallingEdge"] = "RisingEdge"
    sensor_roi: tuple[int, int, int, int] | None = Field(
        None, description="picamera2: ScalerCrop; genicam: OffsetX, OffsetY, Width, Height (sensor pixels)")

    @model_validator(mode="after")
    def _roi_inside_frame(self) -> "CameraSettings":
        if self.roi is not None:
            x, y, w, h = self.roi
            if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > self.width or y + h > self.height:
                raise ValueError(f"roi {list(self.roi)} must lie inside the {self.width}x{self.height} frame")
        return self


# The 40-pin header: physical (BOARD / J8) position -> BCM GPIO number; the other positions are power and ground.
HEADER_TO_BCM = {3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10, 21: 9,
                 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19, 36: 16, 37: 26,
                 38: 20, 40: 21}
BCM_PINS = range(0, 28)
PIN_FORMS = "a BCM number 0-27, 'GPIO<n>' or 'BCM<n>' (n 0-27), or 'BOARD<n>' / 'J8:<n>' (a GPIO position 1-40)"


def bcm_number(pin: int | str) -> int:
    """The BCM GPIO number a station pin setting names; ValueError saying what is allowed when it names none."""
    text = str(pin).strip().upper()
    if isinstance(pin, bool):
        raise ValueError(f"not a pin; use {PIN_FORMS}")
    for prefix in ("GPIO", "BCM", ""):
        number = text.removeprefix(prefix)
        if text.startswith(prefix) and number.isdigit():
            if int(number) not in BCM_PINS:
                raise ValueError(f"no such GPIO on the 40-pin header (BCM 0-27); use {PIN_FORMS}")
            return int(number)
    for prefix in ("BOARD", "J8:"):
        number = text.removeprefix(prefix)
        if text.startswith(prefix) and number.isdigit():
            if int(number) not in HEADER_TO_BCM:
                raise ValueError(f"header position {number} is not a GPIO (power, ground or out of 1-40); "
                                 f"GPIO positions: {sorted(HEADER_TO_BCM)}")
            return HEADER_TO_BCM[int(number)]
    raise ValueError(f"not a pin name gpiozero knows here; use {PIN_FORMS}")


class GpioSettings(_Section):
    pin_factory: str = Field("mock", description="'mock' (simulated), a gpiozero factory name, or '' for GPIOZERO_PIN_FACTORY")
    beam_pin: Pin = 17
    beam_active_low: bool = True  # break-beam receivers pull the line low when the beam is broken
    beam_bounce_s: Annotated[float, Field(ge=0, le=0.5)] = 0.005
    pusher_pin: Pin = 27
    light_red_pin: Pin = 22
    light_amber_pin: Pin = 23
    light_green_pin: Pin = 24
    # "station ready": held high by `inspector interlock` while the line inspects (README, "Station ready output")
    ready_pin: Pin | None = None

    @field_validator("beam_pin", "pusher_pin", "light_red_pin", "light_amber_pin", "light_green_pin", "ready_pin")
    @classmethod
    def _a_header_gpio(cls, pin: int | str | None) -> int | str | None:
        if pin is not None:
            bcm_number(pin)
        return pin

    @model_validator(mode="after")
    def _one_signal_per_pin(self) -> "GpioSettings":
        seen: dict[int, str] = {}
        for key in ("beam_pin", "pusher_pin", "light_red_pin", "light_amber_pin", "light_green_pin", "ready_pin"):
            pin = getattr(self, key)
            if pin is None:
                continue
            bcm = bcm_number(pin)
            if bcm in seen:
                raise ValueError(f"{key} = {pin!r}: the same pin as {seen[bcm]} (BCM {bcm}): each signal needs a "
                                 "pin of its own")
            seen[bcm] = key
        return self


class InterlockSettings(_Section):
    """The runtime's heartbeats to the ready-pin supervisor (used when ``gpio.ready_pin`` is set)."""

    socket: Path = Path("/run/inspector/interlock.sock")  # the supervisor listens, the runtime connects
    beat_ms: Annotated[float, Field(ge=2, le=500)] = 15.0  # a WATCHDOG=1 this often while the line inspects
    timeout_ms: Annotated[float, Field(ge=10, le=5000)] = 60.0  # no heartbeat for longer: the pin drops
    stall_s: Annotated[float, Field(gt=0, le=60)] = 2.5  # a line thread silent longer than this is stuck

    @model_validator(mode="after")
    def _beats_fit(self) -> "InterlockSettings":
        if self.timeout_ms < 3 * self.beat_ms:
            raise ValueError(f"timeout_ms {self.timeout_ms:g} must be at least 3 x beat_ms {self.beat_ms:g}: one late "
                             "heartbeat must not drop the pin")
        return self


class TimingSettings(_Section):
    travel_s: Annotated[float, Field(gt=0, le=60)] = 0.5  # sensor to pusher, at belt speed
    pulse_s: Annotated[float, Field(gt=0, le=5)] = 0.05
    frame_timeout_s: Annotated[float, Field(gt=0, le=5)] = 0.15
    frame_max_age_s: Annotated[float, Field(gt=0, le=5)] = 0.1  # a frame older than this at the trigger is not the part

    @model_validator(mode="after")
    def _budget_fits(self) -> "TimingSettings":
        if self.frame_timeout_s >= self.travel_s:
            raise ValueError(
                f"travel_s {self.travel_s} leaves no time to inspect: it must exceed frame_timeout_s {self.frame_timeout_s}"
            )
        if self.pulse_s >= self.travel_s:
            raise ValueError(f"pulse_s {self.pulse_s} must be shorter than travel_s {self.travel_s}")
        return self


class ImageSettings(_Section):
    keep_pass_fraction: Annotated[float, Field(ge=0, le=1)] = 0.05
    format: Literal["jpg", "png"] = "jpg"
    jpeg_quality: Annotated[int, Field(ge=50, le=100)] = 92


class StorageSettings(_Section):
    """The disk as a resource: how much the kept images may take, free space watched, room kept for a rescue."""

    image_quota: Bytes | None = None  # kept images beyond this are pruned, pass images only, oldest first
    max_image_age_days: Annotated[float, Field(gt=0)] | None = None  # pass images older than this are pruned
    retention_interval_s: Annotated[float, Field(ge=1, le=86_400)] = 300.0
    disk_warn_free: Bytes = 1 << 30  # free space under this: disk_low
    disk_critical_free: Bytes = 256 << 20  # under this: disk_critical, and no part passes (its record may not fit)
    disk_check_interval_s: Annotated[float, Field(gt=0, le=60)] = 2.0
    reserve: Annotated[int, BeforeValidator(parse_size), Field(ge=0, le=1 << 30)] = 32 << 20  # ballast for a rescue
    rescue_dir: Path | None = None  # a second place (another disk) for records the database could not take
    max_commit_lag_s: Annotated[float, Field(gt=0, le=60)] = 2.0  # records waiting longer: not durable, no pass
    seal_every_records: Annotated[int, Field(ge=1, le=1_000_000)] = 10_000  # the record chain's head signed at least
    seal_every_s: Annotated[float, Field(gt=0, le=3600)] = 60.0  # this often while running (and at each run end)

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> "StorageSettings":
        if self.disk_critical_free > self.disk_warn_free:
            raise ValueError(f"disk_critical_free {self.disk_critical_free} must not exceed disk_warn_free "
                             f"{self.disk_warn_free}")
        return self


class UsersSettings(_Section):
    """Logins: wrong PINs before a lock-out, how long it lasts, idle log-out, the shortest PIN a new one may be."""

    max_failures: Annotated[int, Field(ge=1, le=100)] = 5  # wrong PINs in a row (any process) that lock a user out
    lockout_s: Annotated[float, Field(gt=0, le=7 * 86_400)] = 300.0  # then locked until this passes or an admin unlocks
    idle_timeout_s: Annotated[float, Field(gt=0, le=86_400)] = 120.0  # a session idle this long is logged out
    min_pin_length: Annotated[int, Field(ge=4, le=12)] = 4  # a new PIN shorter than this is refused


class LotSettings(_Section):
    """Lots (batch / order ids) on a regulated line: ``required`` refuses to start the line without one."""

    required: bool = False


class ReviewSettings(_Section):
    """QA review: the share of each reviewer's verdicts that another reviewer looks at again, blind."""

    audit_fraction: Annotated[float, Field(ge=0, le=1)] = 0.1


class ApiSettings(_Section):
    """``inspector serve``'s listeners (``inspector.api``): the line's own screen on a local socket, the network over
    TLS with a PIN login; only the local socket is on by default."""

    unix_socket: bool = True
    socket_path: Path | None = None  # default: data_dir/api.sock (mode 0660: the service's user and group)
    tls: bool = False  # the network listener; its certificate is made at first start under data_dir/api/
    host: str = "0.0.0.0"
    port: Annotated[int, Field(ge=0, le=65535)] = 8443  # 0: any free port (tests)
    token_ttl_s: Annotated[float, Field(gt=0, le=7 * 86_400)] = 8 * 3600.0  # a login's longest life (idle: users)
    frames_fps: Annotated[float, Field(ge=0, le=30)] = 5.0  # live camera frames per second, at most, per client
    local_frames_fps: Annotated[float, Field(ge=0, le=60)] = 30.0  # the same for the line's own screen (local socket)
    frame_width: Annotated[int, Field(ge=64, le=8192)] = 960  # live frames larger than this are scaled down
    client_queue: Annotated[int, Field(ge=8, le=100_000)] = 512  # events held for a slow client, then a resync


class StationConfig(_Section):
    station_id: str = "sim-1"
    recipe: str = "cartridge-box"
    data_dir: Path = Path("data")
    models_dir: Path = SHIPPED_MODELS
    recipes_dir: Path = SHIPPED_RECIPES
    trust_dir: Path = Path("/etc/line-inspector/trust")  # public keys of trusted package signers, besides data_dir/trust
    station_key: Path | None = None  # signs the record chain's seals; default data_dir/keys/station.key (made 0600)
    inspection_workers: Annotated[int, Field(ge=0, le=16)] = 0  # parts inspected at once; 0: two on 2+ cores
    inference_threads: Annotated[int, Field(ge=0, le=64)] = 0  # per inspection; 0: the cores shared among inspectors
    inference_spin: bool = False  # ONNX Runtime threads busy-wait between runs: CPU taken from the line and the window
    queue_size: Annotated[int, Field(ge=1, le=1000)] = 8
    camera: CameraSettings = CameraSettings()
    gpio: GpioSettings = GpioSettings()
    timing: TimingSettings = TimingSettings()
    images: ImageSettings = ImageSettings()
    storage: StorageSettings = StorageSettings()
    users: UsersSettings = UsersSettings()
    lots: LotSettings = LotSettings()
    interlock: InterlockSettings = InterlockSettings()
    review: ReviewSettings = ReviewSettings()
    api: ApiSettings = ApiSettings()

    @property
    def simulated(self) -> bool:
        return self.camera.backend == "synthetic" or self.gpio.pin_factory == "mock"


class Recipe(_Section):
    """The rules for one product: which models run and how their outputs become a decision."""

    name: str
    description: str = ""
    product: Literal["box", "part"]
    models: list[str] = Field(min_length=1, description="model package folder names under models_dir")
    expected_count: Annotated[int, Field(ge=0, le=10_000)] | None = None
    layout: tuple[int, int] | None = Field(None, description="rows, cols of the box (simulated line and overlays)")
    occlusion_threshold: Annotated[float, Field(gt=0, le=1)] = 0.5
    count_min_confidence: Annotated[float, Field(ge=0, le=1)] = 0.0
    reject_at: Annotated[float, Field(gt=0, le=1)] = 0.5  # p(defect) at or above: reject
    pass_below: Annotated[float, Field(ge=0, le=1)] = 0.5  # p(defect) below: pass; between: uncertain
    fail_safe: Literal["reject", "reject_and_stop"] = Field(
        "reject", description="what a part that could not be inspected gets; passing it is never allowed"
    )
    record_not_durable: Literal["reject", "stop"] = Field(
        "reject", description="while records cannot be made durable: reject every part fail-safe, or stop the line"
    )
    camera_reference: CameraReference | None = Field(
        None, description="the focus and exposure this product was set up with; calibration warns far from them"
    )

    @model_validator(mode="after")
    def _consistent(self) -> "Recipe":
        if self.pass_below > self.reject_at:
            raise ValueError(f"pass_below {self.pass_below} must not exceed reject_at {self.reject_at}")
        if self.product == "box" and self.expected_count is None:
            raise ValueError("a box recipe needs expected_count")
        if self.layout and self.expected_count is not None and self.layout[0] * self.layout[1] != self.expected_count:
            raise ValueError(f"layout {list(self.layout)} holds {self.layout[0] * self.layout[1]}, not expected_count {self.expected_count}")
        return self

    @property
    def sha256(self) -> str:
        dump = self.model_dump(mode="json")
        if dump.get("camera_reference") is None:  # recipes without one keep the hash they had before it existed
            dump.pop("camera_reference", None)
        return hashlib.sha256(json.dumps(dump, sort_keys=True).encode()).hexdigest()


def _explain(source: str, err: ValidationError) -> ConfigError:
    lines = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        value = e.get("input")
        shown = "" if isinstance(value, dict) else f" = {value!r}"
        msg = e["msg"].removeprefix("Value error, ")
        lines.append(f"{source}: {key}{shown}: {msg}")
    return ConfigError("\n".join(lines))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None


def parse_station(data: dict[str, Any], source: str = "station settings") -> StationConfig:
    try:
        return StationConfig.model_validate(data)
    except ValidationError as e:
        raise _explain(source, e) from None


def load_station(path: Path | None) -> StationConfig:
    """The station file at ``path``; None gives the simulated line's defaults."""
    if path is None:
        return StationConfig()
    return parse_station(_read_toml(path), str(path))


def parse_recipe(data: dict[str, Any], source: str = "recipe") -> Recipe:
    try:
        return Recipe.model_validate(data)
    except ValidationError as e:
        raise _explain(source, e) from None


def load_recipe(name_or_path: str | Path, recipes_dir: Path = SHIPPED_RECIPES) -> Recipe:
    """A recipe by name (``<recipes_dir>/<name>.toml``) or by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = recipes_dir / f"{name_or_path}.toml"
        if not path.exists():
            known = sorted(p.stem for p in recipes_dir.glob("*.toml"))
            raise ConfigError(f"recipe {str(name_or_path)!r} not found in {recipes_dir}; known recipes: {known}")
    return parse_recipe(_read_toml(path), str(path))
