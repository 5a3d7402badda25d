"""Camera health: a camera that stops delivering is lost like an unplugged one, and every backend comes back."""
from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from hardware.cameras import FolderCamera, OpenCVCamera, SyntheticCamera
from hardware.gpio import StationIO
from inspector.capture import FrameBuffer
from inspector.clock import MonotonicClock
from inspector.config import parse_recipe, parse_station
from inspector.inference import RecipeModels
from inspector.line import Line


def wait_for(condition, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def free_running_line(tiny_classifier):
    """A line whose camera runs free at 50 fps; stalled after 5 frame periods (0.1 s)."""
    station = parse_station({"camera": {"fps": 50, "stall_frames": 5}})
    recipe = parse_recipe({"name": "t", "product": "part", "models": ["tiny"]})
    io = StationIO(station.gpio)
    camera = SyntheticCamera(clock=MonotonicClock(), fps=50, size=(64, 48))
    line = Line(station=station, recipe=recipe, models=RecipeModels([tiny_classifier]), camera=camera,
                pusher=io.pusher, trigger=io.beam, light=io.light)
    raised = []
    line.alarms.on_raise = raised.append
    camera.open()
    line.open()
    line.start()
    yield line, camera, raised, io
    line.close(1.0)
    io.close()


def test_a_stalled_camera_raises_camera_lost_and_clears_when_frames_come_back(free_running_line):
    line, camera, raised, io = free_running_line
    assert wait_for(lambda: line.frames.frames_read > 5) and io.light.state == "green"
    camera.blackout(8)  # about 8 x 0.1 s without a frame, the device still "connected"
    assert wait_for(lambda: "camera_lost" in {a.kind for a in line.alarms.active}, timeout=3)
    assert "stalled" in next(a.message for a in raised if a.kind == "camera_lost")
    assert io.light.state == "amber" and not line.frames.camera_ok
    assert wait_for(lambda: line.frames.camera_ok, timeout=5)
    assert "camera_lost" not in {a.kind for a in line.alarms.active}
    assert io.light.state == "green"


def test_an_unplugged_synthetic_camera_comes_back_when_plugged_in_and_the_alarm_clears(free_running_line):
    line, camera, raised, io = free_running_line
    assert wait_for(lambda: line.frames.frames_read > 5)
    camera.unplug()
    assert wait_for(lambda: "camera_lost" in {a.kind for a in line.alarms.active}, timeout=3)
    assert "unplugged" in next(a.message for a in raised if a.kind == "camera_lost")
    camera.replug()
    before = line.frames.frames_read
    assert wait_for(lambda: line.frames.camera_ok and line.frames.frames_read > before, timeout=5)
    assert "camera_lost" not in {a.kind for a in line.alarms.active} and io.light.state == "green"


def test_a_camera_that_delivers_slowly_but_steadily_is_not_stalled(tiny_classifier):
    buffer = FrameBuffer(SyntheticCamera(clock=MonotonicClock(), fps=20, size=(16, 12)), clock=MonotonicClock(),
                         max_age_s=0.1, stall_s=0.2)  # 4 frame periods
    lost = []
    buffer._on_camera_error = lost.append
    buffer.camera.open()
    buffer.start()
    time.sleep(0.6)
    buffer.stop()
    assert buffer.frames_read >= 8 and lost == [] and buffer.camera_ok


def recovering_buffer(camera) -> tuple[FrameBuffer, list[str]]:
    lost: list[str] = []
    buffer = FrameBuffer(camera, clock=MonotonicClock(), max_age_s=0.1, on_camera_error=lost.append,
                         reopen_every_s=0.05, stall_s=0.3)
    camera.open()
    buffer.start()
    return buffer, lost


def test_a_folder_camera_comes_back_when_the_same_files_come_back(tmp_path):
    folder = tmp_path / "replay"
    folder.mkdir()
    for i, level in enumerate((40, 120, 200)):
        cv2.imwrite(str(folder / f"{i}.png"), np.full((12, 16, 3), level, np.uint8))
    saved = {p.name: p.read_bytes() for p in folder.iterdir()}
    buffer, lost = recovering_buffer(FolderCamera(folder, loop=True, fps=50))
    try:
        assert wait_for(lambda: buffer.frames_read > 3)
        for p in folder.iterdir():  # the share drops its files
            p.unlink()
        assert wait_for(lambda: not buffer.camera_ok) and lost
        time.sleep(0.2)
        for name, data in saved.items():  # the very same files come back
            (folder / name).write_bytes(data)
        before = buffer.frames_read
        assert wait_for(lambda: buffer.camera_ok and buffer.frames_read > before + 3)
    finally:
        buffer.stop()
        buffer.camera.close()


def test_an_opencv_camera_comes_back_when_its_source_comes_back(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    if not writer.isOpened():
        pytest.skip("no video writer in this OpenCV build")
    for level in range(20, 220, 10):
        writer.write(np.full((48, 64, 3), level, np.uint8))
    writer.release()
    away = tmp_path / "unplugged.avi"
    path.rename(away)  # the device is gone when the station starts reading
    camera = OpenCVCamera(str(path))
    buffer = FrameBuffer(camera, clock=MonotonicClock(), max_age_s=0.1, reopen_every_s=0.05, stall_s=0.3)
    lost: list[str] = []
    buffer._on_camera_error = lost.append
    buffer.start()  # the camera was never opened: reads fail until the source is there
    try:
        assert wait_for(lambda: not buffer.camera_ok and lost)
        away.rename(path)  # plugged back in
        assert wait_for(lambda: buffer.camera_ok and buffer.frames_read > 5)
    finally:
        buffer.stop()
        camera.close()
