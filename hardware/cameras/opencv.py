"""Cameras OpenCV can open: V4L2/USB devices (index or /dev/video*), GStreamer pipelines (CSI cameras on Jetson,
RTSP), video files. A named grabber thread reads the device so that ``read`` honours its timeout."""
from __future__ import annotations

import logging
import os
import queue
import threading

import cv2

from inspector.camera_controls import CameraControls
from inspector.clock import Clock, MonotonicClock
from inspector.ports import CameraError
from inspector.types import Frame

log = logging.getLogger(__name__)

BACKENDS = {"any": cv2.CAP_ANY, "v4l2": cv2.CAP_V4L2, "gstreamer": cv2.CAP_GSTREAMER}

# calibration controls -> (property, value for the driver); automatic modes are switched off first
AUTO_OFF = (("auto exposure", cv2.CAP_PROP_AUTO_EXPOSURE, 1.0),  # V4L2 through OpenCV: 1 manual, 3 auto
            ("auto white balance", cv2.CAP_PROP_AUTO_WB, 0.0), ("autofocus", cv2.CAP_PROP_AUTOFOCUS, 0.0))
PROPERTIES = {
    "width": (cv2.CAP_PROP_FRAME_WIDTH, lambda c: c.width),
    "height": (cv2.CAP_PROP_FRAME_HEIGHT, lambda c: c.height),
    "fps": (cv2.CAP_PROP_FPS, lambda c: c.fps),
    "exposure": (cv2.CAP_PROP_EXPOSURE, lambda c: c.exposure * 10),  # V4L2 exposure_time_absolute: 100 us units
    "gain": (cv2.CAP_PROP_GAIN, lambda c: c.gain),
    "wb_temperature": (cv2.CAP_PROP_WB_TEMPERATURE, lambda c: c.wb_temperature),
    "focus": (cv2.CAP_PROP_FOCUS, lambda c: c.focus),
    "brightness": (cv2.CAP_PROP_BRIGHTNESS, lambda c: c.brightness),
}


def set_controls(cap: cv2.VideoCapture, controls: CameraControls, changed: set[str] | None = None) -> dict[str, str]:
    """Set ``controls`` (only the ``changed`` ones when given) with auto modes off; {control: why} for each the
    driver refused or took at another value."""
    refused = {}
    for name, prop, value in AUTO_OFF:
        if changed is None and not cap.set(prop, value):
            refused[name] = "the driver cannot switch it off"
    for name, (prop, driver_value) in PROPERTIES.items():
        if changed is not None and name not in changed:
            continue
        asked = float(driver_value(controls))
        if not cap.set(prop, asked):
            refused[name] = f"{getattr(controls, name):g} refused by the driver"
            continue
        got = cap.get(prop)
        if got and abs(got - asked) > max(0.5, 0.01 * abs(asked)):
            refused[name] = f"asked {asked:g}, the driver set {got:g}"
    return refused


def has_gstreamer() -> bool:
    """Whether this OpenCV build can open GStreamer pipelines (the PyPI wheels cannot)."""
    for line in cv2.getBuildInformation().splitlines():
        if line.strip().startswith("GStreamer:"):
            return "YES" in line
    return False


class OpenCVCamera:
    """``cv2.VideoCapture`` behind the ``Camera`` protocol; live frames are stamped on ``clock`` as they arrive.

    Live sources keep only the newest ``buffer`` frames (older ones are dropped and counted in ``dropped``); a video
    file is replayed frame by frame and ends with ``CameraError("replay finished: ...")``.
    """

    def __init__(self, source: int | str, backend: str = "any", *, width: int | None = None,
                 height: int | None = None, fps: float | None = None, clock: Clock | None = None,
                 name: str | None = None, buffer: int = 2, controls: CameraControls | None = None) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown OpenCV backend {backend!r}; allowed: {', '.join(BACKENDS)}")
        if isinstance(source, str) and source.strip().isdigit():
            source = int(source)  # "0" from a config file means device index 0
        self.source, self.backend = source, backend
        self.width, self.height, self.fps = width, height, fps
        self.clock = clock or MonotonicClock()
        self.name = name or f"opencv:{source}"
        self.dropped = 0
        self.controls = controls
        self.refused: dict[str, str] = {}  # controls the driver did not take, and why
        self._pending: tuple[CameraControls, set[str], threading.Event] | None = None
        self._buffer = max(int(buffer), 1)
        self._frames: queue.Queue = queue.Queue(self._buffer)
        self._stop = threading.Event()
        self._error: CameraError | None = None
        self._thread: threading.Thread | None = None
        self._is_file = False
        self._seq = 0

    def __repr__(self) -> str:
        return f"OpenCVCamera({self.source!r}, backend={self.backend!r})"

    @property
    def description(self) -> str:
        return f"camera {self.source!r} (OpenCV {self.backend})"

    def open(self) -> None:
        if self._thread is not None:
            return
        if self.backend == "gstreamer" and not has_gstreamer():
            raise CameraError(f"cannot open {self.description}: this OpenCV build has no GStreamer support "
                              "(install the distribution's python3-opencv, or use backend 'v4l2')")
        src = self.source
        if isinstance(src, str) and self.backend != "gstreamer" and not os.path.exists(src) and "://" not in src:
            raise CameraError(f"cannot open {self.description}: {src} does not exist (unplugged? wrong path?)")
        cap = cv2.VideoCapture(src, BACKENDS[self.backend])
        if not cap.isOpened():
            cap.release()
            hint = "no such device index or it is busy" if isinstance(src, int) else "the backend refused it"
            raise CameraError(f"cannot open {self.description}: {hint}")
        if self.controls is not None:
            self._note_refused(set_controls(cap, self.controls))
        else:
            for prop, value in ((cv2.CAP_PROP_FRAME_WIDTH, self.width), (cv2.CAP_PROP_FRAME_HEIGHT, self.height),
                                (cv2.CAP_PROP_FPS, self.fps)):
                if value is not None and not cap.set(prop, float(value)):
                    log.warning("%s: could not set property %d to %s", self.description, prop, value)
        self._is_file = isinstance(src, str) and os.path.isfile(src)
        self._stop.clear()
        self._error = None
        self._frames = queue.Queue(self._buffer)
        self._thread = threading.Thread(target=self._grab, args=(cap,), name=f"camera-{self.name}", daemon=True)
        self._thread.start()

    def read(self, timeout: float) -> Frame | None:
        if self._thread is None:
            raise CameraError(f"{self.description} is not open")
        if self._error is not None and self._frames.empty():
            raise self._error
        try:
            item = self._frames.get(timeout=timeout)
        except queue.Empty:
            if self._error is not None:
                raise self._error from None
            return None
        if isinstance(item, CameraError):
            raise item
        image, t = item
        self._seq += 1
        return Frame(image, self.clock.now() if t is None else t, self._seq)

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        while True:  # unblock a grabber waiting to put a file frame
            try:
                self._frames.get_nowait()
            except queue.Empty:
                break
        thread.join(timeout=2.0)
        if thread.is_alive():
            log.warning("%s: grabber did not stop within 2 s (a read is blocked in the driver)", self.description)

    def apply_controls(self, controls: CameraControls, timeout: float = 2.0) -> dict[str, str]:
        """Set the controls that changed on the running device (between two grabs); {control: why} for those the
        driver refused. Before ``open`` they are kept and set at open."""
        changed = {n for n in PROPERTIES if self.controls is None or getattr(self.controls, n) != getattr(controls, n)}
        self.controls = controls
        if self._thread is None:
            return {}
        done = threading.Event()
        self._pending = (controls, changed, done)
        if not done.wait(timeout):
            return {"all": f"the grabber did not take the controls within {timeout:g} s"}
        return {n: why for n, why in self.refused.items() if n in changed}

    def _note_refused(self, refused: dict[str, str]) -> None:
        self.refused = refused
        for name, why in refused.items():
            log.warning("%s: %s: %s", self.description, name, why)

    def _take_pending(self, cap: cv2.VideoCapture) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            controls, changed, done = pending
            self._note_refused(set_controls(cap, controls, changed))
            done.set()

    def _grab(self, cap: cv2.VideoCapture) -> None:
        try:
            while not self._stop.is_set():
                self._take_pending(cap)
                ok, image = cap.read()
                if not ok or image is None:
                    self._fail(CameraError(f"replay finished: end of video {self.source}" if self._is_file
                                           else f"{self.description} stopped delivering frames (unplugged?)"))
                    return
                self._put((image, None if self._is_file else self.clock.now()), cap)
        except Exception as exc:  # a driver error must reach the reader, not kill the thread silently
            self._fail(CameraError(f"{self.description} failed: {exc}"))
        finally:
            cap.release()

    def _put(self, item, cap: cv2.VideoCapture | None = None) -> None:
        if self._is_file:  # a replay loses nothing: wait for the reader
            while not self._stop.is_set():
                if cap is not None:
                    self._take_pending(cap)
                try:
                    self._frames.put(item, timeout=0.05)
                    return
                except queue.Full:
                    continue
            return
        while True:
            try:
                self._frames.put_nowait(item)
                return
            except queue.Full:
                try:
                    self._frames.get_nowait()
                    self.dropped += 1
                except queue.Empty:
                    pass

    def _fail(self, error: CameraError) -> None:
        self._error = error
        self._put(error)  # behind the frames still queued: the reader gets those first
