"""The station window's header: the operator's controls in one row, the other screens behind ☰ MENU.

The row: START/STOP (while the station is busy, what it is busy with) · RECIPE · LOG IN or who is logged in · ☰ MENU. Every button keeps
its words' width (START and RECIPE share what is left), so nothing is cut on the Pi's 800 x 480 display. MENU opens a
panel over the whole window with one big button per screen (CHARTS on a small screen, REVIEW, CALIBRATE, AUDIT), a line
under each saying what it is for and who may use it, and CLOSE; tapping one closes the panel and opens that screen.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui.controls import ControlBar
from ui.i18n import tr, tr_noop
from ui.link import shown

CAPTIONS = {  # objectName -> the line under the menu's button
    "charts": tr_noop("parts per minute, rejects, timing"),
    "review": tr_noop("QA: check the parts the line flagged"),
    "calibrate": tr_noop("technician: camera, light, pusher"),
    "audit": tr_noop("QA, admin: who changed what"),
    "models": tr_noop("the model table: evaluate, promote, roll back (admin)"),
    "users": tr_noop("admin: unlock, roles, PINs, new users"),
}


def keep_words(button: QPushButton) -> QPushButton:
    """Never narrower than its words (QPushButton's own hint), never taller than the style sheet's touch size."""
    button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    return button


class MenuPanel(QFrame):
    """The secondary screens: a panel over the whole window, hidden until ☰ MENU is tapped."""

    def __init__(self, window: QWidget):
        super().__init__(window, objectName="menuPanel")
        self.window_ = window
        column = QVBoxLayout(self)
        self.top = QHBoxLayout()
        self.top.addWidget(QLabel(tr("MENU"), objectName="title"), 1)
        self.close_button = keep_words(QPushButton("✕  " + tr("CLOSE"), objectName="menuClose"))
        self.close_button.clicked.connect(self.hide)
        self.top.addWidget(self.close_button)
        column.addLayout(self.top)
        self.grid = QGridLayout()
        column.addLayout(self.grid, 1)
        self.items: list[QPushButton] = []
        self.captions: dict[QPushButton, QLabel] = {}
        window.installEventFilter(self)
        self.hide()

    def add_top(self, button: QPushButton) -> QPushButton:
        """A small entry in the title row, before CLOSE (HELP, the language): the grid keeps its room for the
        screens (nine at most on 800 x 480)."""
        keep_words(button)
        button.clicked.connect(self.hide)
        self.top.insertWidget(self.top.count() - 1, button)
        return button

    def add(self, button: QPushButton, caption: str | None = None) -> QPushButton:
        """A screen's button in the panel (its objectName kept); a tap closes the panel, then opens the screen."""
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(self.hide)
        text = tr(CAPTIONS.get(button.objectName(), "")) if caption is None else caption
        self.captions[button] = QLabel(text, self, objectName="menuCaption", wordWrap=True)
        self.items.append(button)
        self._place()
        return button

    def addWidget(self, button: QPushButton, _stretch: int = 0) -> None:  # noqa: N802 (a layout's call: ReviewSwitch)
        self.add(button)

    def shown_items(self) -> list[QPushButton]:
        return [b for b in self.items if b.property("leftOut") is not True]

    def _place(self) -> None:
        """Shown buttons in reading order (2 x 2 for four, one row for three), each with its caption under it."""
        for button in self.items:
            self.grid.removeWidget(button)
            self.grid.removeWidget(self.captions[button])
        shown = self.shown_items()
        columns = 2 if len(shown) in (2, 4) else min(len(shown), 3)
        for i, button in enumerate(shown):
            row, col = divmod(i, max(columns, 1))
            self.grid.addWidget(button, 2 * row, col)
            self.grid.addWidget(self.captions[button], 2 * row + 1, col)
        rows = -(-len(shown) // max(columns, 1))
        for row in range(self.grid.rowCount()):  # the buttons take the height, the captions their line
            self.grid.setRowStretch(row, 1 if row % 2 == 0 and row < 2 * rows else 0)
        for button in self.items:
            self.captions[button].setVisible(button in shown)

    def set_shown(self, button: QPushButton, shown: bool) -> None:
        """Leave a screen out of the menu (CHARTS when they are beside the counters on a big screen)."""
        button.setProperty("leftOut", not shown)
        button.setVisible(shown)
        self._place()

    def open(self) -> None:
        self._place()
        self.setGeometry(self.window_.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Qt may still deliver events while the window is torn down and this wrapper's attributes are gone
        if watched is getattr(self, "window_", None) and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.window_.rect())
        return False


class Header(QObject):
    """Arranges the ControlBar's row: the operator's controls, the session button, ☰ MENU; CHARTS into the menu.
    A QObject of the ControlBar's, so its connection to the model goes with the window (a language switch)."""

    def __init__(self, controls: ControlBar, menu: MenuPanel, session_button: QPushButton | None = None):
        super().__init__(controls)
        self.controls, self.menu = controls, menu
        self.row: QHBoxLayout = controls.layout()
        controls.charts_button.setObjectName("charts")
        self.row.removeWidget(controls.charts_button)
        menu.add(controls.charts_button)
        self.menu_button = keep_words(QPushButton("☰  " + tr("MENU"), objectName="menu"))
        self.menu_button.clicked.connect(menu.open)
        self.session_button = session_button
        if session_button is not None:
            self.row.addWidget(keep_words(session_button), 0)
        self.row.addWidget(self.menu_button, 0)
        for i in range(self.row.count()):  # START and RECIPE share the room the other words leave
            if self.row.itemAt(i).spacerItem() is not None:
                self.row.setStretch(i, 0)
        busy = controls.busy  # while the station is busy, its words take START/STOP's place (disabled meanwhile)
        busy.setObjectName("busy")
        busy.setStyleSheet("")
        busy.setWordWrap(True)
        busy.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.row.removeWidget(busy)
        self.row.insertWidget(0, busy, 2)
        controls.model.busy_changed.connect(self._busy)
        self._busy(controls.model.busy)

    def _busy(self, what: str) -> None:
        self.controls.run_button.setVisible(not what)
        self.controls.busy.setToolTip(shown(what))

    def buttons(self) -> list[QPushButton]:
        """The header's buttons on screen now, left to right."""
        found = [self.row.itemAt(i).widget() for i in range(self.row.count())]
        return [w for w in found if isinstance(w, QPushButton) and w.isVisible()]
