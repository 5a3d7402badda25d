"""The line first: the window's drawing waits while a part is being decided, never longer than ``max_wait_s``.

The window is a process of its own, but on the line's screen it shares the board with the line: over the local socket
the link attaches the runtime's "deciding now" word in shared memory (``inspector.api.deciding_flag``); a window on
another machine has none, and every call runs at once.

On a small board the window's work on one core slows an inspection on the other (shared caches and memory
bandwidth), which showed as a longer trigger→decision tail with the window open than headless. An inspection takes a
few milliseconds, so the window loses almost nothing by waiting for it (``benchmarks/bench_window.py`` measures the
decision p99 with the window attached against headless); at a saturated line, where some part is always being
decided, each piece of work waits ``max_wait_s`` at most and the window still draws.

- worker threads (scaling, overlays) call ``wait()`` before each job;
- the GUI thread hands work to ``call(key, fn)``: it runs now when the line is idle, else a few ms later; a newer
  call under the same key replaces one still waiting (only the newest frame is drawn).
"""
from __future__ import annotations

import time
from typing import Callable, Hashable, Protocol

from PySide6.QtCore import QTimer


class Deciding(Protocol):
    """``inspector.deciding.Deciding`` in the same process, ``inspector.api.deciding_flag.DecidingView`` in another."""

    @property
    def busy(self) -> bool: ...

    def wait_idle(self, timeout: float) -> bool: ...


class LineFirst:
    def __init__(self, deciding: Deciding | None = None, *, max_wait_s: float = 0.025, poll_ms: int = 2):
        self.deciding, self.max_wait_s, self.poll_ms = deciding, max_wait_s, poll_ms
        self._waiting: dict[Hashable, tuple[float, Callable, tuple]] = {}
        self.deferred = 0  # GUI calls that waited for a decision
        self.overdue = 0  # GUI calls that ran while a part was still being decided, after max_wait_s

    def attach(self, deciding: Deciding | None) -> None:
        self.deciding = deciding

    @property
    def busy(self) -> bool:
        return self.deciding is not None and self.deciding.busy

    def wait(self) -> None:
        """Worker threads: block while a part is being decided, ``max_wait_s`` at most."""
        deciding = self.deciding
        if deciding is not None and deciding.busy:
            deciding.wait_idle(self.max_wait_s)

    def call(self, key: Hashable, fn: Callable, *args) -> None:
        """GUI thread: ``fn(*args)`` now if no part is being decided, else as soon as none is (bounded)."""
        if key in self._waiting:
            since = self._waiting[key][0]
            self._waiting[key] = (since, fn, args)
            return
        if not self.busy:
            fn(*args)
            return
        self.deferred += 1
        self._waiting[key] = (time.monotonic(), fn, args)
        QTimer.singleShot(self.poll_ms, lambda: self._retry(key))

    def _retry(self, key: Hashable) -> None:
        entry = self._waiting.get(key)
        if entry is None:
            return
        since, fn, args = entry
        late = time.monotonic() - since >= self.max_wait_s
        if self.busy and not late:
            QTimer.singleShot(self.poll_ms, lambda: self._retry(key))
            return
        self.overdue += late and self.busy
        del self._waiting[key]
        fn(*args)
