"""Outlines of the part look families that only domain randomisation draws (gears, rings, knurled rings, hex blanks,
levers, slotted brackets, irregular castings), surface textures for them, and where a defect may start.

Each outline function draws the part (255) into a uint8 region ``m`` with anti-aliased edges, cuts its non-round
openings itself and returns the round holes as (centre, radius) for the caller to cut and shade.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from hardware.synthetic.looks import fractal

FAMILY_SHAPES = ("gear", "ring", "hex", "knurl", "lever", "bracket", "blob")


@dataclass(frozen=True)
class Form:
    """What a family part's outline needs beyond centre, size and angle."""

    bore: float = 0.2  # radius of the central bore (or of the bosses' holes), fraction
    teeth: int = 0  # gear teeth, knurl ridges
    aspect: float = 0.5  # bracket height / length
    harmonics: tuple[tuple[float, float], ...] = ()  # irregular casting: (amplitude, phase) of harmonics 2, 3, ...


def draw_form(rng: np.random.Generator, shape: str) -> Form:
    """A random :class:`Form` for ``shape``."""
    bore = {"ring": (0.45, 0.7), "knurl": (0.5, 0.65), "gear": (0.15, 0.45), "hex": (0.2, 0.5),
            "lever": (0.3, 0.5), "bracket": (0.12, 0.2), "blob": (0.1, 0.25)}.get(shape, (0.2, 0.2))
    teeth = int(rng.integers(40, 71)) if shape == "knurl" else int(rng.integers(12, 31))
    harmonics = tuple((float(rng.uniform(0, 0.09)), float(rng.uniform(0, 2 * np.pi))) for _ in range(4))
    return Form(float(rng.uniform(*bore)), teeth, float(rng.uniform(0.42, 0.62)), harmonics)


def _fill(m: np.ndarray, pts: np.ndarray, value: int = 255) -> None:
    cv2.fillPoly(m, [np.round(pts * 16).astype(np.int32)], value, cv2.LINE_AA, shift=4)


def _circle(m: np.ndarray, c: np.ndarray, r: float, value: int = 255) -> None:
    cv2.circle(m, tuple(int(v) for v in np.round(c * 16)), int(r * 16), value, -1, cv2.LINE_AA, shift=4)


def _radial(m, c, angle, r_of_t: np.ndarray, t: np.ndarray) -> None:
    _fill(m, c + np.stack([np.cos(t + angle), np.sin(t + angle)], 1) * r_of_t[:, None])


def draw_family(m: np.ndarray, shape: str, c: np.ndarray, radius: float, angle: float, bolts: int,
                form: Form) -> list[tuple[np.ndarray, float]]:
    """Draw a ``FAMILY_SHAPES`` part into ``m``; its round holes."""
    if shape not in FAMILY_SHAPES:
        raise ValueError(f"unknown part family {shape!r}; allowed: {', '.join(FAMILY_SHAPES)}")
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    t = np.linspace(0, 2 * np.pi, 361)[:-1]
    if shape == "lever":
        big, small = np.array([-0.5, 0.0]) * radius, np.array([0.6, 0.0]) * radius
        _circle(m, c + rot @ big, 0.42 * radius)
        _circle(m, c + rot @ small, 0.3 * radius)
        bar = np.array([[-0.5, -0.2], [0.6, -0.14], [0.6, 0.14], [-0.5, 0.2]]) * radius
        _fill(m, bar @ rot.T + c)
        return [(c + rot @ big, form.bore * 0.42 * radius), (c + rot @ small, form.bore * 0.3 * radius)]
    if shape == "bracket":
        hw = radius / np.hypot(1.0, form.aspect)  # the corners stay inside ``radius``
        hh = hw * form.aspect
        cr = 0.4 * hh
        a = np.linspace(0, np.pi / 2, 10)
        corners = [(hw - cr, hh - cr, 0.0), (-hw + cr, hh - cr, np.pi / 2), (-hw + cr, -hh + cr, np.pi),
                   (hw - cr, -hh + cr, 1.5 * np.pi)]
        pts = np.concatenate([np.stack([x + cr * np.cos(a + a0), y + cr * np.sin(a + a0)], 1) for x, y, a0 in corners])
        _fill(m, pts @ rot.T + c)
        slot_r = 0.35 * hh
        for sx in (-1, 1):  # two slots: round-ended lines cut out
            ends = [c + rot @ np.array([sx * 0.62 * hw + d * 0.12 * hw, 0.0]) for d in (-1, 1)]
            p, q = (tuple(int(v) for v in np.round(e * 16)) for e in ends)
            cv2.line(m, p, q, 0, max(int(2 * slot_r), 2), cv2.LINE_AA, shift=4)
        return [(c, form.bore * radius)]
    if shape == "blob":  # an irregular casting: a star-convex outline from a few harmonics
        r = 0.82 + sum(amp * np.sin((k + 2) * t + ph) for k, (amp, ph) in enumerate(form.harmonics))
        _radial(m, c, angle, radius * np.minimum(r, 1.0), t)
        return [(c, form.bore * radius)]
    if shape == "gear":
        phase = (t * form.teeth / (2 * np.pi)) % 1
        r = np.where((phase > 0.15) & (phase < 0.6), radius, 0.86 * radius)
    elif shape == "knurl":
        r = radius * (0.985 + 0.015 * np.sign(np.sin(t * form.teeth)))
    elif shape == "hex":
        t = np.linspace(0, 2 * np.pi, 7)[:-1]
        r = np.full_like(t, radius)
    else:
        r = np.full_like(t, radius)
    _radial(m, c, angle, r, t)
    holes = [(c, form.bore * radius)]
    if shape in ("gear", "hex") and form.bore < 0.36:
        for k in range(bolts):
            a = angle + 2 * np.pi * k / bolts
            holes.append((c + 0.6 * radius * np.array([np.cos(a), np.sin(a)]), 0.06 * radius))
    return holes


def surface_texture(rng: np.random.Generator, shape_hw: tuple[int, int]) -> np.ndarray:
    """A multiplicative albedo texture 1 + a few % (cast grain, mottled moulding, or both), float32 [h, w]."""
    h, w = shape_hw
    kind = int(rng.integers(3))
    out = np.ones((h, w), np.float32)
    if kind in (0, 2):  # cast grain: fine noise
        grain = cv2.GaussianBlur(rng.standard_normal((h, w), dtype=np.float32), (0, 0), float(rng.uniform(0.5, 1.3)))
        out += float(rng.uniform(0.03, 0.12)) * grain / (grain.std() + 1e-6)
    if kind in (1, 2):  # mottled: smooth blotches
        out += float(rng.uniform(0.03, 0.1)) * fractal(rng, (h, w), (2, 5, 16))
    return out


def rim_light(solid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A chamfer along every edge (rim, holes, slots): a band a few pixels wide, brighter (mostly) or darker by up to
    a third, as a multiplicative float32 map."""
    inside = cv2.GaussianBlur(solid.astype(np.float32), (0, 0), float(rng.uniform(1.2, 3.0)))
    gain = float(rng.uniform(0.1, 0.35)) * (1 if rng.random() < 0.75 else -1)
    return 1.0 + gain * (1.0 - inside) * solid


def edge_start(dist: np.ndarray, rng: np.random.Generator, notch: float = 0.0) -> tuple[np.ndarray, float] | None:
    """A point just inside the part's edge (outer rim or a hole's; ``dist``: distance to the edge) and the heading
    into the material, or None. At a share ``notch`` the point lies in the most enclosed tenth of the edge (a gear's
    tooth root, a slot's end, where an arm meets a boss), where real cracks start."""
    band = np.argwhere((dist > 1.0) & (dist <= 2.5))
    if not len(band):
        return None
    if notch and rng.random() < notch:
        enclosed = cv2.GaussianBlur((dist > 0).astype(np.float32), (0, 0), 6.0)[band[:, 0], band[:, 1]]
        band = band[enclosed >= np.quantile(enclosed, 0.9)]
    y, x = band[int(rng.integers(len(band)))]
    smooth = cv2.GaussianBlur(dist, (0, 0), 3.0)
    y0, y1, x0, x1 = max(y - 2, 0), min(y + 2, dist.shape[0] - 1), max(x - 2, 0), min(x + 2, dist.shape[1] - 1)
    heading = float(np.arctan2(smooth[y1, x] - smooth[y0, x], smooth[y, x1] - smooth[y, x0]))
    return np.array([x, y], np.float64), heading
