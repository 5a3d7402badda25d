"""``inspector cameras`` lists what each backend finds, with controls and ranges, and says why where it finds nothing
(as on this machine: no camera, no camera library)."""
import json

import pytest

from inspector.cli import main
from tests.hardware.fakes import genicam as fake_genicam
from tests.hardware.fakes import gstreamer as fake_gst
from tests.hardware.fakes import picamera2 as fake_picamera2


@pytest.fixture
def no_devices(monkeypatch, tmp_path):
    monkeypatch.setattr("hardware.cameras.discovery.VIDEO_DEVICES", str(tmp_path / "video*"))
    monkeypatch.setattr("hardware.cameras.discovery.SYSFS", str(tmp_path / "sys"))
    monkeypatch.delenv("GENICAM_GENTL64_PATH", raising=False)
    fake_gst.hide_pygobject(monkeypatch)
    monkeypatch.setattr("hardware.cameras.opencv.has_gstreamer", lambda: False)
    monkeypatch.setitem(__import__("sys").modules, "picamera2", None)
    return tmp_path


def video_device(root, n, name):
    (root / f"video{n}").write_bytes(b"")
    (root / "sys" / f"video{n}").mkdir(parents=True)
    (root / "sys" / f"video{n}" / "name").write_text(name + "\n")


def test_with_nothing_found_each_backend_says_why(no_devices, capsys):
    assert main(["cameras"]) == 0
    out = capsys.readouterr().out
    assert "opencv:\n  none found: no /dev/video* devices" in out
    assert "picamera2:\n  none found: Picamera2 is not installed" in out
    assert "gstreamer:\n  none found: neither PyGObject" in out
    assert "genicam:\n  none found: no GenTL producer" in out


def test_found_cameras_are_listed_with_their_controls_and_ranges(no_devices, monkeypatch, capsys):
    video_device(no_devices, 0, "USB Camera: HD Webcam")
    video_device(no_devices, 1, "unicam-image")
    video_device(no_devices, 2, "vi-output, imx219 9-0010")
    monkeypatch.setattr("hardware.cameras.discovery.v4l2_ranges",
                        lambda device: {"exposure_time_absolute": "1–5000 (default 157)"})
    fake_picamera2.install(monkeypatch, fake_picamera2.Sensor("imx708"), fake_picamera2.Sensor("imx477", lens=False))
    fake_gst.install(monkeypatch)
    fake_genicam.install(monkeypatch, fake_genicam.Device("40012345", exposure_us=(20, 1_000_000)))
    cti = no_devices / "FakeVision.cti"
    cti.write_bytes(b"")
    assert main(["cameras", "--cti", str(cti), "--json"]) == 0
    found = {section["backend"]: section for section in json.loads(capsys.readouterr().out)}
    usb, unicam, argus = found["opencv"]["cameras"]
    assert usb["controls"] == {"exposure_time_absolute": "1–5000 (default 157)"}
    assert "picamera2" in unicam["note"] and "gstreamer" in argus["note"]
    pi3, hq = found["picamera2"]["cameras"]
    assert pi3["source"] == "0" and pi3["controls"]["exposure"] == "0.026–112 ms (ExposureTime)"
    assert pi3["controls"]["gain"] == "0–80 (AnalogueGain 1–16)" and hq["controls"]["focus"] == "none: a manual lens"
    assert found["gstreamer"]["cameras"][0]["source"] == "nvargus:0"
    gige = found["genicam"]["cameras"][0]
    assert gige["source"] == "40012345" and gige["controls"]["exposure"] == "0.02–1000 ms (ExposureTime)"
    assert gige["controls"]["trigger"] == "free, Line0, Line1"
