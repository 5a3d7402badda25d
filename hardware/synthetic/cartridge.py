"""Sprites of one tray slot: a cartridge cap seen end-on, its drop shadow, and the slot hole. Cached per look."""
from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from hardware.synthetic.canvas import Sprite, light_vector
from hardware.synthetic.knobs import CapLook

_SS = 3  # supersampling for smooth edges


def _grid(radius: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Supersampled coordinates (in units of ``radius``) of a centred odd-sized sprite."""
    k = int(np.ceil(radius)) + 2
    n = 2 * k + 1
    c = (np.arange(n * _SS, dtype=np.float32) + 0.5) / _SS - 0.5 - k
    ys, xs = np.meshgrid(c, c, indexing="ij")
    return xs / radius, ys / radius, n


def _down(a: np.ndarray, n: int) -> np.ndarray:
    return cv2.resize(a, (n, n), interpolation=cv2.INTER_AREA)


def _coverage(r: np.ndarray, radius: float, edge: float = 1.0) -> np.ndarray:
    return np.clip((edge - r) * radius + 0.5, 0.0, 1.0)


@lru_cache(maxsize=256)
def cap_sprite(radius: float, look: CapLook, azimuth: int) -> Sprite:
    """Colour (float32 h x w x 3) and alpha of a crimped cap: rolled metal edge, flat ring, bevel, rubber septum."""
    x, y, n = _grid(radius)
    r = np.sqrt(x * x + y * y) + 1e-6
    ux, uy = x / r, y / r
    theta = np.arctan2(y, x)
    L = light_vector(azimuth)
    # radial tilt of the surface normal (positive: leaning outwards) and what the surface is
    tilt = np.zeros_like(r)
    roll = r > 0.74
    t = np.clip((r - 0.74) / 0.26, 0, 1)
    tilt[roll] = np.sin(np.pi * (t[roll] - 0.42)) * 1.4
    ring = (r > 0.5) & ~roll
    tilt[ring] = -0.1
    bevel = (r > 0.42) & (r <= 0.5)
    tilt[bevel] = -0.9
    septum = r <= 0.42
    tilt[septum] = -0.22 * (r[septum] / 0.42)
    dimple = r < 0.07
    tilt[dimple] = 0.5 * (r[dimple] / 0.07)
    nz = 1.0 / np.sqrt(1.0 + tilt * tilt)
    nx, ny = tilt * ux * nz, tilt * uy * nz
    ndotl = np.maximum(nx * L[0] + ny * L[1] + nz * L[2], 0)
    half = L + np.array([0, 0, 1], np.float32)
    half /= np.linalg.norm(half)
    ndoth = np.maximum(nx * half[0] + ny * half[1] + nz * half[2], 0)
    crimp = 1.0 + 0.05 * np.sin(theta * 22.0) * roll
    metal = np.asarray(look.metal, np.float32)
    rubber = np.asarray(look.septum, np.float32)
    s = look.shine
    lum_metal = ((0.42 + 0.5 * ndotl) * crimp)[..., None]
    spec_metal = (s * (0.75 * ndoth**60 + 0.25 * ndoth**10) + (1 - s) * 0.12 * ndoth**8)[..., None]
    col_metal = metal * lum_metal + (0.55 * metal + 0.45 * 255.0) * spec_metal
    col_rubber = rubber * (0.35 + 0.6 * ndotl)[..., None] + 255.0 * 0.05 * (ndoth**12)[..., None]
    col = np.where(septum[..., None], col_rubber, col_metal)
    alpha = _coverage(r, radius)
    col = _down(col * alpha[..., None], n)
    a = _down(alpha, n)
    return Sprite.of(col / np.maximum(a, 1e-3)[..., None], a)


@lru_cache(maxsize=64)
def hole_gain(radius: float, azimuth: int, depth: float = 1.0) -> np.ndarray:
    """Gain sprite (h x w x 3) of an empty slot: a round hole with a shadowed wall and a partly lit bottom (1 = tray);
    ``depth`` below 1 lightens the bottom (a shallow well)."""
    x, y, n = _grid(radius * 1.08)
    x, y = x * 1.08, y * 1.08
    r = np.sqrt(x * x + y * y) + 1e-6
    L = light_vector(azimuth)
    lx, ly = L[0] / np.hypot(L[0], L[1]), L[1] / np.hypot(L[0], L[1])
    inside = _coverage(r, radius)
    # the lamp shines through the opening: the lit patch of the bottom is the opening moved away from the lamp
    sx, sy = x + 0.45 * lx, y + 0.45 * ly
    lit = _coverage(np.sqrt(sx * sx + sy * sy), radius, edge=0.92)
    bottom = _coverage(r, radius, edge=0.8)
    g = 0.26 + 0.1 * bottom + 0.22 * lit * bottom
    if depth != 1.0:
        g = 1.0 - depth * (1.0 - g)
    # rim bevel: the edge facing the lamp is bright, the far edge dark
    rim = np.exp(-(((r - 1.0) * radius / 1.3) ** 2))
    facing = -(x * lx + y * ly) / r
    gain = inside * g + (1 - inside) * 1.0 + rim * 0.18 * facing
    g = _down(gain.astype(np.float32), n)
    return cv2.merge([g, g, g])


@lru_cache(maxsize=64)
def cap_shadow_gain(radius: float, azimuth: int, strength: float = 0.55) -> np.ndarray:
    """Gain sprite (h x w x 3) of the soft shadow a cap casts away from the lamp."""
    k = int(np.ceil(radius * 1.5)) + 2
    n = 2 * k + 1
    L = light_vector(azimuth)
    d = -np.array([L[0], L[1]]) / np.hypot(L[0], L[1]) * radius * 0.16
    m = np.zeros((n, n), np.float32)
    cv2.circle(m, (int(round((k + d[0]) * 16)), int(round((k + d[1]) * 16))), int(radius * 1.02 * 16), 1.0, -1,
               cv2.LINE_AA, shift=4)
    m = cv2.GaussianBlur(m, (0, 0), radius * 0.12 + 0.8)
    g = (1.0 - strength * m).astype(np.float32)
    return cv2.merge([g, g, g])
