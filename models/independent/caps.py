"""Vial caps seen from above, drawn as small patches: flip-off plastic buttons in an aluminium crimp ring, or a bare
crimp ring around a rubber stopper. Each patch is shaded for the lamp direction (metal ring bright on the lamp side,
domed button with a specular spot)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLIP_COLOURS = {  # BGR
    "blue": (190, 110, 35), "green": (70, 150, 50), "grey": (135, 135, 130), "white": (228, 230, 232),
    "red": (45, 40, 190), "yellow": (40, 195, 225), "purple": (140, 55, 115), "orange": (35, 120, 235),
}


@dataclass(frozen=True)
class CapStyle:
    kind: str  # "flip_off" | "crimp"
    colour: tuple[int, int, int]
    button: float  # button radius / cap radius
    gloss: float  # 0 matte .. 1 glossy
    groove: bool  # a moulded ring on the button


def random_style(rng: np.random.Generator) -> CapStyle:
    if rng.random() < 0.22:
        stopper = int(rng.integers(55, 105))
        return CapStyle("crimp", (stopper, stopper, stopper + int(rng.integers(0, 12))), float(rng.uniform(0.55, 0.68)),
                        float(rng.uniform(0.1, 0.4)), bool(rng.random() < 0.7))
    name = list(FLIP_COLOURS)[int(rng.integers(len(FLIP_COLOURS)))]
    return CapStyle("flip_off", FLIP_COLOURS[name], float(rng.uniform(0.74, 0.88)), float(rng.uniform(0.2, 1.0)),
                    bool(rng.random() < 0.5))


def draw_cap(board: np.ndarray, alpha: np.ndarray, cx: float, cy: float, r: float, style: CapStyle,
             lamp: np.ndarray, rng: np.random.Generator) -> None:
    """Paint one cap of radius ``r`` centred at (cx, cy) into ``board`` (float BGR) and its coverage into ``alpha``."""
    k = int(np.ceil(r)) + 2
    x0, y0 = int(cx) - k, int(cy) - k
    ys, xs = np.mgrid[y0 : y0 + 2 * k + 1, x0 : x0 + 2 * k + 1].astype(np.float32)
    dx, dy = (xs - cx) / r, (ys - cy) / r
    rad = np.sqrt(dx * dx + dy * dy)
    cover = np.clip((1 - rad) * r + 0.5, 0, 1)  # 1-pixel anti-aliased edge
    facing = (dx * lamp[0] + dy * lamp[1]) / np.maximum(rad, 1e-3)  # +1 on the lamp side

    # aluminium crimp ring: bright where it faces the lamp, a dark rolled edge outside
    metal = float(rng.uniform(150, 205))
    ring = metal * (0.78 + 0.28 * facing * np.clip(rad, 0, 1)) * (1 - 0.35 * np.clip((rad - 0.9) / 0.1, 0, 1))
    colour = np.repeat(ring[..., None], 3, axis=2) * np.float32([1.0, 1.0, 1.02])

    b = style.button
    inner = np.clip((b - rad) * r + 0.5, 0, 1)[..., None]
    dome = np.sqrt(np.clip(1 - (rad / b) ** 2, 0, 1))
    shade = 0.82 + 0.22 * facing * (rad / b) * (1 - dome) + 0.1 * dome
    top = np.float32(style.colour) * shade[..., None]
    if style.kind == "crimp":
        top = np.float32(style.colour) * (0.9 + 0.15 * dome)[..., None]
    if style.groove:
        g = 0.55 if style.kind == "flip_off" else 0.35
        groove = np.exp(-(((rad - g * b) * r) ** 2) / 1.2)
        top *= (1 - 0.25 * groove)[..., None]
    sx, sy = cx + lamp[0] * 0.3 * b * r, cy + lamp[1] * 0.3 * b * r
    spec = np.exp(-((xs - sx) ** 2 + (ys - sy) ** 2) / (2 * (0.14 * b * r) ** 2)) * 90 * style.gloss
    top = top + spec[..., None]
    colour = colour * (1 - inner) + top * inner

    H, W = alpha.shape
    ya, yb, xa, xb = max(y0, 0), min(y0 + 2 * k + 1, H), max(x0, 0), min(x0 + 2 * k + 1, W)
    sl = (slice(ya - y0, yb - y0), slice(xa - x0, xb - x0))
    a = cover[sl][..., None]
    board[ya:yb, xa:xb] = board[ya:yb, xa:xb] * (1 - a) + colour[sl] * a
    alpha[ya:yb, xa:xb] = np.maximum(alpha[ya:yb, xa:xb], cover[sl])
