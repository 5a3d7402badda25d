"""Cameras behind ``inspector.ports.Camera``, picked by name from configuration with :func:`make_camera`."""
from __future__ import annotations

from typing import Any

from hardware.cameras.folder import FolderCamera
from hardware.cameras.genicam import GenICamCamera
from hardware.cameras.gstreamer import GStreamerCamera
from hardware.cameras.opencv import OpenCVCamera, has_gstreamer
from hardware.cameras.picamera2 import Picamera2Camera
from hardware.cameras.synthetic import SyntheticCamera
from inspector.ports import Camera

CAMERA_BACKENDS: dict[str, type] = {"synthetic": SyntheticCamera, "opencv": OpenCVCamera, "folder": FolderCamera}
CAMERA_BACKENDS["picamera2"] = Picamera2Camera  # Raspberry Pi CSI (libcamera)
CAMERA_BACKENDS["gstreamer"] = GStreamerCamera  # Jetson CSI (nvarguscamerasrc), RTSP, own pipelines
CAMERA_BACKENDS["genicam"] = GenICamCamera  # GigE Vision / USB3 Vision through a GenTL producer


def make_camera(backend: str, /, **settings: Any) -> Camera:
    """A camera of ``backend`` (a key of ``CAMERA_BACKENDS``) built from its keyword settings."""
    try:
        cls = CAMERA_BACKENDS[backend]
    except KeyError:
        raise ValueError(f"unknown camera backend {backend!r}; allowed: {', '.join(sorted(CAMERA_BACKENDS))}") from None
    return cls(**settings)


__all__ = ["CAMERA_BACKENDS", "FolderCamera", "GStreamerCamera", "GenICamCamera", "OpenCVCamera", "Picamera2Camera",
           "SyntheticCamera", "has_gstreamer", "make_camera"]
