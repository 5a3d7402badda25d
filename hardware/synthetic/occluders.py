"""Things that get between the camera and the box: a bare hand, a nitrile glove, a tool, a paper label, a strip of
tape.

Each is drawn over a target point with shading and a drop shadow; the drawer returns the occluder's alpha mask so the
caller can measure how much of each slot it hides.
"""
from __future__ import annotations

import cv2
import numpy as np

from hardware.synthetic.canvas import GAIN_SCALE, apply_gain, blend_region, rounded_height, shade, soft_shadow
from hardware.synthetic.knobs import Knobs, pick, uniform
from hardware.synthetic.looks import random_bgr

OCCLUDER_KINDS = ("hand", "glove", "tool", "label", "tape")


def _hull(circles: list[tuple[np.ndarray, float]], n: int = 20) -> np.ndarray:
    """Convex outline around circles: capsules, tapered fingers, rounded palms."""
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = np.stack([np.cos(a), np.sin(a)], 1)
    pts = np.concatenate([c + r * ring for c, r in circles])
    return cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2)


def _rot(v: np.ndarray, deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def _roi(polys: list[np.ndarray], shape: tuple[int, int], pad: int = 3):
    pts = np.concatenate(polys)
    x0, y0 = np.floor(pts.min(0)).astype(int) - pad
    x1, y1 = np.ceil(pts.max(0)).astype(int) + pad
    H, W = shape
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, W), min(y1, H)
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


def _fill(shape: tuple[int, int], poly: np.ndarray, origin: tuple[int, int], aa: bool) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    pts = np.round((poly - np.asarray(origin)) * 16).astype(np.int32)
    cv2.fillConvexPoly(m, pts, 255, cv2.LINE_AA if aa else cv2.LINE_8, shift=4)
    return m


def _shadow(canvas: np.ndarray, alpha: np.ndarray, light: np.ndarray, lift: float, blur: float,
            strength: float) -> None:
    """Darken the canvas under the occluder's shadow, cast ``lift`` px away from the lamp."""
    H, W = alpha.shape
    low = cv2.resize(alpha, (W // GAIN_SCALE, H // GAIN_SCALE), interpolation=cv2.INTER_AREA)
    low = low.astype(np.float32) / 255.0
    gain = np.ones_like(low)
    away = -light[:2] / max(float(np.hypot(light[0], light[1])), 1e-6)
    soft_shadow(gain, low, (away[0] * lift, away[1] * lift), blur, strength)
    apply_gain(canvas, gain)


def _lines(shape: tuple[int, int], lines: list[tuple[np.ndarray, np.ndarray]], origin) -> np.ndarray:
    m = np.zeros(shape, np.float32)
    for p0, p1 in lines:
        a, b = np.round((p0 - origin) * 16).astype(int), np.round((p1 - origin) * 16).astype(int)
        cv2.line(m, tuple(int(v) for v in a), tuple(int(v) for v in b), 1.0, 1, cv2.LINE_AA, shift=4)
    return m


def _render_solid(canvas: np.ndarray, parts: list[tuple[np.ndarray, float, np.ndarray]],
                  light: np.ndarray, shininess: float, sheen: float, lift: float, blur: float,
                  strength: float, ambient: float = 0.35, flat: float = 0.7,
                  creases: list[tuple[np.ndarray, np.ndarray]] = ()) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """Shade rounded solids (outline, edge radius, colour) as one object; returns the full-frame alpha and ROI.

    Shading is smooth, so it is computed at half resolution; the outline (alpha) is drawn at full resolution.
    """
    H, W = canvas.shape[:2]
    roi = _roi([p for p, _, _ in parts], (H, W))
    if roi is None:
        return None
    x0, y0, x1, y1 = roi
    shape = (y1 - y0, x1 - x0)
    k = 0.5 if min(shape) >= 32 and min(r for _, r, _ in parts) >= 6 else 1.0
    low = (max(int(np.ceil(shape[0] * k)), 1), max(int(np.ceil(shape[1] * k)), 1))
    height = np.zeros(low, np.float32)
    owner = np.zeros(low, np.uint8)
    alpha = np.zeros(shape, np.uint8)
    for i, (poly, radius, _) in enumerate(parts):
        local = poly - (x0, y0)
        sub = _roi([local * k], low, pad=2)
        if sub is not None:
            sx0, sy0, sx1, sy1 = sub
            m = _fill((sy1 - sy0, sx1 - sx0), local * k - (sx0, sy0), (0, 0), aa=False)
            h = rounded_height(m, radius * k) * flat
            h += (m > 0) * np.float32(radius * k * 0.02 * i)
            region = height[sy0:sy1, sx0:sx1]
            top = h > region
            np.maximum(region, h, out=region)
            owner[sy0:sy1, sx0:sx1][top] = i
        sub = _roi([local], shape, pad=2)
        if sub is not None:
            sx0, sy0, sx1, sy1 = sub
            np.maximum(alpha[sy0:sy1, sx0:sx1], _fill((sy1 - sy0, sx1 - sx0), local - (sx0, sy0), (0, 0), aa=True),
                       out=alpha[sy0:sy1, sx0:sx1])
    height = cv2.GaussianBlur(height, (0, 0), max(1.2 * k, 0.1 * k * min(r for _, r, _ in parts)))
    diffuse, spec = shade(height, light, shininess)
    lum = ambient + 0.75 * diffuse
    if creases:
        lines = _lines(low, [(a * k, b * k) for a, b in creases], np.array([x0, y0]) * k)
        lum *= 1.0 - 0.3 * cv2.GaussianBlur(lines, (0, 0), 1.4 * k)
    palette = np.stack([np.asarray(c, np.float32) for _, _, c in parts])
    base = palette[0] if (palette == palette[0]).all() else palette[owner]
    out = base * lum[..., None] + (255.0 * sheen) * spec[..., None]
    if k != 1.0:
        out = cv2.resize(out, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    full = np.zeros((H, W), np.uint8)
    full[y0:y1, x0:x1] = alpha
    _shadow(canvas, full, light, lift, blur, strength)
    blend_region(canvas, x0, y0, out, alpha.astype(np.float32) / 255.0)
    return full, roi


def _hand(canvas, rng, target, size, light, knobs: Knobs, glove: bool) -> np.ndarray:
    fr = 0.45 * size
    d = _rot(np.array([1.0, 0.0]), uniform(rng, knobs.hand_heading_deg))
    side = 1.0 if rng.random() < knobs.right_handed else -1.0
    v = np.array([-d[1], d[0]]) * side  # towards the little finger
    spread = float(rng.uniform(0.3, 1.4))
    fingers = []  # base (local u, v), radius, length, angle
    for base_v, radius, length, angle in ((-2.85, 1.0, 7.0, -9), (-0.95, 1.05, 7.8, -3), (0.95, 0.98, 7.3, 3),
                                          (2.75, 0.85, 5.8, 10)):
        fingers.append((base_v * fr, radius * fr, length * fr * float(rng.uniform(0.7, 1.0)), angle * spread))
    # place the hand so the index fingertip lands on the target
    idx_dir = _rot(d, fingers[0][3] * side)
    tip_local = fingers[0][0] * v + idx_dir * (fingers[0][2] - 0.3 * fingers[0][1])
    origin = np.asarray(target, np.float64) - tip_local + rng.normal(0, 0.15 * fr, 2)
    color = np.asarray(pick(rng, knobs.glove_colors if glove else knobs.skin_colors), np.float32)
    if glove and knobs.random_colors > 0 and rng.random() < knobs.random_colors:
        color = np.asarray(random_bgr(rng), np.float32)
    color = color * float(rng.uniform(0.94, 1.06))

    def at(u: float, vv: float) -> np.ndarray:
        return origin + u * d + vv * v

    parts, tips, creases = [], [], []
    for base_v, radius, length, angle in fingers:
        fd = _rot(d, angle * side)
        across = np.array([-fd[1], fd[0]])
        base = origin + base_v * v
        tip = base + fd * length
        parts.append((_hull([(base, radius), (tip, radius * 0.86)]), radius, color))
        tips.append((tip, fd, radius * 0.86))
        for t in (0.3, 0.58):
            joint = tip - fd * length * t
            creases.append((joint - across * 0.35 * radius, joint + across * 0.35 * radius))
    thumb_dir = _rot(d, -float(rng.uniform(30, 55)) * side)
    thumb_base = at(-7.5 * fr, -3.0 * fr)
    thumb_tip = thumb_base + thumb_dir * 6.0 * fr * float(rng.uniform(0.8, 1.0))
    parts.append((_hull([(thumb_base, 1.3 * fr), (thumb_tip, 0.95 * fr)]), 1.1 * fr, color))
    tips.append((thumb_tip, thumb_dir, 0.95 * fr))
    palm = _hull([(at(0, -2.9 * fr), 1.1 * fr), (at(0, 2.75 * fr), 1.0 * fr), (at(-9 * fr, -2.4 * fr), 1.2 * fr),
                  (at(-9 * fr, 2.4 * fr), 1.2 * fr)])
    parts.append((palm, 1.6 * fr, color))
    parts.append((_hull([(at(-9 * fr, 0), 3.0 * fr), (at(-30 * fr, 0), 3.4 * fr)]), 1.6 * fr, color))
    shininess, sheen = (28.0, 0.3) if glove else (10.0, 0.07)
    drawn = _render_solid(canvas, parts, light, shininess, sheen, lift=1.1 * size, blur=0.45 * size,
                          strength=0.45, creases=() if glove else creases)
    if drawn is None:
        return np.zeros(canvas.shape[:2], np.uint8)
    full, _ = drawn
    if not glove:
        for tip, fd, radius in tips:
            _nail(canvas, tip - fd * 0.62 * radius, fd, radius)
    return full


def _nail(canvas: np.ndarray, centre: np.ndarray, direction: np.ndarray, radius: float) -> None:
    k = int(radius) + 3
    x0, y0 = int(centre[0]) - k, int(centre[1]) - k
    m = np.zeros((2 * k + 1, 2 * k + 1), np.uint8)
    c = (int((centre[0] - x0) * 16), int((centre[1] - y0) * 16))
    ang = float(np.degrees(np.arctan2(direction[1], direction[0])))
    cv2.ellipse(m, c, (int(0.55 * radius * 16), int(0.48 * radius * 16)), ang, 0, 360, 255, -1, cv2.LINE_AA, shift=4)
    H, W = canvas.shape[:2]
    if x0 < 0 or y0 < 0 or x0 + m.shape[1] > W or y0 + m.shape[0] > H:
        return
    region = canvas[y0 : y0 + m.shape[0], x0 : x0 + m.shape[1]].astype(np.float32)
    a = cv2.GaussianBlur(m, (0, 0), 1.0).astype(np.float32)[..., None] / 255.0
    nail = np.minimum(region * 1.12 + np.float32([14, 14, 22]), 255)
    blend_region(canvas, x0, y0, nail, a[..., 0] * 0.7)


def _tool(canvas, rng, target, size, light, knobs: Knobs) -> np.ndarray:
    d = _rot(np.array([1.0, 0.0]), float(rng.uniform(0, 360)))
    thick, long, blade = 1.0, 1.0, 1.0
    if knobs.random_colors > 0:  # pens, markers, pliers' handles, spatulas: other proportions
        thin = rng.random() < 0.4  # a pen or a screwdriver's shaft: thinner than a cap's rim
        thick = float(rng.uniform(0.15, 0.4) if thin else rng.uniform(0.4, 1.3))
        long, blade = float(rng.uniform(0.7, 2.6)), float(rng.uniform(0.0, 1.3))
    handle_r = 0.42 * size * thick
    centre = np.asarray(target, np.float64) + rng.normal(0, 0.1 * size, 2)
    h0, h1 = centre - d * 1.8 * size * long, centre + d * 1.8 * size * long
    s1 = h1 + d * 3.2 * size * max(blade, 0.05)
    handle = np.asarray(pick(rng, ((40, 40, 200), (30, 180, 230), (35, 35, 38), (160, 90, 30))), np.float32)
    if knobs.random_colors > 0 and rng.random() < knobs.random_colors:
        handle = np.asarray(random_bgr(rng), np.float32)
    steel = np.float32([176, 178, 182])
    parts = [
        (_hull([(h1 - d * 0.2 * size, 0.16 * size), (s1, 0.1 * size)], 12), 0.1 * size, steel),
        (_hull([(h0, handle_r * 0.92), (h1, handle_r * 0.8)]), handle_r, handle),
    ]
    drawn = _render_solid(canvas, parts, light, 40.0, 0.4, lift=0.25 * size, blur=0.15 * size,
                          strength=0.45, ambient=0.3)
    return np.zeros(canvas.shape[:2], np.uint8) if drawn is None else drawn[0]


def _label(canvas, rng, target, size, light, knobs: Knobs) -> np.ndarray:
    w, h = int(uniform(rng, (2.4, 3.6)) * size), int(uniform(rng, (1.4, 2.2)) * size)
    paper = np.asarray(pick(rng, ((238, 242, 245), (236, 240, 244), (150, 228, 250))), np.float32)
    if knobs.random_colors > 0 and rng.random() < knobs.random_colors:
        paper = np.asarray(random_bgr(rng, (0.0, 0.7), (0.5, 1.0)), np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[:] = paper
    ink = (40, 38, 36)
    x = int(0.06 * w)
    while x < int(0.36 * w):  # barcode
        bw = int(rng.integers(1, 4))
        if rng.random() < 0.55:
            img[int(0.15 * h) : int(0.85 * h), x : x + bw] = ink
        x += bw
    line_h = max(int(0.07 * h), 2)
    for i in range(int(rng.integers(3, 6))):  # text lines
        y = int((0.14 + 0.16 * i) * h)
        if y + line_h > 0.92 * h:
            break
        x_end = int(rng.uniform(0.6, 0.94) * w)
        img[y : y + line_h, int(0.42 * w) : x_end] = ink
    if rng.random() < 0.5:
        img[: int(0.1 * h)] = (50, 50, 190)
    curl = 1.0 - 0.12 * np.linspace(-1, 1, w, dtype=np.float32) ** 2
    img *= curl[None, :, None]
    angle = float(rng.uniform(0, 180))
    centre = np.asarray(target, np.float64) + rng.normal(0, 0.25 * size, 2)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += centre - np.array([w / 2, h / 2])
    H, W = canvas.shape[:2]
    warped = cv2.warpAffine(img, m, (W, H), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (W, H), flags=cv2.INTER_LINEAR)
    _shadow(canvas, alpha, light, lift=0.08 * size, blur=0.1 * size, strength=0.35)
    ys, xs = np.nonzero(alpha)
    if ys.size:
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        blend_region(canvas, x0, y0, warped[y0:y1, x0:x1], alpha[y0:y1, x0:x1].astype(np.float32) / 255.0)
    return alpha


def _tape(canvas, rng, target, size, light, knobs: Knobs) -> np.ndarray:
    """A strip of adhesive tape across the target: long, flat, opaque or nearly, with a faint sheen along it."""
    length, width = float(rng.uniform(3.0, 8.0)) * size, float(rng.uniform(0.55, 1.3)) * size
    colour = random_bgr(rng, (0.0, 1.0), (0.3, 1.0)) if knobs.random_colors > 0 else (60, 170, 220)
    d = _rot(np.array([1.0, 0.0]), float(rng.uniform(0, 180)))
    across = np.array([-d[1], d[0]])
    centre = np.asarray(target, np.float64) + d * rng.uniform(-0.3, 0.3) * length + rng.normal(0, 0.15 * size, 2)
    poly = np.array([centre + sa * d * length / 2 + sb * across * width / 2
                     for sa, sb in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
    H, W = canvas.shape[:2]
    alpha = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(alpha, np.round(poly * 16).astype(np.int32), 255, cv2.LINE_AA, shift=4)
    _shadow(canvas, alpha, light, lift=0.04 * size, blur=0.06 * size, strength=0.25)
    ys, xs = np.nonzero(alpha)
    if ys.size:
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        t = ((xx - centre[0]) * across[0] + (yy - centre[1]) * across[1]) / (width / 2)
        lum = 0.9 + 0.1 * np.cos(t * np.pi / 2) + 0.04 * rng.standard_normal(t.shape).astype(np.float32)
        img = np.asarray(colour, np.float32)[None, None, :] * lum[..., None]
        opacity = float(rng.uniform(0.88, 1.0))
        blend_region(canvas, x0, y0, img, alpha[y0:y1, x0:x1].astype(np.float32) / 255.0 * opacity)
    return alpha


def draw_occluder(canvas: np.ndarray, kind: str, rng: np.random.Generator, *,
                  target: tuple[float, float], size: float, light: np.ndarray, knobs: Knobs) -> np.ndarray:
    """Draw an occluder of ``kind`` over ``target`` (``size`` ~ the slot pitch, px); returns its uint8 alpha."""
    if kind in ("hand", "glove"):
        return _hand(canvas, rng, target, size, light, knobs, glove=kind == "glove")
    if kind == "tool":
        return _tool(canvas, rng, target, size, light, knobs)
    if kind == "label":
        return _label(canvas, rng, target, size, light, knobs)
    if kind == "tape":
        return _tape(canvas, rng, target, size, light, knobs)
    raise ValueError(f"unknown occluder {kind!r}; allowed: {', '.join(OCCLUDER_KINDS)}")
