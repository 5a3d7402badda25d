"""The camera side of the independent renderer: textures, a ring-light/spot lighting model, a board-to-image
homography, barrel/pincushion lens distortion, and the sensor (white balance, blur, shot noise, JPEG).

Everything works on float32 BGR canvases in 0..255 and takes its randomness from the caller's generator.
"""
from __future__ import annotations

import cv2
import numpy as np

H, W = 480, 640


def fractal(rng: np.random.Generator, shape: tuple[int, int], scales=(4, 16, 64), weights=(0.5, 0.3, 0.2)) -> np.ndarray:
    """Smooth value noise in about -1..1: random grids of a few sizes, upsampled and summed."""
    h, w = shape
    out = np.zeros(shape, np.float32)
    for s, wgt in zip(scales, weights):
        grid = rng.standard_normal((max(2, h // s), max(2, w // s))).astype(np.float32)
        out += wgt * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    return out


def streaks(rng: np.random.Generator, shape: tuple[int, int], angle_deg: float, length: int = 41) -> np.ndarray:
    """Brushed-metal or fibre streaks: white noise smeared along one direction, about -1..1."""
    noise = rng.standard_normal(shape).astype(np.float32)
    k = np.zeros((length, length), np.float32)
    c = length // 2
    dx, dy = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    cv2.line(k, (int(c - dx * c), int(c - dy * c)), (int(c + dx * c), int(c + dy * c)), 1.0, 1)
    k /= k.sum()
    out = cv2.filter2D(noise, -1, k)
    return out / (out.std() + 1e-6)


SURFACES = ("steel", "mat", "slate", "wood")


def surface(rng: np.random.Generator) -> np.ndarray:
    """A work surface under the item: brushed steel, a rubber mat, slate or wood, as float BGR HxW."""
    kind = SURFACES[int(rng.integers(len(SURFACES)))]
    shape = (H, W)
    if kind == "steel":
        base, tex = np.float32([150, 150, 146]) * rng.uniform(0.8, 1.1), 10 * streaks(rng, shape, rng.uniform(-5, 5))
    elif kind == "mat":
        base, tex = np.float32([110, 80, 50]) * rng.uniform(0.7, 1.2), 6 * fractal(rng, shape, (2, 8, 32))
    elif kind == "slate":
        base, tex = np.float32([75, 70, 68]) * rng.uniform(0.7, 1.3), 8 * fractal(rng, shape)
    else:
        base = np.float32([90, 135, 175]) * rng.uniform(0.8, 1.1)
        tex = 14 * streaks(rng, shape, rng.uniform(80, 100), 61) + 6 * fractal(rng, shape)
    return np.clip(base + tex[..., None], 0, 255).astype(np.float32)


def light_direction(rng: np.random.Generator) -> np.ndarray:
    """Unit vector in the image plane pointing from the scene towards the main lamp."""
    a = rng.uniform(0, 2 * np.pi)
    return np.array([np.cos(a), np.sin(a)], np.float32)


def illumination(rng: np.random.Generator, lamp: np.ndarray) -> np.ndarray:
    """Gain field HxW: a ring light's soft hot spot (off centre) over a ramp towards the lamp, times exposure."""
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    cx, cy = W / 2 + rng.uniform(-120, 120), H / 2 + rng.uniform(-90, 90)
    spread = rng.uniform(220, 520)
    hot = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * spread**2))
    ramp = ((xs - W / 2) * lamp[0] + (ys - H / 2) * lamp[1]) / W
    gain = (rng.uniform(0.62, 0.85) + rng.uniform(0.2, 0.45) * hot) * (1 + rng.uniform(0.0, 0.35) * ramp)
    return (gain * rng.uniform(0.85, 1.2)).astype(np.float32)


def cast_shadow(canvas: np.ndarray, alpha: np.ndarray, lamp: np.ndarray, distance: float, softness: float,
                strength: float, keep: np.ndarray | None = None) -> None:
    """Darken ``canvas`` in place under ``alpha`` (0..1) shifted away from the lamp and blurred; ``keep`` (0..1) marks
    pixels the shadow may not fall on (the object itself)."""
    shift = -lamp * distance
    m = np.float32([[1, 0, shift[0]], [0, 1, shift[1]]])
    shade = cv2.warpAffine(alpha, m, (alpha.shape[1], alpha.shape[0]))
    k = int(softness) * 2 + 1
    shade = cv2.GaussianBlur(shade, (k, k), softness / 2)
    if keep is not None:
        shade *= 1 - keep
    canvas *= (1 - strength * shade)[..., None]


def composite(canvas: np.ndarray, layer: np.ndarray, alpha: np.ndarray) -> None:
    a = alpha[..., None]
    canvas *= 1 - a
    canvas += layer * a


def placement(rng: np.random.Generator, size: tuple[float, float], fill: tuple[float, float], max_rot: float,
              perspective: float) -> np.ndarray:
    """Homography from a flat ``size`` (w, h) board to the image: scaled to ``fill`` of the frame, rotated, shifted,
    corners jittered for perspective, shrunk until the whole board stays inside the frame."""
    bw, bh = size
    rot = np.radians(rng.uniform(-max_rot, max_rot))
    scale = rng.uniform(*fill) * min(W / bw, H / bh)
    jitter = rng.uniform(-perspective, perspective, (4, 2)) * np.array([W, H])
    src = np.float32([[0, 0], [bw, 0], [bw, bh], [0, bh]])
    for _ in range(40):
        c, s = np.cos(rot) * scale, np.sin(rot) * scale
        local = (src - np.array([bw / 2, bh / 2])) @ np.array([[c, s], [-s, c]])
        dst = local + jitter * scale / min(W / bw, H / bh)
        lo, hi = dst.min(0), dst.max(0)
        room = np.array([W, H]) - (hi - lo) - 24
        if np.all(room > 0):
            centre = np.array([W / 2, H / 2]) + rng.uniform(-0.5, 0.5, 2) * room - (lo + hi) / 2
            return cv2.getPerspectiveTransform(src, np.float32(dst + centre))
        scale *= 0.95
    raise RuntimeError("board does not fit the frame")


def map_points(hom: np.ndarray, pts: np.ndarray) -> np.ndarray:
    if len(pts) == 0:
        return np.zeros((0, 2), np.float32)
    return cv2.perspectiveTransform(np.float32(pts).reshape(-1, 1, 2), hom).reshape(-1, 2)


class Lens:
    """Radial distortion ``r_src = r_dst * (1 + k r_dst^2)`` (r normalised by the half diagonal): k > 0 barrel,
    k < 0 pincushion. Applied to images by remap and to points by inverting the radial map."""

    def __init__(self, k: float) -> None:
        self.k = float(k)
        self.c = np.array([(W - 1) / 2, (H - 1) / 2], np.float32)
        self.norm = float(np.hypot(W / 2, H / 2))
        ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
        dx, dy = (xs - self.c[0]) / self.norm, (ys - self.c[1]) / self.norm
        f = 1 + self.k * (dx * dx + dy * dy)
        self.map_x = self.c[0] + dx * f * self.norm
        self.map_y = self.c[1] + dy * f * self.norm

    def image(self, img: np.ndarray, nearest: bool = False) -> np.ndarray:
        interp = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
        return cv2.remap(img, self.map_x, self.map_y, interp, borderMode=cv2.BORDER_REFLECT)

    def points(self, pts: np.ndarray) -> np.ndarray:
        pts = np.asarray(pts, np.float32).reshape(-1, 2)
        d = (pts - self.c) / self.norm
        rs = np.hypot(d[:, 0], d[:, 1])
        rd = rs.copy()
        for _ in range(20):  # Newton on rd * (1 + k rd^2) = rs
            rd -= (rd * (1 + self.k * rd * rd) - rs) / (1 + 3 * self.k * rd * rd)
        scale = np.where(rs > 1e-9, rd / np.maximum(rs, 1e-9), 1.0)
        return self.c + d * scale[:, None] * self.norm


def sensor(rng: np.random.Generator, canvas: np.ndarray) -> np.ndarray:
    """White balance, optics blur (Gaussian or a short motion smear), shot + read noise, 8 bits, JPEG round trip."""
    img = canvas * rng.uniform(0.92, 1.08, 3).astype(np.float32)
    if rng.random() < 0.25:
        n = int(rng.integers(3, 8))
        k = np.zeros((n, n), np.float32)
        a = rng.uniform(0, np.pi)
        c = (n - 1) / 2
        cv2.line(k, (round(c - np.cos(a) * c), round(c - np.sin(a) * c)),
                 (round(c + np.cos(a) * c), round(c + np.sin(a) * c)), 1.0, 1)
        img = cv2.filter2D(img, -1, k / k.sum())
    else:
        sigma = rng.uniform(0.3, 1.4)
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    read, shot = rng.uniform(0.8, 4.0), rng.uniform(0.0, 0.35)
    noise = rng.standard_normal(img.shape).astype(np.float32)
    img = img + noise * np.sqrt(read**2 + shot * np.clip(img, 0, None))
    out = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 92))])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)
