"""HELP: the line screen in a few plain lines (verdict words, holds, counters, alarms, who may do what).

A sheet over the window, translated like every screen; it scrolls where a language needs more room than 480 px.
"""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ui import theme
from ui.i18n import tr, tr_noop
from ui.sheet import Sheet

SECTIONS = (  # (heading, text)
    (tr_noop("Verdict"),
     tr_noop("PASS: the part is good. REJECT: the pusher takes it off the line. CHECK: the station is not sure; "
             "QA looks at it in REVIEW. FAIL-SAFE: the station could not inspect the part (no picture, too late) "
             "and rejected it to be safe.")),
    (tr_noop("Holds"),
     tr_noop("The last REJECT stays on screen until you acknowledge it. Touch the strip of results to stop it "
             "moving; tap a result to see it full size.")),
    (tr_noop("Counters"),
     tr_noop("Counted by the station for the shift and for the lot; tap them to switch. END SHIFT and RESTART "
             "LOT COUNTERS in the menu start them again from zero; the records do not change.")),
    (tr_noop("Alarms"),
     tr_noop("A red bar at the top says what is wrong. Fix the cause, then tap it to acknowledge. FAIL-SAFE "
             "means parts are being rejected because the station cannot inspect them.")),
    (tr_noop("Who may do what"),
     tr_noop("Operator: start, stop, alarms, recipe, end a shift. QA: review parts, audit trail. Technician: "
             "calibrate, recipes, end a shift, restart a lot's counters. Admin: users, models, restart a lot's "
             "counters. After a while without a tap you are logged out (a warning counts down first).")),
)


class WrappedText(QLabel):
    """A word-wrapped paragraph that asks for the height its lines take at its width (a wrapped QLabel's own minimum
    is its height at a narrow width, which would make the sheet scroll for nothing)."""

    def __init__(self, text: str, **kwargs):
        super().__init__(text, wordWrap=True, **kwargs)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, self.heightForWidth(max(self.width(), 200)))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


class HelpSheet(Sheet):
    """The line screen explained, over the window; CLOSE under it."""

    def __init__(self, parent: QWidget | None = None, *, scale: float | None = None):
        super().__init__(parent)
        self.setObjectName("help")
        top = self.host
        scale = scale or (theme.scale_for(top.width(), top.height()) if top is not None else 1.0)
        self.setStyleSheet(theme.style_sheet(scale) + "QLabel#helpHeading { font-weight: bold; color: #fbbf24; }"
                           f" QLabel#helpText {{ font-size: {max(12, round(15 * scale))}px; }}")
        column = QVBoxLayout(self.body)
        column.setSpacing(round(4 * scale))
        column.addWidget(QLabel(tr("HELP: THE LINE SCREEN"), objectName="title"))
        self.texts: list[QLabel] = []
        for heading, text in SECTIONS:
            column.addWidget(QLabel(tr(heading), objectName="helpHeading"))
            label = WrappedText(tr(text), objectName="helpText")
            column.addWidget(label)
            self.texts.append(label)
        column.addStretch(1)
        close = QPushButton("✕  " + tr("CLOSE"), objectName="helpClose")
        close.clicked.connect(self.accept)
        self.pin_buttons(close)
