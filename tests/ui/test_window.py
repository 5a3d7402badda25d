"""The whole window over a real station on the simulated line: what it shows follows what the line recorded."""
import sqlite3
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from ui.app import StationWindow
from ui.controller import StationController
from ui.model import StationModel

STATION_THREADS = {"inspect", "capture", "actuator", "record-writer", "conveyor", "disk-watch", "retention", "journal-sync", "recipe-switch",
                   "render-camera-view", "render-camera-preview", "render-part-view", "render-thumbnails"}


@pytest.fixture
def window(qtbot, station_factory):
    """A window over a running cartridge-box station at 20 parts/s, 1280 x 800."""
    model = StationModel()
    controller = StationController(model, station_factory("cartridge-box"),
                                   build=lambda name: station_factory(name))
    win = StationWindow(model, controller, recipes=["cartridge-box", "surface-part"])
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    controller.start()
    yield win
    win.close()


def parts_seen(win, n, qtbot, timeout=8000):
    qtbot.waitUntil(lambda: win.model.counters.inspected >= n, timeout=timeout)


def test_the_window_shows_what_the_line_decided(qtbot, window):
    parts_seen(window, 12, qtbot)
    station = window.controller.station
    latest = window.model.latest
    shown = window.model.hold.part or latest  # a REJECT is held over the good parts after it (ui.reject_hold)
    assert window.verdict.part_id == shown.record.part_id
    assert window.verdict.outcome == shown.record.outcome
    if shown.record.count is not None:
        assert window.verdict.detail.startswith(f"{shown.record.count} / 24")
    qtbot.waitUntil(lambda: window.model.counters.inspected == station.stats.recorded, timeout=2000)
    c = window.model.counters
    assert c.passed == station.stats.outcomes["pass"]
    assert c.rejected == station.stats.outcomes["reject"]
    assert window.counters.text("inspected") == str(station.stats.recorded)
    assert window.strip.parts[0].record.part_id == latest.record.part_id
    assert len(window.live.overlay.items) == shown.record.count
    qtbot.waitUntil(lambda: window.preview.frames_drawn > 5, timeout=2000)
    assert "cartridge_counter" in window.status.text() and "display" in window.status.text()


def test_stop_halts_the_line_and_start_resumes_it(qtbot, window):
    parts_seen(window, 3, qtbot)
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    station = window.controller.station
    assert not station.line.running and not window.model.running
    assert window.verdict.text == "STOPPED" and "START" in window.controls.run_button.text()
    qtbot.wait(station.config.timing.travel_s * 1000 + 300)  # the parts already past the beam finish
    settled = window.model.counters.inspected
    qtbot.wait(400)
    assert window.model.counters.inspected == settled  # the conveyor stopped with the line
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)  # START asks the lot first
    entry = window.lot_gate.dialog
    assert entry.isVisible() and not station.line.running
    qtbot.keyClicks(entry.field, "LOT-7")  # typed, or a barcode scanner (a keyboard that ends with Enter)
    qtbot.keyClick(entry.field, Qt.Key.Key_Return)
    assert station.line.running and "STOP" in window.controls.run_button.text()
    assert station.line.lot == "LOT-7"
    parts_seen(window, settled + 3, qtbot)


def test_an_alarm_from_the_line_shows_until_acknowledged_by_a_tap(qtbot, window):
    station = window.controller.station
    threading.Thread(target=station.line.alarms.raise_, args=("disk_low", "only 512 MiB free")).start()
    qtbot.waitUntil(lambda: window.alarms.kinds == ["disk_low"], timeout=2000)
    assert window.alarms.isVisible() and "DISK NEARLY FULL" in window.alarms.buttons[0].text()
    assert station.io.light.state == "amber" if hasattr(station.io.light, "state") else True
    qtbot.mouseClick(window.alarms.buttons[0], Qt.MouseButton.LeftButton)
    assert station.line.alarms.active == []
    qtbot.waitUntil(lambda: not window.alarms.isVisible(), timeout=2000)


def test_a_lost_camera_raises_its_alarm_on_the_screen(qtbot, window):
    parts_seen(window, 2, qtbot)
    window.controller.station.line.frames.camera.unplug()
    qtbot.waitUntil(lambda: "camera_lost" in window.alarms.kinds, timeout=3000)
    window.controller.station.line.frames.camera.replug()


def test_tapping_a_result_opens_it_full_size_with_its_reason(qtbot, window):
    parts_seen(window, 4, qtbot)
    tapped = window.strip.parts[2]
    qtbot.mouseClick(window.strip, Qt.MouseButton.LeftButton, pos=window.strip.tile_rect(2).center())
    detail = window.detail
    assert detail is not None and detail.isVisible() and detail.part is tapped
    assert detail.rows["Why"].text() == tapped.record.reason
    assert detail.verdict.text() in ("PASS", "REJECT", "CHECK", "COVERED", "FAIL-SAFE")
    detail.accept()


def test_switching_recipe_builds_a_new_station_without_freezing_the_window(qtbot, window):
    parts_seen(window, 3, qtbot)
    old = window.controller.station
    stalls, last = [], [time.monotonic()]

    def beat():
        now = time.monotonic()
        stalls.append(now - last[0])
        last[0] = now

    heart = QTimer()
    heart.timeout.connect(beat)
    heart.start(5)
    window.pick_recipe()
    qtbot.mouseClick(window.picker.buttons["surface-part"], Qt.MouseButton.LeftButton)
    assert window.model.busy and not window.controls.run_button.isEnabled()
    qtbot.waitUntil(lambda: window.model.info.recipe == "surface-part" and not window.model.busy, timeout=8000)
    heart.stop()
    assert old.closed and window.controller.station is not old
    assert max(stalls) < 0.25, f"the event loop stalled {max(stalls) * 1000:.0f} ms during the switch"
    inspected = window.model.counters.inspected
    parts_seen(window, inspected + 3, qtbot)
    assert window.model.latest.record.recipe == "surface-part"
    assert "surface_classifier" in window.status.text()


def test_a_refused_recipe_keeps_the_old_one_and_says_why(qtbot, window):
    window.controller.build_ok = window.controller.build
    real_build = window.controller.build

    def refuse(name):
        if name == "surface-part":
            raise ValueError("model package refused: sha256 mismatch")
        return real_build(name)

    window.controller.build = refuse
    window.controller.switch_recipe("surface-part")
    qtbot.waitUntil(lambda: not window.model.busy, timeout=8000)
    assert window.model.info.recipe == "cartridge-box"
    qtbot.waitUntil(lambda: "model_refused" in window.alarms.kinds, timeout=2000)
    assert "sha256 mismatch" in window.alarms.buttons[0].text()


def test_closing_the_window_stops_every_worker_within_two_seconds_and_loses_no_record(qtbot, window):
    parts_seen(window, 10, qtbot)
    station = window.controller.station
    window.close()
    assert window.closed_ok and window.close_seconds < 2.0
    alive = {t.name for t in threading.enumerate()} & STATION_THREADS
    assert not alive, f"still running: {alive}"
    rows = sqlite3.connect(station.data_dir / "inspector.db").execute(
        "SELECT count(*) FROM parts WHERE run_id = ?", (station.line.run_id,)).fetchone()[0]
    assert rows == station.line.recorded == station.line.triggered
