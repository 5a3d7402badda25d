"""The calibration screen as a client of the runtime (pytest-qt, offscreen, a real simulated station behind a real
ApiServer): it opens with the camera's real values, tries values in a preview that leaves the running line's camera
alone, takes typed values with units, warns before saving a focus far from the reference, applies to a running line
only after a confirmation, and the I/O tab fires the pusher and measures the travel through the runtime."""
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionSlider

from inspector import audit
from inspector.api.client import Client
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import load_station
from inspector.users import UserDirectory
from tests.api.conftest import PINS, add_users, station_config
from ui.calibration import REASONS, for_client

TESS = "6043"  # technician


def serve(data_dir: Path, socket_dir: Path, **changes):
    config = station_config(data_dir, socket_dir).model_copy(update=changes)
    station = build_station(config, simulate=True, rate_hz=20.0, seed=3)
    return station, ApiServer(station).start()


@pytest.fixture
def line(tmp_path):
    """A simulated station, stopped, with a technician among its users, served on a local socket."""
    socket_dir = Path(tempfile.mkdtemp(prefix="cal", dir="/tmp"))
    station, server = serve(tmp_path / "data", socket_dir)
    add_users(station.store)
    users = UserDirectory(station.store)
    users.add(users.login("root", PINS["root"]), "tess", "technician", TESS, reason="line technician")
    clients, running = [], [(station, server)]
    line = {"station": station, "server": server, "socket_dir": socket_dir, "clients": clients, "running": running}
    yield line
    for client in clients:
        client.close()
    for station, server in running:
        server.stop()
        station.close()
    shutil.rmtree(socket_dir, ignore_errors=True)


def open_screen(qtbot, line, server=None):
    client = Client.local(str((server or line["server"]).socket_path))
    client.login("tess", TESS)
    line["clients"].append(client)
    screen = for_client(client)
    qtbot.addWidget(screen)
    screen.resize(800, 480)
    screen.show()
    screen.refresh()
    return screen


def type_value(screen, name, shown):
    entry = screen.sliders[name].entry
    entry.setValue(shown)  # what a typed number does once entered
    return screen.refresh()


def save_with_reason(qtbot, screen, reason_index=4):
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    if screen.confirm_dialog is not None and screen.confirm_dialog.isVisible():
        qtbot.mouseClick(screen.confirm_dialog.yes_button, Qt.MouseButton.LeftButton)
    dialog = screen.reason_dialog
    qtbot.mouseClick(dialog.reason_buttons[reason_index], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_a_change_on_the_running_line_is_previewed_and_reaches_its_camera_only_when_confirmed(qtbot, line):
    station = line["station"]
    camera = station.line.frames.camera
    station.line.start()
    screen = open_screen(qtbot, line)
    live_mean = screen.last.exposure["mean"]
    preview = type_value(screen, "exposure", 16)
    assert preview.mode == "emulated" and preview.exposure["mean"] > live_mean + 15
    assert "LINE RUNNING" in screen.mode_label.text() and camera.controls.exposure == 10  # the camera untouched

    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    confirm = screen.confirm_dialog
    assert confirm.isVisible() and "The line is running" in confirm.text.text()
    qtbot.mouseClick(confirm.no_button, Qt.MouseButton.LeftButton)  # CANCEL: nothing applied
    assert camera.controls.exposure == 10 and screen.reason_dialog is None

    save_with_reason(qtbot, screen)
    assert camera.controls.exposure == 16 and "applied and saved" in screen.message.text()
    entry = audit.entries(station.store, newest_first=True, limit=1)[0]
    assert entry.user == "tess" and entry.reason == f"{REASONS[4]} [applied to the running line (confirmed)]"


def test_exposure_and_gain_take_typed_values_with_units_and_a_drag_moves_exposure_by_a_ratio(qtbot, line):
    screen = open_screen(qtbot, line)
    exposure, gain = screen.sliders["exposure"], screen.sliders["gain"]
    assert exposure.entry.suffix() == " ms" and gain.entry.suffix() == " dB"
    assert screen.sliders["wb_temperature"].entry.suffix() == " K"
    type_value(screen, "gain", 6.02)
    assert screen.controls.gain == pytest.approx(20.0, abs=0.01) and "×2.00" in gain.caption.text()

    slider = exposure.slider
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                           QStyle.SubControl.SC_SliderHandle, slider).center()
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=handle)
    qtbot.mouseMove(slider, handle + QPoint(65, 0))
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=handle + QPoint(65, 0))
    assert 10 < screen.controls.exposure < 15  # the bug was 10 -> 200 ms
    type_value(screen, "exposure", 120)  # further: typed (the slider re-centres on it)
    assert screen.controls.exposure == 120 and exposure.low == 60 and exposure.high == 200
    qtbot.mouseClick(exposure.minus, Qt.MouseButton.LeftButton)
    assert screen.controls.exposure == pytest.approx(113.2)


def test_a_value_is_typed_on_the_number_pad_and_one_out_of_range_is_named_not_clamped(qtbot, line):
    screen = open_screen(qtbot, line)
    panel, exposure = screen.panel, screen.sliders["exposure"]
    qtbot.mouseClick(exposure.entry.lineEdit(), Qt.MouseButton.LeftButton)  # no keyboard at the line: the pad opens
    pad = panel.pad
    assert panel.pages.currentWidget() is pad and pad.title.text() == "Exposure: now 10.00 ms, allowed 0.10–200.00"
    for key in ("5", "0", "0", "ENTER"):
        qtbot.mouseClick(pad.keys[key], Qt.MouseButton.LeftButton)
    assert pad.title.text() == "Exposure 500 ms is above the maximum 200 ms" and screen.controls.exposure == 10
    qtbot.mouseClick(pad.keys["CLEAR"], Qt.MouseButton.LeftButton)
    for key in ("2", "2", ".", "5", "ENTER"):
        qtbot.mouseClick(pad.keys[key], Qt.MouseButton.LeftButton)
    assert panel.pages.currentIndex() == 0 and screen.controls.exposure == 22.5
    assert screen.tiles["exposure"].text() == "Exposure\n22.50 ms"


def test_focus_zero_warns_before_saving_and_cancel_saves_nothing(qtbot, line):
    station = line["station"]
    camera = station.line.frames.camera
    screen = open_screen(qtbot, line)
    sharp = screen.last_focus
    preview = type_value(screen, "focus", 0)
    assert preview.mode == "camera" and preview.focus_score < sharp / 10  # stopped: the camera shows the trial
    assert screen.warning_label.isVisible() and "focus 0 is 128 steps" in screen.warning_label.text()
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    confirm = screen.confirm_dialog
    assert confirm.windowTitle() == "Save values far from the reference?" and "focus 0" in confirm.text.text()
    qtbot.mouseClick(confirm.no_button, Qt.MouseButton.LeftButton)
    assert not (station.data_dir / "station.toml").exists()
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    assert camera.controls.focus == 128  # closed without saving: the trial left the camera


def test_reopening_shows_the_saved_values_and_so_does_a_restart(qtbot, line):
    station = line["station"]
    screen = open_screen(qtbot, line)
    type_value(screen, "exposure", 14)
    type_value(screen, "focus", 120)
    screen.set_roi((100, 80, 400, 300))
    save_with_reason(qtbot, screen)
    assert "applied and saved" in screen.message.text()
    screen.finish()

    again = open_screen(qtbot, line)
    assert (again.sliders["exposure"].value, again.sliders["focus"].value, again.roi) == (14, 120, (100, 80, 400, 300))
    assert again.sliders["exposure"].entry.text() == "14.00 ms"
    again.finish()

    saved = load_station(station.data_dir / "station.toml")  # a restart: the station built from what was saved
    line["running"].pop()[1].stop()
    station.close()
    restarted = serve(station.data_dir, line["socket_dir"], camera=saved.camera, timing=saved.timing)
    line["running"].append(restarted)
    after = open_screen(qtbot, line, server=restarted[1])
    assert (after.sliders["exposure"].value, after.sliders["focus"].value, after.roi) == (14, 120, (100, 80, 400, 300))


def test_the_io_tab_fires_the_pusher_and_measures_the_travel_through_the_runtime(qtbot, line):
    station = line["station"]
    beam, pusher = station.io.beam, station.io.pusher
    beam.pin.drive_high()
    screen = open_screen(qtbot, line)
    screen.tabs.setCurrentWidget(screen.io)
    io = screen.io
    qtbot.mouseClick(io.fire_button, Qt.MouseButton.LeftButton)
    time.sleep(0.2)
    pusher.pin.assert_states([False, True, False])
    qtbot.mouseClick(io.start_button, Qt.MouseButton.LeftButton)
    for _ in range(5):
        beam.pin.drive_low()
        beam.pin.drive_high()
        time.sleep(0.6)
        io.poll()
        qtbot.mouseClick(io.confirm_button, Qt.MouseButton.LeftButton)
    io.poll()
    assert "5 trials done" in io.step.text() and io.use_button.isEnabled()
    qtbot.mouseClick(io.use_button, Qt.MouseButton.LeftButton)
    assert io.travel_s == pytest.approx(0.6, abs=0.1)
    station.line.start()
    qtbot.mouseClick(io.fire_button, Qt.MouseButton.LeftButton)
    assert "stop the line" in screen.message.text()
    pusher.pin.assert_states([False, True, False])
