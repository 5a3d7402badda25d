"""Owned worker threads: each has a name, a stop event, and a join with a timeout."""
from __future__ import annotations

import threading
from typing import Callable


class Worker:
    """A named daemon thread running ``target`` until ``stop`` is set; ``join`` says whether it really ended."""

    def __init__(self, name: str, target: Callable[[], None]):
        self.name, self.target = name, target
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.stop_event.clear()
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
