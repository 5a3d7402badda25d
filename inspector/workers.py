"""Owned worker threads: each has a name, a stop event, a join with a timeout, and a heartbeat."""
from __future__ import annotations

import os
import threading
import time
from typing import Callable


class Heartbeat:
    """When a thread last went round its loop (``beat``), or since when it has been inside a call it owes a quick
    return from (``enter``/``leave``, for callbacks on threads the station does not own). The watchdog reads it: a
    thread that is alive but stuck in a call stops beating. One writer thread; readers need no lock."""

    __slots__ = ("name", "at", "count", "busy_since")

    def __init__(self, name: str):
        self.name = name
        self.at = time.monotonic()
        self.count = 0
        self.busy_since: float | None = None

    def beat(self) -> None:
        self.at = time.monotonic()
        self.count += 1

    def enter(self) -> None:
        self.busy_since = time.monotonic()

    def leave(self) -> None:
        self.busy_since = None
        self.beat()


class Worker:
    """A named daemon thread running ``target`` until ``stop`` is set; ``join`` says whether it really ended."""

    def __init__(self, name: str, target: Callable[[], None]):
        self.name, self.target = name, target
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None
        self.heartbeat = Heartbeat(name)  # the target's loop beats it

    def start(self) -> None:
        self.stop_event.clear()
        self.heartbeat.beat()
        self.thread = threading.Thread(target=self.target, name=self.name, daemon=True)
        self.thread.start()

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def stop(self, timeout: float, wake: Callable[[], None] | None = None) -> bool:
        """Ask the thread to end (``wake`` rouses it from a wait), join it; True when it ended in time."""
        self.stop_event.set()
        if wake is not None:
            wake()
        if self.thread is None:
            return True
        self.thread.join(timeout)
        ended = not self.thread.is_alive()
        self.thread = None
        return ended


def idle_priority() -> None:
    """The calling thread runs only on a core nothing else wants (Linux SCHED_IDLE: a line thread that wakes
    preempts it at once); where that is refused, at nice 19. For work that must never delay a part: the shadow
    model, the API's live frames."""
    tid = threading.get_native_id()
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, tid, 19)
    except (AttributeError, OSError):
        pass
