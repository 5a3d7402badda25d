"""The alarm banner: every active alarm as a big button that stays until someone taps it to acknowledge.

Each button holds two lines fitted to its width with Qt's font metrics (never cut mid-word off the edge): what, how
often and when, with "TAP TO ACKNOWLEDGE" on the right of the first, and the message, elided, on the second. A
window shows one row per ``ROW_HEIGHT`` px of its height (at most ``SHOWN``): the newest alarm alone at 800 x 480,
two at 1920 x 1080, the last naming how many more wait behind it; more rows would squeeze the verdict off the screen.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QPushButton, QSizePolicy, QStyle, QStyleOptionButton, QVBoxLayout, QWidget

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
SHOWN = 3  # the most rows; more alarms than rows fold into the last button
ROW_HEIGHT = 480  # one row of alarms per this many px of window height
TAP = "▸ TAP TO ACKNOWLEDGE"


def alarm_title(alarm: Alarm, more: int = 0) -> str:
    """'⚠ CAMERA LOST  (×3)  09:41:58' (+ '  · +2 more' when others wait behind it)."""
    repeat = f"  (×{alarm.count})" if alarm.count > 1 else ""
    try:
        clock = datetime.fromisoformat(alarm.raised_at).astimezone().strftime("%H:%M:%S")
    except ValueError:
        clock = ""
    waiting = f"  ·  +{more} more" if more > 0 else ""
    return f"⚠ {TITLES.get(alarm.kind, alarm.kind.upper())}{repeat}  {clock}{waiting}"


def alarm_text(alarm: Alarm, metrics: QFontMetrics | None = None, width: int = 10_000, more: int = 0) -> str:
    """The button's two lines, each fitted to ``width`` px in ``metrics`` (no fitting without metrics)."""
    title, message = alarm_title(alarm, more), alarm.message
    if metrics is None:
        return f"{title}   {TAP}\n{message}"
    spaces = metrics.horizontalAdvance(" ")
    room = width - metrics.horizontalAdvance(title)
    tap = TAP if room >= metrics.horizontalAdvance(TAP) + 3 * spaces else "▸ TAP"
    pad = max(3, (width - metrics.horizontalAdvance(title) - metrics.horizontalAdvance(tap)) // spaces)
    first = f"{title}{' ' * pad}{tap}"
    while metrics.horizontalAdvance(first) > width and pad > 3:
        pad -= 1
        first = f"{title}{' ' * pad}{tap}"
    return f"{_elide(metrics, first, width)}\n{_elide(metrics, message, width)}"


def _elide(metrics: QFontMetrics, text: str, width: int) -> str:
    if metrics.horizontalAdvance(text) <= width:
        return text
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


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
        self._alarms: list[Alarm] = []
        model.alarms_changed.connect(self.refresh)
        self.refresh(model.alarms)

    @property
    def kinds(self) -> list[str]:
        """Kinds shown now (tests and the status area read this)."""
        return [b.property("kind") for b in self.buttons if b.isVisibleTo(self)]

    def rows(self) -> int:
        """How many alarm buttons this screen has room for."""
        return max(1, min(SHOWN, self.window().height() // ROW_HEIGHT))

    def text_width(self, button: QPushButton) -> int:
        """The width inside the button's border and padding (the style sheet's)."""
        option = QStyleOptionButton()
        button.initStyleOption(option)
        inside = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
        return max(40, min(inside.width(), button.width()) - 6)

    def refresh(self, alarms: list | None = None) -> None:
        if alarms is not None:
            self._alarms = list(alarms)
        alarms, rows = self._alarms, self.rows()
        while len(self.buttons) < min(len(alarms), rows):
            button = QPushButton(objectName="alarm")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, b=button: self.acknowledge.emit(b.property("kind")))
            self._layout.addWidget(button)
            self.buttons.append(button)
        newest_first = sorted(alarms, key=lambda a: a.raised_at, reverse=True)
        for i, button in enumerate(self.buttons):
            if i < len(newest_first) and i < rows:
                alarm = newest_first[i]
                more = len(newest_first) - rows if i == rows - 1 else 0
                button.setProperty("kind", alarm.kind)
                button.setText(alarm_text(alarm, QFontMetrics(button.font()), self.text_width(button), more))
                button.setVisible(True)
            else:
                button.setVisible(False)
        self.setVisible(bool(alarms))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.window().installEventFilter(self)  # the rows follow the window's height, not the banner's own
        self.refresh()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.window():
            self.refresh()
        return False
