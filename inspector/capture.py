"""The capture thread: reads the camera continuously and keeps the latest frames, so a trigger can pick its own."""
from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Callable

from inspector.clock import Clock
from inspector.ports import Camera, CameraError
from inspector.types import Frame
from inspector.workers import Worker

log = logging.getLogger(__name__)


class FrameBuffer:
    """Latest frames with timestamps; ``frame_for(t)`` gives the frame that shows the part triggered at ``t``.

    That is the newest frame exposed at or before ``t`` if it is younger than ``max_age_s`` (the sensor sits in the
    camera's field, so the part is in view when the beam breaks), else the first frame exposed after ``t`` if it came
    within ``max_age_s``. A frame further away shows another part: then there is no frame for ``t``, never a wrong one.
    The line takes a part's frame at its trigger when it is already here (``frame_at``), because a part that waits in
    the queue may find its frame pushed out of the ``keep`` newest by then.
    """

    def __init__(
        self,
        camera: Camera,
        *,
        clock: Clock,
        max_age_s: float,
        keep: int = 16,
        on_camera_error: Callable[[str], None] | None = None,
        reopen_every_s: float = 1.0,
        stall_s: float | None = None,
        on_camera_back: Callable[[], None] | None = None,
    ):
        self.camera = camera
        self.clock = clock
        self.max_age_s = max_age_s
        self._frames: collections.deque[Frame] = collections.deque(maxlen=keep)
        self._new_frame = threading.Condition()
        self._worker = Worker("capture", self._run)
        self._stop = self._worker.stop_event
        self._on_camera_error = on_camera_error or (lambda message: None)
        self._on_camera_back = on_camera_back or (lambda: None)
        self._reopen_every_s = reopen_every_s
        # A free-running camera that delivers nothing for stall_s is lost, as if unplugged (None: never, e.g. a
        # hardware-triggered camera, idle between parts)
        self.stall_s = stall_s
        self._last_frame_at = self._reopened_at = time.monotonic()
        self.frames_read = 0
        self.sequence_gaps = 0  # frames the camera numbered that never reached the buffer
        self.read_timeouts = 0  # reads that brought nothing (a stalled camera; idle for a triggered one)
        self.camera_ok = True
        self._last_seq: int | None = None

    @property
    def dropped_frames(self) -> int:
        """Frames exposed but never delivered: sequence gaps plus what the camera itself reports dropping."""
        return self.sequence_gaps + int(getattr(self.camera, "dropped", 0) or 0)

    def latest(self) -> Frame | None:
        with self._new_frame:
            return self._frames[-1] if self._frames else None

    def frame_at(self, t: float) -> Frame | None:
        """The newest frame exposed at or before ``t`` if younger than ``max_age_s``; never waits."""
        with self._new_frame:
            return self._at_or_before(t)

    def _at_or_before(self, t: float) -> Frame | None:
        for frame in reversed(self._frames):
            if frame.t <= t:
                return frame if t - frame.t <= self.max_age_s else None
        return None

    def frame_for(self, t: float, timeout: float) -> Frame | None:
        deadline = time.monotonic() + timeout
        with self._new_frame:
            while True:
                frame = self._at_or_before(t)
                if frame is not None:
                    return frame
                after = next((f for f in self._frames if f.t > t), None)
                if after is not None:
                    return after if after.t - t <= self.max_age_s else None
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stop.is_set():
                    return None
                self._new_frame.wait(remaining)

    def push(self, frame: Frame) -> None:
        """Add a frame (the capture thread does this; tests may too)."""
        with self._new_frame:
            if self._last_seq is not None and frame.seq > self._last_seq + 1:
                self.sequence_gaps += frame.seq - self._last_seq - 1
            self._last_seq = frame.seq
            self._frames.append(frame)
            self.frames_read += 1
            self._new_frame.notify_all()

    def start(self) -> None:
        self._last_frame_at = time.monotonic()
        self._worker.start()

    @property
    def heartbeat(self):
        """The capture thread's: it beats once per read, a frame or a timeout (at most 0.5 s apart)."""
        return self._worker.heartbeat

    @property
    def alive(self) -> bool:
        return self._worker.alive

    def _run(self) -> None:
        beat = self._worker.heartbeat.beat
        while not self._stop.is_set():
            beat()
            try:
                frame = self.camera.read(timeout=min(0.5, self.stall_s or 0.5))
            except CameraError as e:
                self._lost(str(e))
                continue
            except Exception as e:  # a driver bug must not end capture silently
                self._lost(f"camera read failed: {e!r}")
                continue
            if frame is None:
                self.read_timeouts += 1
                silent = time.monotonic() - self._last_frame_at
                if self.stall_s is not None and silent >= self.stall_s:
                    self._stalled(f"camera stalled: no frame for {silent:.2f} s (limit {self.stall_s:.2f} s)")
                continue
            self._last_frame_at = time.monotonic()
            if not self.camera_ok:
                log.warning("camera is back")
                self.camera_ok = True
                self._on_camera_back()
            self.push(frame)

    def _lost(self, message: str) -> None:
        if self.camera_ok:
            log.error("camera lost: %s", message)
            self._on_camera_error(message)
        self.camera_ok = False
        if self._stop.wait(self._reopen_every_s):
            return
        self._reopen()

    def _stalled(self, message: str) -> None:
        """Lost as if unplugged, but reads go on between reopen attempts: a stall may end by itself."""
        if self.camera_ok:
            log.error("camera lost: %s", message)
            self._on_camera_error(message)
            self.camera_ok = False
        if time.monotonic() - self._reopened_at >= self._reopen_every_s:
            self._reopen()

    def _reopen(self) -> None:
        self._reopened_at = time.monotonic()
        try:
            self.camera.close()
            self.camera.open()
        except CameraError as e:
            log.debug("camera still unavailable: %s", e)
        except Exception as e:
            log.debug("camera reopen failed: %r", e)

    def stop(self, timeout: float = 1.0) -> bool:
        return self._worker.stop(timeout, wake=self._wake)

    def _wake(self) -> None:
        with self._new_frame:
            self._new_frame.notify_all()
