"""The Pi CSI camera through Picamera2, against a fake of its API: libcamera's control names and units, the sensor
timestamp as the frame's time, the tuning file's white-balance curve, and named refusals."""
import sys

import pytest

from hardware.cameras import Picamera2Camera
from hardware.cameras import control_units as units
from inspector.camera_controls import CameraControls
from inspector.ports import CameraError
from tests.hardware.fakes import picamera2 as fake

SMALL = CameraControls(width=160, height=120, fps=30.0)


@pytest.fixture
def camera_module_3(monkeypatch):
    sensor = fake.Sensor("imx708")
    fake.install(monkeypatch, sensor)
    return sensor


def opened(controls=SMALL, **kw):
    cam = Picamera2Camera(0, controls=controls, **kw)
    cam.open()
    return cam


def test_a_frame_carries_its_sensor_timestamp_not_its_arrival(camera_module_3):
    cam = opened()
    try:
        frame = cam.read(1.0)
        arrived = cam.clock.now()
        stamp = cam._metadata["SensorTimestamp"] / 1e9
        assert frame.t == pytest.approx(stamp, abs=1e-6)
        assert arrived - frame.t >= SMALL.exposure / 1000  # exposed before it was delivered
    finally:
        cam.close()


def test_calibration_switches_the_automatic_loops_off_and_speaks_libcamera(camera_module_3):
    cam = opened(SMALL.with_(exposure=5.0, gain=20.0, wb_temperature=5000.0, focus=51.0, brightness=32.0))
    try:
        sent = {k: v for call in cam._cam.set_calls for k, v in call.items()}
        assert sent["AeEnable"] is False and sent["AwbEnable"] is False and sent["AfMode"] == 0  # manual
        assert sent["ExposureTime"] == 5000 and sent["AnalogueGain"] == pytest.approx(2.0)  # µs; 20 steps double
        assert sent["LensPosition"] == pytest.approx(51 / 255 * 15)  # dioptres over the lens' 0..15
        assert sent["Brightness"] == pytest.approx(0.5) and sent["FrameDurationLimits"] == (33333, 33333)
        # white balance from the sensor's own tuning curve (the fake imx708's: R/G 0.42, B/G 0.55 at 5000 K)
        assert sent["ColourGains"] == pytest.approx((1 / 0.42, 1 / 0.55))
        cam.read(1.0)
        assert cam.device_controls()["wb_temperature"] == pytest.approx(5000, abs=20)
        assert cam.refused == {}
    finally:
        cam.close()


def test_a_camera_without_focus_motor_refuses_focus_and_uses_the_generic_curve(monkeypatch):
    fake.install(monkeypatch, fake.Sensor("imx477", lens=False))  # the HQ camera: a C/CS-mount lens
    cam = opened(SMALL.with_(wb_temperature=4000.0))
    try:
        assert "focus the lens by hand" in cam.refused["focus"]
        sent = {k: v for call in cam._cam.set_calls for k, v in call.items()}
        assert "LensPosition" not in sent and sent["ColourGains"] == pytest.approx(units.colour_gains(4000.0))
    finally:
        cam.close()


def test_an_exposure_longer_than_a_frame_is_refused_with_the_frame_time(camera_module_3):
    cam = opened()
    try:
        refused = cam.apply_controls(SMALL.with_(exposure=50.0))
        assert refused == {"exposure": "exposure 50 ms is longer than a frame at 30 fps (33.3 ms)"}
        assert cam.read(1.0) is not None
    finally:
        cam.close()


def test_sensor_roi_becomes_the_scaler_crop_and_one_off_the_sensor_is_refused(camera_module_3):
    cam = opened(sensor_roi=(1000, 500, 2304, 1296))
    try:
        assert {"ScalerCrop": (1000, 500, 2304, 1296)} in cam._cam.set_calls
    finally:
        cam.close()
    with pytest.raises(CameraError, match=r"sensor_roi \[4000, 0, 1000, 1000\] lies outside .*4608, 2592"):
        opened(sensor_roi=(4000, 0, 1000, 1000))


def test_a_new_frame_size_restarts_the_camera_at_that_size(camera_module_3):
    cam = opened()
    try:
        assert cam.read(1.0).image.shape == (120, 160, 3)
        assert cam.apply_controls(SMALL.with_(width=320, height=240)) == {}
        assert cam.read(1.0).image.shape == (240, 320, 3)
    finally:
        cam.close()


def test_uncalibrated_the_sensor_keeps_its_automatic_settings(camera_module_3):
    cam = Picamera2Camera(0, width=160, height=120, fps=15.0)
    cam.open()
    try:
        assert cam._cam.set_calls == [{"FrameDurationLimits": (66667, 66667)}]
    finally:
        cam.close()


def test_a_missing_library_or_camera_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)
    with pytest.raises(CameraError, match="apt install python3-picamera2.*--system-site-packages"):
        Picamera2Camera(0).open()
    fake.install(monkeypatch)  # libcamera finds no camera
    with pytest.raises(CameraError, match=r"Pi camera 0 .*0 CSI camera\(s\) found \(ribbon cable seated"):
        Picamera2Camera(0).open()


def test_a_camera_that_fails_to_start_is_released_for_the_next_try(camera_module_3):
    with pytest.raises(CameraError, match="lies outside"):
        opened(sensor_roi=(0, 0, 9000, 9000))
    assert camera_module_3.in_use is False
    opened().close()
