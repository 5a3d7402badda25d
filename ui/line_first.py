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
- the GUI thread hands its own work (the charts' refresh, the link's station updates) to ``call(key, fn)``: it runs
  now when the line is idle, else a few ms later; a newer call under the same key replaces one still waiting;
- ``hold_painting(window)``: Qt paints a window when it handles the window's update request, whoever asked for the
  update; while a part is being decided that request waits too (the widgets' updates gather meanwhile and are
  painted in one go). ``benchmarks/window_overlap.py`` measures the window's CPU time inside each decision: without
  this the window ran for more than 1 ms in one decision of five, and for longer the slower the decision (mostly the
  GUI thread).
"""
from __future__ import annotations

import time
from typing import Callable, Hashable, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer


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
        self._timer: QTimer | None = None

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
        if self._timer is None:
            self._timer = QTimer()
            self._timer.setInterval(self.poll_ms)
            self._timer.timeout.connect(self._retry)
        if not self._timer.isActive():
            self._timer.start()

    def hold_painting(self, window: QObject) -> None:
        """``window``'s paints wait, like ``call``, while a part is being decided."""
        window.installEventFilter(_PaintGate(self, window))

    def _retry(self) -> None:
        """Every ``poll_ms`` while calls wait (one timer for them all: the checks cost the cores little while a part
        is decided): those whose decision ended, or that waited ``max_wait_s``, run in the order they came."""
        busy, now = self.busy, time.monotonic()
        due = [key for key, (since, _, _) in self._waiting.items() if not busy or now - since >= self.max_wait_s]
        for key in due:
            _, fn, args = self._waiting.pop(key)
            self.overdue += busy
            fn(*args)
        if not self._waiting:
            self._timer.stop()


class _PaintGate(QObject):
    """Holds a window's update request (Qt's cue to paint every widget marked for an update) while a part is being
    decided and posts it again through ``LineFirst.call``; the request it posts itself goes through."""

    def __init__(self, first: LineFirst, window: QObject):
        super().__init__(window)
        self.first = first
        self._passing = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.UpdateRequest:
            return False
        if self._passing:
            self._passing = False
            return False
        if not self.first.busy:
            return False
        self.first.call((self, "paint"), self._release, watched)
        return True

    def _release(self, watched: QObject) -> None:
        self._passing = True
        QCoreApplication.postEvent(watched, QEvent(QEvent.Type.UpdateRequest))
