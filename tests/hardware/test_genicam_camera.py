"""GenICam cameras against a fake harvesters: SFNC feature names and units, the hardware trigger on a line input with
the frame bound to the edge through the latched device clock, the sensor window, pixel formats and named refusals."""
import sys
import time

import cv2
import numpy as np
import pytest

from hardware.cameras import GenICamCamera
from hardware.cameras import control_units as units
from hardware.cameras.genicam import to_bgr
from inspector.camera_controls import CameraControls
from inspector.capture import FrameBuffer
from inspector.ports import CameraError
from tests.hardware.fakes import genicam as fake

SMALL = CameraControls(width=160, height=120, fps=30.0)


@pytest.fixture
def cti(tmp_path):
    path = tmp_path / "FakeVision.cti"
    path.write_bytes(b"")
    return str(path)


def camera(cti, *devices, source="40012345", **kw):
    return GenICamCamera(source, cti=cti, **{"controls": SMALL, **kw})


def test_controls_go_to_the_sfnc_features_in_their_units(monkeypatch, cti):
    device = fake.Device()
    fake.install(monkeypatch, device)
    cam = camera(cti, controls=SMALL.with_(exposure=4.0, gain=40.0, wb_temperature=4000.0, fps=25.0))
    cam.open()
    try:
        nodes = cam._acquirer.remote_device.node_map
        assert (nodes.ExposureAuto.value, nodes.GainAuto.value, nodes.BalanceWhiteAuto.value) == ("Off",) * 3
        assert nodes.ExposureTime.value == 4000.0 and nodes.Gain.value == pytest.approx(12.04, abs=0.01)  # µs, dB
        red, blue = units.colour_gains(4000.0)
        assert nodes._ratios["Red"].value == pytest.approx(red) and nodes._ratios["Blue"].value == pytest.approx(blue)
        assert nodes.AcquisitionFrameRateEnable.value is True and nodes.AcquisitionFrameRate.value == 25.0
        assert "by hand" in cam.refused["focus"] and cam.pixel_format == "BayerRG8"  # colour before mono
    finally:
        cam.close()


def test_a_hardware_trigger_gives_one_frame_per_edge_stamped_at_the_edge(monkeypatch, cti):
    device = fake.Device()  # its clock counts from power-up, an hour away from the host's
    fake.install(monkeypatch, device)
    cam = camera(cti, trigger="Line0", trigger_activation="FallingEdge")
    cam.open()
    try:
        nodes = cam._acquirer.remote_device.node_map
        assert (nodes.TriggerSelector.value, nodes.TriggerMode.value, nodes.TriggerSource.value,
                nodes.TriggerActivation.value) == ("FrameStart", "On", "Line0", "FallingEdge")
        assert cam.read(0.1) is None  # no part, no frame
        edge = cam.clock.now()
        device.fire_line("Line0")
        frame = cam.read(1.0)
        assert frame.t == pytest.approx(edge, abs=0.005)  # on the station clock, at the edge
        assert cam.read(0.1) is None
    finally:
        cam.close()


def test_without_a_latch_the_device_clock_is_mapped_from_arrivals(monkeypatch, cti):
    fake.install(monkeypatch, fake.Device(latch=False))
    cam = camera(cti)
    cam.open()
    try:
        for _ in range(3):
            frame = cam.read(1.0)
            assert cam.clock.now() - 0.1 <= frame.t <= cam.clock.now()
    finally:
        cam.close()


def test_the_sensor_window_is_centred_or_placed_at_sensor_roi(monkeypatch, cti):
    fake.install(monkeypatch, fake.Device())
    cam = camera(cti)
    cam.open()
    nodes = cam._acquirer.remote_device.node_map
    assert (nodes.Width.value, nodes.Height.value, nodes.OffsetX.value, nodes.OffsetY.value) == (160, 120, 944, 708)
    cam.close()
    cam = camera(cti, sensor_roi=(100, 50, 160, 120))
    cam.open()
    nodes = cam._acquirer.remote_device.node_map
    assert (nodes.OffsetX.value, nodes.OffsetY.value) == (100, 50) and cam.read(1.0).image.shape == (120, 160, 3)
    cam.close()
    with pytest.raises(CameraError, match="sensor_roi 320x240 must match the frame size 160x120"):
        camera(cti, sensor_roi=(0, 0, 320, 240)).open()
    with pytest.raises(CameraError, match="Width 170 refused: allowed 16–2048 in steps of 16"):
        camera(cti, controls=SMALL.with_(width=170)).open()


def test_a_new_frame_size_restarts_acquisition(monkeypatch, cti):
    fake.install(monkeypatch, fake.Device())
    cam = camera(cti)
    cam.open()
    try:
        assert cam.apply_controls(SMALL.with_(width=320, height=240)) == {}
        assert cam.read(1.0).image.shape == (240, 320, 3)
    finally:
        cam.close()


def test_refusals_name_the_camera_and_what_it_has(monkeypatch, cti, tmp_path):
    fake.install(monkeypatch, fake.Device("40012345"), fake.Device("40099999"))
    with pytest.raises(CameraError, match=r"no camera with serial number AB-1 among \['40012345', '40099999'\]"):
        GenICamCamera("AB-1", cti=cti).open()
    with pytest.raises(CameraError, match=r"the producer sees 2 camera\(s\) \['40012345', '40099999'\]"):
        GenICamCamera(5, cti=cti).open()
    with pytest.raises(CameraError, match="trigger 'Line7' is not an input of this camera; allowed: free, Line0"):
        camera(cti, trigger="Line7").open()
    with pytest.raises(CameraError, match=r"GenTL producer .*missing.cti does not exist"):
        GenICamCamera(0, cti=str(tmp_path / "missing.cti")).open()
    monkeypatch.setitem(sys.modules, "harvesters.core", None)
    with pytest.raises(CameraError, match="pip install harvesters"):
        GenICamCamera(0, cti=cti).open()


def test_bayer_and_mono_payloads_become_bgr():
    mosaic = np.zeros((4, 4), np.uint8)
    mosaic[0::2, 0::2] = 200  # red sites of an RGGB sensor
    assert to_bgr(mosaic.ravel(), 4, 4, "BayerRG8")[1, 1].tolist() == [0, 0, 200]
    assert to_bgr(np.arange(6, dtype=np.uint8), 3, 2, "Mono8").shape == (2, 3, 3)
    rgb = np.array([[[1, 2, 3]]], np.uint8)
    assert to_bgr(rgb.ravel(), 1, 1, "RGB8").tolist() == [[[3, 2, 1]]]
    with pytest.raises(CameraError, match="pixel format Mono12 is not supported"):
        to_bgr(np.zeros(4, np.uint8), 2, 2, "Mono12")
    assert cv2.COLOR_BayerRGGB2BGR == cv2.COLOR_BayerBG2BGR  # OpenCV names Bayer codes by the second row


def test_the_latched_offset_is_refreshed_as_the_device_clock_drifts(monkeypatch, cti):
    device = fake.Device()
    fake.install(monkeypatch, device)
    cam = camera(cti)
    cam.open()
    try:
        cam.read(1.0)
        device.powered_at -= 50_000_000  # the device clock ran 50 ms ahead since the latch
        cam._latched_at -= 60.0  # ... and the last latch is old
        cam.read(1.0)  # this read re-latches
        frame = cam.read(1.0)
        assert cam.clock.now() - 0.1 <= frame.t <= cam.clock.now()
    finally:
        cam.close()


def test_the_part_triggered_at_the_beam_gets_the_frame_its_edge_exposed(monkeypatch, cti):
    device = fake.Device()
    fake.install(monkeypatch, device)
    cam = camera(cti, trigger="Line0")
    cam.open()
    buffer = FrameBuffer(cam, clock=cam.clock, max_age_s=0.05)
    buffer.start()
    try:
        time.sleep(0.05)
        t_trigger = cam.clock.now()  # the station's GPIO sees the beam break ...
        device.fire_line("Line0")  # ... and the camera's line input the same edge
        frame = buffer.frame_for(t_trigger, timeout=1.0)
        assert frame is not None and abs(frame.t - t_trigger) < 0.005
    finally:
        buffer.stop()
        cam.close()
