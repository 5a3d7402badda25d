"""The boards' cameras are chosen in the station file's [camera] section, like the others; wrong values are refused
with the key named."""
import tomllib
from pathlib import Path

import pytest

from hardware.cameras import GenICamCamera, GStreamerCamera, Picamera2Camera
from inspector.assemble import make_camera_for
from inspector.clock import ManualClock
from inspector.config import ConfigError, parse_station


def station(**camera):
    return parse_station({"camera": camera}, "station.toml")


def test_each_board_camera_is_built_from_its_section():
    clock = ManualClock()
    pi = make_camera_for(station(backend="picamera2", source=1, width=1280, height=720, sensor_roi=[0, 0, 2304, 1296],
                                 controls={"exposure": 4.0}), clock)
    assert isinstance(pi, Picamera2Camera) and pi.camera_num == 1 and pi.sensor_roi == (0, 0, 2304, 1296)
    assert pi.controls.exposure == 4.0 and pi.controls.size == (1280, 720) and pi.clock is clock
    jetson = make_camera_for(station(backend="gstreamer", source="nvargus:0", fps=60), clock)
    assert isinstance(jetson, GStreamerCamera) and jetson.kind == "nvargus" and jetson.controls.fps == 60
    gige = make_camera_for(station(backend="genicam", source="40012345", cti="/opt/mv/FakeVision.cti",
                                   trigger="Line0", trigger_activation="FallingEdge"), clock)
    assert isinstance(gige, GenICamCamera) and (gige.cti, gige.trigger, gige.trigger_activation) == (
        "/opt/mv/FakeVision.cti", "Line0", "FallingEdge")


def test_an_uncalibrated_board_camera_keeps_its_automatic_settings():
    cam = make_camera_for(station(backend="picamera2"), ManualClock())
    assert cam._calibrated is False


def test_wrong_board_camera_values_are_refused_by_key():
    with pytest.raises(ConfigError, match=r"station.toml: camera.trigger = 'Line'"):
        station(backend="genicam", trigger="Line")
    with pytest.raises(ConfigError, match=r"camera.backend = 'picamera3'"):
        station(backend="picamera3")
    with pytest.raises(ConfigError, match=r"\[camera\] source = '/dev/video0': picamera2 takes a camera number"):
        make_camera_for(station(backend="picamera2", source="/dev/video0"), ManualClock())


EXAMPLE = Path(__file__).resolve().parents[2] / "installer" / "station.example.toml"


def example_camera_blocks() -> list[str]:
    """Each commented camera example of the installer's station file, uncommented."""
    blocks, current = [], None
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#   "):
            current = current if current is not None else []
            current.append(line.removeprefix("#   "))
        elif current:
            blocks.append("\n".join(current))
            current = None
    return blocks


def test_every_camera_example_in_the_installer_s_station_file_is_valid():
    blocks = example_camera_blocks()
    assert [b.splitlines()[0] for b in blocks] == ['backend = "picamera2"', 'backend = "gstreamer"',
                                                  'backend = "genicam"']
    for block in blocks:
        config = parse_station({"camera": tomllib.loads(block)}, str(EXAMPLE))
        assert make_camera_for(config, ManualClock()) is not None
