"""Calibration measures and the saved calibration: focus score, exposure clipping, ROI and timing refusals, and values
that survive a restart (written to the station file, read back from disk, applied to the camera the station builds)."""
import tomllib

import numpy as np
import pytest

from hardware.synthetic import render_box
from inspector.assemble import make_camera_for
from inspector.calibration import (Calibration, CalibrationError, check_pulse, check_roi, check_travel, exposure,
                                   focus_score, inference_budget_s, restore_calibration, save_calibration)
from inspector.camera_controls import CameraControls
from inspector.clock import MonotonicClock
from inspector.config import ConfigError, StationConfig, TimingSettings, load_station


@pytest.fixture
def scene():
    return render_box(np.random.default_rng(5), layout=(4, 6)).image


def test_focus_score_falls_with_blur_and_follows_the_roi(scene):
    import cv2

    sharp, soft = focus_score(scene), focus_score(cv2.GaussianBlur(scene, (0, 0), 2.0))
    assert sharp > 4 * soft
    flat = scene.copy()
    flat[:100, :100] = 90
    assert focus_score(flat, (0, 0, 100, 100)) == 0.0 < focus_score(flat, (200, 150, 100, 100))


def test_exposure_warns_on_clipping_at_either_end(scene):
    fine = exposure(scene)
    assert fine.ok and fine.histogram.sum() == scene.shape[0] * scene.shape[1]
    bright = exposure(np.clip(scene.astype(int) * 3, 0, 255).astype(np.uint8))
    assert bright.bright_fraction > 0.3 and "overexposed" in bright.warnings[0] and "limit 1%" in bright.warnings[0]
    dark = exposure(scene // 40)
    assert dark.dark_fraction > 0.3 and any("underexposed" in w for w in dark.warnings)
    assert exposure(scene, (10, 10, 50, 40)).histogram.sum() == 2000


@pytest.mark.parametrize("roi, words", [
    ((600, 100, 100, 100), ["x + width = 700", "640x480", "limit 640"]),
    ((0, 400, 100, 100), ["y + height = 500", "limit 480"]),
    ((-5, 0, 100, 100), ["(-5, 0)", ">= 0"]),
    ((0, 0, 4, 100), ["4x100", "at least 8x8"]),
])
def test_a_roi_outside_the_frame_is_refused_naming_value_and_limit(roi, words):
    with pytest.raises(CalibrationError) as refused:
        check_roi(roi, (640, 480))
    for word in words:
        assert word in str(refused.value)
    assert check_roi((10.2, 20, 100, 50), (640, 480)) == (10, 20, 100, 50)


def test_travel_shorter_than_the_inference_budget_is_refused_naming_both():
    budget = inference_budget_s(TimingSettings(), inference_s=0.04)
    assert budget == pytest.approx(0.19)
    with pytest.raises(CalibrationError, match=r"travel time 0\.120 s .* inference budget 0\.190 s"):
        check_travel(0.12, budget)
    assert check_travel(0.4, budget) == 0.4


def test_pulse_width_bounds():
    with pytest.raises(CalibrationError, match="below the minimum 0.01 s"):
        check_pulse(0.002, 0.5)
    with pytest.raises(CalibrationError, match="shorter than the travel time 0.500 s"):
        check_pulse(0.6, 0.5)
    with pytest.raises(CalibrationError, match="next part comes 0.100 s later"):
        check_pulse(0.12, 0.5, part_gap_s=0.1)
    assert check_pulse(0.05, 0.5, part_gap_s=0.1) == 0.05


def calibrated():
    return Calibration(CameraControls(exposure=14.5, gain=6, wb_temperature=4200, focus=131, brightness=-3,
                                      width=800, height=600, fps=25), (40, 30, 700, 500), 0.62, 0.04)


def test_saved_values_survive_a_restart(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text('station_id = "line-4"\n[gpio]\npusher_pin = 26\n[camera]\nbackend = "synthetic"\n')
    save_calibration(path, calibrated())
    reloaded = load_station(path)  # what the next start reads
    assert restore_calibration(path) == calibrated()
    assert reloaded.station_id == "line-4" and reloaded.gpio.pusher_pin == 26  # the rest is kept
    assert reloaded.camera.roi == (40, 30, 700, 500) and reloaded.timing.travel_s == 0.62
    camera = make_camera_for(reloaded, MonotonicClock())  # the camera of the restarted station takes them
    assert camera.controls.exposure == 14.5 and camera.controls.focus == 131
    camera.open()
    assert camera.read(1.0).image.shape == (600, 800, 3)


def test_restore_without_a_file_gives_the_defaults(tmp_path):
    assert restore_calibration(tmp_path / "none.toml") == Calibration.of(StationConfig())


def test_bad_values_are_refused_and_the_file_is_left_as_it_was(tmp_path):
    path = tmp_path / "station.toml"
    save_calibration(path, calibrated())
    before = path.read_bytes()
    with pytest.raises(CalibrationError, match="x \\+ width = 900"):
        save_calibration(path, Calibration(CameraControls(), (100, 0, 800, 100), 0.5, 0.05))
    with pytest.raises(CalibrationError, match="inference budget 0.200 s"):
        save_calibration(path, Calibration(CameraControls(), None, 0.15, 0.05))
    assert path.read_bytes() == before
    assert tomllib.loads(path.read_text())["camera"]["controls"]["exposure"] == 14.5


def test_an_unwritable_place_is_named(tmp_path):
    (tmp_path / "disk").write_text("a file where the folder should be")
    with pytest.raises(ConfigError, match="disk/station.toml: cannot write the station file"):
        save_calibration(tmp_path / "disk" / "station.toml", calibrated())


def test_a_corrupt_station_file_is_named_not_overwritten(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text("[camera\n")
    with pytest.raises(ConfigError, match="station.toml: cannot read"):
        save_calibration(path, calibrated())
    assert path.read_text() == "[camera\n"


def test_saving_as_a_user_needs_the_technician_permission_and_leaves_an_audit_entry(tmp_path):
    users = pytest.importorskip("inspector.users")
    from inspector import audit
    from inspector.permissions import PermissionDenied
    from inspector.store import Store

    store = Store.open(tmp_path / "inspector.db", images_dir=tmp_path / "images")
    try:
        people = users.UserDirectory(store)
        people.add(None, "ada", "admin", "4711", reason="installation")
        admin = people.login("ada", "4711")
        people.add(admin, "tom", "technician", "2580", reason="new technician")
        people.add(admin, "olga", "operator", "1357", reason="new operator")
        path = tmp_path / "station.toml"
        with pytest.raises(PermissionDenied, match="olga.*calibration.save"):
            save_calibration(path, calibrated(), session=people.login("olga", "1357"), db=store, reason="focus")
        assert not path.exists()
        technician = people.login("tom", "2580")
        with pytest.raises(CalibrationError, match="needs a reason"):
            save_calibration(path, calibrated(), session=technician, db=store, reason=" ")
        save_calibration(path, calibrated(), session=technician, db=store, reason="new lens")
        entry = audit.entries(store, newest_first=True)[0]
        assert (entry.user, entry.action, entry.reason) == ("tom", "calibration.save", "new lens")
        assert '"exposure":10.0' in entry.before and '"exposure":14.5' in entry.after
    finally:
        store.close()
