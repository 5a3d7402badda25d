"""The station window: composes the views over one model and wires the operator's taps to the controller.

The window is a client of the runtime (``inspector serve``): the model is fed by the station link (``ui.link``) and
the taps are API calls (``ui.controller``); nothing here holds the station's objects. Killing the window leaves the
line running; a new window shows the same counters and last results.

Layout, top to bottom: alarms (only while any is active), the header (ui/header.py: START/STOP, RECIPE, who is logged
in, MENU for the other screens), the last part's picture beside the verdict, the live camera and the counters (+ charts
on a big screen), the strip of last results, the status line. On a small screen (the Pi's 800 x 480) the charts take
the place of the camera view while CHARTS (in the menu) is on.
"""
from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QMainWindow, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from ui import hmi_menu, theme
from ui.alarms import AlarmBanner
from ui.camera_feed import CameraFeed
from ui.charts import ChartsPanel
from ui.controller import StationController
from ui.controls import ControlBar, RecipePicker
from ui.counters import CountersPanel
from ui.gui_gc import application
from ui.header import CAPTIONS, Header, MenuPanel
from ui.i18n import LANGUAGES, current_language, default_language, tr, use_language
from ui.link import StationLink
from ui.live_view import LiveView
from ui.login import LoginGate
from ui.lot_entry import LotGate
from ui.model import StationModel
from ui.part_detail import PartDetail
from ui.results_strip import ResultsStrip
from ui.review.switch import ReviewSwitch
from ui.status import StatusLine
from ui.verdict import VerdictBanner

WIDE_MIN = (1280, 720)  # from this size on, the charts have room beside the counters
CONNECT_WAIT_S = 10.0  # run_window waits this long for the runtime before showing the window NOT CONNECTED


def window_settings() -> QSettings:
    """Where the window keeps its choices (the language) between starts."""
    return QSettings("inspector", "window")


def saved_language() -> str | None:
    value = window_settings().value("language")
    return value if value in LANGUAGES else None


def window_language(choice: str | None = None) -> str:
    """The window's language: ``choice`` (``--language``), else the one last chosen on screen, else the system's."""
    return choice or saved_language() or default_language()


class StationWindow(QMainWindow):
    replaced_by = Signal(object)  # the window built in another language over the same model, controller and link

    def __init__(self, model: StationModel, controller: StationController, *, recipes: list[str] | None = None,
                 users: bool | None = None):
        """``recipes``: the recipes RECIPE offers (default: the runtime's); ``users``: whether taps need a login
        (default: whether the runtime has users)."""
        super().__init__()
        self.model, self.controller = model, controller
        self.link = controller.link  # the runtime; ``link.client`` is what the other screens ask it through
        self._recipes = list(recipes) if recipes is not None else None
        self.calibration = None
        self.setWindowTitle(tr("Inspection station"))
        self.alarms = AlarmBanner(model)
        self.controls = ControlBar(model)
        self.live = LiveView(model)
        self.preview = CameraFeed(model, name="camera-preview")
        self.verdict = VerdictBanner(model)
        self.counters = CountersPanel(model)
        self.charts = ChartsPanel(model)
        self.strip = ResultsStrip(model)
        self.status = StatusLine(model, self.preview, controller.health)
        self.detail: PartDetail | None = None
        self.picker: RecipePicker | None = None
        self.wide: bool | None = None
        self.scale = 0.0
        self.closed_ok: bool | None = None
        self.close_seconds: float | None = None
        self.replacement: StationWindow | None = None  # set when a language switch rebuilt the window

        self.side = QVBoxLayout()
        self.side.setContentsMargins(0, 0, 0, 0)
        self.side.addWidget(self.verdict, 3)
        camera_and_counters = QHBoxLayout()
        camera_and_counters.addWidget(self.preview, 2)
        camera_and_counters.addWidget(self.counters, 6)  # the counters' captions whole at 800 x 480, German too
        self.side.addLayout(camera_and_counters, 2)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.live, 5)
        row.addLayout(self.side, 4)
        self.charts_page = QWidget()
        QVBoxLayout(self.charts_page).setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget()
        self.pages.addWidget(body)
        self.pages.addWidget(self.charts_page)
        central = QWidget()
        self.column = QVBoxLayout(central)
        for widget, stretch in ((self.alarms, 0), (self.controls, 0), (self.pages, 1), (self.strip, 0), (self.status, 0)):
            self.column.addWidget(widget, stretch)
        self.setCentralWidget(central)

        self.login: LoginGate | None = None
        self._users = users
        link = controller.link
        if users if users is not None else bool(link.users) or link.needs_login:  # taps that change the line need a login
            self.login = LoginGate(self, controller)
        self.lot_gate = LotGate(self, controller, self._start, login=self.login)  # START asks the lot first
        self.controls.start.connect(self.lot_gate.start)
        self.controls.stop.connect(self._stop)
        self.controls.pick_recipe.connect(self.pick_recipe)
        self.controls.toggle_charts.connect(self.toggle_charts)
        self.alarms.acknowledge.connect(self._acknowledge)
        self.menu = MenuPanel(self)  # the other screens, behind MENU in the header
        self.header = Header(self.controls, self.menu, self.login.button if self.login is not None else None)
        link.connected_changed.connect(self._connected)
        self.menu_button = self.header.menu_button
        self.review = ReviewSwitch(self, self.menu, controller, self.login)  # REVIEW (QA) and back
        self.calibrate_button = self.menu.add(QPushButton(tr("CALIBRATE"), objectName="calibrate"))
        self.calibrate_button.clicked.connect(self.open_calibration)
        self.audit_button = self.menu.add(QPushButton(tr("AUDIT"), objectName="audit"))  # the trail, read-only
        self.audit_button.clicked.connect(self.open_audit)
        self.audit_view = None
        self.models_button = self.menu.add(QPushButton(tr("MODELS"), objectName="models"))
        self.models_button.clicked.connect(self.open_models)
        self.models_view = None
        # -- ADMIN: USERS (helper admin) --
        self.users_button = self.menu.add(QPushButton(tr("USERS"), objectName="users"))
        self.users_button.clicked.connect(self.open_users)
        self.users_view = None
        # -- end ADMIN --
        self.other_language = next(code for code in LANGUAGES if code != current_language())
        self.language_button = self.menu.add_top(  # the other language in its own words: DEUTSCH / ENGLISH
            QPushButton(LANGUAGES[self.other_language].upper(), objectName="language"))
        self.language_button.clicked.connect(self._switch_language)
        hmi_menu.install(self)  # END SHIFT, RESTART LOT COUNTERS, HELP; the idle-logout warning (ui/hmi_menu.py)
        self.strip.part_tapped.connect(self.show_part)
        self.live.part_tapped.connect(self.show_part)
        self.first_picture_at: float | None = None  # time.time() of the first camera frame drawn
        self._first_picture = QTimer(self)
        self._first_picture.timeout.connect(self._check_first_picture)
        self._first_picture.start(10)
        model.line_first.hold_painting(self)  # on the line's screen nothing is painted while a part is decided
        self.setMinimumSize(640, 400)  # not the layout's: sizes follow the screen (fit_screen), not the other way round
        self.resize(1280, 800)

    # -- screen size -----------------------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self.fit_screen(self.width(), self.height())
        super().resizeEvent(event)

    def fit_screen(self, width: int, height: int) -> None:
        scale = theme.scale_for(width, height)
        if abs(scale - self.scale) > 0.02:
            self.scale = scale
            self.setStyleSheet(theme.style_sheet(scale))
            self.strip.set_tile_height(round(76 * scale))
            self.charts.set_scale(scale)
            m = round(4 * scale)
            self.column.setContentsMargins(m, m, m, m)
            self.column.setSpacing(m)
        wide = width >= WIDE_MIN[0] and height >= WIDE_MIN[1]
        if wide != self.wide:
            self.wide = wide
            if wide:
                self.side.addWidget(self.charts, 5)
                self.pages.setCurrentIndex(0)
            else:
                self.charts_page.layout().addWidget(self.charts)
            self.menu.set_shown(self.controls.charts_button, not wide)
            self.show_charts(False)

    def toggle_charts(self) -> None:
        self.show_charts(self.pages.currentIndex() == 0)

    def show_charts(self, show: bool) -> None:
        """On a small screen the charts take the camera's place; the menu's button then leads back."""
        self.pages.setCurrentIndex(1 if show else 0)
        button = self.controls.charts_button
        button.setChecked(show)
        button.setText("◀  " + tr("LIVE VIEW") if show else tr("CHARTS"))
        self.menu.captions[button].setText(tr("back to the camera and the last part") if show else
                                           tr(CAPTIONS["charts"]))

    # -- language --------------------------------------------------------------------------------------------------
    def _switch_language(self) -> None:
        self.switch_language(self.other_language)

    def switch_language(self, language: str) -> "StationWindow":
        """Rebuild the window in ``language`` (saved for the next start) over the same model, controller and link:
        the runtime connection, the counters, the last results and who is logged in stay; this window goes."""
        use_language(language)
        window_settings().setValue("language", language)
        session = self.login.keeper.session if self.login is not None else None
        new = StationWindow(self.model, self.controller, recipes=self._recipes, users=self._users)
        if self.login is not None:
            self.login.keeper.session = None  # handed over, not ended: the runtime's token stays valid
            self.login.keeper.timer.stop()
        if session is not None and new.login is not None:
            new.login.keeper.set(session)
        if self.windowFlags() & Qt.WindowType.FramelessWindowHint:  # kiosk: the same screen, frameless
            new.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            new.setMinimumSize(0, 0)
        new.setGeometry(self.geometry())
        if self.isFullScreen():
            new.showFullScreen()
            new.setGeometry(self.geometry())
        elif self.isVisible():
            new.show()
        self.replacement = new
        self.close()  # stops this window's drawing; the controller and its link stay with the new one
        self.deleteLater()
        self.replaced_by.emit(new)
        return new

    # -- taps ------------------------------------------------------------------------------------------------------
    def _start(self) -> None:
        (self.login.start if self.login is not None else self.controller.start)()

    def _stop(self) -> None:
        (self.login.stop if self.login is not None else self.controller.stop)()

    def _acknowledge(self, kind: str) -> None:
        (self.login.acknowledge if self.login is not None else self.controller.acknowledge)(kind)

    def _connected(self, connected: bool) -> None:
        """A window started before its runtime learns on connecting whether taps need a login (LOG IN appears)."""
        link = self.controller.link
        if connected and self.login is None and self._users is None and (link.users or link.needs_login):
            from ui.header import keep_words

            self.login = self.lot_gate.login = LoginGate(self, self.controller)
            row = self.header.row
            row.insertWidget(row.indexOf(self.header.menu_button), keep_words(self.login.button), 0)
            self.login.button.show()  # at once, not when the layout's queued show comes round
            self.header.session_button = self.login.button

    def show_part(self, part) -> None:
        if self.detail is not None:
            self.detail.close()
        self.detail = PartDetail(part, self)
        self.detail.open()

    @property
    def recipes(self) -> list[str]:
        return self._recipes if self._recipes is not None else list(self.controller.station.get("recipes") or [])

    def pick_recipe(self) -> None:
        self.picker = RecipePicker(self.recipes, self.model.info.recipe, self)
        self.picker.accepted.connect(lambda: self.picker.chosen and self.switch_recipe(self.picker.chosen))
        self.picker.open()

    def switch_recipe(self, name: str) -> bool:
        """Asked of the runtime (``switch_recipe``: role checked, before/after audited there); with users, a login is
        asked first when nobody allowed is logged in, and the switch follows it."""
        from inspector.permissions import RECIPE_SWITCH

        if self.login is not None and self.login.session_for(RECIPE_SWITCH,
                                                             then=lambda: self.switch_recipe(name)) is None:
            return False
        return self.controller.switch_recipe(name)

    def _screen_session(self, action: str, then):
        """(allowed, session) for a screen behind the menu: the login asked first where the station has users."""
        if self.login is None:
            return True, None
        session = self.login.session_for(action, then=then)
        return session is not None, session

    # -- ADMIN screens over the runtime's API (helper admin) --------------------------------------------------------
    def screen_client(self):
        """The API client of the admin screens: the window's link to ``inspector serve`` (its login's token)."""
        return getattr(getattr(self, "link", None), "client", None)

    def open_audit(self):
        """The read-only audit trail (QA and admins once the station has users; the runtime checks)."""
        from inspector.permissions import AUDIT_READ
        from ui.audit_view import AuditView

        client = self.screen_client()
        if client is None:
            return None
        if self.login is not None and self.login.session_for(AUDIT_READ, then=self.open_audit) is None:
            return None
        self.audit_view = AuditView(client, self, scale=self.scale or 1.0)
        self.audit_view.open()
        return self.audit_view

    def open_models(self):
        """The station's model table; changes need an admin once the station has users (asked when one is tapped).
        An evaluation is the runtime's job (it leaves a core to the line while the line runs)."""
        from ui.models_model import ModelsModel
        from ui.models_view import ModelsView

        client = self.screen_client()
        if client is None:
            return None
        model = ModelsModel(client)
        self.models_view = ModelsView(model, self, login=self.login, scale=self.scale or 1.0)
        self.models_view.finished.connect(lambda _=0, m=model: m.close())
        self.models_view.open()
        return self.models_view

    def open_users(self):
        """USERS (admins): unlock, role, deactivate, new PIN, add; each audited by the runtime."""
        from inspector.permissions import USERS_MANAGE
        from ui.users_view import UsersView

        client = self.screen_client()
        if client is None:
            return None
        if self.login is not None and self.login.session_for(USERS_MANAGE, then=self.open_users) is None:
            return None
        self.users_view = UsersView(client, self, login=self.login, scale=self.scale or 1.0)
        self.users_view.open()
        return self.users_view
    # -- end ADMIN screens -------------------------------------------------------------------------------------------

    def open_calibration(self) -> None:
        """The technician's calibration screen, a client of the runtime through the window's link (a technician must
        be logged in when the station has users); the screen never touches the camera or the pins itself."""
        from inspector.permissions import CALIBRATION_SAVE
        from ui.calibration import CalibrationDialog, for_client

        client = self.screen_client()
        if client is None:
            return
        ok, session = self._screen_session(CALIBRATION_SAVE, self.open_calibration)
        if not ok:
            return
        self.calibration = CalibrationDialog(for_client(client, session=session), self)
        self.calibration.open()

    def _check_first_picture(self) -> None:
        if self.preview.frames_drawn:
            self.first_picture_at = time.time()
            self._first_picture.stop()

    def state(self) -> dict:
        """What the window shows, for the record (``inspector window --dump-state``) and tests."""
        c = self.model.counters
        return {"connected": self.controller.link.connected, "running": self.model.running, "busy": self.model.busy,
                "recipe": self.model.info.recipe, "run_id": self.model.info.run_id,
                "counters": {k: getattr(c, k) for k in ("inspected", "passed", "rejected", "check", "fail_safe")},
                "shown": {k: self.counters.text(k) for k in ("inspected", "passed", "rejected", "check", "fail_safe")},
                "strip": [p.record.part_id for p in self.strip.parts],
                "verdict": {"part_id": self.verdict.part_id, "outcome": self.verdict.outcome},
                "alarms": list(self.alarms.kinds), "connects": self.controller.link.connects,
                "first_picture_at": self.first_picture_at, "frames_drawn": self.preview.frames_drawn,
                "display_fps": self.preview.display_fps, "language": current_language()}

    def closeEvent(self, event) -> None:
        if self.closed_ok is None:
            started = time.monotonic()
            drawn = [self.live.stop(), self.preview.stop(), self.strip.stop()]
            if self.replacement is not None:  # a language switch: the new window keeps the controller and link
                self.closed_ok = all(drawn)
            else:
                self.closed_ok = self.controller.close(timeout=2.0) and all(drawn)
            self.close_seconds = time.monotonic() - started
        event.accept()


def run_window(link: StationLink | str | Path, *, kiosk: bool = False, size: tuple[int, int] = (1280, 800),
               dump_state: Path | None = None, until=None, language: str | None = None) -> bool:
    """Show the station window over ``link`` (or a unix socket path) until it is closed (or Ctrl-C / SIGTERM);
    returns whether it closed cleanly. The runtime goes on. ``dump_state``: the window's state is written there as
    JSON twice a second (a debug aid, used by the acceptance test); ``until``: a check, twice a second, that closes
    the window when true (``inspector run``: its runtime child ended); ``language``: ``en`` / ``de`` (default: the one
    last chosen on screen, else the system's). LANGUAGE in the menu rebuilds the window; what follows here follows
    the new one."""
    app = application()
    app.setApplicationName("inspector")
    use_language(window_language(language))
    if not isinstance(link, StationLink):
        link = StationLink.local(StationModel(), link)
    model = link.model
    link.start()
    link.wait_connected(CONNECT_WAIT_S)  # the login gate needs to know whether the station has users
    controller = StationController(model, link)
    window = StationWindow(model, controller)
    shown = [window]  # the window on screen now: a language switch replaces it

    def follow(new: StationWindow) -> None:
        shown[0] = new
        new.replaced_by.connect(follow)

    window.replaced_by.connect(follow)
    if kiosk:  # the screen's size, frameless, with or without a window manager
        from ui.kiosk import fill_screen

        fill_screen(window)
    else:
        window.resize(*size)
        window.show()
    app.processEvents()
    previous = {sig: signal.signal(sig, lambda *_: QTimer.singleShot(0, shown[0].close))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    wake = QTimer()  # lets Python run its signal handlers while Qt waits for events
    wake.start(200)
    wake.timeout.connect(lambda: None)
    dumper = QTimer()
    dumper.timeout.connect(lambda: (dump_state is not None and _dump(shown[0], Path(dump_state)),
                                    until is not None and until() and shown[0].close()))
    dumper.start(500)
    try:
        app.exec()
    finally:
        wake.stop()
        dumper.stop()
        if shown[0].closed_ok is None:
            shown[0].close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return bool(shown[0].closed_ok)


def _dump(window: StationWindow, path: Path) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"t": time.time(), **window.state()}))
    temporary.replace(path)
