"""OpenCV cameras take the calibration controls with auto modes off and name the ones the driver refused; a video file
(the only OpenCV source a test machine has) refuses the sensor controls, which is what a limited driver does too."""
import time

import cv2
import numpy as np
import pytest

from hardware.cameras import OpenCVCamera
from hardware.cameras.opencv import PROPERTIES, set_controls
from inspector.camera_controls import CameraControls


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    if not writer.isOpened():
        pytest.skip("no video writer in this OpenCV build")
    for level in range(40):
        writer.write(np.full((48, 64, 3), level * 5, np.uint8))
    writer.release()
    return path


class Driver:
    """A capture whose driver takes some properties, changes one and refuses the rest (as V4L2 drivers do)."""

    def __init__(self, takes: set[int], rounds: dict[int, float]):
        self.takes, self.rounds, self.values = takes, rounds, {}

    def set(self, prop, value):
        if prop not in self.takes:
            return False
        self.values[prop] = self.rounds.get(prop, value)
        return True

    def get(self, prop):
        return self.values.get(prop, 0.0)


def test_each_refused_or_changed_control_is_named():
    takes = {cv2.CAP_PROP_AUTO_EXPOSURE, cv2.CAP_PROP_EXPOSURE, cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT,
             cv2.CAP_PROP_FPS, cv2.CAP_PROP_GAIN, cv2.CAP_PROP_BRIGHTNESS}
    driver = Driver(takes, {cv2.CAP_PROP_FPS: 15.0})
    refused = set_controls(driver, CameraControls(exposure=12.5, fps=30))
    assert driver.values[cv2.CAP_PROP_EXPOSURE] == 125  # V4L2 exposure in 100 us units
    assert driver.values[cv2.CAP_PROP_AUTO_EXPOSURE] == 1  # manual
    assert refused["fps"] == "asked 30, the driver set 15"
    assert refused["focus"] == "128 refused by the driver" and "wb_temperature" in refused
    assert refused["autofocus"] == "the driver cannot switch it off" and "exposure" not in refused


def test_controls_set_while_running_report_only_the_changed_ones(video):
    cam = OpenCVCamera(str(video), controls=CameraControls())
    cam.open()
    try:
        assert set(cam.refused) >= {"exposure", "focus"}  # a file has no sensor
        assert cam.read(2.0) is not None
        time.sleep(0.3)  # the grabber has filled the buffer and waits for the reader
        refused = cam.apply_controls(cam.controls.with_(gain=12))
        assert set(refused) == {"gain"} and "12 refused" in refused["gain"]
        assert cam.read(2.0) is not None  # the grabber keeps going
    finally:
        cam.close()


def test_every_control_maps_to_a_capture_property():
    assert set(PROPERTIES) == set(CameraControls.model_fields)
