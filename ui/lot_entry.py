"""The lot-entry step of START: the operator types the lot or scans it (a USB scanner types like a keyboard and ends
with Enter), sees the recipe it runs with, and START follows. The lot is set through the core
(``inspector.line.lots.change_lot``: role checked, audited with who and why); a refused lot says which rule it
breaks and keeps the dialog open. A small dialog on purpose: the touchscreen's dialogs get redone later.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from inspector.line.lots import MAX_LOT_LENGTH, LotError, change_lot, validate_lot
from ui.sheet import Sheet


class LotEntry(Sheet):
    """One line for the lot (focused, its text selected so a scan replaces it), the recipe, START and CANCEL."""

    compact = True

    def __init__(self, lot: str | None, recipe: str, *, required: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Lot")
        self.required = required
        self.lot: str | None = None  # the accepted, validated lot
        self.field = QLineEdit(lot or "", objectName="lotField", maxLength=MAX_LOT_LENGTH + 1,
                               placeholderText="type or scan the lot / batch / order")
        self.field.selectAll()
        self.field.returnPressed.connect(self.confirm)  # the scanner's Enter
        self.message = QLabel(objectName="message", wordWrap=True)
        self.start_button = QPushButton("START", objectName="start")
        self.start_button.clicked.connect(self.confirm)
        cancel = QPushButton("CANCEL")
        cancel.clicked.connect(self.reject)
        for button in (cancel, self.start_button):  # Enter belongs to the field: a refused scan must not cancel
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.start_button)
        column = QVBoxLayout(self.body)
        column.addWidget(QLabel("LOT FOR THIS RUN" + (" (required)" if required else ""), objectName="title"))
        column.addWidget(self.field)
        column.addWidget(QLabel(f"recipe: {recipe}", objectName="dim"))
        column.addWidget(self.message)
        column.addStretch(1)
        self.pin_buttons(buttons)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def confirm(self) -> None:
        try:
            lot = validate_lot(self.field.text())
        except LotError as e:
            self.message.setText(str(e))
            return
        if lot is None and self.required:
            self.message.setText("This station requires a lot (lots.required = true): type or scan one")
            return
        self.lot = lot
        self.accept()


class LotGate:
    """Wraps START: ask the lot, set it (audited when it changes), then ``start()``.

    ``session_for(action, then)`` is the login gate's (None without users: the station then acts as NO_USERS).
    """

    def __init__(self, parent: QWidget, controller, start: Callable[[], None], *, login=None):
        self.parent, self.controller, self._start, self.login = parent, controller, start, login
        self.dialog: LotEntry | None = None

    def start(self) -> LotEntry | None:
        station = self.controller.station
        if station is None or station.line.running:
            return None
        self.dialog = LotEntry(station.line.lot, station.recipe.name, required=station.config.lots.required,
                               parent=self.parent)
        self.dialog.accepted.connect(lambda: self.apply(self.dialog.lot))
        self.dialog.open()
        return self.dialog

    def apply(self, lot: str | None) -> bool:
        """Set ``lot`` on the station's line (an audit entry when it differs) and start; False when refused."""
        from inspector.permissions import RECIPE_SWITCH, PermissionDenied

        station = self.controller.station
        if station is None:
            return False
        session = None
        if self.login is not None:
            session = self.login.session_for(RECIPE_SWITCH, then=lambda: self.apply(lot))
            if session is None:
                return False
        store = self.login.users.store if self.login is not None else station.store
        try:
            change_lot(session, store, station.line, lot, reason="lot entered at START",
                       required=station.config.lots.required, sealer=getattr(station, "sealer", None))
        except PermissionDenied as e:
            if self.login is not None:
                self.login.ask(str(e), then=lambda: self.apply(lot))
            return False
        self._start()
        return True
