"""Box look families that only domain randomisation draws (``Knobs.box_looks`` > 0): what the box stands on, tray
texture and dividers, slot shapes, cap styles, colours from anywhere in the colour space, and a tinted light.

Families, not one look: each is a parameterised generator (a surface is grain + streaks + weave + blotches in some
mix; a cap is a radial height profile with painted bands), so a model trained on them meets shapes and textures in
combinations it has not seen. The line's knobs never reach this module, so its renders stay the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from hardware.synthetic.canvas import Sprite, light_vector
from hardware.synthetic.knobs import BGR, Knobs, pick, uniform

_SS = 3  # supersampling of cap sprites


def random_bgr(rng: np.random.Generator, sat: tuple[float, float] = (0.0, 1.0),
               val: tuple[float, float] = (0.12, 1.0)) -> BGR:
    """A colour drawn evenly in hue, with saturation and value in the given ranges (0..1)."""
    hsv = np.uint8([[[rng.uniform(0, 180), rng.uniform(*sat) * 255, rng.uniform(*val) * 255]]])
    return tuple(int(c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0])


def colour_or(rng: np.random.Generator, knobs: Knobs, palette: tuple[BGR, ...], **ranges) -> BGR:
    """From ``palette``, or at ``knobs.random_colors`` any colour."""
    return random_bgr(rng, **ranges) if rng.random() < knobs.random_colors else pick(rng, palette)


@dataclass(frozen=True)
class CapStyle:
    """A cap as a radial profile: ``kind`` sets the height (flat, domed, rolled rim ...), ``band`` a painted ring
    (inner, outer radius as fractions of the cap radius; equal = none), ``dot`` a painted centre disc."""

    kind: str
    base: BGR
    accent: BGR
    shine: float
    band: tuple[float, float]
    dot: float
    dome: float


@dataclass(frozen=True)
class BoxLook:
    surface: str
    slot_shape: str
    hole_depth: float  # 1 = the dark hole of the line's tray, 0 = no hole
    cap: CapStyle
    tray_texture: float
    dividers: bool
    divider_width: float  # slot pitches
    divider_shade: float  # divider brightness relative to the tray
    tint: tuple[float, float, float]
    floor: BGR | None = None  # what an empty slot shows (foam, card, the box's bottom); None: the tray, shaded


def draw_look(rng: np.random.Generator, knobs: Knobs) -> BoxLook:
    kind = pick(rng, knobs.cap_styles)
    base = random_bgr(rng) if rng.random() < max(knobs.random_colors, 0.5) else pick(rng, knobs.cap_looks).metal
    accent = random_bgr(rng)
    inner = float(rng.uniform(0.15, 0.7))
    band = (inner, inner + float(rng.uniform(0.06, 0.3))) if rng.random() < 0.6 else (0.0, 0.0)
    cap = CapStyle(kind=kind, base=base, accent=accent, shine=float(rng.uniform(0.05, 1.0)), band=band,
                   dot=float(rng.uniform(0.08, 0.3)) if rng.random() < 0.4 else 0.0, dome=float(rng.uniform(0.3, 1.2)))
    t = knobs.light_tint
    return BoxLook(surface=pick(rng, knobs.surfaces), slot_shape=pick(rng, knobs.slot_shapes),
                   hole_depth=float(rng.uniform(0.25, 1.0)), cap=cap, tray_texture=uniform(rng, knobs.tray_texture),
                   dividers=bool(rng.random() < knobs.dividers), divider_width=float(rng.uniform(0.04, 0.14)),
                   divider_shade=float(rng.uniform(0.55, 1.35)),
                   tint=tuple(float(v) for v in 1.0 + rng.uniform(-t, t, 3)), floor=_floor(rng))


def _floor(rng: np.random.Generator) -> BGR | None:
    """Half the looks show a floor of its own in an empty slot: mostly dark (black foam, shadowed card), sometimes
    any colour."""
    if rng.random() < 0.5:
        return None
    return random_bgr(rng, (0.0, 0.6), (0.0, 0.3)) if rng.random() < 0.7 else random_bgr(rng)


@lru_cache(maxsize=64)
def floor_sprite(radius: float, floor: BGR) -> Sprite:
    """A flat disc of the floor's colour seen through the opening, with a soft edge."""
    k = int(np.ceil(radius)) + 2
    n = 2 * k + 1
    c = np.arange(n, dtype=np.float32) - k
    r = np.hypot(*np.meshgrid(c, c, indexing="ij"))
    alpha = np.clip(radius - r + 0.5, 0.0, 1.0)
    col = np.broadcast_to(np.asarray(floor, np.float32), (n, n, 3))
    return Sprite.of(col, alpha)


def _streaks(rng: np.random.Generator, shape: tuple[int, int], along: float, across: float) -> np.ndarray:
    """Unit-variance noise smeared along a random direction (wood grain, brushing)."""
    h, w = shape
    n = max(h, w) * 3 // 2
    a = cv2.GaussianBlur(rng.standard_normal((n, n), dtype=np.float32), (0, 0), sigmaX=along, sigmaY=across)
    m = cv2.getRotationMatrix2D((n / 2, n / 2), float(rng.uniform(0, 180)), 1.0)
    a = cv2.warpAffine(a, m, (n, n), borderMode=cv2.BORDER_REFLECT)
    y0, x0 = (n - h) // 2, (n - w) // 2
    a = a[y0 : y0 + h, x0 : x0 + w]
    return a / (a.std() + 1e-6)


def fractal(rng: np.random.Generator, shape: tuple[int, int], cells: tuple[int, ...] = (3, 12, 48)) -> np.ndarray:
    """Smooth noise summed over a few scales, about unit variance."""
    h, w = shape
    out = np.zeros(shape, np.float32)
    for c in cells:
        grid = rng.standard_normal((max(h * c // max(h, w), 2), max(w * c // max(h, w), 2)), dtype=np.float32)
        out += cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    return out / np.sqrt(len(cells))


def surface(rng: np.random.Generator, family: str, knobs: Knobs, size: tuple[int, int]) -> np.ndarray:
    """A fresh uint8 BGR canvas showing what the box stands on."""
    from hardware.synthetic.canvas import belt

    W, H = size
    if family == "belt":
        return belt(pick(rng, knobs.belt_colors), size, rng)
    shape = (H, W)
    if family == "wood":
        color = random_bgr(rng, (0.25, 0.8), (0.25, 0.85))
        grain = _streaks(rng, shape, float(rng.uniform(20, 80)), float(rng.uniform(0.6, 2.5)))
        lum = 0.1 * grain + 0.05 * fractal(rng, shape)
    elif family == "brushed":
        color = random_bgr(rng, (0.0, 0.15), (0.3, 0.85))
        lum = 0.06 * _streaks(rng, shape, float(rng.uniform(30, 120)), 0.5) + 0.03 * fractal(rng, shape)
    elif family == "fabric":
        color = random_bgr(rng, (0.1, 0.9), (0.15, 0.8))
        ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
        f = float(rng.uniform(0.6, 1.6))
        weave = np.sin(xs * f) * np.sin(ys * f)
        fine = cv2.GaussianBlur(rng.standard_normal(shape, dtype=np.float32), (0, 0), 0.8)
        lum = 0.05 * weave + 0.08 * fine + 0.05 * fractal(rng, shape)
    elif family == "speckle":
        color = random_bgr(rng, (0.0, 0.6), (0.15, 0.9))
        fine = cv2.GaussianBlur(rng.standard_normal(shape, dtype=np.float32), (0, 0), float(rng.uniform(0.7, 2.0)))
        lum = 0.16 * fine / (fine.std() + 1e-6) + 0.04 * fractal(rng, shape)
    elif family == "plain":
        color = random_bgr(rng)
        lum = 0.05 * fractal(rng, shape, (2, 6))
    else:
        raise ValueError(f"unknown surface {family!r}; allowed: belt, wood, brushed, fabric, speckle, plain")
    img = np.asarray(color, np.float32)[None, None, :] * (1.0 + lum[..., None])
    return np.clip(img, 0, 255).astype(np.uint8)


def texture_inside(canvas: np.ndarray, polygon: np.ndarray, amount: float, rng: np.random.Generator) -> None:
    """Grain over the box: multiply the canvas inside ``polygon`` by 1 + ``amount`` x noise."""
    if amount <= 0:
        return
    x0, y0 = np.maximum(np.floor(polygon.min(0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(polygon.max(0)).astype(int) + 2, (canvas.shape[1], canvas.shape[0]))
    if x1 <= x0 or y1 <= y0:
        return
    shape = (y1 - y0, x1 - x0)
    fine = cv2.GaussianBlur(rng.standard_normal(shape, dtype=np.float32), (0, 0), float(rng.uniform(0.6, 2.0)))
    tex = 0.6 * fractal(rng, shape) + 0.8 * fine
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, np.round((polygon - (x0, y0)) * 16).astype(np.int32), 255, cv2.LINE_AA, shift=4)
    g = 1.0 + amount * tex * (m.astype(np.float32) / 255.0)
    region = canvas[y0:y1, x0:x1].astype(np.float32) * g[..., None]
    canvas[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def draw_dividers(canvas: np.ndarray, look: BoxLook, tray_color: BGR, rows: int, cols: int, pitch: float,
                  centre: tuple[float, float], rot: np.ndarray, light: np.ndarray) -> None:
    """Walls between the slots (a carton's card dividers or a crate's cells), with a shadow on the far side."""
    color = tuple(int(min(c * look.divider_shade, 255)) for c in tray_color)
    width = max(int(round(look.divider_width * pitch)), 1)
    away = -light[:2] / max(float(np.hypot(light[0], light[1])), 1e-6) * width * 0.8
    half_w, half_h = cols / 2 * pitch, rows / 2 * pitch
    lines = [((-half_w, (r - rows / 2) * pitch), (half_w, (r - rows / 2) * pitch)) for r in range(1, rows)]
    lines += [(((c - cols / 2) * pitch, -half_h), ((c - cols / 2) * pitch, half_h)) for c in range(1, cols)]
    c = np.asarray(centre)
    for shift, col, w in ((away, None, width), ((0.0, 0.0), color, width)):
        for a, b in lines:
            pa = np.asarray(a) @ rot.T + c + shift
            pb = np.asarray(b) @ rot.T + c + shift
            pts = [tuple(int(v) for v in np.round(p * 16)) for p in (pa, pb)]
            if col is None:  # shadow: darken by drawing the canvas's own colour at 70 %
                m = np.zeros(canvas.shape[:2], np.uint8)
                cv2.line(m, pts[0], pts[1], 255, w, cv2.LINE_AA, shift=4)
                sel = m > 0
                canvas[sel] = (canvas[sel].astype(np.float32) * (1 - 0.3 * m[sel, None] / 255.0)).astype(np.uint8)
            else:
                cv2.line(canvas, pts[0], pts[1], col, w, cv2.LINE_AA, shift=4)


def slot_gain(look: BoxLook, r_hole: float, angle: float, azimuth: int) -> np.ndarray | None:
    """Gain sprite (h x w x 3) of one slot for the look's shape; None for the round hole (the caller's own)."""
    shape = look.slot_shape
    if shape == "flat":
        return np.ones((3, 3, 3), np.float32)
    k = int(np.ceil(r_hole * 1.5)) + 2
    n = 2 * k + 1
    m = np.zeros((n, n), np.float32)
    if shape == "square":
        half = r_hole * 1.02
        local = np.array([[-half, -half], [half, -half], [half, half], [-half, half]])
        c, s = np.cos(angle), np.sin(angle)
        pts = local @ np.array([[c, -s], [s, c]]).T + k
        cv2.fillConvexPoly(m, np.round(pts * 16).astype(np.int32), 1.0, cv2.LINE_AA, shift=4)
        m = cv2.GaussianBlur(m, (0, 0), max(r_hole * 0.08, 0.6))
        floor = 1.0 - 0.7 * look.hole_depth
        L = light_vector(azimuth)
        shade = np.roll(m, (int(round(L[1] * 2)), int(round(L[0] * 2))), axis=(0, 1))
        g = 1.0 - (1.0 - floor) * m - 0.15 * np.clip(m - shade, 0, 1)
    elif shape == "ring":
        cv2.circle(m, (k * 16, k * 16), int(r_hole * 16), 1.0, max(int(r_hole * 0.12), 1), cv2.LINE_AA, shift=4)
        inside = np.zeros_like(m)
        cv2.circle(inside, (k * 16, k * 16), int(r_hole * 16), 1.0, -1, cv2.LINE_AA, shift=4)
        g = 1.0 - 0.45 * m - 0.25 * look.hole_depth * inside
    else:
        return None
    g = g.astype(np.float32)
    return cv2.merge([g, g, g])


def _profile(kind: str, r: np.ndarray, dome: float) -> np.ndarray:
    """Radial tilt of the surface normal (positive: leaning outwards) for a cap kind."""
    tilt = np.zeros_like(r)
    if kind == "domed":
        return dome * r / np.sqrt(np.maximum(1.0 - 0.85 * r * r, 0.05))
    edge = r > 0.85
    tilt[edge] = 1.4 * (r[edge] - 0.85) / 0.15
    if kind == "ringed":
        rim = (r > 0.62) & ~edge
        tilt[rim] = np.sin(np.pi * (r[rim] - 0.62) / 0.23) * 0.9
    return tilt


@lru_cache(maxsize=128)
def cap_sprite(radius: float, style: CapStyle, azimuth: int) -> Sprite:
    """A cap of ``style`` lit from ``azimuth``: radial height profile, painted band and dot, diffuse + specular."""
    k = int(np.ceil(radius)) + 2
    n = 2 * k + 1
    c = (np.arange(n * _SS, dtype=np.float32) + 0.5) / _SS - 0.5 - k
    ys, xs = np.meshgrid(c, c, indexing="ij")
    x, y = xs / radius, ys / radius
    r = np.sqrt(x * x + y * y) + 1e-6
    tilt = _profile(style.kind, r, style.dome)
    nz = 1.0 / np.sqrt(1.0 + tilt * tilt)
    nx, ny = tilt * x / r * nz, tilt * y / r * nz
    L = light_vector(azimuth)
    ndotl = np.maximum(nx * L[0] + ny * L[1] + nz * L[2], 0)
    half = L + np.array([0, 0, 1], np.float32)
    half /= np.linalg.norm(half)
    ndoth = np.maximum(nx * half[0] + ny * half[1] + nz * half[2], 0)
    paint = np.broadcast_to(np.asarray(style.base, np.float32), r.shape + (3,)).copy()
    lo, hi = style.band
    accent = np.asarray(style.accent, np.float32)
    if hi > lo:
        paint[(r >= lo) & (r < hi)] = accent
    if style.dot > 0:
        paint[r < style.dot] = accent
    s = style.shine
    lum = (0.45 + 0.55 * ndotl)[..., None]
    spec = (s * (0.7 * ndoth**40 + 0.3 * ndoth**8))[..., None]
    col = paint * lum + 255.0 * spec
    alpha = np.clip((1.0 - r) * radius + 0.5, 0.0, 1.0)
    col = cv2.resize(col * alpha[..., None], (n, n), interpolation=cv2.INTER_AREA)
    a = cv2.resize(alpha, (n, n), interpolation=cv2.INTER_AREA)
    return Sprite.of(col / np.maximum(a, 1e-3)[..., None], a)


def tinted(canvas: np.ndarray, tint: tuple[float, float, float]) -> np.ndarray:
    return np.clip(canvas.astype(np.float32) * np.float32(tint), 0, 255).astype(np.uint8)
