"""Drawing primitives the renderers share: sprites, extruded shading, the belt, lighting, optics and sensor noise.

Geometry is drawn anti-aliased on a uint8 canvas (cheap); shading happens in float32 on small regions; low-frequency
light (gradients, soft shadows) is collected in a quarter-resolution gain map applied once in :func:`finish`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from hardware.synthetic.knobs import BGR, Knobs, uniform

GAIN_SCALE = 4  # the gain map is 1/GAIN_SCALE of the frame in each direction


@dataclass(frozen=True)
class Rendered:
    """A synthetic camera image (H x W x 3 uint8 BGR), its JSON-ready ground truth and, where it applies, a boolean
    pixel mask (a part's defect; a box's occluder)."""

    image: np.ndarray
    truth: dict[str, Any]
    mask: np.ndarray | None = None


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def light_vector(azimuth_deg: float, elevation_deg: float = 50.0) -> np.ndarray:
    """Unit vector towards the lamp: image x right, y down, z towards the camera."""
    a, e = np.radians(azimuth_deg), np.radians(elevation_deg)
    return np.array([np.cos(a) * np.cos(e), np.sin(a) * np.cos(e), np.sin(e)], np.float32)


def _region(shape: tuple[int, ...], x0: int, y0: int, h: int, w: int):
    """Slices of the canvas and of a (h, w) sprite placed with its top-left at (x0, y0), clipped; None if outside."""
    H, W = shape[:2]
    cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x0 + w, W), min(y0 + h, H)
    if cx0 >= cx1 or cy0 >= cy1:
        return None
    return (slice(cy0, cy1), slice(cx0, cx1)), (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))


@dataclass(frozen=True)
class Sprite:
    """A small centred picture to stamp many times: uint8 colour, its alpha and 1 - alpha (float32)."""

    color: np.ndarray
    alpha: np.ndarray
    inverse: np.ndarray

    @classmethod
    def of(cls, color: np.ndarray, alpha: np.ndarray) -> Sprite:
        alpha = alpha.astype(np.float32)
        return cls(np.clip(color + 0.5, 0, 255).astype(np.uint8), alpha, 1.0 - alpha)


def paste(canvas: np.ndarray, sprite: Sprite, cx: int, cy: int, gain: float = 1.0) -> None:
    """Alpha-blend a centred sprite onto the uint8 canvas at (cx, cy), its colour scaled by ``gain``."""
    h, w = sprite.alpha.shape
    reg = _region(canvas.shape, cx - w // 2, cy - h // 2, h, w)
    if reg is None:
        return
    dst, src = reg
    color = sprite.color[src] if gain == 1.0 else cv2.convertScaleAbs(sprite.color[src], alpha=gain)
    canvas[dst] = cv2.blendLinear(canvas[dst], color, sprite.inverse[src], sprite.alpha[src])


def modulate(canvas: np.ndarray, gain: np.ndarray, cx: int, cy: int) -> None:
    """Multiply the canvas by a centred gain sprite (1 = unchanged; h x w or h x w x 3): shadows, holes."""
    if gain.ndim == 2:
        gain = cv2.merge([gain, gain, gain])
    h, w = gain.shape[:2]
    reg = _region(canvas.shape, cx - w // 2, cy - h // 2, h, w)
    if reg is None:
        return
    dst, src = reg
    region = canvas[dst]
    canvas[dst] = cv2.multiply(region, gain[src], dtype=cv2.CV_8U)


def blend_region(canvas: np.ndarray, x0: int, y0: int, color: np.ndarray, alpha: np.ndarray) -> None:
    """Alpha-blend a float image whose top-left corner sits at (x0, y0)."""
    reg = _region(canvas.shape, x0, y0, *alpha.shape)
    if reg is None:
        return
    dst, src = reg
    a = np.ascontiguousarray(alpha[src], np.float32)
    top = np.clip(color[src], 0, 255).astype(np.uint8)
    canvas[dst] = cv2.blendLinear(canvas[dst], top, 1.0 - a, a)


def rounded_height(mask: np.ndarray, radius: float, precise: bool = True) -> np.ndarray:
    """Height field of a binary mask extruded with a quarter-round edge of ``radius`` px (flat above it)."""
    dt = cv2.distanceTransform(mask, cv2.DIST_L2, cv2.DIST_MASK_PRECISE if precise else 5)
    t = np.minimum(dt * np.float32(1.0 / max(radius, 1e-3)), np.float32(1.0))
    t = np.float32(1.0) - t
    return np.float32(radius) * np.sqrt(np.float32(1.0) - t * t)


def power(x: np.ndarray, n: float) -> np.ndarray:
    """x ** n, by repeated squaring when n is a small whole number (much faster than np.power)."""
    k = int(n)
    if k != n or not 1 <= k <= 64:
        return x ** np.float32(n)
    out, base = None, x
    while k:
        if k & 1:
            out = base.copy() if out is None else out * base
        k >>= 1
        if k:
            base = base * base
    return out


def shade(height: np.ndarray, light: np.ndarray, shininess: float = 20.0) -> tuple[np.ndarray, np.ndarray]:
    """Lambert diffuse and Blinn specular terms of a height field (pixels) lit from ``light``."""
    gx = cv2.Sobel(height, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(height, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    inv = cv2.magnitude(cv2.magnitude(gx, gy), np.ones_like(gx))
    np.reciprocal(inv, out=inv)
    diffuse = cv2.addWeighted(gx, -float(light[0]), gy, -float(light[1]), float(light[2]))
    diffuse *= inv
    np.maximum(diffuse, 0, out=diffuse)
    half = light + np.array([0, 0, 1], np.float32)
    half /= np.linalg.norm(half)
    ndoth = cv2.addWeighted(gx, -float(half[0]), gy, -float(half[1]), float(half[2]))
    ndoth *= inv
    np.maximum(ndoth, 0, out=ndoth)
    return diffuse, power(ndoth, shininess)


def polygon_mask(shape: tuple[int, int], points: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Anti-aliased uint8 mask (0..255) of a polygon given in full-frame pixels, drawn at ``scale``."""
    m = np.zeros(shape, np.uint8)
    pts = np.round(np.asarray(points, np.float64) * scale * 16).astype(np.int32)
    cv2.fillPoly(m, [pts], 255, cv2.LINE_AA, shift=4)
    return m


@lru_cache(maxsize=2)
def _noise_tile(h: int, w: int) -> np.ndarray:
    """Unit sensor noise, generated once (sampling it per frame would cost ~9 ms); frames crop it at an offset."""
    tile = np.random.default_rng(20240611).standard_normal((h + 64, w + 64, 3), dtype=np.float32)
    tile.flags.writeable = False
    return tile


@lru_cache(maxsize=16)
def belt_texture(color: BGR, size: tuple[int, int]) -> np.ndarray:
    """A rubber conveyor belt twice the frame wide (crop it at an offset to move the belt), uint8, read-only."""
    W, H = size
    rng = np.random.default_rng([*color, *size])
    base = np.asarray(color, np.float32)
    grain = rng.standard_normal((H, 2 * W), dtype=np.float32)
    grain = cv2.GaussianBlur(grain, (0, 0), 0.8) * 5.0
    streaks = cv2.GaussianBlur(rng.standard_normal((H, 1), dtype=np.float32), (0, 0), 1.5) * 6.0
    blotch = cv2.resize(rng.standard_normal((H // 32 + 1, W // 16 + 1), dtype=np.float32), (2 * W, H),
                        interpolation=cv2.INTER_CUBIC) * 2.0
    lum = grain + streaks + blotch
    img = np.clip(base[None, None, :] * (1.0 + lum[..., None] / 80.0) + lum[..., None] * 0.3, 0, 255).astype(np.uint8)
    img.flags.writeable = False
    return img


def belt(color: BGR, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A fresh canvas showing the belt at a random position of its travel."""
    W, _ = size
    x = int(rng.integers(0, W))
    return belt_texture(color, size)[:, x : x + W].copy()


def lighting(size: tuple[int, int], knobs: Knobs, rng: np.random.Generator, azimuth: float) -> np.ndarray:
    """Quarter-resolution gain map: the lamp's gradient, lens vignetting, exposure."""
    W, H = size
    w, h = W // GAIN_SCALE, H // GAIN_SCALE
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = (xs - w / 2) / (w / 2), (ys - h / 2) / (h / 2)
    a = np.radians(azimuth)
    grad = uniform(rng, knobs.light_gradient) * 0.5 * (u * np.cos(a) + v * np.sin(a))
    vig = uniform(rng, knobs.vignette) * (u * u + v * v) * 0.5
    return (uniform(rng, knobs.exposure) * (1.0 + grad - vig)).astype(np.float32)


def add_glare(gain: np.ndarray, rng: np.random.Generator) -> None:
    """A soft over-exposed reflection of the lamp somewhere in the frame."""
    h, w = gain.shape
    spot = np.zeros_like(gain)
    centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
    axes = (int(rng.uniform(0.05, 0.25) * w), int(rng.uniform(0.03, 0.12) * h))
    cv2.ellipse(spot, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1, cv2.LINE_AA)
    spot = cv2.GaussianBlur(spot, (0, 0), max(axes) * 0.4 + 1)
    gain += spot * float(rng.uniform(0.4, 1.2))


def soft_shadow(gain: np.ndarray, mask_lowres: np.ndarray, offset: tuple[float, float], blur: float,
                strength: float, keep: np.ndarray | None = None) -> None:
    """Darken the gain map under a low-resolution float mask moved by ``offset`` (full-frame pixels)."""
    s = 1.0 / GAIN_SCALE
    m = np.float32([[1, 0, offset[0] * s], [0, 1, offset[1] * s]])
    shadow = cv2.warpAffine(mask_lowres, m, (gain.shape[1], gain.shape[0]))
    if blur > 0:
        shadow = cv2.GaussianBlur(shadow, (0, 0), max(blur * s, 0.5))
    if keep is not None:
        shadow *= 1.0 - keep
    gain *= 1.0 - strength * shadow


def apply_gain(canvas: np.ndarray, gain: np.ndarray, eps: float = 0.004) -> None:
    """Multiply the canvas by a low-resolution gain map (shadows), only where it differs from 1."""
    ys, xs = np.nonzero(np.abs(gain - 1.0) > eps)
    if ys.size == 0:
        return
    H, W = canvas.shape[:2]
    gy0, gy1, gx0, gx1 = max(ys.min() - 1, 0), ys.max() + 2, max(xs.min() - 1, 0), xs.max() + 2
    sub = gain[gy0:gy1, gx0:gx1]
    y0, x0 = gy0 * GAIN_SCALE, gx0 * GAIN_SCALE
    full = cv2.resize(sub, (sub.shape[1] * GAIN_SCALE, sub.shape[0] * GAIN_SCALE), interpolation=cv2.INTER_LINEAR)
    h, w = min(full.shape[0], H - y0), min(full.shape[1], W - x0)
    full = full[:h, :w]
    region = canvas[y0 : y0 + h, x0 : x0 + w]
    region[:] = cv2.multiply(region, cv2.merge([full, full, full]), dtype=cv2.CV_8U)


def finish(canvas: np.ndarray, gain: np.ndarray, knobs: Knobs, rng: np.random.Generator) -> np.ndarray:
    """Light, optics and sensor: apply the gain map, blur, add noise, quantise to uint8."""
    H, W = canvas.shape[:2]
    sigma = uniform(rng, knobs.blur_sigma)
    if sigma > 0.2:
        canvas = cv2.GaussianBlur(canvas, (0, 0), sigma)
    full = cv2.resize(gain, (W, H), interpolation=cv2.INTER_LINEAR)
    img = canvas.astype(np.float32)
    img *= full[..., None]
    noise = _noise_tile(H, W)
    oy, ox = int(rng.integers(0, 64)), int(rng.integers(0, 64))
    img += noise[oy : oy + H, ox : ox + W] * np.float32(uniform(rng, knobs.noise_sigma))
    return np.clip(img, 0, 255).astype(np.uint8)


def perspective(size: tuple[int, int], amount: float, rng: np.random.Generator) -> np.ndarray | None:
    """A random homography moving each frame corner by up to ``amount`` of the frame size; None when 0."""
    if amount <= 0:
        return None
    W, H = size
    src = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    dst = src + rng.uniform(-amount, amount, (4, 2)).astype(np.float32) * np.float32([W, H])
    return cv2.getPerspectiveTransform(src, dst)


def warp_view(hom: np.ndarray, canvas: np.ndarray, gain: np.ndarray, mask: np.ndarray | None,
              size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Apply a perspective to the canvas, its (smaller) gain map and an optional truth mask alike."""
    canvas = cv2.warpPerspective(canvas, hom, size, borderMode=cv2.BORDER_REFLECT)
    s = np.diag([1.0 / GAIN_SCALE, 1.0 / GAIN_SCALE, 1.0])
    gain = cv2.warpPerspective(gain, s @ hom @ np.linalg.inv(s), (gain.shape[1], gain.shape[0]),
                               borderMode=cv2.BORDER_REPLICATE)
    if mask is not None:
        mask = cv2.warpPerspective(mask.astype(np.uint8), hom, size, flags=cv2.INTER_NEAREST) > 0
    return canvas, gain, mask


def warp_points(hom: np.ndarray | None, points: np.ndarray) -> np.ndarray:
    if hom is None or len(points) == 0:
        return points
    return cv2.perspectiveTransform(np.asarray(points, np.float64).reshape(-1, 1, 2), hom).reshape(-1, 2)


def bbox(mask: np.ndarray) -> list[int] | None:
    """[x, y, w, h] of the true pixels of a boolean mask; None when empty."""
    ys = np.flatnonzero(mask.any(axis=1))
    if ys.size == 0:
        return None
    xs = np.flatnonzero(mask.any(axis=0))
    return [int(xs[0]), int(ys[0]), int(xs[-1] - xs[0] + 1), int(ys[-1] - ys[0] + 1)]
