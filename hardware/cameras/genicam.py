"""Industrial GigE Vision / USB3 Vision cameras through harvesters and the camera maker's GenTL producer (``.cti``).

``source`` picks the camera: a serial number, or an index into the producer's device list. The SFNC features used:

====================  =====================================================================================
station control       GenICam feature
====================  =====================================================================================
exposure (ms)         ``ExposureTime`` (µs), ``ExposureAuto`` Off
gain                  ``Gain`` (dB) = 20·log10(2^(gain / 20)), ``GainAuto`` Off
wb_temperature (K)    ``BalanceRatio`` per ``BalanceRatioSelector`` Red / Blue, ``BalanceWhiteAuto`` Off
fps                   ``AcquisitionFrameRate`` with ``AcquisitionFrameRateEnable`` (free running only)
width, height         ``Width`` / ``Height`` of the sensor window, centred, or at ``sensor_roi`` ``OffsetX/Y``
trigger "Line0"       ``TriggerSelector`` FrameStart, ``TriggerMode`` On, ``TriggerSource`` Line0, activation
focus, brightness     none in SFNC for C-mount lenses: refused
====================  =====================================================================================

With a hardware trigger the break-beam is wired to the camera's line input as well as to the station's GPIO: the
camera exposes one frame per part. Frames are stamped with the buffer's timestamp (device ns), mapped onto the
station clock through ``TimestampLatch`` / ``TimestampLatchValue`` when the camera has them, else from arrivals.
The window (``Width``, ``Height``, offsets) can only change while acquisition is stopped, so it restarts it.
"""
from __future__ import annotations

import logging
import os
import threading

import cv2
import numpy as np

from hardware.cameras import control_units as units
from hardware.cameras.device_time import DeviceTime
from inspector.camera_controls import CameraControls
from inspector.clock import Clock, MonotonicClock
from inspector.ports import CameraError
from inspector.types import Frame

log = logging.getLogger(__name__)

PIXEL_FORMATS = ("BGR8", "RGB8", "BayerRG8", "BayerBG8", "BayerGR8", "BayerGB8", "Mono8")
BAYER = {"BayerRG8": cv2.COLOR_BayerRGGB2BGR, "BayerBG8": cv2.COLOR_BayerBGGR2BGR,
         "BayerGR8": cv2.COLOR_BayerGRBG2BGR, "BayerGB8": cv2.COLOR_BayerGBRG2BGR}
RELATCH_S = 10.0  # re-read the camera's clock this often: a device clock drifts some ppm from the host's
CONTROL_NAMES = ("exposure", "gain", "wb_temperature", "focus", "brightness", "fps")


def load_library():
    """(``Harvester``, ``TimeoutException``); CameraError saying how to get them where they are missing."""
    try:
        from genicam.gentl import TimeoutException
        from harvesters.core import Harvester
    except ImportError as e:
        raise CameraError(f"harvesters is not installed: pip install harvesters, and install the camera maker's GenTL "
                          f"producer (.cti) ({e})") from None
    return Harvester, TimeoutException


def producer_path(cti: str | os.PathLike | None) -> str:
    """The GenTL producer file: ``cti`` or the first one GENICAM_GENTL64_PATH names; CameraError when none."""
    if cti:
        if not os.path.isfile(cti):
            raise CameraError(f"GenTL producer {cti} does not exist (camera maker's SDK installed?)")
        return str(cti)
    for folder in os.environ.get("GENICAM_GENTL64_PATH", "").split(os.pathsep):
        if folder and os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                if name.endswith(".cti"):
                    return os.path.join(folder, name)
    raise CameraError("no GenTL producer: set [camera] cti to the camera maker's .cti file (or GENICAM_GENTL64_PATH)")


def list_devices(cti: str | None) -> list[dict]:
    """The producer's cameras: vendor, model, serial number, id, and the ranges of the features the station uses
    (or why they could not be read: a camera another program holds)."""
    Harvester, _ = load_library()
    h = Harvester()
    try:
        h.add_file(producer_path(cti))
        h.update()
        devices = []
        for index, d in enumerate(h.device_info_list):
            entry = {"vendor": d.vendor, "model": d.model, "serial_number": d.serial_number, "id": d.id_}
            try:
                acquirer = h.create(index)
            except Exception as e:
                entry["controls"] = {"(ranges)": f"cannot open it: {e} (is the station running?)"}
            else:
                try:
                    entry["controls"] = feature_ranges(acquirer.remote_device.node_map)
                finally:
                    acquirer.destroy()
            devices.append(entry)
        return devices
    finally:
        h.reset()


def feature_ranges(nodes) -> dict[str, str]:
    """{station control: range in station units (feature)} of one camera; features it lacks are left out."""
    out = {}
    readers = (
        ("exposure", lambda: f"{nodes.ExposureTime.min / 1000:g}–{nodes.ExposureTime.max / 1000:g} ms (ExposureTime)"),
        ("gain", lambda: f"{units.gain_from_db(nodes.Gain.min):.0f}–{units.gain_from_db(nodes.Gain.max):.0f} "
                         f"(Gain {nodes.Gain.min:g}–{nodes.Gain.max:g} dB)"),
        ("fps", lambda: f"{nodes.AcquisitionFrameRate.min:g}–{nodes.AcquisitionFrameRate.max:g} (AcquisitionFrameRate)"),
        ("sensor", lambda: f"{nodes.WidthMax.value}x{nodes.HeightMax.value} (WidthMax x HeightMax)"),
        ("trigger", lambda: "free, " + ", ".join(s for s in nodes.TriggerSource.symbolics if s.startswith("Line"))),
        ("pixel formats", lambda: ", ".join(nodes.PixelFormat.symbolics)),
    )
    for name, read in readers:
        try:
            out[name] = read()
        except Exception:  # a feature this camera does not have
            continue
    return out


def to_bgr(data: np.ndarray, width: int, height: int, pixel_format: str) -> np.ndarray:
    """A GenICam payload as an H x W x 3 BGR image."""
    if pixel_format in ("BGR8", "RGB8"):
        image = data.reshape(height, width, 3)
        return image[..., ::-1].copy() if pixel_format == "RGB8" else image.copy()
    plane = data.reshape(height, width)
    if pixel_format in BAYER:
        return cv2.cvtColor(plane, BAYER[pixel_format])
    if pixel_format == "Mono8":
        return cv2.cvtColor(plane, cv2.COLOR_GRAY2BGR)
    raise CameraError(f"pixel format {pixel_format} is not supported; allowed: {', '.join(PIXEL_FORMATS)}")


class GenICamCamera:
    """A GenICam camera behind the ``Camera`` protocol. See the module docstring for the features used."""

    def __init__(self, source: int | str = 0, *, cti: str | None = None, width: int = 640, height: int = 480,
                 fps: float = 30.0, clock: Clock | None = None, name: str | None = None,
                 controls: CameraControls | None = None, sensor_roi: tuple[int, int, int, int] | None = None,
                 trigger: str = "free", trigger_activation: str = "RisingEdge") -> None:
        self.source, self.cti = source, cti
        self.clock = clock or MonotonicClock()
        self.name = name or f"genicam:{source}"
        self.controls = controls or CameraControls.model_construct(width=width, height=height, fps=fps)
        self._calibrated = controls is not None
        self.sensor_roi = tuple(sensor_roi) if sensor_roi else None
        self.trigger, self.trigger_activation = trigger, trigger_activation
        self.refused: dict[str, str] = {}
        self.sequence_gaps = 0
        self.pixel_format = ""
        self._time = DeviceTime(self.clock, base="estimated", name=self.description)
        self._harvester = self._acquirer = self._timeout_error = None
        self._latched_at: float | None = None
        self._lock = threading.Lock()
        self._restarting = False
        self._restarted = threading.Event()
        self._seq = 0

    def __repr__(self) -> str:
        return f"GenICamCamera({self.source!r})"

    @property
    def description(self) -> str:
        return f"GenICam camera {self.source!r}"

    def open(self) -> None:
        if self._acquirer is not None:
            return
        Harvester, self._timeout_error = load_library()
        harvester = Harvester()
        try:
            harvester.add_file(producer_path(self.cti))
            harvester.update()
            acquirer = harvester.create(self._search_key(harvester.device_info_list))
        except CameraError:
            harvester.reset()
            raise
        except Exception as e:
            harvester.reset()
            raise CameraError(f"cannot open {self.description}: {e}") from None
        try:
            nodes = acquirer.remote_device.node_map
            self._setup(nodes)
            refused = self._set(nodes, self.controls, set(CONTROL_NAMES) if self._calibrated else set())
            acquirer.start()
        except CameraError:
            acquirer.destroy()
            harvester.reset()
            raise
        except Exception as e:
            acquirer.destroy()
            harvester.reset()
            raise CameraError(f"cannot open {self.description}: {e}") from None
        self._harvester, self._acquirer = harvester, acquirer
        self._time.reset()
        self._latch(nodes)
        self._note(refused)

    def _search_key(self, devices) -> int | dict:
        serials = [str(d.serial_number) for d in devices]
        if isinstance(self.source, int) or str(self.source).isdigit() and str(self.source) not in serials:
            index = int(self.source)
            if index >= len(devices):
                raise CameraError(f"cannot open {self.description}: the producer sees {len(devices)} camera(s) "
                                  f"{serials} (cable, power, network?)")
            return index
        if str(self.source) not in serials:
            raise CameraError(f"cannot open {self.description}: no camera with serial number {self.source} among "
                              f"{serials} (cable, power, network?)")
        return {"serial_number": str(self.source)}

    def _setup(self, nodes) -> None:
        """Pixel format, the sensor window and the trigger: all fixed while acquisition runs."""
        available = list(nodes.PixelFormat.symbolics)
        chosen = next((f for f in PIXEL_FORMATS if f in available), None)
        if chosen is None:
            raise CameraError(f"{self.description} offers no supported pixel format ({', '.join(available)})")
        nodes.PixelFormat.value = self.pixel_format = chosen
        width, height = int(self.controls.width), int(self.controls.height)
        if self.sensor_roi is not None:
            x, y, w, h = self.sensor_roi
            if (w, h) != (width, height):
                raise CameraError(f"sensor_roi {w}x{h} must match the frame size {width}x{height} ([camera] width, "
                                  "height): the frame is the sensor window")
        else:
            x, y = (nodes.WidthMax.value - width) // 2, (nodes.HeightMax.value - height) // 2
        nodes.OffsetX.value = nodes.OffsetY.value = 0  # shrink before moving: each must fit with the others
        for feature, value in (("Width", width), ("Height", height), ("OffsetX", x), ("OffsetY", y)):
            node = getattr(nodes, feature)
            step = int(getattr(node, "inc", 1) or 1)
            if feature.startswith("Offset"):
                value -= value % step
            if value % step or not node.min <= value <= node.max:
                raise CameraError(f"{self.description}: {feature} {value} refused: allowed {node.min}–{node.max} "
                                  f"in steps of {step}")
            node.value = value
        nodes.TriggerSelector.value = "FrameStart"
        if self.trigger == "free":
            nodes.TriggerMode.value = "Off"
            return
        sources = list(nodes.TriggerSource.symbolics)
        if self.trigger not in sources:
            raise CameraError(f"{self.description}: trigger {self.trigger!r} is not an input of this camera; "
                              f"allowed: free, {', '.join(sources)}")
        nodes.TriggerMode.value = "On"
        nodes.TriggerSource.value = self.trigger
        nodes.TriggerActivation.value = self.trigger_activation

    def _set(self, nodes, c: CameraControls, names: set[str]) -> dict[str, str]:
        refused = {}

        def ranged(name, feature, value, to_station, unit):
            node = getattr(nodes, feature)
            why = units.outside(name, getattr(c, name), unit, to_station(node.min), to_station(node.max), feature)
            if why:
                refused[name] = why
            else:
                node.value = value

        if "exposure" in names:
            nodes.ExposureAuto.value = "Off"
            ranged("exposure", "ExposureTime", c.exposure * 1000.0, lambda us: us / 1000.0, "ms")
        if "gain" in names:
            nodes.GainAuto.value = "Off"
            ranged("gain", "Gain", units.gain_db(c.gain), units.gain_from_db, "")
        if "wb_temperature" in names:
            nodes.BalanceWhiteAuto.value = "Off"
            red, blue = units.colour_gains(c.wb_temperature)
            for channel, ratio in (("Red", red), ("Blue", blue)):
                nodes.BalanceRatioSelector.value = channel
                node = nodes.BalanceRatio
                if not node.min <= ratio <= node.max:
                    refused["wb_temperature"] = (f"wb_temperature {c.wb_temperature:g} K needs BalanceRatio {channel} "
                                                 f"{ratio:.2f}, outside {node.min:g}–{node.max:g}")
                else:
                    node.value = ratio
        if "fps" in names and self.trigger == "free":  # triggered, the line sets the rate: one frame per part
            nodes.AcquisitionFrameRateEnable.value = True
            ranged("fps", "AcquisitionFrameRate", c.fps, float, "fps")
        if "focus" in names:
            refused["focus"] = "GenICam cameras have no focus control (C-mount lens: focus it by hand)"
        if "brightness" in names and c.brightness:
            refused["brightness"] = "no brightness control on a GenICam camera (use exposure or gain)"
        return refused

    def _latch(self, nodes) -> None:
        """Pin the device clock to the station clock with a latched timestamp, where the camera has one."""
        try:
            before = self.clock.now()
            nodes.TimestampLatch.execute()
            value = nodes.TimestampLatchValue.value
            after = self.clock.now()
        except Exception as e:  # not every camera has the SFNC latch: arrivals give the offset then
            log.debug("%s: no TimestampLatch (%s); timestamps from arrivals", self.description, e)
            self._latched_at = None
            return
        self._time.anchor(value / 1e9, (before + after) / 2)
        self._latched_at = after

    def read(self, timeout: float) -> Frame | None:
        acquirer = self._acquirer
        if acquirer is None:
            if self._restarting:  # a new frame size restarts acquisition: no frame, but not a lost camera
                self._restarted.wait(timeout)
                return None
            raise CameraError(f"{self.description} is not open")
        try:
            with acquirer.fetch(timeout=timeout) as buffer:  # the buffer goes back to the producer on leaving
                component = buffer.payload.components[0]
                image = to_bgr(np.asarray(component.data), component.width, component.height, self.pixel_format)
                stamp = buffer.timestamp_ns
                frame_id = getattr(buffer, "frame_id", None)
        except self._timeout_error:
            return None
        except CameraError:
            raise
        except Exception as e:
            if self._restarting or self._acquirer is not acquirer:
                return None
            raise CameraError(f"{self.description} failed: {e} (unplugged?)") from None
        if self._latched_at is not None and self.clock.now() - self._latched_at > RELATCH_S:
            with self._lock:
                self._latch(acquirer.remote_device.node_map)
        if frame_id and self._seq and frame_id > self._seq + 1:
            self.sequence_gaps += frame_id - self._seq - 1
        self._seq = int(frame_id) if frame_id else self._seq + 1
        return Frame(image, self._time.station_time(stamp / 1e9 if stamp else None), self._seq)

    def close(self) -> None:
        acquirer, harvester = self._acquirer, self._harvester
        self._acquirer = self._harvester = None
        for step in (getattr(acquirer, "stop", None), getattr(acquirer, "destroy", None),
                     getattr(harvester, "reset", None)):
            if step is None:
                continue
            try:
                step()
            except Exception as e:  # a camera that is gone cannot be stopped; closing must still finish
                log.debug("%s: %s failed: %s", self.description, step.__name__, e)

    def apply_controls(self, controls: CameraControls) -> dict[str, str]:
        """Set the controls that changed; a new frame size restarts acquisition (the window is locked while it runs)."""
        changed = {n for n in (*CONTROL_NAMES, "width", "height") if getattr(self.controls, n) != getattr(controls, n)}
        self.controls, self._calibrated = controls, True
        acquirer = self._acquirer
        if acquirer is None or not changed:
            return {}
        if changed & {"width", "height"}:
            self._restarting = True
            self._restarted.clear()
            try:
                self.close()
                self.open()
            finally:
                self._restarting = False
                self._restarted.set()
            return {n: why for n, why in self.refused.items() if n in changed}
        with self._lock:
            refused = self._set(acquirer.remote_device.node_map, controls, changed)
        self._note({**self.refused, **refused})
        return refused

    def device_controls(self) -> dict[str, float]:
        """What the camera's features hold now, in station units."""
        if self._acquirer is None:
            return {}
        nodes = self._acquirer.remote_device.node_map
        out = {}
        with self._lock:
            for name, read in (("exposure", lambda: nodes.ExposureTime.value / 1000.0),
                               ("gain", lambda: units.gain_from_db(nodes.Gain.value)),
                               ("fps", lambda: float(nodes.AcquisitionFrameRate.value))):
                try:
                    out[name] = read()
                except Exception:  # a feature this camera does not have
                    continue
        return out

    def _note(self, refused: dict[str, str]) -> None:
        for name, why in refused.items():
            if self.refused.get(name) != why:
                log.warning("%s: %s: %s", self.description, name, why)
        self.refused = refused
