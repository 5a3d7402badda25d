"""The station window: composes the views over one model and wires the operator's taps to the controller.

Layout, top to bottom: alarms (only while any is active), the header (ui/header.py: START/STOP, RECIPE, who is logged
in, MENU for the other screens), the last part's picture beside the verdict, the live camera and the counters (+ charts
on a big screen), the strip of last results, the status line. On a small screen (the Pi's 800 x 480) the charts take
the place of the camera view while CHARTS (in the menu) is on.
"""
from __future__ import annotations

import gc
import signal
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QHBoxLayout, QMainWindow, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from ui import theme
from ui.alarms import AlarmBanner
from ui.camera_feed import CameraFeed
from ui.charts import ChartsPanel
from ui.controller import StationController
from ui.controls import ControlBar, RecipePicker
from ui.counters import CountersPanel
from ui.gui_gc import application
from ui.header import CAPTIONS, Header, MenuPanel
from ui.live_view import LiveView
from ui.login import LoginGate, open_users
from ui.lot_entry import LotGate
from ui.model import StationModel
from ui.part_detail import PartDetail
from ui.results_strip import ResultsStrip
from ui.review.switch import ReviewSwitch
from ui.status import StatusLine
from ui.verdict import VerdictBanner

WIDE_MIN = (1280, 720)  # from this size on, the charts have room beside the counters
GIL_SLICE_S = 0.0005  # see run_window; the same slice as a headless station (inspector.assemble)


class StationWindow(QMainWindow):
    def __init__(self, model: StationModel, controller: StationController, *, recipes: list[str] = (),
                 users=None, station_path: Path | None = None):
        super().__init__()
        self.model, self.controller, self.recipes = model, controller, list(recipes)
        self.station_path = station_path  # where calibration is saved; None: <data_dir>/station.toml
        self.calibration = None
        self.setWindowTitle("Inspection station")
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

        self.side = QVBoxLayout()
        self.side.setContentsMargins(0, 0, 0, 0)
        self.side.addWidget(self.verdict, 3)
        camera_and_counters = QHBoxLayout()
        camera_and_counters.addWidget(self.preview, 2)
        camera_and_counters.addWidget(self.counters, 5)
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

        start, stop, acknowledge = controller.start, controller.stop, controller.acknowledge
        self.login: LoginGate | None = None
        if users is not None:  # a tap that changes the line needs a logged-in user whose role allows it
            self.login = LoginGate(self, controller, users)
            start, stop, acknowledge = self.login.start, self.login.stop, self.login.acknowledge
        self.lot_gate = LotGate(self, controller, start, login=self.login)  # START asks the lot first
        self.controls.start.connect(self.lot_gate.start)
        self.controls.stop.connect(stop)
        self.controls.pick_recipe.connect(self.pick_recipe)
        self.controls.toggle_charts.connect(self.toggle_charts)
        self.alarms.acknowledge.connect(acknowledge)
        self.menu = MenuPanel(self)  # the other screens, behind MENU in the header
        self.header = Header(self.controls, self.menu, self.login.button if self.login is not None else None)
        self.menu_button = self.header.menu_button
        self.review = ReviewSwitch(self, self.menu, controller, self.login)  # REVIEW (QA) and back
        self.calibrate_button = self.menu.add(QPushButton("CALIBRATE", objectName="calibrate"))
        self.calibrate_button.clicked.connect(self.open_calibration)
        self.audit_button = self.menu.add(QPushButton("AUDIT", objectName="audit"))  # the trail, read-only
        self.audit_button.clicked.connect(self.open_audit)
        self.audit_view = None
        self.models_button = self.menu.add(QPushButton("MODELS", objectName="models"),
                                           "the model table: evaluate, promote, roll back (admin)")
        self.models_button.clicked.connect(self.open_models)
        self.models_view = None
        # -- ADMIN: USERS (helper admin) --
        self.users_button = self.menu.add(QPushButton("USERS", objectName="users"),
                                          "admin: unlock, roles, PINs, new users")
        self.users_button.clicked.connect(self.open_users)
        self.users_view = None
        # -- end ADMIN --
        self.strip.part_tapped.connect(self.show_part)
        self.live.part_tapped.connect(self.show_part)
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
        button.setText("◀  LIVE VIEW" if show else "CHARTS")
        self.menu.captions[button].setText("back to the camera and the last part" if show else CAPTIONS["charts"])

    # -- taps ------------------------------------------------------------------------------------------------------
    def show_part(self, part) -> None:
        if self.detail is not None:
            self.detail.close()
        self.detail = PartDetail(part, self)
        self.detail.open()

    def pick_recipe(self) -> None:
        self.picker = RecipePicker(self.recipes, self.model.info.recipe, self)
        self.picker.accepted.connect(lambda: self.picker.chosen and self.switch_recipe(self.picker.chosen))
        self.picker.open()

    def switch_recipe(self, name: str) -> bool:
        """Through the core (``actions.switch_recipe``: role checked, before/after audited); with users, a login is
        asked first when nobody allowed is logged in, and the switch follows it."""
        from inspector.actions import switch_recipe
        from inspector.permissions import RECIPE_SWITCH, PermissionDenied

        station = self.controller.station
        if station is None:
            return False
        session = None
        if self.login is not None:
            session = self.login.session_for(RECIPE_SWITCH, then=lambda: self.switch_recipe(name))
            if session is None:
                return False
        store = self.login.users.store if self.login is not None else station.store
        try:
            return switch_recipe(session, store, station.recipe.name, name, self.controller.switch_recipe)
        except PermissionDenied as e:
            if self.login is not None:
                self.login.ask(str(e), then=lambda: self.switch_recipe(name))
            return False

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
        from inspector.permissions import CALIBRATION_SAVE, allowed
        from ui.calibration import CalibrationDialog, for_client

        client = getattr(getattr(self, "link", None), "client", None)
        if client is None:
            return
        session = None
        if self.login is not None:
            self.login.keeper.check()
            session = self.login.keeper.session
            if session is None or not allowed(session.role, CALIBRATION_SAVE):
                self.login.ask("Calibration needs a technician", then=self.open_calibration)
                return
        self.calibration = CalibrationDialog(for_client(client, session=session), self)
        self.calibration.open()

    def closeEvent(self, event) -> None:
        if self.closed_ok is None:
            started = time.monotonic()
            drawn = [self.live.stop(), self.preview.stop(), self.strip.stop()]
            self.closed_ok = self.controller.close(timeout=2.0) and all(drawn)
            self.close_seconds = time.monotonic() - started
        event.accept()


def steady_state() -> None:
    """Once the window is up: interpreter settings that keep the GUI and the line from waiting on each other.

    - The GUI thread hands the GIL back and forth with the line's threads many times a second (every OpenCV or Qt call
      that releases it); with Python's default 5 ms slices each hand-back can cost the other side up to 5 ms.
    - A full garbage-collector pass over everything Qt and pyqtgraph made at start-up takes ~40 ms holding the GIL;
      frozen, those objects are left out of every later pass. (Measured with benchmarks/bench_ui.py.)
    """
    sys.setswitchinterval(GIL_SLICE_S)
    gc.collect()
    gc.freeze()


def run_window(station, *, build=None, recipes: list[str] = (), parts: int | None = None, kiosk: bool = False,
               size: tuple[int, int] = (1280, 800), start: bool = True,
               station_path: Path | None = None) -> tuple[bool, object]:
    """Show the station window until it is closed (or Ctrl-C / SIGTERM); returns (stopped cleanly, last station)."""
    app = application()
    app.setApplicationName("inspector")
    model = StationModel()
    controller = StationController(model, station, build=build, parts=parts)
    window = StationWindow(model, controller, recipes=recipes, users=open_users(station), station_path=station_path)
    if kiosk:  # the screen's size, frameless, with or without a window manager
        from ui.kiosk import fill_screen

        fill_screen(window)
    else:
        window.resize(*size)
        window.show()
    app.processEvents()
    steady_state()
    if start:  # at once, unless the station requires a lot it was not given (--lot): then START asks for it
        if station.config.lots.required and station.line.lot is None:
            window.lot_gate.start()
        else:
            controller.start()
    previous = {sig: signal.signal(sig, lambda *_: QTimer.singleShot(0, window.close))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    wake = QTimer()  # lets Python run its signal handlers while Qt waits for events
    wake.start(200)
    wake.timeout.connect(lambda: None)
    try:
        app.exec()
    finally:
        wake.stop()
        if window.closed_ok is None:
            window.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return bool(window.closed_ok), controller.last_station
