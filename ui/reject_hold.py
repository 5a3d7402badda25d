"""The last REJECT (or FAIL-SAFE) held on screen: at 10 parts/s a reject is the newest part for 100 ms, too short to
read, so the verdict and the camera view keep it until someone taps it away or ``hold_s`` passes without a newer one.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

HELD_OUTCOMES = ("reject", "fail_safe")  # the parts the pusher diverted: someone may have to act on them
HOLD_S = 10.0


class RejectHold(QObject):
    changed = Signal(object)  # the InspectedPart held now, or None

    def __init__(self, parent: QObject | None = None, *, hold_s: float = HOLD_S):
        super().__init__(parent)
        self.hold_s = hold_s
        self.part = None  # the held InspectedPart
        self.newer = 0  # parts that came after it while it was held
        self._since = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.release)

    @property
    def remaining_s(self) -> float:
        """Seconds until the hold ends by itself (0 when nothing is held)."""
        if self.part is None:
            return 0.0
        return max(0.0, self.hold_s - (time.monotonic() - self._since))

    def offer(self, parts: list) -> None:
        """Newly finished parts (oldest first): the newest diverted one among them is held from now on."""
        held = [i for i, part in enumerate(parts) if part.outcome in HELD_OUTCOMES]
        if held and self.hold_s > 0:
            last = held[-1]
            self.part, self.newer, self._since = parts[last], len(parts) - 1 - last, time.monotonic()
            self._timer.start(int(self.hold_s * 1000))
            self.changed.emit(self.part)
        elif self.part is not None and parts:
            self.newer += len(parts)

    def acknowledge(self) -> None:
        """The operator saw it (tapped the banner)."""
        self.release()

    def release(self) -> None:
        self._timer.stop()
        if self.part is not None:
            self.part, self.newer = None, 0
            self.changed.emit(None)
