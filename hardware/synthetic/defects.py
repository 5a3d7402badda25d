"""Surface defects drawn into a part's region: each returns the defect's soft mask (float32 0..1) in that region.

Scratches, cracks and spots change the surface colour (see :func:`apply_marks`); a dent changes the height field
before shading, so it shows only as a shading anomaly, as on a real part.
"""
from __future__ import annotations

import cv2
import numpy as np

DEFECT_KINDS = ("scratch", "crack", "spot", "dent")


def _polyline(shape: tuple[int, int], points: np.ndarray, thickness: int) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    pts = np.round(points * 16).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(m, [pts], False, 255, thickness, cv2.LINE_AA, shift=4)
    return m


def scratch(shape: tuple[int, int], at: np.ndarray, scale: float, rng: np.random.Generator,
            varied: bool = False) -> np.ndarray:
    """A thin gentle curve (a quadratic Bezier), thinning towards its ends; ``varied``: shorter to longer, from
    straight to a strong arc, up to 3 px wide."""
    length = rng.uniform(0.3, 0.7) * scale
    heading = rng.uniform(0, 2 * np.pi)
    d = np.array([np.cos(heading), np.sin(heading)])
    n = np.array([-d[1], d[0]])
    p0, p2 = at - d * length / 2, at + d * length / 2
    p1 = at + n * rng.uniform(-0.2, 0.2) * length
    if varied:
        length *= rng.uniform(0.5, 1.3)
        p0, p2 = at - d * length / 2, at + d * length / 2
        p1 = at + n * rng.uniform(-0.6, 0.6) * length
    t = np.linspace(0, 1, 40)[:, None]
    curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
    curve += rng.normal(0, 0.25, curve.shape)
    m = _polyline(shape, curve, int(rng.integers(1, 4 if varied else 3))).astype(np.float32) / 255.0
    fade = _polyline(shape, curve[6:-6], 1).astype(np.float32) / 255.0
    return np.maximum(m * 0.55, fade)


def crack(shape: tuple[int, int], at: np.ndarray, scale: float, rng: np.random.Generator,
          varied: bool = False, heading: float | None = None) -> np.ndarray:
    """A jagged dark line: zig-zag steps around a slowly drifting course, with forks; both ways from ``at``, or
    from ``at`` along ``heading`` only (a crack running in from an edge)."""
    m = np.zeros(shape, np.uint8)
    step = max(0.016 * scale, 2.0)

    def walk(p: np.ndarray, course: float, n: int, thickness: int, depth: int) -> None:
        pts = [p]
        for i in range(n):
            course += rng.normal(0, 0.1)
            heading = course + rng.normal(0, 0.45)
            p = p + step * rng.uniform(0.6, 1.4) * np.array([np.cos(heading), np.sin(heading)])
            pts.append(p)
            if depth < 2 and i > 2 and rng.random() < 0.06:
                fork = course + rng.choice([-1, 1]) * rng.uniform(0.5, 1.1)
                walk(p, fork, int((n - i) * rng.uniform(0.3, 0.6)) + 2, 1, depth + 1)
        arr = np.round(np.array(pts) * 16).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(m, [arr], False, 255, thickness, cv2.LINE_AA, shift=4)

    n = int(rng.uniform(0.35, 0.6) * scale / step)
    if heading is not None:
        walk(at, heading, int(n * rng.uniform(0.5, 1.0)), int(rng.integers(1, 3)), 0)
        return m.astype(np.float32) / 255.0
    course = rng.uniform(0, 2 * np.pi)
    walk(at, course, n // 2, 2, 0)
    walk(at, course + np.pi, n - n // 2, 2 if rng.random() < 0.5 else 1, 0)
    return m.astype(np.float32) / 255.0


def spot(shape: tuple[int, int], at: np.ndarray, scale: float, rng: np.random.Generator,
         varied: bool = False) -> np.ndarray:
    """An irregular stain with soft edges (``varied``: from a speck to a blot, or a crisp cluster of drops)."""
    radius = rng.uniform(0.05, 0.12) * scale
    if varied:
        radius *= rng.uniform(0.4, 1.3)
        if rng.random() < 0.5:
            return _drops(shape, at, scale, rng)
    a = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    wobble = 1 + 0.25 * np.sin(2 * a + rng.uniform(0, 6.3)) + 0.15 * np.sin(3 * a + rng.uniform(0, 6.3))
    r = radius * wobble * rng.uniform(0.9, 1.1, a.size)
    pts = at + np.stack([np.cos(a) * r, np.sin(a) * r * rng.uniform(0.6, 1.0)], 1)
    k = int(2.2 * radius) + 4
    x0, y0 = max(int(at[0]) - k, 0), max(int(at[1]) - k, 0)
    x1, y1 = min(int(at[0]) + k + 1, shape[1]), min(int(at[1]) + k + 1, shape[0])
    m = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(m, [np.round((pts - (x0, y0)) * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    out = np.zeros(shape, np.float32)
    out[y0:y1, x0:x1] = cv2.GaussianBlur(m.astype(np.float32) / 255.0, (0, 0), 0.15 * radius + 0.5)
    return out


def _drops(shape: tuple[int, int], at: np.ndarray, scale: float, rng: np.random.Generator) -> np.ndarray:
    """A compact stain of two to five overlapping round drops with crisp edges (as small as a bolt hole, without its
    rim: the net must tell the two apart)."""
    r_max = float(np.clip(rng.uniform(0.025, 0.07) * scale, 3.0, 14.0))
    k = int(3 * r_max) + 2
    x0, y0 = max(int(at[0]) - k, 0), max(int(at[1]) - k, 0)
    x1, y1 = min(int(at[0]) + k + 1, shape[1]), min(int(at[1]) + k + 1, shape[0])
    m = np.zeros((y1 - y0, x1 - x0), np.float32)
    for _ in range(int(rng.integers(2, 6))):
        o = at - (x0, y0) + rng.normal(0, 0.45 * r_max, 2)
        r = r_max * rng.uniform(0.4, 1.0)
        cv2.circle(m, (int(o[0] * 16), int(o[1] * 16)), int(r * 16), 1.0, -1, cv2.LINE_AA, shift=4)
    out = np.zeros(shape, np.float32)
    out[y0:y1, x0:x1] = cv2.GaussianBlur(m, (0, 0), float(rng.uniform(0.5, 1.3)))
    return out


def dent(shape: tuple[int, int], at: np.ndarray, scale: float, rng: np.random.Generator,
         varied: bool = False) -> np.ndarray:
    """A shallow elliptical depression profile (0..1); the caller sinks the height field by it."""
    radius = rng.uniform(0.05, 0.1) * scale
    out = np.zeros(shape, np.float32)
    k = int(3 * radius) + 1
    x0, y0 = max(int(at[0]) - k, 0), max(int(at[1]) - k, 0)
    x1, y1 = min(int(at[0]) + k + 1, shape[1]), min(int(at[1]) + k + 1, shape[0])
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    ang = rng.uniform(0, np.pi)
    u = (xs - at[0]) * np.cos(ang) + (ys - at[1]) * np.sin(ang)
    v = -(xs - at[0]) * np.sin(ang) + (ys - at[1]) * np.cos(ang)
    q2 = (u / radius) ** 2 + (v / (radius * rng.uniform(0.6, 1.0))) ** 2
    out[y0:y1, x0:x1] = np.exp(-q2)
    return out


def _varied_marks(color: np.ndarray, kind: str, a: np.ndarray, rng: np.random.Generator) -> None:
    if kind == "scratch":
        if rng.random() < 0.5:  # bare material showing: brighter
            target = rng.uniform(200, 255)
            np.add(color, (target - color) * a * rng.uniform(0.4, 0.85), out=color)
        else:  # dirt in the groove: darker
            np.multiply(color, 1.0 - np.minimum(a * rng.uniform(0.3, 0.7), 0.9), out=color)
    elif kind == "crack":
        np.multiply(color, 1.0 - np.minimum(a * rng.uniform(0.45, 0.9), 0.95), out=color)
    elif kind == "spot":
        if rng.random() < 0.35:  # paint, ink or a burn: opaque, crisp, one colour, as round as a hole
            _blot(color, a, rng)
            return
        if rng.random() < 0.4:  # contamination that stands out: pale on a dark surface, dark on a pale one
            pale = float(np.mean(color[a[..., 0] > 0.5])) < 110 if (a[..., 0] > 0.5).any() else True
            value = rng.uniform(170, 250) if pale else rng.uniform(10, 60)
            hsv = np.uint8([[[rng.uniform(0, 180), rng.uniform(0, 120), value]]])
        else:
            hsv = np.uint8([[[rng.uniform(0, 180), rng.uniform(0, 255), rng.uniform(20, 255)]]])
        stain = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)
        w = np.minimum(a * rng.uniform(0.55, 0.95), 0.95)
        np.add(color * (1.0 - w), stain * w, out=color)


def _blot(color: np.ndarray, a: np.ndarray, rng: np.random.Generator) -> None:
    """An opaque blot in one colour well away from the surface's own (at least 70 apart in BGR): covers the
    texture, shows no floor and no shadow, which is what tells it from a bolt hole of the same size."""
    inside = a[..., 0] > 0.3
    own = color[inside].mean(0) if inside.any() else color.reshape(-1, 3).mean(0)
    for _ in range(20):
        hsv = np.uint8([[[rng.uniform(0, 180), rng.uniform(0, 255), rng.uniform(10, 250)]]])
        stain = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)
        if np.linalg.norm(stain - own) >= 70:
            break
    w = np.minimum(a * rng.uniform(2.0, 4.0), 1.0) * rng.uniform(0.88, 1.0)
    np.add(color * (1.0 - w), stain * w, out=color)


DRAWERS = {"scratch": scratch, "crack": crack, "spot": spot, "dent": dent}


def apply_marks(color: np.ndarray, kind: str, soft: np.ndarray, strength: float, metallic: bool,
                rng: np.random.Generator, varied: bool = False) -> None:
    """Change the surface colour (float32, in place) under a scratch, crack or spot mask. ``varied``: a scratch
    may darken or brighten, a crack may be faint, a stain takes any colour."""
    a = (soft * min(strength, 1.6))[..., None]
    if varied:
        _varied_marks(color, kind, a, rng)
        return
    if kind == "scratch":
        target = 255.0 if metallic else 240.0
        np.add(color, (target - color) * a * 0.7, out=color)
    elif kind == "crack":
        np.multiply(color, 1.0 - np.minimum(a * 0.78, 0.95), out=color)
    elif kind == "spot":
        stain = np.asarray(((40, 62, 92), (36, 38, 40), (70, 110, 120))[int(rng.integers(3))], np.float32)
        w = np.minimum(a * 0.75, 0.92)
        np.add(color * (1.0 - w), stain * w, out=color)
