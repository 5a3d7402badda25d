"""OpenCV cameras, as far as they can be tested without a camera: clear errors, and a video file replay."""
import threading

import cv2
import numpy as np
import pytest

from hardware.cameras import OpenCVCamera, has_gstreamer, make_camera
from inspector.clock import ManualClock
from inspector.ports import CameraError


def test_a_missing_device_index_gives_a_clear_error():
    with pytest.raises(CameraError, match="cannot open camera 63 .*v4l2"):
        OpenCVCamera(63, "v4l2").open()


def test_a_digit_string_from_a_config_file_is_a_device_index():
    assert OpenCVCamera("2").source == 2


def test_a_missing_device_path_gives_a_clear_error():
    with pytest.raises(CameraError, match="/dev/video-missing does not exist"):
        OpenCVCamera("/dev/video-missing", "v4l2").open()


@pytest.mark.skipif(has_gstreamer(), reason="this OpenCV build has GStreamer")
def test_gstreamer_without_support_says_so():
    with pytest.raises(CameraError, match="no GStreamer support"):
        OpenCVCamera("videotestsrc ! videoconvert ! appsink", "gstreamer").open()


def test_unknown_backends_and_unopened_reads_are_refused():
    with pytest.raises(ValueError, match="allowed: any, v4l2, gstreamer"):
        OpenCVCamera(0, "dshow")
    with pytest.raises(CameraError, match="not open"):
        OpenCVCamera(0).read(0.1)


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    if not writer.isOpened():
        pytest.skip("no video writer in this OpenCV build")
    for level in (20, 60, 100, 140, 180):
        writer.write(np.full((48, 64, 3), level, np.uint8))
    writer.release()
    return path


def test_a_video_file_replays_every_frame_then_ends(video):
    clock = ManualClock(3.0)
    cam = make_camera("opencv", source=str(video), backend="any", clock=clock)
    cam.open()
    frames = [cam.read(2.0) for _ in range(5)]
    assert [int(round(f.image.mean() / 10) * 10) for f in frames] == [20, 60, 100, 140, 180]
    assert [f.seq for f in frames] == [1, 2, 3, 4, 5] and all(f.t == 3.0 for f in frames)
    with pytest.raises(CameraError, match="replay finished"):
        cam.read(2.0)
    cam.close()
    cam.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("camera-opencv")]


def test_closing_mid_replay_stops_the_grabber(video):
    cam = OpenCVCamera(str(video))
    cam.open()
    assert cam.read(2.0) is not None
    cam.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("camera-opencv")]
