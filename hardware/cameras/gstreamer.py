"""GStreamer cameras: a Jetson CSI camera (``nvarguscamerasrc``), an RTSP IP camera, or a pipeline of your own.

``source`` says which: an int or ``"nvargus:N"`` is the Jetson CSI sensor N, ``"rtsp://..."`` an IP camera, any other
string a pipeline (ending in ``appsink name=sink``, or BGR conversion and that sink are appended).

Frames come through PyGObject (``gi.repository.Gst``): appsink ``try-pull-sample``, stamped with the buffer's PTS on
the pipeline clock (base time + PTS: CLOCK_MONOTONIC ns, GStreamer's system clock). Without PyGObject a
GStreamer-enabled OpenCV (the Jetson's own python3-opencv) runs the same pipeline, frames stamped on arrival.

Controls (``nvarguscamerasrc`` only; an RTSP stream carries none, set them in the camera):

====================  ==========================================  =========================================
station control       nvarguscamerasrc property                   live?
====================  ==========================================  =========================================
exposure (ms)         ``exposuretimerange="ns ns"`` (pinned)      live (PyGObject); OpenCV: pipeline restart
gain                  ``gainrange="g g"``, g = 2^(gain / 20)      live (PyGObject); OpenCV: pipeline restart
wb_temperature (K)    ``wbmode`` preset nearest the temperature   live (PyGObject); OpenCV: pipeline restart
width, height, fps    the NVMM caps after the source              pipeline restart (new caps)
focus, brightness     none: refused                               —
====================  ==========================================  =========================================

The plugin sets the live properties on the next capture request (NVIDIA's plugin source); nvarguscamerasrc does not
report the sensor's limits, so values are checked against the plugin's documented ranges and Argus clamps further to
the sensor mode.
"""
from __future__ import annotations

import logging
import re
import threading

import numpy as np

from hardware.cameras import control_units as units
from hardware.cameras.device_time import DeviceTime
from hardware.cameras.opencv import OpenCVCamera, has_gstreamer
from inspector.camera_controls import CameraControls
from inspector.clock import Clock, MonotonicClock
from inspector.ports import CameraError
from inspector.types import Frame

log = logging.getLogger(__name__)

ARGUS_EXPOSURE_NS = (34_000, 358_733_000)  # the plugin's documented exposuretimerange
ARGUS_GAIN = (1.0, 16.0)  # its documented gainrange
WB_PRESETS = {2: ("incandescent", 2700.0), 4: ("warm-fluorescent", 3000.0), 3: ("fluorescent", 4000.0),
              5: ("daylight", 5500.0), 6: ("cloudy-daylight", 6500.0), 8: ("shade", 7500.0)}
WB_TOLERANCE_K = 300.0
SINK = "appsink name=sink max-buffers=2 drop=true sync=false"
LIVE = ("exposure", "gain", "wb_temperature")


def nearest_wb_mode(kelvin: float) -> int:
    return min(WB_PRESETS, key=lambda mode: abs(WB_PRESETS[mode][1] - kelvin))


def load_gst():
    """``Gst`` from PyGObject, initialised; None when PyGObject or its GStreamer typelib is missing."""
    try:
        import gi

        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
    except (ImportError, ValueError):
        return None
    Gst.init(None)
    return Gst


def argus_refusals(c: CameraControls) -> dict[str, str]:
    refused = {}
    lo, hi = ARGUS_EXPOSURE_NS
    for name, why in (("exposure", units.outside("exposure", c.exposure, "ms", lo / 1e6, hi / 1e6,
                                                  "exposuretimerange")),
                      ("gain", units.outside("gain", c.gain, "", units.gain_from_factor(ARGUS_GAIN[0]),
                                             units.gain_from_factor(ARGUS_GAIN[1]), "gainrange"))):
        if why:
            refused[name] = why
    mode = nearest_wb_mode(c.wb_temperature)
    label, kelvin = WB_PRESETS[mode]
    if abs(kelvin - c.wb_temperature) > WB_TOLERANCE_K:
        refused["wb_temperature"] = (f"asked {c.wb_temperature:g} K; nvarguscamerasrc has presets only, nearest "
                                     f"wbmode {label} ({kelvin:g} K)")
    refused["focus"] = "nvarguscamerasrc has no focus control (focus the lens by hand)"
    if c.brightness:
        refused["brightness"] = "nvarguscamerasrc has no brightness control (use exposure or gain)"
    return refused


class GStreamerCamera:
    """A GStreamer pipeline behind the ``Camera`` protocol. See the module docstring for sources and controls."""

    def __init__(self, source: int | str = 0, *, width: int = 640, height: int = 480, fps: float = 30.0,
                 clock: Clock | None = None, name: str | None = None, controls: CameraControls | None = None,
                 latency_ms: int = 200) -> None:
        if isinstance(source, str) and source.strip().isdigit():
            source = int(source)
        if isinstance(source, str) and source.startswith("nvargus:"):
            source = int(source.removeprefix("nvargus:") or 0)
        self.source = source
        self.kind = "nvargus" if isinstance(source, int) else "rtsp" if "://" in source else "pipeline"
        self.clock = clock or MonotonicClock()
        self.name = name or f"gstreamer:{source}"
        self.controls = controls or CameraControls.model_construct(width=width, height=height, fps=fps)
        self._calibrated = controls is not None
        self.latency_ms = latency_ms
        self.refused: dict[str, str] = {}
        self.via: str | None = None  # "pygobject" or "opencv" once open
        self._gst = None
        self._pipeline = self._sink = self._src = None
        self._opencv: OpenCVCamera | None = None
        self._time = DeviceTime(self.clock, base="monotonic", name=self.description)
        self._lock = threading.Lock()
        self._restarting = False
        self._restarted = threading.Event()
        self._seq = 0

    def __repr__(self) -> str:
        return f"GStreamerCamera({self.source!r})"

    @property
    def description(self) -> str:
        what = {"nvargus": f"Jetson CSI sensor {self.source}", "rtsp": f"RTSP camera {self.source}"}
        return f"{what.get(self.kind, 'GStreamer pipeline')} (GStreamer)"

    @property
    def dropped(self) -> int:
        return self._opencv.dropped if self._opencv is not None else 0

    def pipeline(self) -> str:
        """The pipeline description for the current controls."""
        c = self.controls
        caps = f"width={int(c.width)},height={int(c.height)}"
        if self.kind == "nvargus":
            props = f"sensor-id={self.source}"
            if self._calibrated:
                exposure_ns = int(round(c.exposure * 1e6))
                gain = units.gain_factor(c.gain)
                props += (f' wbmode={nearest_wb_mode(c.wb_temperature)} exposuretimerange="{exposure_ns} {exposure_ns}"'
                          f' gainrange="{gain:.3f} {gain:.3f}" ispdigitalgainrange="1 1"')
            rate = f"{int(round(c.fps * 1000))}/1000"
            return (f"nvarguscamerasrc name=src {props} ! video/x-raw(memory:NVMM),{caps},framerate={rate} ! "
                    f"nvvidconv ! video/x-raw,format=BGRx ! videoconvert ! video/x-raw,format=BGR ! {SINK}")
        if self.kind == "rtsp":
            return (f"rtspsrc location={self.source} latency={self.latency_ms} ! decodebin ! videoconvert ! "
                    f"videoscale ! video/x-raw,format=BGR,{caps} ! {SINK}")
        if "appsink" in self.source:
            return self.source
        return f"{self.source} ! videoconvert ! video/x-raw,format=BGR ! {SINK}"

    def open(self) -> None:
        if self._pipeline is not None or self._opencv is not None:
            return
        self._gst = load_gst()
        if self._gst is not None:
            self._open_gi()
            self.via = "pygobject"
        elif has_gstreamer():
            self._opencv = OpenCVCamera(self.pipeline(), "gstreamer", clock=self.clock, name=self.name)
            self._opencv.open()
            self.via = "opencv"
        else:
            raise CameraError(f"cannot open {self.description}: neither PyGObject (python3-gi, gir1.2-gst-plugins-base"
                              "-1.0) nor an OpenCV built with GStreamer is installed")
        self._note(self._refusals(self.controls, set(self._control_names())))

    def _open_gi(self) -> None:
        Gst = self._gst
        description = self.pipeline()
        try:
            pipeline = Gst.parse_launch(description)
        except Exception as e:
            raise CameraError(f"cannot open {self.description}: pipeline refused: {e} ({description})") from None
        if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            why = self._bus_error(pipeline) or "the pipeline would not start"
            pipeline.set_state(Gst.State.NULL)
            raise CameraError(f"cannot open {self.description}: {why}")
        self._pipeline, self._sink = pipeline, pipeline.get_by_name("sink")
        self._src = pipeline.get_by_name("src")
        self._time.reset()

    def _bus_error(self, pipeline) -> str | None:
        Gst = self._gst
        message = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR | Gst.MessageType.EOS)
        if message is None:
            return None
        if message.type == Gst.MessageType.EOS:
            return "the stream ended (EOS)"
        error, _debug = message.parse_error()
        return str(error.message)

    def read(self, timeout: float) -> Frame | None:
        inner, pipeline, sink = self._opencv, self._pipeline, self._sink
        if inner is None and pipeline is None:
            if self._restarting:  # a control change restarts the pipeline: no frame, but not a lost camera
                self._restarted.wait(timeout)
                return None
            raise CameraError(f"{self.description} is not open")
        if inner is not None:
            return inner.read(timeout)
        sample = sink.emit("try-pull-sample", int(timeout * 1e9))
        if sample is None:
            why = self._bus_error(pipeline)
            if why:
                raise CameraError(f"{self.description} failed: {why} (unplugged?)")
            return None
        image, stamp = self._image(sample, pipeline)
        self._seq += 1
        return Frame(image, self._time.station_time(stamp), self._seq)

    def _image(self, sample, pipeline) -> tuple[np.ndarray, float | None]:
        Gst = self._gst
        structure = sample.get_caps().get_structure(0)
        width, height = structure.get_value("width"), structure.get_value("height")
        buffer = sample.get_buffer()
        ok, info = buffer.map(Gst.MapFlags.READ)
        if not ok:
            raise CameraError(f"{self.description}: a frame buffer could not be read")
        try:
            rows = np.frombuffer(info.data, np.uint8).reshape(height, -1)  # rows may be padded to 4 bytes
            image = rows[:, : width * 3].reshape(height, width, 3).copy()
        finally:
            buffer.unmap(info)
        pts = buffer.pts
        stamp = None if pts == Gst.CLOCK_TIME_NONE else (pipeline.get_base_time() + pts) / 1e9
        return image, stamp

    def close(self) -> None:
        inner, self._opencv = self._opencv, None
        if inner is not None:
            inner.close()
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            pipeline.set_state(self._gst.State.NULL)

    def apply_controls(self, controls: CameraControls) -> dict[str, str]:
        """Set the controls that changed: live on the source where it can, else by restarting the pipeline."""
        names = self._control_names()
        changed = {n for n in names if getattr(self.controls, n) != getattr(controls, n)}
        was_calibrated, self._calibrated = self._calibrated, True
        refused = self._refusals(controls, changed)
        blocked = {n for n, why in refused.items() if not why.startswith("asked")}  # a preset near enough is taken
        old = self.controls
        self.controls = controls.model_copy(update={n: getattr(old, n) for n in blocked})  # never into a pipeline
        running = self._pipeline is not None or self._opencv is not None
        take = changed - blocked
        if running and take:
            with self._lock:
                if self._pipeline is not None and self.kind == "nvargus" and was_calibrated and take <= set(LIVE):
                    self._set_live(self.controls, take)
                else:
                    self._restart()
        self._note({**self.refused, **refused})
        return {n: why for n, why in refused.items() if n in changed}

    def _restart(self) -> None:
        self._restarting = True
        self._restarted.clear()
        try:
            self.close()
            self.open()
        finally:
            self._restarting = False
            self._restarted.set()

    def device_controls(self) -> dict[str, float]:
        """What the Argus source holds now, in station units: its live properties through PyGObject, the running
        pipeline's through OpenCV (which cannot read them back)."""
        if self.kind != "nvargus" or not self._calibrated:
            return {}
        if self._src is not None and self._pipeline is not None:
            props = {n: str(self._src.get_property(n)) for n in ("exposuretimerange", "gainrange", "wbmode")}
        elif self._opencv is not None:
            props = dict(re.findall(r'(exposuretimerange|gainrange|wbmode)="?([\d. ]+)"?', str(self._opencv.source)))
        else:
            return {}
        out = {"exposure": float(props["exposuretimerange"].split()[0]) / 1e6,
               "gain": units.gain_from_factor(float(props["gainrange"].split()[0]))}
        mode = int(props["wbmode"])
        if mode in WB_PRESETS:
            out["wb_temperature"] = WB_PRESETS[mode][1]
        return out

    def _control_names(self) -> tuple[str, ...]:
        if self.kind == "nvargus":
            return (*LIVE, "focus", "brightness", "width", "height", "fps")
        if self.kind == "rtsp":
            return ("exposure", "gain", "wb_temperature", "focus", "brightness", "width", "height", "fps")
        return ()

    def _refusals(self, c: CameraControls, names: set[str]) -> dict[str, str]:
        if self.kind == "nvargus":
            refused = argus_refusals(c) if self._calibrated else {}
        elif self.kind == "rtsp":
            refused = {n: "an RTSP stream carries no camera controls: set it in the camera (its web page / ONVIF)"
                       for n in ("exposure", "gain", "wb_temperature", "focus", "brightness", "fps")}
        else:
            refused = {}
        return {n: why for n, why in refused.items() if n in names}

    def _set_live(self, c: CameraControls, names: set[str]) -> None:
        if "exposure" in names:
            ns = int(round(c.exposure * 1e6))
            self._src.set_property("exposuretimerange", f"{ns} {ns}")
        if "gain" in names:
            g = units.gain_factor(c.gain)
            self._src.set_property("gainrange", f"{g:.3f} {g:.3f}")
        if "wb_temperature" in names:
            self._src.set_property("wbmode", nearest_wb_mode(c.wb_temperature))

    def _note(self, refused: dict[str, str]) -> None:
        for name, why in refused.items():
            if self.refused.get(name) != why:
                log.warning("%s: %s: %s", self.description, name, why)
        self.refused = refused
