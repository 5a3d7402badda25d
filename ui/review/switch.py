"""The operator screen and the QA review screen in one window: REVIEW in the operator's header, ◀ LINE back.

With users set up, the review opens for a logged-in QA user only (the login screen is asked for otherwise), and goes
back to the line when that user logs out or times out.

The review asks the runtime through the window's API client (``client``, else ``controller.link.client`` as it is at
each request): ``ui.review.remote`` gives the screen the queue, images, audits and reports, and the runtime gives the
verdicts as the client's logged-in user. Exports are saved on this machine (``export_dir``, default ``~/inspector-reports``). Only a
window with an in-process controller and no client (before the window became a client) still opens the station's
database, through a connection of its own.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLayout, QMainWindow, QPushButton, QSizePolicy, QStackedWidget

from inspector.api.protocol import ApiError
from inspector.permissions import REVIEW_LABEL, allowed
from inspector.qa.audits import ReviewAudits
from inspector.review import Review, ReviewError
from inspector.store import Store
from ui.i18n import tr
from ui.review.remote import RemoteAudits, RemoteReview
from ui.review.screen import ReviewScreen
from ui.role_words import needs_login

log = logging.getLogger(__name__)


class LinkClient:
    """The window link's client as it is at each request: the link makes a new one when it reconnects."""

    def __init__(self, link) -> None:
        self.link = link

    def call(self, op: str, **args):
        client = getattr(self.link, "client", None)
        if client is None:
            raise ApiError("connection", "not connected to the station")
        return client.call(op, **args)


class ReviewSwitch(QObject):
    def __init__(self, window: QMainWindow, header: QLayout, controller, login=None, *, client=None,
                 export_dir=None):
        super().__init__(window)
        self.window, self.controller, self.login = window, controller, login
        self.client, self.export_dir = client, export_dir
        self.remote: RemoteReview | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(window.takeCentralWidget())  # taken, not replaced: setCentralWidget would delete it
        window.setCentralWidget(self.stack)
        self.button = QPushButton(tr("REVIEW"), objectName="review")
        self.button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)  # never narrower than its word
        self.button.clicked.connect(self.open)
        header.addWidget(self.button, 0)
        self.screen: ReviewScreen | None = None
        self.store: Store | None = None
        if login is not None:
            login.keeper.changed.connect(self._session_changed)
        window.installEventFilter(self)

    @property
    def showing(self) -> bool:
        return self.screen is not None and self.stack.currentWidget() is self.screen

    def open(self) -> bool:
        session = self.login.keeper.session if self.login is not None else None
        if self.login is not None and (session is None or not allowed(session.user.role, REVIEW_LABEL)):
            self.login.ask(needs_login(REVIEW_LABEL, session), then=self.open)  # who may, plainly
            return False
        try:
            self._show(session)
        except (PermissionError, ReviewError) as e:  # the runtime refused (the login ended) or is not reachable
            if self.login is not None and isinstance(e, PermissionError):
                self.login.ask(tr("Review: {error}").format(error=e), then=self.open)
            else:
                log.warning("the review could not open: %s", e)
            return False
        return True

    def _show(self, session) -> None:
        if self.screen is None:
            link = getattr(self.controller, "link", None)
            client = self.client or (LinkClient(link) if link is not None else None)
            if client is not None:
                review = self.remote = RemoteReview(client)
                audits = RemoteAudits(review)
                export_dir = self.export_dir or review.reports.default_dir()
            else:  # an in-process controller: the station's database, through a connection of the review's own
                station = self.controller.station
                self.store = Store.open(station.store.path) if station.store.path is not None else station.store
                review = Review(self.store)
                audits = ReviewAudits(review, station.config.review.audit_fraction)
                export_dir = self.export_dir or station.data_dir / "reports"
            self.screen = ReviewScreen(review, session=session, export_dir=export_dir, audits=audits)
            self.screen.back.connect(self.close)
            self.stack.addWidget(self.screen)
        else:
            self.screen.set_session(session)
            self.screen.model.reload()  # the line has added parts since
        self.stack.setCurrentWidget(self.screen)
        self.screen.fit_screen(self.window.width(), self.window.height())
        self.screen.setFocus()

    def close(self) -> None:
        self.stack.setCurrentIndex(0)

    def _session_changed(self, session) -> None:
        if self.screen is not None:
            self.screen.set_session(session)
            if self.showing and (session is None or not allowed(session.user.role, REVIEW_LABEL)):
                self.close()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        # Qt may still deliver events while the window is torn down and this wrapper's attributes are gone
        if watched is not getattr(self, "window", None) or event.type() != QEvent.Type.Close:
            return False
        if getattr(self, "remote", None) is not None:
            self.remote.close()  # the pictures fetched for the review go with it
            self.remote = None
        if getattr(self, "store", None) is not None:
            if self.store is not self.controller.last_station.store:
                self.store.close()
            self.store = None
        return False
