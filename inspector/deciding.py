"""Which parts are being decided right now: from the trigger to the decision.

Whoever shares the machine with the line and can wait uses it to keep out of the way. On a small board the window's
drawing on one core slows an inspection on the other (the cores share caches and memory bandwidth): measured on the
2-core development machine, an ONNX Runtime run of the counter takes 1.85x as long while the other core is busy. So
the window defers its own work, for a bounded time, while a part is being decided (``ui/line_first.py``).
"""
from __future__ import annotations

import threading
import time


class Deciding:
    """The set of part ids between trigger and decision. Cheap to read from any thread."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._parts: set[int] = set()
        self.idle_since = time.monotonic()  # when the last decision ended (time.monotonic)

    @property
    def busy(self) -> bool:
        return bool(self._parts)

    def begin(self, part_id: int) -> None:
        with self._changed:
            self._parts.add(part_id)

    def end(self, part_id: int) -> None:
        """The part is decided (or given up); ending it twice is harmless."""
        with self._changed:
            self._parts.discard(part_id)
            if not self._parts:
                self.idle_since = time.monotonic()
                self._changed.notify_all()

    def clear(self) -> None:
        with self._changed:
            self._parts.clear()
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no part is being decided, at most ``timeout`` seconds; True when idle."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._parts, timeout)
