"""Single moulded or cast parts on a work surface: a slotted bracket, a hex nut blank, a spur gear, a lever and a
knurled ring, in rubber, coloured ABS, die-cast zinc, nylon or powder coat. Half of them carry one defect (scratch,
crack, spot of contamination, dent) whose pixel mask is the truth."""
from __future__ import annotations

import cv2
import numpy as np

from models.independent import optics
from models.independent.intrusions import _shade

SHAPES = ("bracket", "hex", "gear", "lever", "ring")
DEFECTS = ("scratch", "crack", "spot", "dent")
MATERIALS = {  # BGR colours, texture amplitude, gloss
    "rubber": (((38, 38, 40), (30, 34, 44)), 5.0, 0.15),
    "abs": (((40, 120, 230), (40, 200, 230), (50, 50, 200), (235, 235, 235), (190, 120, 40)), 2.0, 0.8),
    "zinc": (((160, 162, 165), (135, 140, 145)), 11.0, 0.5),
    "nylon": (((200, 220, 228), (185, 205, 215)), 3.0, 0.25),
    "powder": (((140, 140, 40), (50, 110, 220), (60, 120, 60), (55, 55, 55)), 6.0, 0.35),
}


def _circle(c, r, n=96) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([c[0] + r * np.cos(t), c[1] + r * np.sin(t)], 1)


def _outline(shape: str, R: float, rng) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Outer polygons and hole polygons of a part centred on the origin, in pixels."""
    if shape == "bracket":
        w, h, cr = R, R * rng.uniform(0.45, 0.6), R * 0.22
        pts = []
        for sx, sy, a0 in ((1, 1, 0), (-1, 1, 90), (-1, -1, 180), (1, -1, 270)):
            t = np.radians(np.linspace(a0, a0 + 90, 12))
            pts.append(np.stack([sx * (w - cr) + cr * np.cos(t), sy * (h - cr) + cr * np.sin(t)], 1))
        holes = [_circle((0, 0), 0.17 * R)]
        for sx in (-1, 1):
            t = np.linspace(-np.pi / 2, np.pi / 2, 16)
            r, x = 0.09 * R, sx * 0.62 * R
            right = np.stack([x + 0.12 * R + r * np.cos(t), r * np.sin(t)], 1)
            left = np.stack([x - 0.12 * R - r * np.cos(t), -r * np.sin(t)], 1)
            holes.append(np.concatenate([right, left]))
        return [np.concatenate(pts)], holes
    if shape == "hex":
        t = np.radians(np.arange(6) * 60 + 30)
        r = 0.85 * R
        return [np.stack([r * np.cos(t), r * np.sin(t)], 1)], [_circle((0, 0), rng.uniform(0.3, 0.42) * R)]
    if shape == "gear":
        teeth = int(rng.integers(14, 25))
        t = np.linspace(0, 2 * np.pi, teeth * 8, endpoint=False)
        phase = (t * teeth / (2 * np.pi)) % 1
        r = np.where((phase > 0.15) & (phase < 0.6), 0.9 * R, 0.8 * R)
        return [np.stack([r * np.cos(t), r * np.sin(t)], 1)], [_circle((0, 0), 0.22 * R)]
    if shape == "lever":
        big, small = _circle((-0.5 * R, 0), 0.42 * R), _circle((0.6 * R, 0), 0.3 * R)
        bar = np.array([[-0.5 * R, -0.2 * R], [0.6 * R, -0.14 * R], [0.6 * R, 0.14 * R], [-0.5 * R, 0.2 * R]])
        return [big, small, bar], [_circle((-0.5 * R, 0), 0.17 * R), _circle((0.6 * R, 0), 0.11 * R)]
    t = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    r = 0.9 * R * (1 + 0.015 * np.sign(np.sin(t * int(rng.integers(40, 70)))))
    return [np.stack([r * np.cos(t), r * np.sin(t)], 1)], [_circle((0, 0), rng.uniform(0.5, 0.62) * R)]


def _fill(polys, shape, value) -> np.ndarray:
    out = np.zeros(shape, np.float32)
    for p in polys:
        cv2.fillPoly(out, [np.round(p * 16).astype(np.int32)], value, cv2.LINE_AA, 4)
    return out


def _interior_point(interior: np.ndarray, rng) -> np.ndarray:
    ys, xs = np.nonzero(interior)
    i = int(rng.integers(len(xs)))
    return np.float32([xs[i], ys[i]])


def _luma(bgr) -> float:
    return float(0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2])


def _scratch(canvas, material, interior, rng, base) -> np.ndarray:
    mask = np.zeros(interior.shape, np.uint8)
    for _ in range(30):
        p0 = _interior_point(interior, rng)
        a = rng.uniform(0, 2 * np.pi)
        L = rng.uniform(45, 130)
        bend = rng.uniform(-0.3, 0.3) * L
        d, n = np.float32([np.cos(a), np.sin(a)]), np.float32([-np.sin(a), np.cos(a)])
        t = np.linspace(0, 1, 24)[:, None]
        pts = p0 + d * L * t + n * bend * 4 * t * (1 - t)
        xy = np.round(pts).astype(int)
        ok = (xy[:, 0] >= 0) & (xy[:, 0] < interior.shape[1]) & (xy[:, 1] >= 0) & (xy[:, 1] < interior.shape[0])
        if ok.all() and interior[xy[:, 1], xy[:, 0]].all():
            break
        L *= 0.7
    width = int(rng.integers(1, 4))
    line = np.zeros(interior.shape, np.float32)
    cv2.polylines(line, [np.round(pts * 16).astype(np.int32)], False, 1.0, width, cv2.LINE_AA, 4)
    line *= material
    delta = rng.uniform(65, 105) * (1 if _luma(base) < 120 else -1)
    canvas += (line * delta)[..., None]
    mask[line > 0.3] = 1
    return cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _crack(canvas, material, edge_band, rng, lamp) -> np.ndarray:
    """A jagged dark line from an edge into the material (along the distance-transform ascent), sometimes forked."""
    start = _interior_point(edge_band, rng)
    depth = cv2.GaussianBlur(cv2.distanceTransform((material > 0.5).astype(np.uint8), cv2.DIST_L2, 5), (0, 0), 3)
    x, y = int(start[0]), int(start[1])
    inward = np.arctan2(depth[y + 1, x] - depth[y - 1, x], depth[y, x + 1] - depth[y, x - 1])
    line = np.zeros(material.shape, np.float32)
    walkers = [(start, inward + rng.uniform(-0.4, 0.4), rng.uniform(45, 90))]
    for k in range(int(rng.integers(1, 3)) + 1):
        if k >= len(walkers):
            break
        p, a, L = walkers[k]
        pts, step = [p], 4.0
        for _ in range(int(L / step)):
            a += rng.normal(0, 0.35)
            p = p + step * np.float32([np.cos(a), np.sin(a)])
            pts.append(p)
            if len(walkers) < 3 and rng.random() < 0.04:
                walkers.append((p, a + rng.choice([-1, 1]) * rng.uniform(0.5, 1.1), L * 0.45))
        cv2.polylines(line, [np.round(np.array(pts) * 16).astype(np.int32)], False, 1.0,
                      2, cv2.LINE_AA, 4)
    line *= material
    lit = cv2.warpAffine(line, np.float32([[1, 0, lamp[0] * 1.5], [0, 1, lamp[1] * 1.5]]), line.shape[::-1])
    canvas *= (1 - 0.8 * line)[..., None]
    canvas += (np.clip(lit - line, 0, 1) * material * 35)[..., None]
    mask = (line > 0.3).astype(np.uint8)
    return cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _spot(canvas, material, interior, rng, base) -> np.ndarray:
    c = _interior_point(interior, rng)
    blob = np.zeros(material.shape, np.float32)
    for _ in range(int(rng.integers(2, 6))):
        o = c + rng.normal(0, 5, 2)
        cv2.circle(blob, (int(o[0] * 16), int(o[1] * 16)), int(rng.uniform(4, 10) * 16), 1.0, -1, cv2.LINE_AA, 4)
    blob = cv2.GaussianBlur(blob, (0, 0), 1.2) * material
    dark = _luma(base) > 110
    colour = [(25, 35, 55), (15, 15, 18), (40, 70, 140)][int(rng.integers(3))] if dark else \
        [(225, 228, 230), (120, 200, 230), (170, 200, 215)][int(rng.integers(3))]
    a = (blob * rng.uniform(0.75, 0.95))[..., None]
    canvas *= 1 - a
    canvas += np.float32(colour) * a
    return (blob > 0.5).astype(np.uint8)


def _dent(canvas, material, interior, rng, lamp, base) -> np.ndarray:
    c = _interior_point(interior, rng)
    ra, rb = rng.uniform(9, 20), rng.uniform(9, 20)
    ang = rng.uniform(0, np.pi)
    ys, xs = np.mgrid[0 : material.shape[0], 0 : material.shape[1]].astype(np.float32)
    u = ((xs - c[0]) * np.cos(ang) + (ys - c[1]) * np.sin(ang)) / ra
    v = (-(xs - c[0]) * np.sin(ang) + (ys - c[1]) * np.cos(ang)) / rb
    r2 = u * u + v * v
    inside = np.clip(1 - r2, 0, 1)
    # a bowl: the wall facing away from the lamp catches light, the wall towards it is in shade
    gx, gy = (xs - c[0]) / max(ra, rb), (ys - c[1]) / max(ra, rb)
    facing = -(gx * lamp[0] + gy * lamp[1])
    amp = rng.uniform(0.7, 1.0) * max(80.0, _luma(base))
    change = (facing * 1.6 * np.sqrt(inside) - 0.25 * inside) * amp * material
    canvas += change[..., None]
    return ((r2 <= 0.85) & (material > 0.5)).astype(np.uint8)


def render_part(rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """One part image (uint8 BGR 480x640) and its truth."""
    size = (optics.H, optics.W)
    shape = SHAPES[int(rng.integers(len(SHAPES)))]
    mat_name = list(MATERIALS)[int(rng.integers(len(MATERIALS)))]
    colours, tex_amp, gloss = MATERIALS[mat_name]
    base = colours[int(rng.integers(len(colours)))]
    R = rng.uniform(135, 200)
    outer, holes = _outline(shape, R, rng)
    ang = rng.uniform(0, 2 * np.pi)
    rot = np.array([[np.cos(ang), np.sin(ang)], [-np.sin(ang), np.cos(ang)]])
    centre = np.float32([optics.W / 2, optics.H / 2]) + rng.uniform(-50, 50, 2)
    outer = [p @ rot + centre for p in outer]
    holes = [p @ rot + centre for p in holes]
    material = _fill(outer, size, 1.0) * (1 - _fill(holes, size, 1.0))
    material = np.clip(material, 0, 1)

    lamp = optics.light_direction(rng)
    canvas = optics.surface(rng)
    optics.cast_shadow(canvas, material, lamp, rng.uniform(4, 12), rng.uniform(4, 10), rng.uniform(0.3, 0.55))
    layer = _shade(material, base, lamp, gloss, rng, relief=rng.uniform(3, 6))
    layer *= (1 + 0.2 * (1 - cv2.GaussianBlur(material, (0, 0), 2.0)))[..., None]  # chamfered edges
    tex = optics.fractal(rng, size, (2, 4, 16)) if mat_name != "zinc" else rng.standard_normal(size).astype(np.float32)
    if mat_name == "zinc":
        tex = cv2.GaussianBlur(tex, (0, 0), 0.8) * 2.5
    layer += (tex * tex_amp)[..., None]
    optics.composite(canvas, layer, material)

    defect = DEFECTS[int(rng.integers(len(DEFECTS)))] if rng.random() < 0.5 else None
    solid = (material > 0.99).astype(np.uint8)
    interior = cv2.erode(solid, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (25, 25))).astype(bool)
    mask = None
    if defect == "scratch":
        mask = _scratch(canvas, material, interior, rng, base)
    elif defect == "crack":
        band = solid.astype(bool) & ~cv2.erode(solid, np.ones((7, 7), np.uint8)).astype(bool)
        mask = _crack(canvas, material, band, rng, lamp)
    elif defect == "spot":
        mask = _spot(canvas, material, interior, rng, base)
    elif defect == "dent":
        mask = _dent(canvas, material, interior, rng, lamp, base)

    canvas *= optics.illumination(rng, lamp)[..., None]
    lens = optics.Lens(rng.uniform(-0.05, 0.12))
    canvas = lens.image(canvas)
    image = optics.sensor(rng, canvas)
    truth = {"kind": "part", "defect": defect, "mask": None, "shape": shape, "material": mat_name,
             "centre": [round(float(c), 1) for c in lens.points(centre[None])[0]]}
    if mask is not None:
        m = lens.image(mask, nearest=True).astype(bool)
        ys, xs = np.nonzero(m)
        truth["mask"] = m
        truth["defect_box"] = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]
    return image, truth
