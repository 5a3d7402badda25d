"""The USERS screen (☰ MENU > USERS, admins): every user with role, active and lock-out, and what an admin does to
them as big buttons: UNLOCK a user locked out by wrong PINs, change the ROLE, DEACTIVATE / ACTIVATE, give a NEW PIN,
ADD a user. Each asks a reason (picked, no keyboard needed) for the audit trail.

A client of the runtime: each step is an API operation (``users``, ``user_unlock`` …) whose role check and audit
entry are the runtime's (``inspector.users.UserDirectory``). ``client`` is anything with ``call(op, **args)``.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QButtonGroup, QDialog, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QStackedWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from inspector.api.protocol import ApiError
from inspector.permissions import USERS_MANAGE
from ui import theme
from ui.tables import title_row, touch_table
from ui.i18n import tr, tr_noop

from ui.login import ROLE_WORDS, SignDialog
from ui.pin_pad import PinPad, pad_style

COLUMNS = (tr_noop("Name"), tr_noop("Role"), tr_noop("Active"), tr_noop("Log-in"))  # headers: tr() each
ROLE_NAMES = (tr_noop("Operator"), tr_noop("QA"), tr_noop("Technician"), tr_noop("Admin"))  # ui.login's ROLE_WORDS
ROLES = ("operator", "qa", "technician", "admin")
REASONS = {  # shown (and audited) in the window's language
    "unlock": (tr_noop("Identity checked in person"), tr_noop("Mistyped, PIN confirmed"),
               tr_noop("Lock-out by someone else's tries")),
    "role": (tr_noop("New duties"), tr_noop("Moved to another team"), tr_noop("Corrected a wrong role")),
    "deactivate": (tr_noop("Left the company"), tr_noop("Long absence"), tr_noop("PIN may be known to others")),
    "activate": (tr_noop("Back at work"), tr_noop("Deactivated by mistake")),
    "pin": (tr_noop("Forgot the PIN"), tr_noop("PIN may be known to others"), tr_noop("First PIN set by the admin")),
    "add": (tr_noop("New at the station"), tr_noop("Temporary cover"), tr_noop("Replaces a colleague")),
}
REFRESH_MS = 2000  # the table is read again while it is shown (lock-outs end, other screens change users)


def lockout_text(user: dict[str, Any]) -> str:
    if user["locked_s"] > 0:
        s = int(user["locked_s"] + 0.999)
        return tr("LOCKED {time}").format(time=f"{s // 60}:{s % 60:02d}")
    if user["failures"]:
        return tr("1 wrong PIN") if user["failures"] == 1 else tr("{n} wrong PINs").format(n=user["failures"])
    return tr("ok")


def role_word(role: str) -> str:
    """A role's name in the window's language."""
    return tr(ROLE_WORDS[role]) if role in ROLE_WORDS else role


class UsersView(QDialog):
    """The users as the runtime gives them to this client's admin login; ``login`` (the window's gate, None without
    users) asks for an admin when nobody allowed is logged in."""

    def __init__(self, client: Any, parent: QWidget | None = None, *, login=None, scale: float = 1.0):
        super().__init__(parent)
        self.client, self.login, self.scale = client, login, scale
        self.users: list[dict[str, Any]] = []
        self.reason_dialog: SignDialog | None = None
        self.session = None  # the admin acting (the login's), for the reason dialog's "done by"
        self.setWindowTitle(tr("Users"))
        self.setStyleSheet(theme.style_sheet(scale) + pad_style(scale) + _style(scale))

        self.message = QLabel(objectName="usersMessage", wordWrap=True)
        self.close_button = QPushButton("✕  " + tr("CLOSE"), objectName="usersClose")
        self.close_button.clicked.connect(self.accept)
        top = title_row(tr("USERS"), self.message, self.close_button)

        self.table = touch_table(COLUMNS, "users", max(theme.TOUCH_MIN_PX, round(48 * scale)))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.refresh_buttons)
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key, text, slot in (("unlock", tr("UNLOCK"), self.unlock), ("role", tr("ROLE") + "…", self.show_roles),
                                ("active", tr("DEACTIVATE"), self.toggle_active),
                                ("pin", tr("NEW PIN") + "…", self.show_pin),
                                ("add", tr("ADD") + "…", self.show_add)):
            button = QPushButton(text, objectName="start" if key == "unlock" else f"users_{key}")
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[key] = button
        table_page = QWidget()
        column = QVBoxLayout(table_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(actions)

        self.role_buttons: dict[str, QPushButton] = {}
        self.role_group = QButtonGroup(self)
        roles = QGridLayout()
        for i, role in enumerate(ROLES):
            button = QPushButton(role_word(role), objectName="userChoice", checkable=True)
            self.role_group.addButton(button)
            roles.addWidget(button, i // 2, i % 2)
            self.role_buttons[role] = button
        self.role_group.buttonClicked.connect(lambda _b: self.refresh_form())
        self.name_field = QLineEdit(objectName="userName", placeholderText=tr("name of the new user"))
        self.name_field.setMinimumHeight(theme.TOUCH_MIN_PX)
        self.name_field.textChanged.connect(lambda _t: self.refresh_form())
        self.form_note = QLabel(objectName="caption", wordWrap=True)
        self.pad = PinPad()
        self.pad.submitted.connect(self.form_done)
        self.form_ok = QPushButton(tr("OK"), objectName="start")
        self.form_ok.clicked.connect(lambda: self.form_done(None))
        self.back_button = QPushButton("◀  " + tr("BACK"), objectName="users_back")
        self.back_button.clicked.connect(self.show_table)
        form_page = QWidget()
        form = QHBoxLayout(form_page)
        form.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(self.form_note)
        left.addWidget(self.name_field)
        left.addLayout(roles)
        left.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.form_ok, 1)
        left.addLayout(row)
        form.addLayout(left, 5)
        form.addWidget(self.pad, 4)
        self.form: str | None = None  # role | pin | add

        self.pages = QStackedWidget()
        self.pages.addWidget(table_page)
        self.pages.addWidget(form_page)
        layout = QVBoxLayout(self)
        m = round(6 * scale)
        layout.setContentsMargins(m, m, m, m)
        layout.setSpacing(m)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(lambda: self.pages.currentIndex() == 0 and self.reload(quiet=True))
        self.timer.start()
        if parent is not None:
            self.resize(parent.window().size())
        self.reload()

    # -- showing ---------------------------------------------------------------------------------------------------
    def reload(self, *, quiet: bool = False) -> bool:
        chosen = self.selected
        try:
            self.users = self.client.call("users")
        except ApiError as e:
            if not quiet:
                self.say(e.message, "bad")
            return False
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            texts = (user["name"], role_word(user["role"]), tr("yes") if user["active"] else tr("NO"),
                     lockout_text(user))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 3 and user["locked_s"] > 0:
                    item.setBackground(QBrush(QColor("#b91c1c")))
                    item.setForeground(QBrush(QColor("#ffffff")))
                if column == 2 and not user["active"]:
                    item.setForeground(QBrush(QColor("#9ca3af")))
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        row = self.row_of(chosen["name"]) if chosen else None
        self.table.selectRow(row if row is not None else 0)
        self.refresh_buttons()
        return True

    def row_of(self, name: str) -> int | None:
        return next((row for row, user in enumerate(self.users) if user["name"] == name), None)

    def select(self, name: str) -> None:
        self.table.selectRow(self.row_of(name))

    @property
    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.users[rows[0].row()] if rows and rows[0].row() < len(self.users) else None

    def refresh_buttons(self) -> None:
        user = self.selected
        self.buttons["unlock"].setEnabled(user is not None and (user["locked_s"] > 0 or user["failures"] > 0))
        for key in ("role", "active", "pin"):
            self.buttons[key].setEnabled(user is not None)
        self.buttons["active"].setText(tr("DEACTIVATE") if user is None or user["active"] else tr("ACTIVATE"))

    def say(self, text: str, tone: str) -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- steps -----------------------------------------------------------------------------------------------------
    def _admin(self, then) -> bool:
        """Go on: without users at once; else when the logged-in user may manage users, or the login opens and the
        tap is done again once someone has logged in (the runtime checks the role again)."""
        if self.login is None:
            return True
        self.session = self.login.session_for(USERS_MANAGE, then=then)
        return self.session is not None

    def _ask_reason(self, kind: str, what: str, then) -> SignDialog:
        self.reason_dialog = SignDialog(self.session, what, [tr(r) for r in REASONS[kind]], self, scale=self.scale,
                                        ask_pin=False)
        self.reason_dialog.accepted.connect(lambda d=self.reason_dialog: then(d.reason))
        self.reason_dialog.resize(self.size())
        self.reason_dialog.open()
        return self.reason_dialog

    def _act(self, op: str, done: str, **args: Any) -> bool:
        try:
            self.client.call(op, **args)
        except ApiError as e:
            self.say(e.message, "bad")
            return False
        self.reload()
        self.say(done, "ok")
        return True

    def unlock(self) -> None:
        user = self.selected
        if user is None or not self._admin(self.unlock):
            return
        self._ask_reason("unlock", tr("Unlock {name}").format(name=user["name"]), lambda reason: self._act(
            "user_unlock", tr("{name} may log in again (wrong PINs forgotten)").format(name=user["name"]),
            name=user["name"],
            reason=reason))

    def toggle_active(self) -> None:
        user = self.selected
        if user is None or not self._admin(self.toggle_active):
            return
        active = not user["active"]
        kind = "activate" if active else "deactivate"
        what = tr("Activate {name}") if active else tr("Deactivate {name}")
        self._ask_reason(kind, what.format(name=user["name"]), lambda reason: self._act(
            "user_set_active", (tr("{name} may log in again") if active else tr("{name} can no longer log in")).format(
                name=user["name"]),
            name=user["name"], active=active, reason=reason))

    def show_roles(self) -> None:
        if self.selected is not None and self._admin(self.show_roles):
            self._form("role")

    def show_pin(self) -> None:
        if self.selected is not None and self._admin(self.show_pin):
            self._form("pin")

    def show_add(self) -> None:
        if self._admin(self.show_add):
            self._form("add")

    def _form(self, kind: str) -> None:
        self.form = kind
        user = self.selected
        self.name_field.clear()
        self.name_field.setVisible(kind == "add")
        for role, button in self.role_buttons.items():
            button.setVisible(kind in ("role", "add"))
            button.setChecked(kind == "role" and user is not None and user["role"] == role)
        self.pad.clear()
        self.pad.setVisible(kind in ("pin", "add"))
        self.form_ok.setVisible(kind == "role")
        name = user and user["name"]
        self.form_note.setText({"role": tr("The role of {name}: tap one, then OK").format(name=name),
                                "pin": tr("A new PIN for {name}: type it, then ENTER (tell it to them in person)")
                                .format(name=name),
                                "add": tr("Type the name, tap the role, then type the first PIN and ENTER")}[kind])
        self.refresh_form()
        self.pages.setCurrentIndex(1)

    def refresh_form(self) -> None:
        picked = self.role_group.checkedButton() is not None
        self.form_ok.setEnabled(picked)
        self.pad.setEnabled(self.form == "pin" or (picked and bool(self.name_field.text().strip())))

    def picked_role(self) -> str | None:
        return next((role for role, b in self.role_buttons.items() if b.isChecked()), None)

    def form_done(self, pin: str | None) -> None:
        user, kind, role = self.selected, self.form, self.picked_role()
        if kind == "role" and user is not None and role is not None:
            self._ask_reason("role", f"{user['name']}: {role_word(user['role'])} → {role_word(role)}",
                             lambda reason: self._act("user_set_role", tr("{name} is {role} now").format(
                                 name=user["name"], role=role_word(role)),
                                                      name=user["name"], role=role, reason=reason)
                             and self.show_table())
        elif kind == "pin" and user is not None and pin:
            self._ask_reason("pin", tr("A new PIN for {name}").format(name=user["name"]),
                             lambda reason: self._act("user_reset_pin", tr("{name} has a new PIN").format(
                                 name=user["name"]),
                                                      name=user["name"], pin=pin, reason=reason)
                             and self.show_table())
        elif kind == "add" and role is not None and pin:
            name = self.name_field.text().strip()
            self._ask_reason("add", tr("Add {name} ({role})").format(name=name, role=role_word(role)),
                             lambda reason: self._act("user_add", tr("{name} added as {role}").format(
                                 name=name, role=role_word(role)), name=name,
                                                      role=role, pin=pin, reason=reason) and self.show_table())

    def show_table(self) -> bool:
        self.form = None
        self.pages.setCurrentIndex(0)
        return True


def _style(scale: float) -> str:
    return f"""
    QLabel#usersMessage {{ font-size: {round(13 * scale)}px; font-weight: 600; color: #b4bfcc; }}
    QLabel#usersMessage[tone="bad"] {{ color: #f87171; }}
    QLabel#usersMessage[tone="ok"] {{ color: #86efac; }}
    QTableWidget#users {{ font-size: {round(15 * scale)}px; }}
    """
