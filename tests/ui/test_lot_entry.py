"""START's lot-entry step: typed or scanned, checked by the core's rules, audited, and required where the station
file says so."""
import json

from PySide6.QtCore import Qt

from inspector import audit
from inspector.config import LotSettings
from inspector.line.lots import LOT_CHANGE
from ui.app import StationWindow
from ui.controller import StationController
from ui.model import StationModel


def open_window(qtbot, station):
    model = StationModel()
    controller = StationController(model, station)
    window = StationWindow(model, controller, recipes=["cartridge-box"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def scan(qtbot, entry, text):
    entry.field.selectAll()
    qtbot.keyClicks(entry.field, text)
    qtbot.keyClick(entry.field, Qt.Key.Key_Return)


def test_a_scanned_lot_starts_the_line_and_is_audited(qtbot, station_factory):
    station = station_factory(lot="L-1")
    window = open_window(qtbot, station)
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    entry = window.lot_gate.dialog
    assert entry.field.text() == "L-1" and entry.field.selectedText() == "L-1"  # a scan replaces it
    scan(qtbot, entry, "L-2")
    assert station.line.running and station.line.lot == "L-2"
    [change] = [e for e in audit.entries(station.store) if e.action == LOT_CHANGE]
    assert json.loads(change.before)["lot"] == "L-1" and json.loads(change.after) == {"lot": "L-2"}
    assert change.reason == "lot entered at START"
    window.close()


def test_a_bad_lot_keeps_the_dialog_open_with_the_rule_and_changes_nothing(qtbot, station_factory):
    station = station_factory(lot="L-1")
    window = open_window(qtbot, station)
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    entry = window.lot_gate.dialog
    scan(qtbot, entry, "x" * 65)
    assert entry.isVisible() and "at most 64" in entry.message.text()
    assert not station.line.running and station.line.lot == "L-1"
    window.close()


def test_a_station_that_requires_a_lot_asks_before_its_first_start(qtbot, station_factory, monkeypatch):
    from ui import app

    station = station_factory(lot=None)
    station.config = station.config.model_copy(update={"lots": LotSettings(required=True)})
    station.line.station = station.config
    seen = {}

    def operator_at_the_window(window):  # what happens while the window is up
        entry = window.lot_gate.dialog
        seen["asked"] = entry is not None and entry.isVisibleTo(window) and not station.line.running
        scan(qtbot, entry, "")
        seen["refused"] = entry.message.text()
        seen["started without a lot"] = station.line.running
        scan(qtbot, entry, "4711")
        seen["running"], seen["lot"] = station.line.running, station.line.lot

    monkeypatch.setattr(app, "application", lambda: _NoLoop(operator_at_the_window))
    monkeypatch.setattr(app, "steady_state", lambda: None)  # the interpreter settings are the process's, not a test's
    monkeypatch.setattr(app.StationWindow, "show", lambda self: _NoLoop.windows.append(self))
    app.run_window(station)
    assert seen["asked"] and "requires a lot" in seen["refused"] and not seen["started without a lot"]
    assert seen["running"] and seen["lot"] == "4711"


class _NoLoop:
    """The application with a test in place of its event loop."""

    windows: list = []

    def __init__(self, during):
        self.during = during

    def setApplicationName(self, name):
        pass

    def processEvents(self):
        pass

    def exec(self):
        self.during(_NoLoop.windows[-1])

    def setOverrideCursor(self, cursor):
        pass
