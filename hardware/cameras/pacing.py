"""Frame times on a 1/fps grid of the station clock, as a free-running camera delivers them."""
from __future__ import annotations

import math
import threading

from inspector.clock import Clock


class FramePacer:
    """Waits for the next exposure on the grid ``t0 + k / fps``; frames a slow reader missed are dropped, not queued."""

    def __init__(self, clock: Clock, fps: float) -> None:
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.clock, self.period = clock, 1.0 / fps
        self.dropped = 0
        self._t0: float | None = None
        self._k = 0

    def start(self) -> None:
        self._t0, self._k = self.clock.now(), 0

    def wait(self, timeout: float, stop: threading.Event) -> float | None:
        """The next frame time, after sleeping until it; None when it is not due within ``timeout`` or on ``stop``."""
        if self._t0 is None:
            self.start()
        now = self.clock.now()
        k = max(self._k + 1, math.ceil((now - self._t0) / self.period - 1e-9))
        due = self._t0 + k * self.period
        if due > now + timeout:
            self.clock.sleep_until(now + timeout, stop)
            return None
        if due > now + 1e-9 and not self.clock.sleep_until(due, stop):
            return None
        self.dropped += k - self._k - 1
        self._k = k
        return due

    def stall(self, timeout: float, stop: threading.Event) -> None:
        """Sleep out a read that gets no frame (a stalled camera)."""
        self.clock.sleep_until(self.clock.now() + timeout, stop)
