"""GStreamer cameras against a fake PyGObject: the pipelines built for a Jetson CSI sensor, an RTSP camera and one's
own pipeline; which controls change live and which restart the pipeline; PTS on the pipeline clock; named refusals."""
import pytest

from hardware.cameras import GStreamerCamera
from inspector.camera_controls import CameraControls
from inspector.ports import CameraError
from tests.hardware.fakes import gstreamer as fake

SMALL = CameraControls(width=160, height=120, fps=30.0)


@pytest.fixture
def world(monkeypatch):
    return fake.install(monkeypatch)


def test_a_jetson_csi_pipeline_pins_exposure_gain_and_white_balance():
    description = GStreamerCamera("nvargus:1", controls=SMALL.with_(exposure=20.0, gain=20.0,
                                                                    wb_temperature=5500.0)).pipeline()
    assert description.startswith("nvarguscamerasrc name=src sensor-id=1 wbmode=5 ")
    assert 'exposuretimerange="20000000 20000000"' in description and 'gainrange="2.000 2.000"' in description
    assert "video/x-raw(memory:NVMM),width=160,height=120,framerate=30000/1000" in description
    assert description.endswith("video/x-raw,format=BGR ! appsink name=sink max-buffers=2 drop=true sync=false")


def test_an_uncalibrated_csi_camera_runs_on_argus_automatics():
    description = GStreamerCamera(0, width=1280, height=720, fps=60).pipeline()
    assert "exposuretimerange" not in description and "width=1280,height=720,framerate=60000/1000" in description


def test_exposure_gain_and_white_balance_change_live_but_a_new_size_restarts(world):
    cam = GStreamerCamera(0, controls=SMALL)
    cam.open()
    try:
        assert cam.via == "pygobject" and world.gst.initialised
        running = world.pipelines[-1]
        refused = cam.apply_controls(SMALL.with_(exposure=5.0, gain=40.0, wb_temperature=2700.0))
        assert refused == {} and world.pipelines[-1] is running and running.playing
        assert running.get_by_name("src").get_property("exposuretimerange") == "5000000 5000000"
        assert cam.device_controls() == pytest.approx({"exposure": 5.0, "gain": 40.0, "wb_temperature": 2700.0})
        cam.apply_controls(SMALL.with_(exposure=5.0, gain=40.0, wb_temperature=2700.0, width=320, height=240))
        assert world.pipelines[-1] is not running and not running.playing
        assert cam.read(1.0).image.shape == (240, 320, 3)
    finally:
        cam.close()


def test_a_white_balance_between_presets_is_taken_at_the_nearest_and_said(world):
    cam = GStreamerCamera(0, controls=SMALL)
    cam.open()
    try:
        refused = cam.apply_controls(SMALL.with_(wb_temperature=4700.0))
        assert refused["wb_temperature"] == ("asked 4700 K; nvarguscamerasrc has presets only, nearest wbmode "
                                             "fluorescent (4000 K)")
        assert world.pipelines[-1].get_by_name("src").get_property("wbmode") == 3
    finally:
        cam.close()


def test_frames_are_stamped_at_base_time_plus_pts(world):
    cam = GStreamerCamera(0, controls=SMALL)
    cam.open()
    try:
        frame = cam.read(1.0)
        pipeline = world.pipelines[-1]
        assert frame.t == pytest.approx((pipeline.get_base_time() + pipeline.last_pts) / 1e9, abs=1e-6)
        assert frame.t <= cam.clock.now()
        assert frame.image.shape == (120, 160, 3)  # rows padded to 4 bytes by GStreamer, cut back
    finally:
        cam.close()


def test_an_rtsp_camera_is_scaled_to_the_frame_size_and_refuses_sensor_controls(world):
    cam = GStreamerCamera("rtsp://10.0.0.7:554/stream1", controls=SMALL, latency_ms=100)
    assert cam.pipeline().startswith("rtspsrc location=rtsp://10.0.0.7:554/stream1 latency=100 ! decodebin ! ")
    assert "video/x-raw,format=BGR,width=160,height=120" in cam.pipeline()
    cam.open()
    try:
        refused = cam.apply_controls(SMALL.with_(exposure=20.0))
        assert "RTSP stream carries no camera controls" in refused["exposure"]
    finally:
        cam.close()


def test_ones_own_pipeline_gets_bgr_and_the_sink_appended_and_an_unknown_element_is_named(world):
    assert GStreamerCamera("v4l2src device=/dev/video2").pipeline() == (
        "v4l2src device=/dev/video2 ! videoconvert ! video/x-raw,format=BGR ! "
        "appsink name=sink max-buffers=2 drop=true sync=false")
    with pytest.raises(CameraError, match='pipeline refused: no element "mysterysrc"'):
        GStreamerCamera("mysterysrc").open()


def test_a_pipeline_that_will_not_start_names_the_bus_error(world):
    world.unplug()
    with pytest.raises(CameraError, match="cannot open Jetson CSI sensor 0 .*Argus: no camera available"):
        GStreamerCamera(0).open()


def test_without_pygobject_or_a_gstreamer_opencv_both_ways_are_named(monkeypatch):
    fake.hide_pygobject(monkeypatch)
    monkeypatch.setattr("hardware.cameras.gstreamer.has_gstreamer", lambda: False)
    with pytest.raises(CameraError, match="neither PyGObject .* nor an OpenCV built with GStreamer"):
        GStreamerCamera(0).open()
