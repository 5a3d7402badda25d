"""Drawing off the GUI thread: scaling frames and drawing overlays happen on a worker, the event loop only blits.

A view submits a job under a key; a newer job under the same key replaces one not yet started (so only the newest
frame is drawn), and the result comes back on the GUI thread through ``done``. The drawing itself is OpenCV, which
runs without the GIL, so neither the event loop nor the line's threads wait for it.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Callable, Hashable

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


def _yield_to_the_line(niceness: int = 10) -> None:
    """Lower this thread's CPU priority (Linux: per thread): drawing must never take a core from an inspection."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):
        pass


class Renderer(QObject):
    done = Signal(object, object)  # key, result (on the GUI thread)

    def __init__(self, name: str, *, limit: int = 32, idle_s: float = 1.0, wait: Callable[[], None] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.name, self.limit, self.idle_s = name, limit, idle_s
        self.wait = wait  # called before each job: the line first (``LineFirst.wait``)
        self._jobs: dict[Hashable, tuple[Callable, tuple]] = {}
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.replaced = 0  # jobs dropped for a newer one before they started

    def connect(self, slot: Callable[[object, object], None]) -> None:
        """Call ``slot(key, result)`` on the GUI thread for each finished job."""
        self.done.connect(slot, Qt.ConnectionType.QueuedConnection)

    def submit(self, key: Hashable, job: Callable, *args) -> None:
        with self._wake:
            if self._jobs.pop(key, None) is not None:
                self.replaced += 1
            self._jobs[key] = (job, args)
            while len(self._jobs) > self.limit:
                self._jobs.pop(next(iter(self._jobs)))
                self.replaced += 1
            self._wake.notify()
            if self._thread is None and not self._stop.is_set():  # started on demand, ends when idle
                self._thread = threading.Thread(target=self._run, name=f"render-{self.name}", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        _yield_to_the_line()
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._jobs or self._stop.is_set(), self.idle_s)
                if self._stop.is_set():
                    return
                if not self._jobs:
                    self._thread = None
                    return
                key = next(iter(self._jobs))
                job, args = self._jobs.pop(key)
            try:
                if self.wait is not None:
                    self.wait()
                result = job(*args)
            except Exception:
                log.exception("rendering %s failed", key)
                continue
            if self._stop.is_set():
                return
            try:
                self.done.emit(key, result)
            except RuntimeError:  # the view was deleted while its job ran (Qt deletes the C++ side first)
                return

    def stop(self, timeout: float = 1.0) -> bool:
        """Drop what is pending and end the worker; True when it ended within ``timeout``."""
        self._stop.set()
        with self._wake:
            self._jobs.clear()
            self._wake.notify_all()
        with self._wake:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True
