"""Raspberry Pi CSI cameras (Camera Module 3, HQ, Global Shutter) through Picamera2 / libcamera.

Frames come from ``capture_request()`` as ``request.make_array("main")`` of an "RGB888" stream, which libcamera lays
out B, G, R: the station's BGR without a conversion. Each frame is stamped with its ``SensorTimestamp`` (ns of
CLOCK_MONOTONIC at the start of exposure on the Pi), not its arrival, so it binds to the break-beam edge that saw its
part. Controls go to libcamera with the automatic loops off:

====================  =====================================================================
station control       libcamera control
====================  =====================================================================
exposure (ms)         ``ExposureTime`` (µs), ``AeEnable`` False
gain                  ``AnalogueGain`` = 2^(gain / 20)
wb_temperature (K)    ``ColourGains`` (red, blue) from the sensor's tuning ``ct_curve``, ``AwbEnable`` False
focus (0–255)         ``LensPosition`` (dioptres, 0..the lens' maximum) with ``AfMode`` manual
brightness            ``Brightness`` = brightness / 64
fps                   ``FrameDurationLimits`` (µs)
width, height         the main stream's size (the camera restarts)
sensor_roi            ``ScalerCrop`` (sensor pixels)
====================  =====================================================================

Ranges come from ``camera_controls``; a value outside is refused with the range named. The library is imported when
the camera opens: it exists only on a Pi (``apt install python3-picamera2``; a venv made ``--system-site-packages``).
"""
from __future__ import annotations

import concurrent.futures
import logging
import threading

from hardware.cameras import control_units as units
from hardware.cameras.device_time import DeviceTime
from inspector.camera_controls import CameraControls
from inspector.clock import Clock, MonotonicClock
from inspector.ports import CameraError
from inspector.types import Frame

log = logging.getLogger(__name__)

AF_MODE_MANUAL = 0  # libcamera.controls.AfModeEnum.Manual
STATION_NAMES = ("exposure", "gain", "wb_temperature", "focus", "brightness", "fps")


def load_library():
    """The ``Picamera2`` class; CameraError saying how to get it where it is missing."""
    try:
        from picamera2 import Picamera2
    except ImportError as e:
        raise CameraError("Picamera2 is not installed: on Raspberry Pi OS `apt install python3-picamera2` and make "
                          f"the venv with --system-site-packages ({e})") from None
    return Picamera2


def list_cameras() -> list[dict]:
    """``Picamera2.global_camera_info()``: one dict (Model, Location, Id, Num) per CSI camera."""
    return list(load_library().global_camera_info())


class Picamera2Camera:
    """A Pi CSI camera behind the ``Camera`` protocol. See the module docstring for the controls."""

    def __init__(self, camera_num: int = 0, *, width: int = 640, height: int = 480, fps: float = 30.0,
                 clock: Clock | None = None, name: str | None = None, controls: CameraControls | None = None,
                 sensor_roi: tuple[int, int, int, int] | None = None, buffer_count: int = 4) -> None:
        self.camera_num = int(camera_num)
        self.clock = clock or MonotonicClock()
        self.name = name or f"picamera2:{self.camera_num}"
        self.controls = controls or CameraControls.model_construct(width=width, height=height, fps=fps)
        self._calibrated = controls is not None
        self.sensor_roi = tuple(sensor_roi) if sensor_roi else None
        self.buffer_count = buffer_count
        self.refused: dict[str, str] = {}
        self.dropped = 0
        self._time = DeviceTime(self.clock, base="monotonic", name=self.description)
        self._cam = None
        self._limits: dict = {}
        self._ct_curve = units.GENERIC_CT_CURVE
        self._job = None
        self._restarting = False
        self._metadata: dict = {}
        self._lock = threading.Lock()
        self._seq = 0

    def __repr__(self) -> str:
        return f"Picamera2Camera({self.camera_num})"

    @property
    def description(self) -> str:
        return f"Pi camera {self.camera_num} (Picamera2)"

    def open(self) -> None:
        if self._cam is not None:
            return
        library = load_library()
        try:
            found = library.global_camera_info()
        except Exception as e:
            raise CameraError(f"cannot open {self.description}: libcamera cannot list cameras: {e}") from None
        if self.camera_num >= len(found):
            raise CameraError(f"cannot open {self.description}: {len(found)} CSI camera(s) found "
                              "(ribbon cable seated? camera enabled in config.txt?)")
        try:
            cam = library(self.camera_num)
        except Exception as e:
            raise CameraError(f"cannot open {self.description}: {e}") from None
        try:
            self._limits = dict(cam.camera_controls)
            self._ct_curve = self._sensor_ct_curve(library, cam)
            self._configure(cam)
            refused = self._set(cam, self.controls, set(STATION_NAMES) if self._calibrated else {"fps"})
            why = self._crop(cam) if self.sensor_roi is not None else None
            if why:
                raise CameraError(f"cannot open {self.description}: {why}")
            cam.start()
        except Exception as e:
            cam.close()  # a camera left acquired could not be opened again, by this or any process
            if isinstance(e, CameraError):
                raise
            raise CameraError(f"cannot open {self.description}: {e}") from None
        self._note(refused)
        self._cam, self._job = cam, None
        self._time.reset()

    def close(self) -> None:
        cam, self._cam, self._job = self._cam, None, None
        if cam is None:
            return
        for step in (cam.stop, cam.close):
            try:
                step()
            except Exception as e:  # a camera that is gone cannot be stopped; closing must still finish
                log.debug("%s: %s failed: %s", self.description, step.__name__, e)

    def read(self, timeout: float) -> Frame | None:
        cam = self._cam
        if cam is None:
            raise CameraError(f"{self.description} is not open")
        job = self._job
        try:
            if job is None:  # a request that timed out is waited on again, never leaked
                job = self._job = cam.capture_request(wait=False)
            request = job.get_result(timeout=timeout)
        except (TimeoutError, concurrent.futures.TimeoutError):
            return None
        except Exception as e:
            if self._job is job:
                self._job = None
            if self._restarting or isinstance(e, concurrent.futures.CancelledError):
                return None  # the camera restarted at a new size under this read
            raise CameraError(f"{self.description} failed: {e} (unplugged?)") from None
        if self._job is job:
            self._job = None
        try:
            image = request.make_array("main")
            metadata = dict(request.get_metadata())
        finally:
            request.release()
        self._metadata = metadata
        stamp = metadata.get("SensorTimestamp")
        self._seq += 1
        return Frame(image, self._time.station_time(None if stamp is None else stamp / 1e9), self._seq)

    def apply_controls(self, controls: CameraControls) -> dict[str, str]:
        """Set the controls that changed; {control: why} for the refused ones. A new size restarts the camera."""
        changed = {n for n in (*STATION_NAMES, "width", "height") if getattr(self.controls, n) != getattr(controls, n)}
        self.controls, self._calibrated = controls, True
        cam = self._cam
        if cam is None:
            return {}
        with self._lock:
            refused = {}
            if changed & {"width", "height"}:
                self._restarting = True
                try:
                    cam.stop()
                    self._configure(cam)
                    refused.update(self._set(cam, controls, set(STATION_NAMES)))
                    cam.start()
                except Exception as e:
                    refused["size"] = f"{controls.width}x{controls.height} refused: {e}"
                finally:
                    self._job, self._restarting = None, False  # requests from before the restart never complete
            else:
                refused.update(self._set(cam, controls, changed))
        self._note({**self.refused, **refused})
        return {n: why for n, why in refused.items() if n in changed or n == "size"}

    def device_controls(self) -> dict[str, float]:
        """What the sensor used for the last frame (its metadata), in station units."""
        md, out = self._metadata, {}
        if "ExposureTime" in md:
            out["exposure"] = md["ExposureTime"] / 1000.0
        if "AnalogueGain" in md:
            out["gain"] = units.gain_from_factor(md["AnalogueGain"])
        if "ColourGains" in md:
            out["wb_temperature"] = units.kelvin_from_gains(*md["ColourGains"], curve=self._ct_curve)
        if "LensPosition" in md and "LensPosition" in self._limits:
            out["focus"] = units.dioptres_to_focus(md["LensPosition"], self._limits["LensPosition"][1])
        if "FrameDuration" in md:
            out["fps"] = 1e6 / md["FrameDuration"]
        return out

    def _configure(self, cam) -> None:
        c = self.controls
        config = cam.create_video_configuration(main={"size": (int(c.width), int(c.height)), "format": "RGB888"},
                                                buffer_count=self.buffer_count)
        cam.configure(config)

    def _sensor_ct_curve(self, library, cam):
        """The sensor's own white-balance curve from its tuning file; the generic one where it cannot be read."""
        try:
            model = cam.camera_properties["Model"]
            tuning = library.load_tuning_file(f"{model}.json")
            return units.ct_curve_from_tuning(library.find_tuning_algo(tuning, "rpi.awb")["ct_curve"])
        except Exception as e:
            log.info("%s: no tuning ct_curve (%s); white balance uses a generic curve", self.description, e)
            return units.GENERIC_CT_CURVE

    def _set(self, cam, c: CameraControls, names: set[str]) -> dict[str, str]:
        """libcamera controls for the station ``names``; {name: why} for those outside the sensor's ranges."""
        wanted, refused = {}, {}

        def ranged(name, unit, native, native_value, to_station):
            if native not in self._limits:
                refused[name] = f"this camera has no {native} control"
                return
            low, high = to_station(self._limits[native][0]), to_station(self._limits[native][1])
            why = units.outside(name, getattr(c, name), unit, low, high, native)
            if why:
                refused[name] = why
            else:
                wanted[native] = native_value

        if "exposure" in names:
            frame_ms = 1000.0 / c.fps
            if c.exposure > frame_ms:
                refused["exposure"] = f"exposure {c.exposure:g} ms is longer than a frame at {c.fps:g} fps " \
                                      f"({frame_ms:.1f} ms)"
            else:
                ranged("exposure", "ms", "ExposureTime", int(round(c.exposure * 1000)), lambda us: us / 1000.0)
                wanted["AeEnable"] = False
        if "gain" in names:
            ranged("gain", "", "AnalogueGain", units.gain_factor(c.gain), units.gain_from_factor)
        if "wb_temperature" in names:
            wanted["AwbEnable"] = False
            wanted["ColourGains"] = units.colour_gains(c.wb_temperature, self._ct_curve)
        if "focus" in names:
            if "LensPosition" not in self._limits:
                refused["focus"] = "this camera has no focus motor (HQ / Global Shutter: focus the lens by hand)"
            else:
                wanted["AfMode"] = AF_MODE_MANUAL
                wanted["LensPosition"] = units.focus_to_dioptres(c.focus, self._limits["LensPosition"][1])
        if "brightness" in names:
            ranged("brightness", "", "Brightness", c.brightness / 64.0, lambda b: b * 64.0)
        if "fps" in names:
            duration = int(round(1e6 / c.fps))
            if "FrameDurationLimits" in self._limits:
                low, high = self._limits["FrameDurationLimits"][:2]
                why = units.outside("fps", c.fps, "fps", 1e6 / high, 1e6 / low, "FrameDurationLimits")
                if why:
                    refused["fps"] = why
                else:
                    wanted["FrameDurationLimits"] = (duration, duration)
            else:
                wanted["FrameDurationLimits"] = (duration, duration)
        if wanted:
            cam.set_controls(wanted)
        return refused

    def _crop(self, cam) -> str | None:
        """Set ``ScalerCrop`` to ``sensor_roi``; why not, when it leaves the sensor's crop area."""
        x, y, w, h = self.sensor_roi
        mx, my, mw, mh = cam.camera_properties.get("ScalerCropMaximum", (0, 0, 0, 0))
        if x < mx or y < my or w <= 0 or h <= 0 or x + w > mx + mw or y + h > my + mh:
            return (f"sensor_roi {list(self.sensor_roi)} lies outside the sensor's crop area {[mx, my, mw, mh]} "
                    "(ScalerCropMaximum)")
        cam.set_controls({"ScalerCrop": (x, y, w, h)})
        return None

    def _note(self, refused: dict[str, str]) -> None:
        for name, why in refused.items():
            if self.refused.get(name) != why:
                log.warning("%s: %s: %s", self.description, name, why)
        self.refused = refused
