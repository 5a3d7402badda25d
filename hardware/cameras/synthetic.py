"""A camera over the synthetic line: it shows whatever the simulator puts in view, stamped on the station clock."""
from __future__ import annotations

import threading

from hardware.cameras.imaging import DEFAULT_IN_FOCUS, apply_imaging
from hardware.cameras.pacing import FramePacer
from hardware.synthetic import Rendered, render_empty
from inspector.camera_controls import CameraControls
from inspector.clock import Clock, MonotonicClock
from inspector.ports import CameraError
from inspector.types import Frame


class SyntheticCamera:
    """Delivers the item in view (:meth:`show`) at ``fps`` on ``clock`` when ``paced``, at once otherwise.

    Frames share the rendered array (no copy, marked read-only). Fault injection for tests and drills:
    :meth:`unplug` / :meth:`replug` (reads raise :class:`CameraError`), :meth:`blackout` (the next reads get nothing,
    as from a stalled camera). On a ``ManualClock`` a paced read waits until the test moves the clock to the next
    exposure (``t0 + k / fps``); unpaced reads never wait.

    Imaging controls (:meth:`apply_controls`) act as on a real sensor: exposure, gain and brightness change the
    brightness, white balance the colour, focus the sharpness (sharpest at ``in_focus``), and resolution and frame
    rate the frames delivered. See ``hardware.cameras.imaging``.
    """

    def __init__(self, *, clock: Clock | None = None, fps: float = 30.0, size: tuple[int, int] = (640, 480),
                 paced: bool = True, triggered: bool = False, name: str = "synthetic",
                 in_focus: float = DEFAULT_IN_FOCUS) -> None:
        self.clock = clock or MonotonicClock()
        self.fps, self.size, self.paced, self.name = fps, tuple(size), paced, name
        self.in_focus = in_focus
        # what the camera does now, even where outside the calibration ranges (a test's tiny frames, a slow rate)
        self.controls = CameraControls.model_construct(width=self.size[0], height=self.size[1], fps=fps, focus=in_focus)
        self._item: Rendered | None = None
        self.triggered = triggered
        self._shown = threading.Condition()
        self._exposures: list[float] = []  # triggered mode: one exposure per show(), stamped when shown
        self._pacer = FramePacer(self.clock, fps)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._open = False
        self._unplugged = False
        self._blackout = 0
        self._seq = 0
        self._view = self._as_view(None)

    def __repr__(self) -> str:
        return f"SyntheticCamera(name={self.name!r}, fps={self.fps}, paced={self.paced})"

    @property
    def dropped(self) -> int:
        """Frames the camera exposed that no read took (paced only)."""
        return self._pacer.dropped

    def open(self) -> None:
        if self._unplugged:
            raise CameraError(f"synthetic camera {self.name!r}: cannot open, unplugged")
        self._stop.clear()
        self._pacer.start()
        self._open = True

    def close(self) -> None:
        self._open = False
        self._stop.set()

    def show(self, item: Rendered | None) -> None:
        """Put ``item`` in view (None: the bare belt). Safe from any thread."""
        view = self._as_view(item)
        with self._lock:
            self._view, self._item = view, item
        if self.triggered:
            with self._shown:
                self._exposures.append(self.clock.now())
                self._shown.notify_all()

    def read(self, timeout: float) -> Frame | None:
        self._check()
        with self._lock:
            stalled = self._blackout > 0
            self._blackout -= stalled
        if stalled:
            if self.paced:
                self._pacer.stall(timeout, self._stop)
            return None
        if self.triggered:
            return self._read_triggered(timeout)
        t = self._pacer.wait(timeout, self._stop) if self.paced else self.clock.now()
        if self._unplugged:
            self._check()
        if t is None:
            return None
        with self._lock:
            image, truth = self._view
            self._seq += 1
            return Frame(image, t, self._seq, truth)

    def _read_triggered(self, timeout: float) -> Frame | None:
        """Hardware-trigger mode: exactly one frame per :meth:`show`, exposed when shown."""
        with self._shown:
            if not self._shown.wait_for(lambda: self._exposures or self._stop.is_set(), timeout) or not self._exposures:
                self._check()
                return None
            t = self._exposures.pop(0)
            with self._lock:
                image, truth = self._view
                self._seq += 1
                return Frame(image, t, self._seq, truth)

    def unplug(self) -> None:
        self._unplugged = True
        self._stop.set()  # wake a waiting read so it notices
        with self._shown:
            self._shown.notify_all()

    def replug(self) -> None:
        self._unplugged = False
        if self._open:
            self._stop.clear()

    def blackout(self, n: int) -> None:
        """The next ``n`` reads return None after their timeout (paced) or at once (not paced)."""
        with self._lock:
            self._blackout = int(n)

    def _check(self) -> None:
        if self._unplugged:
            raise CameraError(f"synthetic camera {self.name!r} unplugged: no frames")
        if not self._open:
            raise CameraError(f"synthetic camera {self.name!r} is not open")

    def apply_controls(self, controls: CameraControls) -> dict[str, str]:
        """Take ``controls`` from the next frame on; the synthetic sensor honours every value in range."""
        with self._lock:
            previous, self.controls = self.controls, controls
            if controls.fps != previous.fps:
                self.fps = controls.fps
                self._pacer = FramePacer(self.clock, controls.fps)
                self._pacer.start()
            self._view = self._as_view(self._item)
        return {}

    def _as_view(self, item: Rendered | None):
        item = item or render_empty(self.size)
        image = item.image.view()
        image.flags.writeable = False
        return apply_imaging(image, self.controls, self.in_focus), item.truth
