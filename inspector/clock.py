"""Clocks the line runs on: the real monotonic clock, or a manual one tests step by hand."""
from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic time line."""

    def sleep_until(self, t: float, stop: threading.Event) -> bool:
        """Block until ``now() >= t`` or ``stop`` is set; True when the time was reached."""


class MonotonicClock:
    """Wall-independent real time (``time.monotonic``)."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, t: float, stop: threading.Event) -> bool:
        while not stop.is_set():
            remaining = t - time.monotonic()
            if remaining <= 0:
                return True
            # A timed wait wakes ~0.1 ms late on Linux: no spinning, which would take a core from the inspections.
            stop.wait(min(remaining, 0.05))
        return False


class ManualClock:
    """Time that moves only when a test says so: exact, repeatable timings."""

    def __init__(self, start: float = 0.0) -> None:
        self._t = start
        self._changed = threading.Condition()

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> float:
        return self.set(self._t + seconds)

    def set(self, t: float) -> float:
        if t < self._t:
            raise ValueError(f"a clock never goes back: {t} < {self._t}")
        with self._changed:
            self._t = t
            self._changed.notify_all()
        return t

    def sleep_until(self, t: float, stop: threading.Event) -> bool:
        with self._changed:
            while self._t < t and not stop.is_set():
                self._changed.wait(0.01)
        return self._t >= t
