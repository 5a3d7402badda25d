"""How the synthetic camera's sensor and lens answer its controls, applied to the rendered scene.

- exposure and gain scale the light (10 ms and gain 0 leave it as rendered; gain doubles it every 20 units),
- brightness adds an offset (the driver's black level),
- white balance set below the scene's 5000 K light makes the image bluer, above it redder,
- focus away from ``in_focus`` blurs (Gaussian, sigma growing with the distance),
- resolution resizes the scene.

At the default controls and the rendered size the image is returned as it is (no copy), so the simulated line's frames
do not change unless someone calibrates.
"""
from __future__ import annotations

import cv2
import numpy as np

from inspector.camera_controls import RANGES, CameraControls

SCENE_TEMPERATURE_K = 5000.0
REFERENCE_EXPOSURE_MS = RANGES["exposure"].default
FOCUS_BLUR_PER_STEP = 1 / 10  # blur sigma (px at 640 wide) per focus step away from sharp
DEFAULT_IN_FOCUS = RANGES["focus"].default


def light_gain(controls: CameraControls) -> float:
    return controls.exposure / REFERENCE_EXPOSURE_MS * 2.0 ** (controls.gain / 20.0)


def white_balance_gains(temperature_k: float) -> tuple[float, float, float]:
    """(blue, green, red) channel gains of a camera balanced for ``temperature_k`` under the scene's light."""
    ratio = SCENE_TEMPERATURE_K / temperature_k
    return ratio ** 0.5, 1.0, ratio ** -0.5


def blur_sigma(controls: CameraControls, in_focus: float = DEFAULT_IN_FOCUS) -> float:
    return abs(controls.focus - in_focus) * FOCUS_BLUR_PER_STEP * controls.width / 640


def is_identity(controls: CameraControls, size: tuple[int, int], in_focus: float = DEFAULT_IN_FOCUS) -> bool:
    return (controls.size == tuple(size) and controls.imaging == CameraControls().imaging
            and controls.focus == in_focus)


def apply_imaging(image: np.ndarray, controls: CameraControls, in_focus: float = DEFAULT_IN_FOCUS) -> np.ndarray:
    """``image`` (H x W x 3 BGR uint8) as the camera at ``controls`` would take it (read-only result)."""
    if is_identity(controls, (image.shape[1], image.shape[0]), in_focus):
        return image
    out = image
    if (image.shape[1], image.shape[0]) != controls.size:
        shrink = controls.width < image.shape[1]
        out = cv2.resize(out, controls.size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    sigma = blur_sigma(controls, in_focus)
    if sigma >= 0.3:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    gain = light_gain(controls)
    b, g, r = white_balance_gains(controls.wb_temperature)
    out = cv2.transform(out, np.diag([b * gain, g * gain, r * gain]).astype(np.float32))
    if controls.brightness:
        offset = controls.brightness * 2
        out = cv2.add(out, (offset, offset, offset, 0))
    out = np.ascontiguousarray(out)
    out.flags.writeable = False
    return out
