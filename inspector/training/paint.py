"""The good-only route: the project's physical defect families painted onto a user's own good images.

Scratches, cracks, stains, blots and dents (``hardware.synthetic.defects``) are drawn at random places and sizes,
faint to strong, on the image as it is (grey or colour); each comes with its mask, so the net learns a defect map on
the user's own surface, light and texture before a single real defect was seen.
"""
from __future__ import annotations

import cv2
import numpy as np

from hardware.synthetic.defects import DRAWERS, apply_marks

FAMILIES = ("scratch", "crack", "stain", "blot", "dent")
MASK_FROM = 0.3  # soft mask level that counts as a defect pixel


def paint_defect(image_bgr: np.ndarray, rng: np.random.Generator, *, family: str | None = None,
                 scale: float | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """A copy of ``image_bgr`` (uint8, H x W x 3) with one painted defect, its mask (bool H x W) and the family.

    ``scale``: the defect's size in pixels (a scratch is 0.3..0.7 of it long); by default 8 % to 45 % of the
    shorter side, so thin marks stay a few pixels wide at the image's own resolution.
    """
    h, w = image_bgr.shape[:2]
    family = family or str(rng.choice(FAMILIES))
    scale = float(scale if scale is not None else rng.uniform(0.08, 0.45) * min(h, w))
    at = np.array([rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h])
    color = image_bgr.astype(np.float32)
    grey = bool(np.all(image_bgr[..., 0] == image_bgr[..., 1]) and np.all(image_bgr[..., 1] == image_bgr[..., 2]))
    strength = float(rng.uniform(0.35, 1.2))
    if family == "dent":
        soft = DRAWERS["dent"]((h, w), at, max(scale, 12.0), rng)
        _shade_dent(color, soft, strength, rng)
        mask = soft > 0.5
    else:
        kind = {"stain": "spot", "blot": "spot"}.get(family, family)
        soft = DRAWERS[kind]((h, w), at, scale, rng, varied=True)
        if family == "blot":
            from hardware.synthetic.defects import _blot

            _blot(color, (soft * strength)[..., None], rng)
        else:
            apply_marks(color, kind, soft, strength, metallic=False, rng=rng, varied=True)
        mask = soft > MASK_FROM
    if grey:
        color[...] = color.mean(axis=2, keepdims=True)
    grain = rng.normal(0, 1.0, (h, w, 1 if grey else 3)) * (soft[..., None] > 0.05)  # the mark's own texture
    out = np.clip(color + grain, 0, 255).astype(np.uint8)
    if not mask.any():  # a mark too faint to threshold: its strongest pixels are the defect
        mask = soft >= soft.max() * 0.5
    return out, mask, family


def _shade_dent(color: np.ndarray, depth: np.ndarray, strength: float, rng: np.random.Generator) -> None:
    """A dent shows as shading: light from one side brightens one slope and darkens the other."""
    gy, gx = np.gradient(cv2.GaussianBlur(depth, (0, 0), 1.0))
    azimuth = rng.uniform(0, 2 * np.pi)
    slope = gx * np.cos(azimuth) + gy * np.sin(azimuth)
    peak = float(np.abs(slope).max()) or 1.0
    gain = 1.0 + slope / peak * 0.45 * min(strength, 1.0) - depth * 0.15 * strength
    np.multiply(color, gain[..., None], out=color)
