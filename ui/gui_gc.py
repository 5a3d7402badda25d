"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, a collection starts in whichever thread happens to allocate: the line's workers, the renderers. A
window (or any Qt object in a reference cycle) that became garbage is then destroyed from that thread, which Qt
forbids ("Timers cannot be stopped from another thread", "shared QObject was deleted directly") and which crashed
the process some time later (``python -m ui.screenshots`` under Xvfb: 3 of 3 runs). Here automatic collection is off
while the application runs and a timer on the GUI thread collects instead, so Qt objects die where they live.
Reference counting still frees everything that is not in a cycle at once.
"""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QApplication

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Every tick collects the youngest generation on the GUI thread, and the older ones in Python's own ratios
    (generation 1 every ``threshold[1]`` young collections, 2 every ``threshold[2]`` of those). Young collections go
    by time, not by the allocation count: a worker's burst of allocations is freed again before a tick could see it."""

    def __init__(self, app: QCoreApplication, interval_ms: int = INTERVAL_MS):
        super().__init__(app)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        app.aboutToQuit.connect(self.stop)
        self.start()

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def check(self) -> None:
        _, young_runs, middle_runs = gc.get_count()
        generation = 0
        if young_runs >= self.thresholds[1]:
            generation = 2 if middle_runs >= self.thresholds[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        """The last collection on the GUI thread, then automatic collection as before."""
        self.timer.stop()
        gc.collect()
        gc.enable()


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Install the collector once per application; a later call returns it, running again if an event loop ended."""
    existing = app.findChild(GuiThreadCollector)
    if existing is None:
        return GuiThreadCollector(app)
    if not existing.timer.isActive():
        existing.start()
    return existing


def application() -> QApplication:
    """The process's QApplication (made on first use) with the collector installed."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    collect_on_gui_thread(app)
    return app
