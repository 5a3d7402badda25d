"""END SHIFT and RESTART LOT COUNTERS: a confirm sheet that says what happens, a reason picked, then the runtime's op.

The counters are the runtime's (API ``counters_reset {scope, reason}``: the role checked and the reset audited
there). The sheet says plainly that the counters start again from zero and that no record changes. A tap the role
may not make is refused in the sheet in words ("Ending a shift needs an operator or technician") with a LOG IN offer;
after the login the reset goes on with the reason already picked.
"""
from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector.api.protocol import ApiError
from inspector.permissions import COUNTERS_LOT, COUNTERS_SHIFT, allowed
from ui import theme
from ui.counters import end_shift
from ui.i18n import tr, tr_noop
from ui.role_words import needs, needs_login
from ui.sheet import Sheet

SCOPES = {"shift": COUNTERS_SHIFT, "lot": COUNTERS_LOT}
TITLES = {"shift": tr_noop("END SHIFT"), "lot": tr_noop("RESTART LOT COUNTERS")}
REASONS = {  # sent in English (the audit trail's language), shown translated
    "shift": (tr_noop("end of shift"), tr_noop("shift handover"), tr_noop("counters checked"),
              tr_noop("line cleared")),
    "lot": (tr_noop("lot sorted again"), tr_noop("lot restarted"), tr_noop("counting error"),
            tr_noop("line cleared")),
}
AUTH_CODES = ("unauthorized", "forbidden")


def restart_lot(call, model, reason: str):
    """RESTART LOT COUNTERS through the runtime; this window shows the lot's new counters at once."""
    lot = call("counters_reset", scope="lot", reason=reason)
    shift = model.counters
    model.set_counters({"started": shift.started.isoformat() if shift.started else None,
                        "inspected": shift.inspected, "passed": shift.passed, "rejected": shift.rejected,
                        "check": shift.check, "fail_safe": shift.fail_safe}, lot)
    return model.lot_counters


class CountersResetSheet(Sheet):
    """Confirm a counters reset (``scope`` shift or lot) over the window; ``done_ok`` is set when the runtime did it."""

    compact = True

    def __init__(self, window: QWidget, scope: str, *, login=None):
        super().__init__(window)
        self.window_, self.scope, self.login = window, scope, login
        self.link, self.model = window.controller.link, window.model
        self.reason: str | None = None
        self.done_ok = False
        self.blocked = False  # nothing to reset (no lot in force)
        self.setObjectName("countersReset")
        top = self.host or self
        scale = theme.scale_for(top.width(), top.height())
        self.setStyleSheet(theme.style_sheet(scale))
        column = QVBoxLayout(self.body)
        column.addWidget(QLabel(tr(TITLES[scope]), objectName="title"))
        lot = self.model.lot_counters.lot if self.model.lot_counters is not None else None
        if scope == "shift":
            what = tr("The shift counters start again from zero.")
        else:
            what = tr("The counters of lot {lot} start again from zero.").format(lot=lot or "–")
        self.lines = [QLabel(text, objectName="resetExplanation") for text in
                      (what, tr("The records of the parts do not change."), tr("Pick the reason:"))]
        for line in self.lines:
            column.addWidget(line)
        self.group = QButtonGroup(self)
        grid = QGridLayout()
        self.reason_buttons: dict[str, QPushButton] = {}
        for i, reason in enumerate(REASONS[scope]):
            button = QPushButton(tr(reason), objectName="reasonChoice", checkable=True)
            button.clicked.connect(lambda _=False, r=reason: self.pick(r))
            self.group.addButton(button)
            grid.addWidget(button, *divmod(i, 2))
            self.reason_buttons[reason] = button
        column.addLayout(grid)
        self.refusal = QLabel("", objectName="resetRefusal")
        self.refusal.setStyleSheet("color: #fbbf24;")
        self.refusal.hide()
        column.addWidget(self.refusal)
        column.addStretch(1)
        cancel = QPushButton(tr("CANCEL"))
        cancel.clicked.connect(self.reject)
        self.login_button = QPushButton(tr("LOG IN"), objectName="resetLogin")
        self.login_button.clicked.connect(self.log_in)
        self.login_button.hide()
        self.ok_button = QPushButton(tr(TITLES[scope]), objectName="start", enabled=False)
        self.ok_button.clicked.connect(self.confirm)
        self.pin_buttons(cancel, self.login_button, self.ok_button)
        if scope == "lot" and lot is None:
            self.refuse(tr("There is no lot in force: its counters cannot restart."), offer_login=False)
            self.blocked = True

    @property
    def explanation(self) -> str:
        return "\n".join(line.text() for line in self.lines)

    def pick(self, reason: str) -> None:
        self.reason = reason
        self.reason_buttons[reason].setChecked(True)
        self.ok_button.setEnabled(not self.blocked)

    def refuse(self, text: str, *, offer_login: bool = True) -> None:
        """The refusal in words, in the sheet; LOG IN where another login could do it."""
        self.refusal.setText(text)
        self.refusal.show()
        self.login_button.setVisible(offer_login and self.login is not None)
        self.ok_button.setEnabled(False)

    def confirm(self) -> bool:
        """The reset asked of the runtime for the logged-in user (the role checked here first, and there again)."""
        if self.reason is None:
            return False
        action = SCOPES[self.scope]
        if self.login is not None:
            self.login.keeper.check()
            session = self.login.keeper.session
            if session is None or not allowed(session.role, action):
                self.refuse(needs(action))
                return False
        try:
            if self.scope == "shift":
                end_shift(self.link.call, self.model, self.reason)
            else:
                restart_lot(self.link.call, self.model, self.reason)
        except ApiError as e:
            self.refuse(needs(action) if e.code in AUTH_CODES else e.message or e.code, offer_login=e.code in AUTH_CODES)
            return False
        self.done_ok = True
        self.accept()
        return True

    def log_in(self) -> None:
        """The login sheet over this one, naming who may; once someone has logged in, the reset goes on."""
        self.login.ask(needs_login(SCOPES[self.scope]), then=self._after_login)

    def _after_login(self) -> None:
        self.refusal.hide()
        self.login_button.hide()
        self.ok_button.setEnabled(self.reason is not None)
        self.raise_()
        if self.reason is not None:
            self.confirm()
