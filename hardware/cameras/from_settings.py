"""The boards' cameras built from the station file's ``[camera]`` section (``config.CameraSettings``)."""
from __future__ import annotations

from hardware.cameras import make_camera
from inspector.camera_controls import CameraControls
from inspector.clock import Clock
from inspector.config import ConfigError


def board_camera(settings, *, clock: Clock, controls: CameraControls | None = None):
    """A Picamera2, GStreamer or GenICam camera as ``settings`` describe it; ``controls`` None leaves the device's
    own (automatic) settings until someone calibrates."""
    common = dict(width=settings.width, height=settings.height, fps=settings.fps, clock=clock, controls=controls)
    if settings.backend == "picamera2":
        if not str(settings.source).isdigit():
            raise ConfigError(f"[camera] source = {settings.source!r}: picamera2 takes a camera number (0, 1, ...)")
        return make_camera("picamera2", camera_num=int(settings.source), sensor_roi=settings.sensor_roi, **common)
    if settings.backend == "gstreamer":
        return make_camera("gstreamer", source=settings.source, **common)
    if settings.backend == "genicam":
        return make_camera("genicam", source=settings.source, cti=settings.cti, sensor_roi=settings.sensor_roi,
                           trigger=settings.trigger, trigger_activation=settings.trigger_activation, **common)
    raise ValueError(f"{settings.backend!r} is not a board camera; allowed: picamera2, gstreamer, genicam")
