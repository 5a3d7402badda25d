"""A fake ``picamera2`` module: ``Picamera2`` with the calls the Pi backend makes, over a simulated CSI sensor.

Like libcamera it clamps out-of-range values (the backend must refuse them first), honours ``ExposureTime`` only with
``AeEnable`` off, stamps ``SensorTimestamp`` in CLOCK_MONOTONIC ns at the start of exposure, and paces frames at the
``FrameDurationLimits``. ``Sensor.unplug()`` makes pending and new requests fail, as a camera that is gone does.
"""
from __future__ import annotations

import sys
import threading
import time
import types

import numpy as np

CT_CURVE = [2500, 0.72, 0.30, 5000, 0.42, 0.55, 9000, 0.27, 0.78]  # the fake imx708's tuning, unlike the generic one


class Sensor:
    def __init__(self, model: str = "imx708", *, lens: bool = True, exposure_us=(26, 112_000), gain=(1.0, 16.0),
                 frame_us=(8_000, 1_000_000), size=(4608, 2592), scene: float = 60.0) -> None:
        self.model, self.lens, self.size, self.scene = model, lens, size, scene
        self.limits = {
            "ExposureTime": (exposure_us[0], exposure_us[1], None), "AnalogueGain": (gain[0], gain[1], None),
            "ColourGains": (0.0, 32.0, None), "Brightness": (-1.0, 1.0, 0.0), "AeEnable": (False, True, None),
            "AwbEnable": (False, True, None), "FrameDurationLimits": (frame_us[0], frame_us[1], None),
            "ScalerCrop": ((0, 0, 64, 64), (0, 0, *size), None),
        }
        if lens:
            self.limits.update({"LensPosition": (0.0, 15.0, 1.0), "AfMode": (0, 2, 0)})
        self.plugged = True
        self.in_use = False

    def unplug(self) -> None:
        self.plugged = False

    def replug(self) -> None:
        self.plugged = True


class Job:
    def __init__(self, cam: "Picamera2") -> None:
        self.cam = cam

    def get_result(self, timeout=None):
        return self.cam._next_request(timeout)


class CompletedRequest:
    def __init__(self, cam, image, metadata) -> None:
        self.cam, self.image, self.metadata, self.released = cam, image, metadata, False
        cam.held += 1

    def make_array(self, name):
        assert name == "main" and not self.released
        return self.image

    def get_metadata(self):
        return dict(self.metadata)

    def release(self):
        if not self.released:
            self.released = True
            self.cam.held -= 1


class Picamera2:
    sensors: list[Sensor] = []

    @classmethod
    def global_camera_info(cls):
        plugged = [s for s in cls.sensors if s.plugged]
        return [{"Model": s.model, "Location": 2, "Rotation": 0, "Id": f"/base/axi/i2c@{i}/{s.model}@1a", "Num": i}
                for i, s in enumerate(plugged)]

    @staticmethod
    def load_tuning_file(name):
        if name != "imx708.json":
            raise RuntimeError(f"Tuning file {name} not found")
        return {"algorithms": [{"rpi.agc": {}}, {"rpi.awb": {"ct_curve": CT_CURVE}}]}

    @staticmethod
    def find_tuning_algo(tuning, name):
        return next(a[name] for a in tuning["algorithms"] if name in a)

    def __init__(self, camera_num: int = 0) -> None:
        plugged = [s for s in type(self).sensors if s.plugged]
        self.sensor = plugged[camera_num]  # IndexError, as picamera2 gives for a missing camera
        if self.sensor.in_use:
            raise RuntimeError("Failed to acquire camera: Device or resource busy")
        self.sensor.in_use = True
        self.camera_controls = dict(self.sensor.limits)
        self.camera_properties = {"Model": self.sensor.model, "PixelArraySize": self.sensor.size,
                                  "ScalerCropMaximum": (0, 0, *self.sensor.size)}
        self.values = {"ExposureTime": 10_000, "AnalogueGain": 1.0, "ColourGains": (2.0, 1.8), "Brightness": 0.0,
                       "AeEnable": True, "AwbEnable": True, "FrameDurationLimits": (33_333, 33_333),
                       "ScalerCrop": (0, 0, *self.sensor.size), "LensPosition": 1.0, "AfMode": 2}
        self.config, self.started, self.closed, self.held = None, False, False, 0
        self.set_calls: list[dict] = []
        self._lock = threading.Lock()
        self._last: float | None = None

    def create_video_configuration(self, main=None, lores=None, raw=None, buffer_count=6, controls=None, **kw):
        return {"use_case": "video", "main": {"format": "XBGR8888", "size": (1280, 720), **(main or {})},
                "buffer_count": buffer_count, "controls": dict(controls or {})}

    def configure(self, config) -> None:
        if self.started:
            raise RuntimeError("Camera must be stopped before configuring")
        self.config = config

    def set_controls(self, controls) -> None:
        for name, value in controls.items():
            if name not in self.camera_controls:
                raise RuntimeError(f"Control {name} is not advertised by libcamera")
            low, high, _ = self.camera_controls[name]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = type(value)(min(max(value, low), high))  # libcamera clamps
            self.values[name] = value
        self.set_calls.append(dict(controls))

    def start(self) -> None:
        if self.config is None:
            raise RuntimeError("Camera has not been configured")
        self.started, self._last = True, None

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        self.started, self.closed = False, True
        self.sensor.in_use = False

    def capture_request(self, wait=None, signal_function=None, flush=None):
        job = Job(self)
        return job if wait is False else job.get_result()

    def _next_request(self, timeout):
        if not self.started:
            raise RuntimeError("Camera is not running")
        period = self.values["FrameDurationLimits"][0] / 1e6
        now = time.monotonic()
        due = now if self._last is None else max(now, self._last + period)
        if timeout is not None and due - now > timeout:
            time.sleep(timeout)
            raise TimeoutError()
        time.sleep(max(0.0, due - now))
        if not self.sensor.plugged:
            raise RuntimeError("Device /dev/video0 disconnected")
        self._last = due
        return CompletedRequest(self, self._image(), self._metadata(due, period))

    def exposure_us(self) -> int:
        return self.values["ExposureTime"] if self.values["AeEnable"] is False else 10_000

    def _image(self):
        w, h = self.config["main"]["size"]
        level = self.sensor.scene * self.exposure_us() / 10_000 * self.values["AnalogueGain"]
        level += 64 * self.values["Brightness"]
        red, blue = self.values["ColourGains"]
        bgr = np.clip([level * blue / 1.8, level, level * red / 2.0], 0, 255).astype(np.uint8)
        return np.broadcast_to(bgr, (h, w, 3)).copy()  # "RGB888" is laid out B, G, R

    def _metadata(self, due, period):
        md = {"SensorTimestamp": int((due - self.exposure_us() / 1e6) * 1e9), "ExposureTime": self.exposure_us(),
              "AnalogueGain": self.values["AnalogueGain"], "ColourGains": tuple(self.values["ColourGains"]),
              "FrameDuration": int(period * 1e6), "ScalerCrop": self.values["ScalerCrop"]}
        if self.sensor.lens:
            md["LensPosition"] = self.values["LensPosition"]
        return md


def install(monkeypatch, *sensors: Sensor) -> types.ModuleType:
    """Put the fake ``picamera2`` in ``sys.modules`` with ``sensors`` attached (none: no camera)."""
    module = types.ModuleType("picamera2")
    module.Picamera2 = type("Picamera2", (Picamera2,), {"sensors": list(sensors)})
    monkeypatch.setitem(sys.modules, "picamera2", module)
    return module
