"""The lot-entry step of START: the operator types the lot or scans it (a USB scanner types like a keyboard and ends
with Enter), sees the recipe it runs with, and START follows. The lot is set by the runtime (API op ``set_lot``:
``inspector.line.lots.change_lot``, role checked, audited with who and why); a refused lot says which rule it
breaks and keeps the dialog open. A small dialog on purpose: the touchscreen's dialogs get redone later.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from inspector.api.protocol import ApiError
from inspector.line.lots import MAX_LOT_LENGTH, LotError, validate_lot
from ui.i18n import tr
from ui.sheet import Sheet


class LotEntry(Sheet):
    """One line for the lot (focused, its text selected so a scan replaces it), the recipe, START and CANCEL."""

    compact = True

    def __init__(self, lot: str | None, recipe: str, *, required: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Lot"))
        self.required = required
        self.lot: str | None = None  # the accepted, validated lot
        self.field = QLineEdit(lot or "", objectName="lotField", maxLength=MAX_LOT_LENGTH + 1,
                               placeholderText=tr("type or scan the lot / batch / order"))
        self.field.selectAll()
        self.field.returnPressed.connect(self.confirm)  # the scanner's Enter
        self.message = QLabel(objectName="message", wordWrap=True)
        self.start_button = QPushButton(tr("START"), objectName="start")
        self.start_button.clicked.connect(self.confirm)
        cancel = QPushButton(tr("CANCEL"))
        cancel.clicked.connect(self.reject)
        for button in (cancel, self.start_button):  # Enter belongs to the field: a refused scan must not cancel
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.start_button)
        column = QVBoxLayout(self.body)
        column.addWidget(QLabel(tr("LOT FOR THIS RUN (required)") if required else tr("LOT FOR THIS RUN"),
                                objectName="title"))
        column.addWidget(self.field)
        column.addWidget(QLabel(tr("recipe: {recipe}").format(recipe=recipe), objectName="dim"))
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
            self.message.setText(tr("This station requires a lot (lots.required = true): type or scan one"))
            return
        self.lot = lot
        self.accept()


class LotGate:
    """Wraps START: ask the lot, have the runtime set it (audited when it changes), then ``start()``.

    ``login`` is the window's login gate (None without users: the runtime then acts as NO_USERS).
    """

    def __init__(self, parent: QWidget, controller, start: Callable[[], None], *, login=None):
        self.parent, self.controller, self._start, self.login = parent, controller, start, login
        self.dialog: LotEntry | None = None

    def start(self) -> LotEntry | None:
        if self.controller.model.running or not self.controller.link.connected:
            return None
        station = self.controller.station
        self.dialog = LotEntry(station.get("lot"), self.controller.model.info.recipe,
                               required=bool(station.get("lots_required")), parent=self.parent)
        self.dialog.accepted.connect(lambda: self.apply(self.dialog.lot))
        self.dialog.open()
        return self.dialog

    def apply(self, lot: str | None) -> bool:
        """Have the runtime set ``lot`` (an audit entry when it differs) and start; False when refused."""
        from inspector.permissions import RECIPE_SWITCH

        if self.login is not None and self.login.session_for(RECIPE_SWITCH, then=lambda: self.apply(lot)) is None:
            return False
        try:
            self.controller.link.call("set_lot", lot=lot, reason="lot entered at START")
        except ApiError as e:
            if self.login is not None and e.code in ("unauthorized", "forbidden"):
                self.login.ask(e.message, then=lambda: self.apply(lot))
            elif self.dialog is not None:
                self.dialog.message.setText(e.message or e.code)
                self.dialog.open()
            return False
        self._start()
        return True
