"""The whole window as a client of a real runtime (station + API server) on the simulated line: what it shows
follows what the line recorded, and the window holds nothing of the station."""
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from inspector.config import SHIPPED_RECIPES

from tests.ui.conftest import connect_window
from ui.link import IMAGE_WAIT_S

IMAGE_WAIT_MS = int(IMAGE_WAIT_S * 1000) + 100  # the last part's picture, or its wait for one, is over

WINDOW_THREADS = {"station-link", "render-camera-view", "render-camera-preview", "render-part-view",
                  "render-thumbnails"}


@pytest.fixture
def window(qtbot, served):
    """A window over a running cartridge-box runtime at 20 parts/s, 1280 x 800."""
    station = served.serve("cartridge-box")
    station.start()
    win = connect_window(qtbot, served.socket)
    yield win
    win.close()


def parts_seen(win, n, qtbot, timeout=8000):
    qtbot.waitUntil(lambda: win.model.counters.inspected >= n, timeout=timeout)


def test_the_window_shows_what_the_line_decided(qtbot, window, served):
    parts_seen(window, 12, qtbot)
    station = served.station
    latest = window.model.latest
    shown = window.model.hold.part or latest  # a REJECT is held over the good parts after it (ui.reject_hold)
    assert window.verdict.part_id == shown.record.part_id
    assert window.verdict.outcome == shown.record.outcome
    if shown.record.count is not None:
        assert window.verdict.detail.startswith(f"{shown.record.count} / 24")
    assert len(window.live.overlay.items) == (shown.record.count or 0)
    station.line.stop()
    station.simulator.stop(0.5)
    qtbot.waitUntil(lambda: station.line.in_transit() == 0, timeout=4000)  # every part on the belt recorded
    qtbot.waitUntil(lambda: window.model.counters.inspected == station.stats.recorded, timeout=4000)
    qtbot.wait(IMAGE_WAIT_MS)
    latest = window.model.latest
    c = window.model.counters
    assert c.passed == station.stats.outcomes["pass"]
    assert c.rejected == station.stats.outcomes["reject"]
    assert window.counters.text("inspected") == str(station.stats.recorded)
    assert window.strip.parts[0].record.part_id == latest.record.part_id
    assert latest.frame is not None  # the picture the part was decided on, sent after its event
    assert latest.frame.image.shape[1] <= served.server.settings.frame_width
    assert window.model.info.run_id == station.line.run_id
    qtbot.waitUntil(lambda: window.preview.frames_drawn > 3, timeout=4000)  # live frames over the socket
    qtbot.waitUntil(lambda: "cartridge_counter" in window.status.text(), timeout=2000)
    assert "display" in window.status.text()
    assert not hasattr(window.controller, "bridge")


def test_stop_halts_the_line_and_start_with_a_lot_resumes_it(qtbot, window, served):
    parts_seen(window, 3, qtbot)
    station = served.station
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    assert not station.line.running and not window.model.running
    assert window.verdict.text == "STOPPED" and "START" in window.controls.run_button.text()
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)  # START asks the lot first
    entry = window.lot_gate.dialog
    assert entry.isVisible() and not station.line.running
    qtbot.keyClicks(entry.field, "LOT-7")  # typed, or a barcode scanner (a keyboard that ends with Enter)
    qtbot.keyClick(entry.field, Qt.Key.Key_Return)
    assert station.line.running and "STOP" in window.controls.run_button.text()
    assert station.line.lot == "LOT-7"


def test_an_alarm_from_the_line_shows_until_acknowledged(qtbot, window, served):
    station = served.station
    threading.Thread(target=station.line.alarms.raise_, args=("disk_low", "only 512 MiB free")).start()
    qtbot.waitUntil(lambda: window.alarms.kinds == ["disk_low"], timeout=3000)
    assert window.alarms.isVisible() and "DISK NEARLY FULL" in window.alarms.buttons[0].text()
    station.line.alarms.acknowledge("disk_low", by="test")  # (a tap needs a login: tests/ui/test_pin_pad.py)
    qtbot.waitUntil(lambda: not window.alarms.isVisible(), timeout=3000)


def test_a_lost_camera_raises_its_alarm_on_the_screen(qtbot, window, served):
    parts_seen(window, 2, qtbot)
    served.station.line.frames.camera.unplug()
    qtbot.waitUntil(lambda: "camera_lost" in window.alarms.kinds, timeout=4000)
    served.station.line.frames.camera.replug()


def test_tapping_a_result_opens_it_full_size_with_its_reason(qtbot, window, served):
    parts_seen(window, 4, qtbot)
    served.station.simulator.stop(0.5)  # the strip holds still while it is tapped
    served.station.line.stop()
    qtbot.waitUntil(lambda: window.model.counters.inspected == served.station.stats.recorded, timeout=4000)
    qtbot.wait(IMAGE_WAIT_MS)
    tapped = window.strip.parts[2]
    qtbot.mouseClick(window.strip, Qt.MouseButton.LeftButton, pos=window.strip.tile_rect(2).center())
    detail = window.detail
    assert detail is not None and detail.isVisible() and detail.part is tapped
    assert detail.rows["Why"].text() == tapped.record.reason
    assert detail.verdict.text() in ("PASS", "REJECT", "CHECK", "COVERED", "FAIL-SAFE")
    detail.accept()


def recipes_with_a_broken_one(folder: Path) -> Path:
    """The shipped recipes, and one whose model package does not exist (the runtime refuses it)."""
    folder.mkdir()
    for path in Path(SHIPPED_RECIPES).glob("*.toml"):
        shutil.copy(path, folder / path.name)
    text = (folder / "cartridge-box.toml").read_text().replace('name = "cartridge-box"', 'name = "broken-box"')
    (folder / "broken-box.toml").write_text(text.replace('models = ["cartridge_counter"]', 'models = ["no_such_model"]'))
    return folder


def test_switching_recipe_is_asked_of_the_runtime_without_freezing_the_window(qtbot, window, served):
    parts_seen(window, 3, qtbot)
    old = served.station
    stalls, last = [], [time.monotonic()]

    def beat():
        now = time.monotonic()
        stalls.append(now - last[0])
        last[0] = now

    heart = QTimer()
    heart.timeout.connect(beat)
    heart.start(5)
    window.pick_recipe()
    assert set(window.picker.buttons) >= {"cartridge-box", "surface-part"}  # the runtime's recipes folder
    qtbot.mouseClick(window.picker.buttons["surface-part"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.busy.startswith("switching"), timeout=2000)
    assert not window.controls.run_button.isEnabled()
    qtbot.waitUntil(lambda: window.model.info.recipe == "surface-part" and not window.model.busy, timeout=20000)
    heart.stop()
    assert old.closed and served.station is not old
    assert max(stalls) < 0.25, f"the event loop stalled {max(stalls) * 1000:.0f} ms during the switch"
    assert window.model.info.run_id == served.station.line.run_id
    qtbot.waitUntil(lambda: window.model.latest.record.recipe == "surface-part", timeout=8000)
    qtbot.waitUntil(lambda: "surface_classifier" in window.status.text(), timeout=2000)


def test_a_refused_recipe_keeps_the_old_one_and_says_why(qtbot, served, tmp_path):
    served.serve("cartridge-box", recipes_dir=recipes_with_a_broken_one(tmp_path / "recipes"))
    window = connect_window(qtbot, served.socket)
    assert window.controller.switch_recipe("broken-box")
    qtbot.waitUntil(lambda: "model_refused" in window.alarms.kinds, timeout=20000)
    qtbot.waitUntil(lambda: not window.model.busy, timeout=20000)
    assert window.model.info.recipe == "cartridge-box"
    assert "broken-box refused" in window.alarms.buttons[0].text()
    window.close()


def test_a_window_that_loses_the_runtime_says_not_connected_and_comes_back(qtbot, served, tmp_path):
    station = served.serve("cartridge-box")
    station.start()
    window = connect_window(qtbot, served.socket)
    parts_seen(window, 4, qtbot)
    served.server.stop()  # the runtime's API goes away (a restart of the service)
    qtbot.waitUntil(lambda: window.model.busy == "NOT CONNECTED", timeout=4000)
    assert not window.controls.run_button.isEnabled()
    station.line.stop()  # a restarted service starts from its committed records: the line stopped, all written
    station.simulator.stop(0.5)
    qtbot.waitUntil(lambda: station.store.count() == station.stats.recorded, timeout=8000)
    from inspector.api.server import ApiServer

    served.server = ApiServer(station).start()
    qtbot.waitUntil(lambda: window.model.busy == "" and window.controller.link.connects == 2, timeout=8000)
    qtbot.waitUntil(lambda: window.model.counters.inspected == station.stats.recorded, timeout=4000)
    window.close()


def test_closing_the_window_stops_its_threads_and_leaves_the_line_running(qtbot, window, served):
    parts_seen(window, 5, qtbot)
    station = served.station
    window.close()
    assert window.closed_ok and window.close_seconds < 2.0
    alive = {t.name for t in threading.enumerate()} & WINDOW_THREADS
    assert not alive, f"still running: {alive}"
    recorded = station.stats.recorded
    assert station.line.running and station.line.wait_recorded(recorded + 5, timeout=5)
    station.line.stop()
    station.simulator.stop(0.5)
    station.close()
    rows = sqlite3.connect(station.data_dir / "inspector.db").execute(
        "SELECT count(*) FROM parts WHERE run_id = ?", (station.line.run_id,)).fetchone()[0]
    assert rows == station.line.recorded == station.line.triggered
