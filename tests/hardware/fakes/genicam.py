"""A fake ``harvesters`` (``harvesters.core.Harvester``) and ``genicam.gentl`` over a simulated GigE Vision camera.

Features behave as GenApi nodes do: numbers have ``min``/``max`` (and ``inc`` for integers) and refuse values outside
(``OutOfRangeException``), enumerations list their ``symbolics``, the sensor window is locked while acquisition runs
(``AccessException``), ``TimestampLatch`` latches the device clock (ns since power-up, not the host's). ``fetch`` paces
frames at ``AcquisitionFrameRate``, or with ``TriggerMode`` On waits for ``Device.fire_line``; it raises
``TimeoutException`` when nothing came and ``IoException`` once the camera is unplugged.
"""
from __future__ import annotations

import sys
import threading
import time
import types

import numpy as np


class TimeoutException(Exception):
    pass


class IoException(Exception):
    pass


class OutOfRangeException(Exception):
    pass


class AccessException(Exception):
    pass


class Number:
    def __init__(self, value, low, high, inc=None, locked=lambda: False):
        self._value, self.min, self.max, self.inc, self._locked = value, low, high, inc, locked

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, v):
        if self._locked():
            raise AccessException("node is not writable while acquisition runs")
        if not self.min <= v <= self.max or (self.inc and (v - self.min) % self.inc):
            raise OutOfRangeException(f"value {v} out of range {self.min}..{self.max}")
        self._value = v


class Enum:
    def __init__(self, value, symbolics, locked=lambda: False):
        self._value, self.symbolics, self._locked = value, tuple(symbolics), locked

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, v):
        if self._locked():
            raise AccessException("node is not writable while acquisition runs")
        if v not in self.symbolics:
            raise OutOfRangeException(f"{v} is not one of {self.symbolics}")
        self._value = v


class Device:
    def __init__(self, serial="40012345", *, exposure_us=(20, 1_000_000), gain_db=(0.0, 24.0),
                 pixel_formats=("Mono8", "BayerRG8"), sensor=(2048, 1536), scene=60.0, latch=True):
        self.serial, self.exposure_us, self.gain_db = serial, exposure_us, gain_db
        self.pixel_formats, self.sensor, self.scene, self.latch = pixel_formats, sensor, scene, latch
        self.plugged = True
        self.powered_at = time.monotonic_ns() - 3_600 * 10 ** 9  # the device clock counts from power-up
        self.lines: list[int] = []  # device ns of each trigger edge not yet exposed
        self.line_fired = threading.Condition()

    def now_ns(self) -> int:
        return time.monotonic_ns() - self.powered_at

    def fire_line(self, line="Line0") -> None:
        """An edge on the camera's line input (the break-beam wired to it)."""
        with self.line_fired:
            self.lines.append((line, self.now_ns()))
            self.line_fired.notify_all()

    def unplug(self):
        self.plugged = False

    def replug(self):
        self.plugged = True


class NodeMap:
    def __init__(self, device, acquiring):
        w, h = device.sensor
        d = device
        self.DeviceModelName = Enum("FakeCam GigE", ("FakeCam GigE",))
        self.PixelFormat = Enum(d.pixel_formats[0], d.pixel_formats, acquiring)
        self.WidthMax, self.HeightMax = Number(w, w, w), Number(h, h, h)
        self.Width, self.Height = Number(w, 16, w, 16, acquiring), Number(h, 2, h, 2, acquiring)
        self.OffsetX, self.OffsetY = Number(0, 0, w - 16, 4, acquiring), Number(0, 0, h - 2, 2, acquiring)
        self.ExposureAuto = Enum("Continuous", ("Off", "Once", "Continuous"))
        self.ExposureTime = Number(10_000.0, float(d.exposure_us[0]), float(d.exposure_us[1]))
        self.GainAuto = Enum("Continuous", ("Off", "Once", "Continuous"))
        self.Gain = Number(0.0, *d.gain_db)
        self.BalanceWhiteAuto = Enum("Continuous", ("Off", "Once", "Continuous"))
        self.BalanceRatioSelector = Enum("Red", ("Red", "Green", "Blue"))
        self._ratios = {"Red": Number(1.0, 0.25, 8.0), "Green": Number(1.0, 1.0, 1.0), "Blue": Number(1.0, 0.25, 8.0)}
        self.AcquisitionFrameRateEnable = Enum(False, (False, True))
        self.AcquisitionFrameRate = Number(30.0, 1.0, 120.0)
        self.TriggerSelector = Enum("FrameStart", ("FrameStart", "AcquisitionStart"))
        self.TriggerMode = Enum("Off", ("Off", "On"))
        self.TriggerSource = Enum("Line0", ("Line0", "Line1", "Software"))
        self.TriggerActivation = Enum("RisingEdge", ("RisingEdge", "FallingEdge"))
        if d.latch:
            self.TimestampLatch = types.SimpleNamespace(execute=self._latch)
            self.TimestampLatchValue = Number(0, 0, 2 ** 63)
        self._device = d

    @property
    def BalanceRatio(self):
        return self._ratios[self.BalanceRatioSelector.value]

    def _latch(self):
        self.TimestampLatchValue._value = self._device.now_ns()


class Component:
    def __init__(self, data, width, height, data_format):
        self.data, self.width, self.height, self.data_format = data, width, height, data_format


class Buffer:
    def __init__(self, component, timestamp_ns, frame_id, acquirer):
        self.payload = types.SimpleNamespace(components=[component])
        self.timestamp_ns, self.frame_id, self._acquirer = timestamp_ns, frame_id, acquirer

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._acquirer.queued += 1


class ImageAcquirer:
    def __init__(self, device):
        self.device, self.acquiring, self.destroyed, self.queued = device, False, False, 0
        self.remote_device = types.SimpleNamespace(node_map=NodeMap(device, lambda: self.acquiring))
        self._last = None
        self._frame_id = 0

    def start(self):
        self.acquiring, self._last = True, None

    def stop(self):
        self.acquiring = False

    def destroy(self):
        self.acquiring, self.destroyed = False, True

    def fetch(self, *, timeout=0):
        nodes, d = self.remote_device.node_map, self.device
        if not self.acquiring:
            raise IoException("acquisition is not running")
        deadline = time.monotonic() + (timeout or 3600)
        if nodes.TriggerMode.value == "On":
            with d.line_fired:
                while not any(line == nodes.TriggerSource.value for line, _ in d.lines):
                    if not d.plugged:
                        raise IoException("GEV device lost: heartbeat timeout")
                    if not d.line_fired.wait(max(0.0, deadline - time.monotonic())) and time.monotonic() >= deadline:
                        raise TimeoutException("no buffer within the timeout")
                index = next(i for i, (line, _) in enumerate(d.lines) if line == nodes.TriggerSource.value)
                _, exposed = d.lines.pop(index)
        else:
            period = 1.0 / (nodes.AcquisitionFrameRate.value if nodes.AcquisitionFrameRateEnable.value else 30.0)
            now = time.monotonic()
            due = now if self._last is None else max(now, self._last + period)
            if due > deadline:
                time.sleep(max(0.0, deadline - now))
                raise TimeoutException("no buffer within the timeout")
            time.sleep(max(0.0, due - now))
            self._last = due
            exposed = d.now_ns() - int(nodes.ExposureTime.value * 1000)
        if not d.plugged:
            raise IoException("GEV device lost: heartbeat timeout")
        self._frame_id += 1
        return Buffer(self._component(nodes), exposed, self._frame_id, self)

    def _component(self, nodes):
        exposure = nodes.ExposureTime.value if nodes.ExposureAuto.value == "Off" else 10_000.0
        gain = 10 ** (nodes.Gain.value / 20) if nodes.GainAuto.value == "Off" else 1.0
        level = min(255, int(self.device.scene * exposure / 10_000 * gain))
        w, h = nodes.Width.value, nodes.Height.value
        return Component(np.full(w * h, level, np.uint8), w, h, nodes.PixelFormat.value)


class DeviceInfo:
    def __init__(self, device):
        self.vendor, self.model, self.serial_number, self.id_ = "FakeVision", "FakeCam GigE", device.serial, \
            f"FakeVision-{device.serial}"


class Harvester:
    devices: list[Device] = []
    producers: set[str] = set()

    def __init__(self):
        self.files, self.device_info_list, self.acquirers = [], [], []

    def add_file(self, path, check_existence=False, check_validity=False):
        self.files.append(path)

    def update(self):
        self.device_info_list = [DeviceInfo(d) for d in type(self).devices if d.plugged] if self.files else []

    def create(self, search_key=None, *, config=None):
        plugged = [d for d in type(self).devices if d.plugged]
        if isinstance(search_key, dict):
            matches = [d for d in plugged if d.serial == search_key.get("serial_number")]
            if not matches:
                raise ValueError(f"no device matches {search_key}")
            device = matches[0]
        else:
            device = plugged[search_key or 0]
        acquirer = ImageAcquirer(device)
        self.acquirers.append(acquirer)
        return acquirer

    def reset(self):
        self.files, self.device_info_list = [], []


def install(monkeypatch, *devices: Device) -> types.ModuleType:
    """Put fake ``harvesters.core`` and ``genicam.gentl`` in ``sys.modules`` with ``devices`` attached."""
    core = types.ModuleType("harvesters.core")
    core.Harvester = type("Harvester", (Harvester,), {"devices": list(devices)})
    harvesters = types.ModuleType("harvesters")
    harvesters.core = core
    gentl = types.ModuleType("genicam.gentl")
    gentl.TimeoutException, gentl.IoException = TimeoutException, IoException
    genapi = types.ModuleType("genicam.genapi")
    genapi.OutOfRangeException, genapi.AccessException = OutOfRangeException, AccessException
    genicam = types.ModuleType("genicam")
    genicam.gentl, genicam.genapi = gentl, genapi
    for name, module in (("harvesters", harvesters), ("harvesters.core", core), ("genicam", genicam),
                         ("genicam.gentl", gentl), ("genicam.genapi", genapi)):
        monkeypatch.setitem(sys.modules, name, module)
    return core
