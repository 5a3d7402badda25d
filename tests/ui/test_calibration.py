"""The calibration screen (pytest-qt, offscreen): each control moved on the screen changes the synthetic camera's
frames, the focus score follows focus, refusals name value and limit, the I/O tab drives mock pins, and saved values
come back on a screen opened after a restart."""
import numpy as np
import pytest
from gpiozero.pins.mock import MockFactory
from PySide6.QtCore import QPoint, Qt

from hardware.cameras import SyntheticCamera
from hardware.gpio import BreakBeam, Pusher
from hardware.synthetic import render_box
from inspector import audit
from inspector.assemble import make_camera_for
from inspector.clock import ManualClock, MonotonicClock
from inspector.config import StationConfig, load_station
from ui.calibration import REASONS, CalibrationScreen


@pytest.fixture
def rig(tmp_path):
    pins = MockFactory()
    beam, pusher = BreakBeam(17, bounce_s=0, pin_factory=pins), Pusher(27, pin_factory=pins)
    beam.pin.drive_high()
    rig = {"beam": beam, "pusher": pusher, "path": tmp_path / "station.toml", "screens": []}
    yield rig
    for screen in rig["screens"]:
        screen.close()
    beam.close()
    pusher.close()


def open_screen(qtbot, rig, config=None, camera=None, **kw):
    camera = camera or SyntheticCamera(paced=False)
    camera.open()
    camera.show(render_box(np.random.default_rng(3), layout=(4, 6)))
    screen = CalibrationScreen(camera=camera, frames=lambda: camera.read(0.1), config=config or StationConfig(),
                               path=rig["path"], beam=rig["beam"], pusher=rig["pusher"], **kw)
    qtbot.addWidget(screen)
    rig["screens"].append(screen)
    screen.resize(800, 480)
    screen.show()
    screen.refresh()
    return screen, camera


def move(screen, name, value):
    slider = screen.sliders[name]
    slider.slider.setValue(slider._steps(value))  # as a drag does: the slider's own valueChanged
    screen.refresh()
    return screen.preview._image[1]


def test_exposure_gain_and_brightness_sliders_brighten_the_frames(qtbot, rig):
    screen, camera = open_screen(qtbot, rig)
    base = screen.last_exposure.mean
    move(screen, "exposure", 14)
    assert screen.last_exposure.mean > base + 20 and camera.controls.exposure == 14
    brighter = screen.last_exposure.mean
    move(screen, "gain", 10)
    assert screen.last_exposure.mean > brighter + 10
    move(screen, "gain", 0)
    move(screen, "brightness", -30)
    assert screen.last_exposure.mean < brighter - 30
    qtbot.mouseClick(screen.sliders["brightness"].plus, Qt.MouseButton.LeftButton)  # one step up by the + button
    assert camera.controls.brightness == -29


def test_focus_slider_blurs_and_the_focus_score_follows(qtbot, rig):
    screen, camera = open_screen(qtbot, rig)
    sharp = screen.last_focus
    move(screen, "focus", 100)
    blurred = screen.last_focus
    assert blurred < sharp / 3 and screen.focus_label.text() == f"Focus {blurred:,.0f}"
    move(screen, "focus", 122)
    assert blurred < screen.last_focus < sharp
    move(screen, "focus", 128)
    assert screen.last_focus == pytest.approx(sharp)


def test_white_balance_frame_rate_and_resolution_reach_the_camera(qtbot, rig):
    screen, camera = open_screen(qtbot, rig)
    screen.set_roi((80, 60, 480, 360))
    neutral = camera.read(0.1).image.reshape(-1, 3).mean(0)
    move(screen, "wb_temperature", 3000)
    bluer = camera.read(0.1).image.reshape(-1, 3).mean(0)
    assert bluer[0] - bluer[2] > neutral[0] - neutral[2] + 20
    move(screen, "fps", 15)
    assert camera.fps == 15
    index = screen.resolution.findData("320x240")
    screen.resolution.setCurrentIndex(index)
    screen.resolution.activated.emit(index)  # what a tap on the list emits
    screen.refresh()
    assert camera.read(0.1).image.shape == (240, 320, 3)
    assert screen.roi == (40, 30, 240, 180)  # the same part of the scene at the new size


def test_a_roi_is_drawn_by_dragging_on_the_image(qtbot, rig):
    screen, _ = open_screen(qtbot, rig)
    rect = screen.preview.image_rect()
    start = rect.topLeft() + QPoint(rect.width() // 4, rect.height() // 4)
    end = rect.topLeft() + QPoint(3 * rect.width() // 4, 3 * rect.height() // 4)
    qtbot.mousePress(screen.preview, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(screen.preview, end)
    qtbot.mouseRelease(screen.preview, Qt.MouseButton.LeftButton, pos=end)
    x, y, w, h = screen.roi
    assert abs(x - 160) <= 4 and abs(y - 120) <= 4 and abs(w - 320) <= 6 and abs(h - 240) <= 6
    whole = screen.last_focus
    screen.refresh()
    assert screen.last_exposure.histogram.sum() == w * h and screen.last_focus != whole


def test_out_of_range_values_are_refused_with_value_and_limit(qtbot, rig):
    screen, camera = open_screen(qtbot, rig)
    assert not screen.set_control("exposure", -1)
    assert "exposure -1 ms" in screen.message.text() and "minimum 0.1 ms" in screen.message.text()
    assert camera.controls.exposure == 10 and screen.sliders["exposure"].value == 10
    rect = screen.preview.image_rect()  # a drag that leaves the image on the right
    qtbot.mousePress(screen.preview, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseRelease(screen.preview, Qt.MouseButton.LeftButton, pos=rect.topRight() + QPoint(60, 20))
    assert screen.roi is None and "outside the 640x480 frame (limit 640)" in screen.message.text()
    screen.io.travel_s = 0.12
    assert not screen.save("routine check")
    assert "travel time 0.120 s" in screen.message.text() and "inference budget 0.200 s" in screen.message.text()
    assert not rig["path"].exists()


def test_saved_values_come_back_after_a_restart(qtbot, rig):
    screen, _ = open_screen(qtbot, rig)
    move(screen, "exposure", 16)
    move(screen, "focus", 120)
    screen.set_roi((100, 80, 400, 300))
    assert screen.save("routine check") and "saved" in screen.message.text()
    screen.close()

    config = load_station(rig["path"])  # the restart: settings from disk, the camera the station builds from them
    camera = make_camera_for(config, MonotonicClock())
    again, _ = open_screen(qtbot, rig, config=config, camera=camera)
    assert again.sliders["exposure"].value == 16 and again.sliders["focus"].value == 120
    assert again.roi == (100, 80, 400, 300) and camera.controls.exposure == 16
    saved_mean = again.last_exposure.mean
    move(again, "exposure", 5)
    assert again.last_exposure.mean < saved_mean - 20
    assert again.restore()
    again.refresh()
    assert again.sliders["exposure"].value == 16 and again.last_exposure.mean == pytest.approx(saved_mean)


def test_io_tab_shows_the_beam_and_fires_the_pusher_once(qtbot, rig):
    running = [False]
    screen, _ = open_screen(qtbot, rig, running=lambda: running[0])
    rig["beam"].pin.drive_low()
    screen.refresh()
    assert screen.io.lamp.text().endswith("BEAM BROKEN")
    rig["beam"].pin.drive_high()
    screen.refresh()
    assert screen.io.lamp.text().endswith("BEAM CLEAR")
    qtbot.mouseClick(screen.io.fire_button, Qt.MouseButton.LeftButton)
    screen.io.pulse_timer.join(2.0)
    rig["pusher"].pin.assert_states([False, True, False])
    running[0] = True
    qtbot.mouseClick(screen.io.fire_button, Qt.MouseButton.LeftButton)
    assert "stop the line" in screen.message.text()
    rig["pusher"].pin.assert_states([False, True, False])


def test_guided_travel_measurement_is_validated_and_saved(qtbot, rig):
    clock = ManualClock(0.0)
    screen, _ = open_screen(qtbot, rig, clock=clock)
    io = screen.io
    qtbot.mouseClick(io.start_button, Qt.MouseButton.LeftButton)
    for travel in (0.61, 0.60, 0.62, 0.60, 0.59):
        rig["beam"].pin.drive_low()
        rig["beam"].pin.drive_high()
        clock.advance(travel)
        qtbot.mouseClick(io.confirm_button, Qt.MouseButton.LeftButton)
        clock.advance(1.0)
    qtbot.waitUntil(lambda: "5 trials done" in io.step.text())
    qtbot.mouseClick(io.use_button, Qt.MouseButton.LeftButton)
    assert io.travel_s == pytest.approx(0.60) and io.travel_label.text() == "Travel 0.600 s"
    assert screen.save("routine check")
    assert load_station(rig["path"]).timing.travel_s == pytest.approx(0.60)
    calls = []
    rig["beam"].when_broken = lambda: calls.append(1)  # the measurement gave the beam back
    rig["beam"].pin.drive_low()
    assert calls == [1]


def test_the_station_window_opens_calibration_on_its_own_camera(qtbot, station_factory):
    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.model import StationModel

    station = station_factory()
    model = StationModel()
    window = StationWindow(model, StationController(model, station))
    qtbot.addWidget(window)
    window.show()
    qtbot.mouseClick(window.menu_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.calibrate_button, Qt.MouseButton.LeftButton)
    screen = window.calibration.screen_widget
    qtbot.waitUntil(lambda: screen.last_focus is not None, timeout=3000)
    move(screen, "exposure", 15)
    assert station.line.frames.camera.controls.exposure == 15
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)  # the reason first, no keyboard needed
    dialog = screen.reason_dialog
    assert dialog.isVisible() and not dialog.ok_button.isEnabled() and not dialog.pad.isVisible()
    qtbot.mouseClick(dialog.reason_buttons[1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert load_station(station.data_dir / "station.toml").camera.controls.exposure == 15
    entry = audit.entries(station.store, newest_first=True, limit=1)[0]  # no users yet: the actor named honestly
    assert (entry.user, entry.action, entry.reason) == ("local, no users configured", "calibration.save", REASONS[1])
    assert '"exposure":15.0' in entry.after
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    assert not screen.timer.isActive()
    window.close()


@pytest.fixture
def people(tmp_path):
    from inspector.store import Store
    from inspector.users import UserDirectory

    with Store.open(tmp_path / "inspector.db") as store:
        users = UserDirectory(store)
        users.add(None, "adam", "admin", "715493", reason="install")
        admin = users.login("adam", "715493")
        users.add(admin, "tess", "technician", "604319", reason="new")
        users.add(admin, "olga", "operator", "482107", reason="new")
        yield users


def test_save_asks_why_and_the_entry_holds_the_technician_reason_and_the_timing_change(qtbot, rig, people):
    clock = ManualClock(0.0)
    tess = people.login("tess", "604319")
    screen, _ = open_screen(qtbot, rig, clock=clock, session=tess, db=people.store)
    io = screen.io
    qtbot.mouseClick(io.start_button, Qt.MouseButton.LeftButton)  # the I/O tab's travel time, then SAVE
    for travel in (0.71, 0.70, 0.70, 0.69, 0.70):
        rig["beam"].pin.drive_low()
        rig["beam"].pin.drive_high()
        clock.advance(travel)
        qtbot.mouseClick(io.confirm_button, Qt.MouseButton.LeftButton)
        clock.advance(1.0)
    qtbot.waitUntil(lambda: "5 trials done" in io.step.text())
    qtbot.mouseClick(io.use_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    dialog = screen.reason_dialog
    qtbot.mouseClick(dialog.reason_buttons[3], Qt.MouseButton.LeftButton)
    dialog.details.setText("new belt")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert load_station(rig["path"]).timing.travel_s == pytest.approx(0.70)
    entry = audit.entries(people.store, newest_first=True, limit=1)[0]
    assert (entry.user, entry.role, entry.action) == ("tess", "technician", "calibration.save")
    assert entry.reason == "Conveyor or pusher timing changed: new belt"
    assert (entry.before, entry.after) == ('{"travel_s":0.5}', '{"travel_s":0.7}')
    assert audit.verify(people.store).ok


def test_a_cancelled_reason_or_an_operator_saves_nothing(qtbot, rig, people):
    olga = people.login("olga", "482107")
    screen, _ = open_screen(qtbot, rig, session=olga, db=people.store)
    move(screen, "exposure", 18)
    trail = len(audit.entries(people.store))
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.reason_dialog.reason_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.reason_dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "olga" in screen.message.text() and "calibration.save" in screen.message.text()
    screen.session = None  # logged out meanwhile: the core still refuses, the station has users
    assert not screen.save("Routine check") and "needs a logged-in user" in screen.message.text()
    screen.session = people.login("tess", "604319")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    screen.reason_dialog.reject()  # CANCEL: no reason, no save
    assert not rig["path"].exists() and len(audit.entries(people.store)) == trail


def test_closing_without_save_puts_the_running_camera_back(qtbot, station_factory):
    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.model import StationModel

    station = station_factory()
    camera = station.line.frames.camera
    before = camera.controls.exposure
    model = StationModel()
    window = StationWindow(model, StationController(model, station))
    qtbot.addWidget(window)
    window.show()
    window.open_calibration()
    screen = window.calibration.screen_widget
    move(screen, "exposure", before + 6)
    assert camera.controls.exposure == before + 6  # live while calibrating
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    assert camera.controls.exposure == before  # not saved, not audited: the line runs on the saved values
    assert [e for e in audit.entries(station.store) if not e.action.startswith("model.")] == []  # model loads only
    window.close()
