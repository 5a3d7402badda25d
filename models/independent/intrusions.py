"""Things that get between the camera and the box: a gloved (or bare) hand reaching in from a frame edge, a pen or
screwdriver lying across, a paper label stuck over part of the box. Drawn in image space with a dome shading for the
lamp and a soft cast shadow; each returns its coverage mask (0..1). A quarter land beside the box (hard negatives)."""
from __future__ import annotations

import cv2
import numpy as np

from models.independent import optics

GLOVES = ((150, 60, 120), (200, 130, 60), (40, 40, 42), (228, 228, 232), (120, 170, 80))  # purple, blue, black...
SKIN = ((120, 150, 200), (90, 120, 170), (60, 85, 125), (140, 170, 215))
PENS = ((160, 60, 20), (30, 30, 30), (40, 40, 180), (190, 190, 195), (30, 170, 210))
PAPERS = ((238, 240, 240), (160, 235, 245), (215, 205, 245), (230, 245, 225))
KINDS = ("glove", "glove", "hand", "pen", "screwdriver", "label", "label")


def _shade(mask: np.ndarray, colour, lamp: np.ndarray, gloss: float, rng, relief: float) -> np.ndarray:
    """Colour a blob as a rounded solid lit from ``lamp``: Lambert on the blurred mask's slope plus a highlight."""
    height = cv2.GaussianBlur(mask, (0, 0), relief)
    gx = cv2.Sobel(height, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(height, cv2.CV_32F, 0, 1, ksize=3)
    n = np.dstack([-gx * relief, -gy * relief, np.full_like(gx, 0.6)])
    n /= np.linalg.norm(n, axis=2, keepdims=True)
    light = np.float32([lamp[0] * 0.6, lamp[1] * 0.6, 0.8])
    light /= np.linalg.norm(light)
    lam = np.clip(n @ light, 0, 1)
    tex = 1 + 0.04 * optics.fractal(rng, mask.shape, (3, 12, 48))
    out = np.float32(colour) * (0.35 + 0.75 * lam * tex)[..., None]
    return out + (gloss * 120 * lam**24)[..., None]


def _hand(canvas, rng, target, unit, lamp, gloved: bool) -> np.ndarray:
    H, W = canvas.shape[:2]
    edge = int(rng.integers(4))
    entry = [(rng.uniform(0, W), H + 40), (rng.uniform(0, W), -40), (-40, rng.uniform(0, H)), (W + 40, rng.uniform(0, H))][edge]
    u = np.asarray(target, np.float32) - np.float32(entry)
    u /= np.linalg.norm(u) + 1e-6
    v = np.float32([-u[1], u[0]])
    palm_w = float(np.clip(rng.uniform(2.2, 3.2) * unit, 70, 190))
    finger = palm_w * rng.uniform(0.8, 1.05)
    palm_c = np.float32(target) - u * (finger + palm_w * 0.5)
    mask = np.zeros((H, W), np.float32)
    ang = np.degrees(np.arctan2(u[1], u[0]))
    cv2.ellipse(mask, tuple(int(c) for c in palm_c), (int(palm_w * 0.58), int(palm_w * 0.5)), ang, 0, 360, 1.0, -1)
    arm_end = palm_c - u * 900
    cv2.line(mask, tuple(int(c) for c in palm_c), tuple(int(c) for c in arm_end), 1.0, int(palm_w * 0.8))
    thick = max(6, int(palm_w * 0.2))
    curl = rng.uniform(-0.25, 0.25)
    for i, off in enumerate(np.linspace(-0.36, 0.36, 4)):
        base = palm_c + u * palm_w * 0.4 + v * off * palm_w
        d = u + v * (off * 0.35 + curl)
        d /= np.linalg.norm(d)
        length = finger * (0.82, 1.0, 0.95, 0.75)[i]
        tip = base + d * length
        cv2.line(mask, tuple(int(c) for c in base), tuple(int(c) for c in tip), 1.0, thick)
    side = 1 if rng.random() < 0.5 else -1
    t0 = palm_c + v * side * palm_w * 0.42
    t1 = t0 + (u * 0.6 + v * side * 0.8) * finger * 0.7
    cv2.line(mask, tuple(int(c) for c in t0), tuple(int(c) for c in t1), 1.0, int(thick * 1.15))
    mask = cv2.GaussianBlur(mask, (3, 3), 0.8)
    colour = GLOVES[int(rng.integers(len(GLOVES)))] if gloved else SKIN[int(rng.integers(len(SKIN)))]
    layer = _shade(mask, colour, lamp, 0.6 if gloved else 0.2, rng, relief=max(3.0, thick / 3))
    optics.cast_shadow(canvas, mask, lamp, rng.uniform(14, 30), 16, 0.45)
    optics.composite(canvas, layer, mask)
    return mask


def _pen(canvas, rng, target, lamp, driver: bool) -> np.ndarray:
    H, W = canvas.shape[:2]
    a = rng.uniform(0, np.pi)
    d = np.float32([np.cos(a), np.sin(a)])
    length = rng.uniform(200, 340)
    along = rng.uniform(-0.35, 0.35) * length
    p0 = np.float32(target) + d * (along - length / 2)
    p1 = p0 + d * length
    mask = np.zeros((H, W), np.float32)
    body = PENS[int(rng.integers(len(PENS)))]
    metal = np.zeros_like(mask)
    if driver:
        handle = p0 + d * length * 0.42
        cv2.line(mask, tuple(int(c) for c in p0), tuple(int(c) for c in handle), 1.0, int(rng.uniform(18, 26)))
        cv2.line(metal, tuple(int(c) for c in handle), tuple(int(c) for c in p1), 1.0, int(rng.uniform(5, 8)))
    else:
        t = int(rng.uniform(9, 15))
        cv2.line(mask, tuple(int(c) for c in p0), tuple(int(c) for c in p1 - d * 18), 1.0, t)
        cv2.line(metal, tuple(int(c) for c in p1 - d * 20), tuple(int(c) for c in p1), 1.0, max(3, t // 2))
        c0 = p0 + d * 8 + np.float32([-d[1], d[0]]) * t * 0.35
        cv2.line(metal, tuple(int(c) for c in c0), tuple(int(c) for c in c0 + d * 50), 1.0, 3)
    mask = cv2.GaussianBlur(mask, (3, 3), 0.7)
    metal = cv2.GaussianBlur(metal, (3, 3), 0.7)
    full = np.maximum(mask, metal)
    optics.cast_shadow(canvas, full, lamp, rng.uniform(5, 12), 6, 0.5)
    optics.composite(canvas, _shade(mask, body, lamp, 0.8, rng, relief=3.0), mask)
    optics.composite(canvas, _shade(metal, (185, 185, 190), lamp, 1.0, rng, relief=1.5), metal * (1 - mask))
    return full


def _label(canvas, rng, target, unit, lamp) -> np.ndarray:
    H, W = canvas.shape[:2]
    w, h = int(rng.uniform(2.0, 3.6) * unit), int(rng.uniform(1.2, 2.2) * unit)
    w, h = int(np.clip(w, 90, 260)), int(np.clip(h, 55, 150))
    paper = np.zeros((h, w, 3), np.uint8)
    paper[:] = PAPERS[int(rng.integers(len(PAPERS)))]
    ink = (20, 20, 25)
    if rng.random() < 0.5:
        cv2.rectangle(paper, (0, 0), (w, int(h * 0.18)), (40, 40, 180) if rng.random() < 0.5 else (150, 80, 20), -1)
    y = int(h * 0.32)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789 "
    while y < h * 0.62:
        text = "".join(letters[i] for i in rng.integers(len(letters), size=int(rng.integers(6, 14))))
        cv2.putText(paper, text, (6, y), cv2.FONT_HERSHEY_SIMPLEX, h / 260, ink, 1, cv2.LINE_AA)
        y += max(10, int(h * 0.14))
    x = 6
    while x < w * 0.9:
        bar = int(rng.integers(1, 4))
        cv2.rectangle(paper, (x, int(h * 0.7)), (x + bar - 1, h - 6), ink, -1)
        x += bar + int(rng.integers(1, 4))
    curl = np.linspace(-1, 1, w, dtype=np.float32)
    paper = paper.astype(np.float32) * (1 - 0.06 * curl**2 + 0.04 * curl * lamp[0])[None, :, None]
    ang = rng.uniform(-40, 40)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), ang, 1.0)
    m[:, 2] += np.float32(target) - np.float32([w / 2, h / 2]) + rng.uniform(-0.3, 0.3, 2) * np.float32([w, h])
    layer = cv2.warpAffine(paper, m, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpAffine(np.ones((h, w), np.float32), m, (W, H), flags=cv2.INTER_LINEAR)
    optics.cast_shadow(canvas, mask, lamp, 3, 4, 0.35)
    optics.composite(canvas, layer, mask)
    return mask


def draw_occluder(canvas: np.ndarray, rng: np.random.Generator, centres: np.ndarray, radius: float,
                  box_alpha: np.ndarray, lamp: np.ndarray) -> tuple[str, np.ndarray]:
    """Draw one occluder into ``canvas`` (in place); returns its kind and coverage mask (0..1)."""
    kind = KINDS[int(rng.integers(len(KINDS)))]
    unit = radius / 0.37
    if rng.random() < 0.25:  # beside the box: on the belt, clear of every slot
        ys, xs = np.nonzero(cv2.dilate((box_alpha > 0.01).astype(np.uint8), np.ones((9, 9), np.uint8)) == 0)
        if len(xs):
            i = int(rng.integers(len(xs)))
            target = (float(xs[i]), float(ys[i]))
        else:
            target = tuple(centres[int(rng.integers(len(centres)))])
    else:
        target = tuple(centres[int(rng.integers(len(centres)))] + rng.uniform(-0.5, 0.5, 2) * unit)
    if kind in ("glove", "hand"):
        mask = _hand(canvas, rng, target, unit, lamp, gloved=kind == "glove")
    elif kind in ("pen", "screwdriver"):
        mask = _pen(canvas, rng, target, lamp, driver=kind == "screwdriver")
    else:
        mask = _label(canvas, rng, target, unit, lamp)
    return kind, mask
