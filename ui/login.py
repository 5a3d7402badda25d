"""Logging in at the touchscreen: tap your name, type your PIN; who is logged in, and log-out after idle time.

Views only: the PIN check, lock-out, idle time-out and role checks are the runtime's (API ops ``login`` / ``logout``;
every request is checked there against :mod:`inspector.permissions`). The window checks roles too, but only to ask
for the right login before a tap instead of after its refusal.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from inspector.api.protocol import ApiError
from inspector.permissions import ALARM_ACKNOWLEDGE, LINE_START, LINE_STOP, allowed
from inspector.users import Role
from ui import theme
from ui.i18n import tr, tr_noop
from ui.pin_pad import PinPad, pad_style
from ui.role_words import needs_login
from ui.sheet import Sheet

ROLE_WORDS = {"operator": tr_noop("Operator"), "qa": tr_noop("QA"), "technician": tr_noop("Technician"),
              "admin": tr_noop("Admin")}  # tr() where shown
ROLE_NAMES = {"operator": tr_noop("operator"), "qa": tr_noop("qa"), "technician": tr_noop("technician"),
              "admin": tr_noop("admin")}  # in a sentence ("… needs: operator, technician")
ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)
AUTH_CODES = ("unauthorized", "forbidden")


def _tone(label: QLabel, text: str, tone: str) -> None:
    label.setText(text)
    label.setProperty("tone", tone)
    label.style().unpolish(label)
    label.style().polish(label)


@dataclass(frozen=True)
class RemoteUser:
    name: str
    role: Role


class RemoteSession:
    """A login the runtime granted: who, the role, the token the link's client carries, and the idle time-out the
    runtime applies (mirrored here so the screen shows the log-out when it happens)."""

    def __init__(self, link, reply: dict) -> None:
        self.link = link
        self.user = RemoteUser(reply["user"], Role(reply["role"]))
        self.token: str = reply["token"]
        self.idle_timeout_s: float | None = reply.get("idle_timeout_s")
        self.pin_too_short = bool(reply.get("pin_too_short"))
        self.min_pin_length = reply.get("min_pin_length")
        self.last_activity = time.monotonic()
        self.ended: str | None = None

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def active(self) -> bool:
        if self.ended is None and self.link.token != self.token:
            self.ended = "ended by the station"
        if self.ended is None and self.idle_timeout_s and time.monotonic() - self.last_activity >= self.idle_timeout_s:
            self.ended = "idle"
        return self.ended is None

    def touch(self) -> None:
        self.last_activity = time.monotonic()

    def end(self, why: str) -> None:
        if self.ended is None:
            self.ended = why
        if self.link.token == self.token:
            self.link.logout()


class LoginDialog(Sheet):
    """Pick a user (big buttons; a typed name where the runtime lists none, e.g. over the network), enter the PIN on
    the pad; ``session`` is set when the runtime accepted it."""

    compact = True

    def __init__(self, link, parent: QWidget | None = None, *, why: str = "", scale: float | None = None):
        super().__init__(parent)
        self.link, self.session, self.chosen = link, None, None
        self.setWindowTitle(tr("Log in"))
        self.setObjectName("login")
        top = parent.window() if parent is not None else None
        self.scale = scale or (theme.scale_for(top.width(), top.height()) if top is not None else 1.0)
        self.setStyleSheet(theme.style_sheet(self.scale) + pad_style(self.scale))

        self.message = QLabel(objectName="loginMessage", wordWrap=True)
        self.pad = PinPad()
        self.pad.submitted.connect(self.submit)
        self.group = QButtonGroup(self)
        self.user_buttons: dict[str, QPushButton] = {}
        names = QGridLayout()
        names.setSpacing(6)
        people = list(link.users)
        for i, user in enumerate(people):
            role = user.get("role", "")
            button = QPushButton(f"{user['name']}\n{role_word(role)}", objectName="userChoice",
                                 checkable=True)
            button.clicked.connect(lambda _=False, n=user["name"]: self.choose(n))
            self.group.addButton(button)
            names.addWidget(button, i // 2, i % 2)
            self.user_buttons[user["name"]] = button
        self.name_field = None
        if not people:
            self.name_field = QLineEdit(objectName="userName", placeholderText=tr("your user name"))
            self.name_field.setMinimumHeight(theme.TOUCH_MIN_PX)
            self.name_field.textChanged.connect(lambda text: self.choose(text.strip() or None))
            names.addWidget(self.name_field, 0, 0)
        cancel = QPushButton(tr("CANCEL"))
        cancel.clicked.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(QLabel(tr("Who are you?"), objectName="title"))
        left.addLayout(names)
        left.addStretch(1)
        left.addWidget(self.message)
        self.pin_buttons(cancel)
        row = QHBoxLayout(self.body)
        m = round(10 * self.scale)
        row.setContentsMargins(m, m, m, m)
        row.setSpacing(round(14 * self.scale))
        row.addLayout(left, 5)
        row.addWidget(self.pad, 4)
        self.why = why
        if len(people) == 1:
            self.choose(people[0]["name"])
        self.refresh()

    def choose(self, name: str | None) -> None:
        self.chosen = name
        if name in self.user_buttons:
            self.user_buttons[name].setChecked(True)
        self.pad.clear()
        self.refresh()

    def refresh(self) -> None:
        self.pad.setEnabled(bool(self.chosen))
        if self.message.property("tone") in (None, "ok"):
            prompt = tr("Hello {name}: enter your PIN").format(name=self.chosen) if self.chosen else tr("Tap your name")
            _tone(self.message, f"{self.why}\n{prompt}" if self.why else prompt, "ok")

    def submit(self, pin: str) -> None:
        """The runtime checks the PIN (and counts wrong ones towards the lock-out); its refusal says why."""
        if not self.chosen:
            return
        try:
            reply = self.link.login(self.chosen, pin)
        except ApiError as e:
            tone = "locked" if "lock" in e.message.lower() else "bad"
            _tone(self.message, e.message or e.code, tone)
            self.pad.clear()
            return
        self.session = RemoteSession(self.link, reply)
        self.accept()


class SignDialog(Sheet):
    """An electronic signature: the logged-in user's PIN again and a reason (picked, no keyboard needed), with
    optional details typed after it. With ``ask_pin=False`` it only asks the reason (a change that is audited but not
    signed, e.g. a calibration save); ``session`` may then be None (a station without users)."""

    compact = True

    def __init__(self, session: "RemoteSession | None", what: str, reasons: list[str], parent: QWidget | None = None,
                 *, scale: float | None = None, ask_pin: bool = True):
        super().__init__(parent)
        self.session, self.pin, self.reason, self.picked = session, None, None, None
        self.setWindowTitle(tr("Sign") if ask_pin else tr("Reason"))
        scale = scale or (theme.scale_for(self.host.width(), self.host.height()) if self.host is not None else 1.0)
        self.setStyleSheet(theme.style_sheet(scale) + pad_style(scale))
        who = session.user.name if session is not None else None
        if ask_pin:
            line = tr("Signed by {name}: pick the reason, enter your PIN").format(name=who or tr("you"))
        else:
            line = (tr("Done by {name}: pick the reason, then OK").format(name=who) if who else
                    tr("Done by you: pick the reason, then OK"))
        self.message = QLabel(f"{what}\n{line}", objectName="loginMessage", wordWrap=True)
        _tone(self.message, self.message.text(), "ok")
        self.group = QButtonGroup(self)
        left = QVBoxLayout()
        left.addWidget(QLabel(tr("Sign the change") if ask_pin else tr("Why this change?"), objectName="title"))
        left.addWidget(self.message)
        self.reason_buttons = []
        choices = QGridLayout()  # beside the pad one column; without it two, so the reasons fit 480 px
        for i, reason in enumerate(reasons):
            button = QPushButton(reason, objectName="reasonChoice", checkable=True)
            button.clicked.connect(lambda _=False, r=reason: self._pick(r))
            self.group.addButton(button)
            choices.addWidget(button, *(divmod(i, 1) if ask_pin else divmod(i, 2)))
            self.reason_buttons.append(button)
        left.addLayout(choices)
        self.details = QLineEdit(objectName="reasonDetails", placeholderText=tr("details (optional)"))
        self.details.setMinimumHeight(theme.TOUCH_MIN_PX)
        self.details.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a USB keypad's digits stay the PIN pad's
        left.addWidget(self.details)
        left.addStretch(1)
        buttons = QHBoxLayout()
        cancel = QPushButton(tr("CANCEL"))
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        self.ok_button = QPushButton("OK", objectName="start", enabled=False)
        self.ok_button.clicked.connect(self._confirmed)
        buttons.addWidget(self.ok_button)
        self.pin_buttons(buttons)
        self.pad = PinPad()
        self.pad.setEnabled(False)
        self.pad.submitted.connect(self._signed)
        row = QHBoxLayout(self.body)
        row.addLayout(left, 3)  # the reasons and who signs get the width; the pad's keys stay >= 48 px
        if ask_pin:
            row.addWidget(self.pad, 2)
            self.ok_button.hide()
        else:
            self.pad.setParent(self)
            self.pad.hide()

    def _pick(self, reason: str) -> None:
        self.reason = self.picked = reason
        self.pad.setEnabled(True)
        self.ok_button.setEnabled(True)
        if self.pad.isVisibleTo(self):
            self.pad.setFocus()

    def _with_details(self) -> None:
        details = self.details.text().strip()
        self.reason = f"{self.picked}: {details}" if details else self.picked

    def _signed(self, pin: str) -> None:
        self.pin = pin  # checked by the core (audit.sign) when the change is made, counted towards lock-out
        self._with_details()
        self.accept()

    def _confirmed(self) -> None:
        if self.picked is not None:
            self._with_details()
            self.accept()


class SessionKeeper(QObject):
    """Who is logged in at this screen; any tap counts as activity; ends the session when it has been idle (the
    runtime ends the token at the same time) or when the runtime ended it."""

    changed = Signal(object)  # the RemoteSession, or None

    def __init__(self, parent: QObject | None = None, *, tick_ms: int = 1000):
        super().__init__(parent)
        self.session: RemoteSession | None = None
        self.last_end: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set(self, session: RemoteSession | None) -> None:
        if self.session is not None and session is not self.session:
            self.session.end("logout")
        self.session = session
        self.timer.start() if session is not None else self.timer.stop()
        self.changed.emit(session)

    def logout(self) -> None:
        self.last_end = "logout"
        self.set(None)

    def check(self) -> None:
        """Idle time-out, or the runtime ending the login: the screen shows it at once."""
        if self.session is not None and not self.session.active:
            self.last_end = self.session.ended
            self.session.end(self.session.ended or "idle")
            self.session = None
            self.timer.stop()
            self.changed.emit(None)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in ACTIVITY and self.session is not None:
            self.session.touch()
        return False


class SessionButton(QPushButton):
    """The header's LOG IN button; while someone is logged in it shows who and logs out when tapped."""

    def __init__(self, keeper: SessionKeeper, parent: QWidget | None = None):
        super().__init__(parent, objectName="session")
        self.keeper = keeper
        keeper.changed.connect(self.refresh)
        self.refresh(keeper.session)

    def refresh(self, session: "RemoteSession | None") -> None:
        if session is None:
            self.setText(tr("LOG IN"))
        else:
            role = role_word(session.user.role.value) if session.user.role.value in ROLE_WORDS else ""
            warn = "⚠ " + tr("PIN TOO SHORT") + " · " if session.pin_too_short else ""  # min_pin_length was raised
            self.setText(f"{session.user.name}\n{warn}{role} · {tr('LOG OUT')}")  # two lines: a long name fits
            self.setToolTip(tr("Your PIN is shorter than this station asks ({n} digits): ask an admin for a new one")
                            .format(n=session.min_pin_length) if session.pin_too_short else "")



ACTION_WORDS = {"line.start": tr_noop("START"), "line.stop": tr_noop("STOP"),
                "alarm.acknowledge": tr_noop("Acknowledging an alarm"), "recipe.switch": tr_noop("Changing the recipe"),
                "audit.read": tr_noop("The audit trail"), "calibration.save": tr_noop("Calibration"),
                "model.approve": tr_noop("Changing the models"), "users.manage": tr_noop("Managing users")}


def role_word(role: str) -> str:
    """A role as a button or the header shows it ("Technician"), in the window's language."""
    return tr(ROLE_WORDS.get(role, role))


def roles_text(roles: list[str]) -> str:
    """Roles in a sentence ("operator, technician"), in the window's language."""
    return ", ".join(tr(ROLE_NAMES.get(role, role)) for role in roles)


class LoginGate(QObject):
    """The window's taps that change the line, each run only for a logged-in user whose role allows it.

    The runtime checks the role and writes the audit entry; a tap it refuses (no login, the wrong role, a login that
    ended) opens the login screen with the reason, and the tap is carried out once someone allowed has logged in.
    """

    def __init__(self, window: QWidget, controller):
        super().__init__(window)
        self.window, self.controller = window, controller
        self.link = controller.link
        self.keeper = SessionKeeper(self)
        # a bound method, not a lambda: the link outlives this window (a language switch rebuilds it), and Qt drops a
        # bound method's connection with its object
        self.link.logged_out.connect(self._logged_out, Qt.ConnectionType.QueuedConnection)
        self.button = SessionButton(self.keeper)
        self.button.clicked.connect(self.toggle)
        self.dialog: LoginDialog | None = None

    def _logged_out(self, _why: str) -> None:
        self.keeper.check()

    def start(self) -> None:
        self.run(LINE_START, self.controller.start)

    def stop(self) -> None:
        self.run(LINE_STOP, self.controller.stop)

    def acknowledge(self, kind: str) -> None:
        self.run(ALARM_ACKNOWLEDGE, lambda: self.controller.acknowledge(kind))

    def toggle(self) -> None:
        if self.keeper.session is not None:
            self.keeper.logout()
        else:
            self.ask()

    def ask(self, why: str = "", then=None) -> LoginDialog:
        self.dialog = LoginDialog(self.link, self.window, why=why)
        self.dialog.accepted.connect(lambda d=self.dialog: self._logged_in(d.session, then))
        self.dialog.open()
        return self.dialog

    def _logged_in(self, session: RemoteSession, then) -> None:
        self.keeper.set(session)
        if then is not None:
            then()

    def session_for(self, action: str, then) -> RemoteSession | None:
        """The logged-in session when its role may do ``action``; else the login screen opens with the reason (and
        ``then`` runs once someone has logged in) and None comes back. The runtime checks the role again."""
        self.keeper.check()
        session = self.keeper.session
        if session is not None and allowed(session.role, action):
            return session
        self.ask(needs_login(action, session), then=then)  # who may, plainly (ui/role_words.py)
        return None

    def run(self, action: str, do, **_) -> bool:
        """``do()`` (an API call) for a logged-in user allowed ``action``; a refusal from the runtime asks again."""
        if self.session_for(action, then=lambda: self.run(action, do)) is None:
            return False
        try:
            do()
        except ApiError as e:
            if e.code not in AUTH_CODES:
                raise
            self.keeper.check()
            why = needs_login(action, self.keeper.session) if e.code == "forbidden" else e.message
            self.ask(why, then=lambda: self.run(action, do))
            return False
        return True
