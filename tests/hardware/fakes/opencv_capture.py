"""A fake ``cv2.VideoCapture`` over a simulated USB camera: properties with driver limits, paced frames, unplugging.

Like a V4L2 driver it refuses (``set`` returns False) what it cannot take, and after the cable is pulled ``read``
returns ``(False, None)`` and the device no longer opens.
"""
from __future__ import annotations

import math
import re
import time

import cv2
import numpy as np


class UsbDevice:
    def __init__(self, *, max_exposure: float = 1000.0, scene: float = 60.0) -> None:
        self.max_exposure = max_exposure  # V4L2 exposure_time_absolute, 100 us units
        self.scene = scene
        self.plugged = True
        self.pipelines: list[str] = []
        self.props = {cv2.CAP_PROP_FRAME_WIDTH: 640.0, cv2.CAP_PROP_FRAME_HEIGHT: 480.0, cv2.CAP_PROP_FPS: 30.0,
                      cv2.CAP_PROP_EXPOSURE: 100.0, cv2.CAP_PROP_GAIN: 0.0, cv2.CAP_PROP_WB_TEMPERATURE: 5000.0,
                      cv2.CAP_PROP_FOCUS: 128.0, cv2.CAP_PROP_BRIGHTNESS: 0.0, cv2.CAP_PROP_AUTO_EXPOSURE: 3.0,
                      cv2.CAP_PROP_AUTO_WB: 1.0, cv2.CAP_PROP_AUTOFOCUS: 1.0}

    def take_pipeline(self, description: str) -> None:
        """What a GStreamer-enabled OpenCV does with a pipeline: the source runs at the settings it names."""
        found = {name: re.search(pattern, description) for name, pattern in (
            ("exposure", r'exposuretimerange="(\d+)'), ("gain", r'gainrange="([\d.]+)'), ("width", r"width=(\d+)"),
            ("height", r"height=(\d+)"), ("fps", r"framerate=(\d+)/(\d+)"))}
        if found["exposure"]:
            self.props[cv2.CAP_PROP_EXPOSURE] = int(found["exposure"].group(1)) / 1e5
            self.props[cv2.CAP_PROP_AUTO_EXPOSURE] = 1.0
        if found["gain"]:
            self.props[cv2.CAP_PROP_GAIN] = 20 * math.log2(float(found["gain"].group(1)))
        for name, prop in (("width", cv2.CAP_PROP_FRAME_WIDTH), ("height", cv2.CAP_PROP_FRAME_HEIGHT)):
            if found[name]:
                self.props[prop] = float(found[name].group(1))
        if found["fps"]:
            self.props[cv2.CAP_PROP_FPS] = int(found["fps"].group(1)) / int(found["fps"].group(2))

    def unplug(self) -> None:
        self.plugged = False

    def replug(self) -> None:
        self.plugged = True

    def capture_class(self):
        device = self

        class FakeVideoCapture:
            def __init__(self, source, api=cv2.CAP_ANY) -> None:
                self.opened = device.plugged
                self._last = None
                if isinstance(source, str) and self.opened:  # a GStreamer pipeline carries its own settings
                    device.pipelines.append(source)
                    device.take_pipeline(source)

            def isOpened(self):
                return self.opened

            def release(self):
                self.opened = False

            def set(self, prop, value):
                if not (self.opened and device.plugged) or prop not in device.props:
                    return False
                if prop == cv2.CAP_PROP_EXPOSURE and not 1 <= value <= device.max_exposure:
                    return False
                device.props[prop] = float(value)
                return True

            def get(self, prop):
                return device.props.get(prop, 0.0)

            def read(self):
                if not (self.opened and device.plugged):
                    return False, None
                period = 1.0 / device.props[cv2.CAP_PROP_FPS]
                now = time.monotonic()
                if self._last is not None and self._last + period > now:
                    time.sleep(self._last + period - now)
                self._last = time.monotonic()
                w, h = int(device.props[cv2.CAP_PROP_FRAME_WIDTH]), int(device.props[cv2.CAP_PROP_FRAME_HEIGHT])
                exposure = device.props[cv2.CAP_PROP_EXPOSURE] if device.props[cv2.CAP_PROP_AUTO_EXPOSURE] == 1 else 100
                level = device.scene * exposure / 100 * 2 ** (device.props[cv2.CAP_PROP_GAIN] / 20)
                return True, np.full((h, w, 3), min(255, int(level)), np.uint8)

        return FakeVideoCapture
