"""START's lot-entry step: typed or scanned, checked by the core's rules, audited, and required where the station
file says so."""
import json

from PySide6.QtCore import Qt

from inspector import audit
from inspector.config import LotSettings
from inspector.line.lots import LOT_CHANGE
from tests.ui.conftest import connect_window


def scan(qtbot, entry, text):
    entry.field.selectAll()
    qtbot.keyClicks(entry.field, text)
    qtbot.keyClick(entry.field, Qt.Key.Key_Return)


def test_a_scanned_lot_starts_the_line_and_is_audited(qtbot, served):
    station = served.serve(lot="L-1")
    window = connect_window(qtbot, served.socket)
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    entry = window.lot_gate.dialog
    assert entry.field.text() == "L-1" and entry.field.selectedText() == "L-1"  # a scan replaces it
    scan(qtbot, entry, "L-2")
    assert station.line.running and station.line.lot == "L-2"
    [change] = [e for e in audit.entries(station.store) if e.action == LOT_CHANGE]
    assert json.loads(change.before)["lot"] == "L-1" and json.loads(change.after) == {"lot": "L-2"}
    assert change.reason == "lot entered at START"
    window.close()


def test_a_bad_lot_keeps_the_dialog_open_with_the_rule_and_changes_nothing(qtbot, served):
    station = served.serve(lot="L-1")
    window = connect_window(qtbot, served.socket)
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    entry = window.lot_gate.dialog
    scan(qtbot, entry, "x" * 65)
    assert entry.isVisible() and "at most 64" in entry.message.text()
    assert not station.line.running and station.line.lot == "L-1"
    window.close()


def test_a_station_that_requires_a_lot_asks_before_its_first_start(qtbot, served):
    station = served.serve(lot=None)
    station.config = station.config.model_copy(update={"lots": LotSettings(required=True)})
    station.line.station = station.config
    window = connect_window(qtbot, served.socket)
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    entry = window.lot_gate.dialog
    assert entry is not None and entry.isVisible() and not station.line.running
    scan(qtbot, entry, "")
    assert "requires a lot" in entry.message.text() and not station.line.running
    scan(qtbot, entry, "4711")
    assert station.line.running and station.line.lot == "4711"
    window.close()
