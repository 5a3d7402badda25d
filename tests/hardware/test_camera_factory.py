"""Cameras are picked by name from configuration; hardware/ never needs Qt."""
import subprocess
import sys

import pytest

from hardware.cameras import FolderCamera, OpenCVCamera, SyntheticCamera, make_camera


def test_the_factory_builds_each_backend(tmp_path):
    assert isinstance(make_camera("synthetic", fps=10.0, paced=False), SyntheticCamera)
    cam = make_camera("opencv", source="/dev/video7", backend="v4l2", width=640)
    assert isinstance(cam, OpenCVCamera) and (cam.backend, cam.width) == ("v4l2", 640)
    assert isinstance(make_camera("folder", folder=tmp_path, loop=True), FolderCamera)


def test_an_unknown_backend_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="allowed: folder, genicam, gstreamer, opencv, picamera2, synthetic"):
        make_camera("picamera9")


def test_hardware_imports_without_qt():
    code = ("import sys, hardware.cameras, hardware.synthetic; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
