"""One contract for every camera backend: frames arrive, stamped on the station clock and in order; the calibration
controls take effect and read back; a value the device cannot take is refused by name; an unplugged camera raises
CameraError (the capture thread raises the camera-lost alarm and no part gets a frame), and a replugged one recovers.

The synthetic camera runs as it is; the others run against fakes of their libraries (``tests/hardware/fakes``),
because the real ones exist only on the boards."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import cv2
import pytest

from hardware.cameras import make_camera
from inspector.camera_controls import CameraControls
from inspector.capture import FrameBuffer
from inspector.clock import MonotonicClock
from inspector.ports import CameraError
from tests.hardware.fakes import genicam as fake_genicam
from tests.hardware.fakes import gstreamer as fake_gst
from tests.hardware.fakes import picamera2 as fake_picamera2
from tests.hardware.fakes.opencv_capture import UsbDevice

BASE = CameraControls(width=160, height=120, fps=30.0)


@dataclass
class Rig:
    camera: object
    unplug: Callable[[], None]
    replug: Callable[[], None]
    refusal: tuple[dict, str, str] | None  # controls changed, the control refused, words its reason holds


def synthetic_rig(monkeypatch, clock, tmp_path):
    cam = make_camera("synthetic", clock=clock, fps=BASE.fps, size=BASE.size)
    cam.apply_controls(BASE)
    return Rig(cam, cam.unplug, cam.replug, None)


def opencv_rig(monkeypatch, clock, tmp_path):
    device = UsbDevice(max_exposure=1000.0)  # 100 ms
    monkeypatch.setattr(cv2, "VideoCapture", device.capture_class())
    cam = make_camera("opencv", source=0, backend="v4l2", clock=clock, controls=BASE)
    return Rig(cam, device.unplug, device.replug, ({"exposure": 150.0}, "exposure", "refused by the driver"))


def picamera2_rig(monkeypatch, clock, tmp_path):
    sensor = fake_picamera2.Sensor("imx708", exposure_us=(26, 100_000))
    fake_picamera2.install(monkeypatch, sensor)
    cam = make_camera("picamera2", camera_num=0, clock=clock, controls=BASE)
    return Rig(cam, sensor.unplug, sensor.replug, ({"gain": 90.0}, "gain", "range 0–80 (AnalogueGain)"))


def gstreamer_rig(monkeypatch, clock, tmp_path):
    world = fake_gst.install(monkeypatch)
    cam = make_camera("gstreamer", source="nvargus:0", clock=clock, controls=BASE)
    return Rig(cam, world.unplug, world.replug, ({"gain": 100.0}, "gain", "range 0–80 (gainrange)"))


def gstreamer_opencv_rig(monkeypatch, clock, tmp_path):
    device = UsbDevice()
    fake_gst.hide_pygobject(monkeypatch)
    monkeypatch.setattr(cv2, "VideoCapture", device.capture_class())
    for module in ("hardware.cameras.gstreamer", "hardware.cameras.opencv"):  # an OpenCV built with GStreamer
        monkeypatch.setattr(f"{module}.has_gstreamer", lambda: True)
    cam = make_camera("gstreamer", source="nvargus:0", clock=clock, controls=BASE)
    return Rig(cam, device.unplug, device.replug, ({"focus": 10.0}, "focus", "no focus control"))


def genicam_rig(monkeypatch, clock, tmp_path):
    device = fake_genicam.Device(serial="40012345", exposure_us=(20, 100_000))
    fake_genicam.install(monkeypatch, device)
    cti = tmp_path / "producer.cti"
    cti.write_bytes(b"")
    cam = make_camera("genicam", cti=str(cti), source="40012345", clock=clock, controls=BASE)
    return Rig(cam, device.unplug, device.replug, ({"exposure": 150.0}, "exposure", "range 0.02–100 ms (ExposureTime)"))


RIGS = {"synthetic": synthetic_rig, "opencv": opencv_rig, "picamera2": picamera2_rig, "gstreamer": gstreamer_rig,
        "gstreamer-opencv": gstreamer_opencv_rig, "genicam": genicam_rig}


@pytest.fixture(params=list(RIGS))
def rig(request, monkeypatch, tmp_path):
    built = RIGS[request.param](monkeypatch, MonotonicClock(), tmp_path)
    yield built
    built.camera.close()


def next_frame(camera, tries: int = 20):
    for _ in range(tries):
        frame = camera.read(0.5)
        if frame is not None:
            return frame
    raise AssertionError(f"{camera!r} delivered no frame")


def level(camera, frames: int = 4) -> float:
    """Mean grey of the last of a few frames (a sensor takes new controls within a frame or two)."""
    for _ in range(frames - 1):
        next_frame(camera)
    return float(next_frame(camera).image.mean())


def test_frames_arrive_as_bgr_images_of_the_configured_size(rig):
    rig.camera.open()
    frame = next_frame(rig.camera)
    assert frame.image.dtype.name == "uint8" and frame.image.shape == (BASE.height, BASE.width, 3)


def test_timestamps_are_in_order_and_on_the_station_clock(rig):
    rig.camera.open()
    clock = rig.camera.clock
    stamps, seqs = [], []
    for _ in range(5):
        before = clock.now()
        frame = next_frame(rig.camera)
        assert before - 0.5 <= frame.t <= clock.now()  # exposed at most a little before the read, never after it
        stamps.append(frame.t)
        seqs.append(frame.seq)
    assert stamps == sorted(stamps) and seqs == sorted(set(seqs))


def test_controls_take_effect_and_read_back(rig):
    rig.camera.open()
    dim = level(rig.camera)
    refused = rig.camera.apply_controls(BASE.with_(exposure=20.0))
    assert "exposure" not in refused
    assert level(rig.camera) == pytest.approx(2 * dim, rel=0.15)
    if hasattr(rig.camera, "device_controls"):
        assert rig.camera.device_controls()["exposure"] == pytest.approx(20.0, rel=0.01)


def test_a_value_the_device_cannot_take_is_refused_by_name(rig):
    if rig.refusal is None:
        pytest.skip("the synthetic sensor takes every value in the calibration ranges")
    changes, name, words = rig.refusal
    rig.camera.open()
    next_frame(rig.camera)
    refused = rig.camera.apply_controls(BASE.with_(**changes))
    assert words in refused[name]
    assert next_frame(rig.camera) is not None  # a refused value stops nothing


def test_an_unplugged_camera_raises_camera_error_and_does_not_reopen(rig):
    rig.camera.open()
    next_frame(rig.camera)
    rig.unplug()
    with pytest.raises(CameraError):
        for _ in range(20):
            rig.camera.read(0.2)
    rig.camera.close()
    with pytest.raises(CameraError):
        rig.camera.open()


def test_a_replugged_camera_delivers_again_after_reopening(rig):
    rig.camera.open()
    next_frame(rig.camera)
    rig.unplug()
    with pytest.raises(CameraError):
        for _ in range(20):
            rig.camera.read(0.2)
    rig.replug()
    rig.camera.close()
    rig.camera.open()
    assert next_frame(rig.camera).image.size > 0


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_capture_raises_the_camera_lost_alarm_gives_no_frame_then_recovers(rig):
    rig.camera.open()
    alarms = []
    buffer = FrameBuffer(rig.camera, clock=rig.camera.clock, max_age_s=0.1, on_camera_error=alarms.append,
                         reopen_every_s=0.05)
    buffer.start()
    try:
        assert wait_for(lambda: buffer.frames_read >= 2)
        rig.unplug()
        assert wait_for(lambda: alarms), "no camera-lost alarm"
        time.sleep(0.15)
        assert buffer.frame_for(rig.camera.clock.now(), timeout=0.1) is None  # the part gets its fail-safe
        rig.replug()
        read = buffer.frames_read
        assert wait_for(lambda: buffer.camera_ok and buffer.frames_read > read + 1), "did not recover"
        assert len(alarms) == 1
    finally:
        buffer.stop()


def test_a_new_frame_size_while_capturing_is_no_camera_loss(rig):
    rig.camera.open()
    alarms = []
    buffer = FrameBuffer(rig.camera, clock=rig.camera.clock, max_age_s=0.1, on_camera_error=alarms.append,
                         reopen_every_s=0.05)
    buffer.start()
    try:
        assert wait_for(lambda: buffer.frames_read >= 2)
        rig.camera.apply_controls(BASE.with_(width=320, height=240))
        assert wait_for(lambda: buffer.latest().image.shape == (240, 320, 3)), "no frame at the new size"
        assert alarms == []
    finally:
        buffer.stop()
