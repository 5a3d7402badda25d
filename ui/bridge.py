"""From the line's threads to the GUI thread: finished parts and alarms, through queued signals.

The line calls the bridge's listeners on its worker threads; they only append to a list and, when no delivery is
already on its way, emit a signal. The GUI thread then takes everything pending at once. So the line never waits for
the GUI, and a GUI that falls behind gets one batch instead of a growing queue of events.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal, Slot

from inspector.record import PartRecord
from inspector.types import Frame
from ui.model import InspectedPart, StationModel


class LineBridge(QObject):
    parts_pending = Signal()
    alarms_pending = Signal(list)

    def __init__(self, model: StationModel, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self._lock = threading.Lock()
        self._pending: list[InspectedPart] = []
        self._posted = False
        self._line = None
        self._layout = self._roi = None
        self.batches = 0  # deliveries to the GUI thread
        self.parts_pending.connect(self._deliver_parts, Qt.ConnectionType.QueuedConnection)
        self.alarms_pending.connect(self._deliver_alarms, Qt.ConnectionType.QueuedConnection)

    def attach(self, line) -> None:
        """Listen to ``line`` (a ``inspector.line.Line``) from now on."""
        self.detach()
        self._line = line
        self._layout = line.recipe.layout
        self._roi = getattr(line.models, "roi", None)
        line.listeners.append(self.on_part)
        line.alarms.listeners.append(self.on_alarms)
        self.model.set_alarms(line.alarms.active)

    def detach(self) -> None:
        line, self._line = self._line, None
        if line is None:
            return
        for listeners, callback in ((line.listeners, self.on_part), (line.alarms.listeners, self.on_alarms)):
            try:
                listeners.remove(callback)
            except ValueError:
                pass

    # -- the line's threads ------------------------------------------------------------------------------------
    def on_part(self, record: PartRecord, frame: Frame | None, results: list) -> None:
        part = InspectedPart(record, frame, tuple(results), self._layout, self._roi)
        with self._lock:
            self._pending.append(part)
            if self._posted:
                return
            self._posted = True
        self.parts_pending.emit()

    def on_alarms(self, active: list) -> None:
        self.alarms_pending.emit(list(active))

    # -- the GUI thread ----------------------------------------------------------------------------------------
    @Slot()
    def _deliver_parts(self) -> None:
        self.model.line_first.call((self, "parts"), self._take_parts)  # after the part being decided, if any

    def _take_parts(self) -> None:
        with self._lock:
            parts, self._pending, self._posted = self._pending, [], False
        self.batches += 1
        self.model.add_parts(parts)

    @Slot(list)
    def _deliver_alarms(self, active: list) -> None:
        current = self._line.alarms.active if self._line is not None else active
        self.model.set_alarms(current)  # the newest state, whatever order the signals came in
