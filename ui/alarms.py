"""The alarm banner: every active alarm as a big button that stays until someone taps it to acknowledge."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QSizePolicy, QVBoxLayout, QWidget

from inspector.alarms import Alarm
from ui.model import StationModel

TITLES = {
    "camera_lost": "CAMERA LOST",
    "no_frame": "NO CAMERA FRAME",
    "model_error": "MODEL ERROR",
    "late_decision": "DECISIONS LATE",
    "queue_full": "INSPECTION QUEUE FULL",
    "record_dropped": "RECORD NOT SAVED",
    "storage_error": "STORAGE ERROR",
    "disk_low": "DISK NEARLY FULL",
    "model_refused": "MODEL REFUSED",
    "disk_critical": "DISK FULL",
    "record_not_durable": "RECORDS NOT SAVED: NO PART PASSES",
    "file_access": "FILES READABLE BY OTHERS",
    "station": "STATION",
}
SHOWN = 3  # more than this fold into the last button (1 on a small screen: AlarmBanner.set_shown)


def alarm_text(alarm: Alarm) -> str:
    repeat = f"  (×{alarm.count})" if alarm.count > 1 else ""
    try:
        clock = datetime.fromisoformat(alarm.raised_at).astimezone().strftime("%H:%M:%S")
    except ValueError:
        clock = ""
    message = alarm.message if len(alarm.message) <= 70 else alarm.message[:69] + "…"
    # two lines, so the message and the instruction both fit 800 px (one line was cut at "▸ T")
    return f"⚠ {TITLES.get(alarm.kind, alarm.kind.upper())}{repeat}  {clock}   ▸ TAP TO ACKNOWLEDGE\n{message}"


class AlarmBanner(QWidget):
    acknowledge = Signal(str)  # alarm kind the operator tapped

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.buttons: list[QPushButton] = []
        self.shown = SHOWN
        model.alarms_changed.connect(self.refresh)
        self.refresh(model.alarms)

    @property
    def kinds(self) -> list[str]:
        """Kinds shown now (tests and the status area read this)."""
        return [b.property("kind") for b in self.buttons if b.isVisibleTo(self)]

    def set_shown(self, shown: int) -> None:
        """How many alarms get a button of their own; the rest fold into the last ("+N more")."""
        self.shown = shown
        self.refresh(self.model.alarms)

    def refresh(self, alarms: list) -> None:
        while len(self.buttons) < min(len(alarms), self.shown):
            button = QPushButton(objectName="alarm")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, b=button: self.acknowledge.emit(b.property("kind")))
            self._layout.addWidget(button)
            self.buttons.append(button)
        newest_first = sorted(alarms, key=lambda a: a.raised_at, reverse=True)
        for i, button in enumerate(self.buttons):
            if i < len(newest_first) and i < self.shown:
                alarm = newest_first[i]
                more = len(newest_first) - self.shown
                text = alarm_text(alarm) + (f"   (+{more} more)" if i == self.shown - 1 and more > 0 else "")
                button.setProperty("kind", alarm.kind)
                button.setText(text)
                button.setVisible(True)
            else:
                button.setVisible(False)
        self.setVisible(bool(alarms))
