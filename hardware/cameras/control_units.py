"""The calibration controls in each camera library's own units, and the refusals that name a device's range.

The station's units (``inspector.camera_controls``) stay the same on every camera: exposure in ms, gain in steps of
which 20 double the signal (as on the synthetic sensor), white balance in kelvin, focus on the V4L2 0–255 scale,
brightness -64..64. Each backend converts with these functions, so one calibration means the same on any camera.
"""
from __future__ import annotations

import math
from typing import Sequence

from inspector.camera_controls import RANGES

GAIN_STEPS_PER_DOUBLING = 20.0

# (kelvin, R/G, B/G) of a grey lit at that colour temperature, as raw sensor ratios: the shape of the "ct_curve" in
# the Raspberry Pi sensors' tuning files. A generic curve; a backend uses the sensor's own where it can read it.
GENERIC_CT_CURVE: tuple[tuple[float, float, float], ...] = (
    (2500.0, 0.70, 0.32), (3000.0, 0.60, 0.38), (4000.0, 0.47, 0.48), (5000.0, 0.40, 0.56),
    (6500.0, 0.33, 0.65), (9000.0, 0.26, 0.76),
)


def gain_factor(gain: float) -> float:
    """Linear signal gain (analogue gain, 1 = none) for station gain units."""
    return 2.0 ** (gain / GAIN_STEPS_PER_DOUBLING)


def gain_from_factor(factor: float) -> float:
    return GAIN_STEPS_PER_DOUBLING * math.log2(max(factor, 1e-9))


def gain_db(gain: float) -> float:
    """The same gain in decibels (GenICam ``Gain`` is usually dB)."""
    return 20.0 * math.log10(gain_factor(gain))


def gain_from_db(db: float) -> float:
    return gain_from_factor(10.0 ** (db / 20.0))


def ct_curve_from_tuning(flat: Sequence[float]) -> tuple[tuple[float, float, float], ...]:
    """A tuning file's flat ``ct_curve`` [K, r, b, K, r, b, ...] as triples, coolest first."""
    triples = tuple((float(flat[i]), float(flat[i + 1]), float(flat[i + 2])) for i in range(0, len(flat) - 2, 3))
    if len(triples) < 2:
        raise ValueError("a ct_curve needs at least two points")
    return tuple(sorted(triples))


def _interpolate(curve, kelvin: float) -> tuple[float, float]:
    if kelvin <= curve[0][0]:
        return curve[0][1], curve[0][2]
    for (k0, r0, b0), (k1, r1, b1) in zip(curve, curve[1:]):
        if kelvin <= k1:
            f = (kelvin - k0) / (k1 - k0)
            return r0 + f * (r1 - r0), b0 + f * (b1 - b0)
    return curve[-1][1], curve[-1][2]


def colour_gains(kelvin: float, curve=GENERIC_CT_CURVE) -> tuple[float, float]:
    """(red gain, blue gain) that make a grey lit at ``kelvin`` grey: Picamera2's ``ColourGains``."""
    r, b = _interpolate(curve, kelvin)
    return 1.0 / r, 1.0 / b


def kelvin_from_gains(red_gain: float, blue_gain: float, curve=GENERIC_CT_CURVE) -> float:
    """The colour temperature whose gains are nearest (red_gain, blue_gain), in 10 K steps."""
    low, high = RANGES["wb_temperature"].low, RANGES["wb_temperature"].high
    best, best_err = low, math.inf
    k = low
    while k <= high:
        r, b = colour_gains(k, curve)
        err = (r - red_gain) ** 2 + (b - blue_gain) ** 2
        if err < best_err:
            best, best_err = k, err
        k += 10.0
    return best


def focus_to_dioptres(focus: float, max_dioptres: float) -> float:
    """Station focus 0–255 onto a lens' 0..max dioptres (0 is infinity, as libcamera's ``LensPosition``)."""
    return focus / RANGES["focus"].high * max_dioptres


def dioptres_to_focus(dioptres: float, max_dioptres: float) -> float:
    return 0.0 if max_dioptres <= 0 else dioptres / max_dioptres * RANGES["focus"].high


def outside(control: str, value: float, unit: str, low: float, high: float, native: str) -> str | None:
    """None when ``low <= value <= high``; else why, naming the range in station units and the library's name."""
    if low - 1e-9 <= value <= high + 1e-9:
        return None
    u = f" {unit}" if unit else ""
    return f"{control} {value:g}{u} is outside this camera's range {low:g}–{high:g}{u} ({native})"
