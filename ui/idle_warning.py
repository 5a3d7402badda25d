"""The idle-logout warning: before the login's idle time-out ends it, a bar over the window counts down.

"Logging out in 12 s — tap to stay logged in": shown 30 s before the time-out (or a third of it, whichever is
shorter). A tap anywhere is activity (``SessionKeeper`` counts it) and also renews the login at the runtime (a viewer
call carries the token, and each allowed call renews it there), so the bar goes; without a tap the log-out happens
as before (``SessionKeeper.check``).
"""
from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from inspector.api.protocol import ApiError
from ui.i18n import tr

LEAD_S = 30.0  # the warning's lead, at most a third of the time-out
ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


def warning_lead(idle_timeout_s: float) -> float:
    return min(LEAD_S, idle_timeout_s / 3)


def seconds_left(session) -> float | None:
    """Seconds until ``session`` (a RemoteSession) is logged out for idling; None without a time-out."""
    if session is None or not session.idle_timeout_s:
        return None
    return session.idle_timeout_s - (time.monotonic() - session.last_activity)


class IdleWarning(QLabel):
    """The count-down bar across the top of ``window``, over everything (sheets too), for the ``keeper``'s login."""

    def __init__(self, window: QWidget, keeper, link, *, tick_ms: int = 250):
        super().__init__(window, objectName="idleWarning", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.window_, self.keeper, self.link = window, keeper, link
        self.setStyleSheet("QLabel#idleWarning { background: #b45309; color: white; font-weight: bold;"
                           " border: 2px solid #fbbf24; padding: 6px; }")
        self.renewals = 0
        self._renewing = False
        self.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def refresh(self) -> None:
        left = seconds_left(self.keeper.session)
        if left is None or left <= 0 or left > warning_lead(self.keeper.session.idle_timeout_s):
            self.hide()
            return
        self.setText(tr("Logging out in {n} s — tap to stay logged in").format(n=math.ceil(left)))
        width = self.window_.width()
        height = max(56, round(self.window_.height() / 8))
        self.setGeometry(0, 0, width, height)
        self.show()
        self.raise_()

    def renew(self) -> None:
        """A tap while the warning shows: the window's login renewed (the keeper saw the tap), and the runtime's."""
        self._renewing = False
        self.hide()
        self.renewals += 1
        try:
            self.link.call("counters")  # a viewer call with the login's token renews it at the runtime
        except ApiError:
            self.keeper.check()  # the runtime had ended it already: the screen shows that

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in ACTIVITY and self.isVisible() and not self._renewing:
            self._renewing = True  # one renewal per tap (Qt shows a tap to each widget it passes through)
            QTimer.singleShot(0, self.renew)  # after the keeper counted the tap
        return False
