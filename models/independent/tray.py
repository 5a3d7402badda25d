"""Boxes of vials seen from above, drawn flat on a board (one unit = one slot pitch) then placed in the image by a
homography: a carton with cardboard dividers, a vacuum-formed plastic tray with round wells, a foam insert with
holes, or a plastic crate with rounded square cells. Layouts 3x4 .. 6x8, empty slots, sometimes an occluder.

A slot counts as hidden when an occluder covers >= ``HIDDEN`` of its cap disc; a box with a hidden slot is
``occluded``. ``count`` is always the number of filled slots (hidden ones included)."""
from __future__ import annotations

import cv2
import numpy as np

from models.independent import optics
from models.independent.caps import draw_cap, random_style
from models.independent.intrusions import draw_occluder

HIDDEN = 0.3
PITCH = 64.0  # board pixels per slot pitch
TRAYS = ("carton", "wells", "foam", "crate")
BOX_COLOURS = {  # BGR, outer walls
    "carton": ((95, 140, 180), (80, 120, 160), (120, 160, 195)),
    "wells": ((225, 228, 230), (200, 205, 210), (170, 175, 180)),
    "foam": ((60, 60, 62), (150, 110, 60), (200, 200, 200)),
    "crate": ((160, 100, 40), (60, 140, 60), (70, 70, 75), (40, 120, 210)),
}
def _board(rng, rows, cols, tray, lamp) -> tuple[np.ndarray, np.ndarray, float]:
    """Flat box without caps: BGR board, slot centres (board px) and the slot (cell / hole) radius."""
    margin = rng.uniform(0.35, 0.6)
    wall = rng.uniform(0.12, 0.22)
    bw, bh = (cols + 2 * margin) * PITCH, (rows + 2 * margin) * PITCH
    shape = (int(np.ceil(bh)), int(np.ceil(bw)))
    walls = np.float32(BOX_COLOURS[tray][int(rng.integers(len(BOX_COLOURS[tray])))])
    floor = walls * rng.uniform(0.75, 0.95)
    tex = optics.fractal(rng, shape, (2, 6, 24)) * (7 if tray != "carton" else 12)
    if tray == "carton":
        tex += 6 * optics.streaks(rng, shape, rng.uniform(0, 180), 21)
    board = np.empty(shape + (3,), np.float32)
    board[:] = walls
    w = int(wall * PITCH)
    board[w:-w, w:-w] = floor
    board += tex[..., None]
    # lamp-side inner wall lit, far side in shade
    inner = np.zeros(shape, np.float32)
    inner[w:-w, w:-w] = 1
    optics.cast_shadow(board, 1 - inner, -lamp, 0.12 * PITCH, 0.1 * PITCH, 0.35, keep=1 - inner)
    ys = (margin + 0.5 + np.arange(rows)) * PITCH
    xs = (margin + 0.5 + np.arange(cols)) * PITCH
    centres = np.array([(x, y) for y in ys for x in xs], np.float32)
    hole = 0.45 * PITCH
    if tray == "carton":  # cardboard dividers between cells, lit on top
        t = max(2, int(rng.uniform(0.05, 0.09) * PITCH))
        div = np.zeros(shape, np.float32)
        for x in np.arange(1, cols) * PITCH + margin * PITCH:
            cv2.line(div, (int(x), w), (int(x), shape[0] - w), 1.0, t)
        for y in np.arange(1, rows) * PITCH + margin * PITCH:
            cv2.line(div, (w, int(y)), (shape[1] - w, int(y)), 1.0, t)
        optics.cast_shadow(board, div, lamp, 0.1 * PITCH, 0.08 * PITCH, 0.4, keep=div)
        optics.composite(board, np.broadcast_to(walls * 1.08, board.shape), div)
    else:
        hole = rng.uniform(0.42, 0.47) * PITCH
        well = np.zeros(shape, np.float32)
        for x, y in centres:
            if tray == "crate":
                h = int(hole)
                cv2.rectangle(well, (int(x) - h, int(y) - h), (int(x) + h, int(y) + h), 1.0, -1, cv2.LINE_AA)
            else:
                cv2.circle(well, (int(x * 16), int(y * 16)), int(hole * 16), 1.0, -1, cv2.LINE_AA, 4)
        if tray == "crate":
            well = cv2.GaussianBlur(well, (0, 0), 3) > 0.5
            well = well.astype(np.float32)
        depth = {"wells": 0.8, "foam": 0.35, "crate": 0.75}[tray]
        optics.composite(board, board * depth, well)
        optics.cast_shadow(board, 1 - well, -lamp, 0.12 * PITCH, 0.08 * PITCH, 0.35, keep=1 - well)
    return board, centres, hole


def render_box(rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """One box image (uint8 BGR 480x640) and its truth."""
    rows, cols = int(rng.integers(3, 7)), int(rng.integers(4, 9))
    if rng.random() < 0.5:
        rows, cols = min(rows, cols), max(rows, cols)
    n = rows * cols
    empty = np.zeros(n, bool)
    if rng.random() < 0.45:
        k = min(int(rng.geometric(0.45)), n - 1, 8)
        empty[rng.choice(n, size=k, replace=False)] = True
    tray = TRAYS[int(rng.integers(len(TRAYS)))]
    lamp = optics.light_direction(rng)
    board, slots, hole = _board(rng, rows, cols, tray, lamp)

    style = random_style(rng)
    r = min(rng.uniform(0.33, 0.41) * PITCH, hole - 2)
    caps_alpha = np.zeros(board.shape[:2], np.float32)
    jitter = rng.uniform(-0.05, 0.05, (n, 2)) * PITCH
    cap_centres = slots + jitter
    shadow_alpha = np.zeros_like(caps_alpha)
    for (x, y), e in zip(cap_centres, empty):
        if not e:
            cv2.circle(shadow_alpha, (int(x * 16), int(y * 16)), int(r * 16), 1.0, -1, cv2.LINE_AA, 4)
    optics.cast_shadow(board, shadow_alpha, lamp, 0.1 * PITCH, 0.08 * PITCH, 0.5)
    for (x, y), e in zip(cap_centres, empty):
        if not e:
            draw_cap(board, caps_alpha, x, y, r, style, lamp, rng)

    bh, bw = board.shape[:2]
    hom = optics.placement(rng, (bw, bh), (0.62, 0.92), 25.0, 0.03)
    size = (optics.W, optics.H)
    layer = cv2.warpPerspective(board, hom, size, flags=cv2.INTER_AREA)
    alpha = cv2.warpPerspective(np.ones((bh, bw), np.float32), hom, size, flags=cv2.INTER_LINEAR)
    canvas = optics.surface(rng)
    optics.cast_shadow(canvas, alpha, lamp, rng.uniform(5, 14), rng.uniform(6, 14), rng.uniform(0.3, 0.55))
    optics.composite(canvas, layer, alpha)

    centres = optics.map_points(hom, cap_centres)
    scale = float(np.sqrt(abs(np.linalg.det(hom[:2, :2] / hom[2, 2]))))
    radius = r * scale
    occluder, coverage = None, np.zeros(n)
    if rng.random() < 0.3:
        occluder, mask = draw_occluder(canvas, rng, centres, radius, alpha, lamp)
        coverage = _coverage(mask, centres, radius)
    canvas *= optics.illumination(rng, lamp)[..., None]
    if rng.random() < 0.2:  # a glint from a shiny wrapper or the lamp itself
        g = np.zeros((optics.H, optics.W), np.float32)
        gx, gy = rng.uniform(0, optics.W), rng.uniform(0, optics.H)
        cv2.ellipse(g, (int(gx), int(gy)), (int(rng.uniform(15, 50)), int(rng.uniform(8, 25))),
                    rng.uniform(0, 180), 0, 360, 1.0, -1)
        canvas += (cv2.GaussianBlur(g, (0, 0), 9) * rng.uniform(50, 110))[..., None]
    lens = optics.Lens(rng.uniform(-0.05, 0.12))
    canvas = lens.image(canvas)
    image = optics.sensor(rng, canvas)
    centres = lens.points(centres)
    hidden = coverage >= HIDDEN
    truth = {
        "kind": "box", "expected": n, "count": int(n - empty.sum()),
        "centres": [[round(float(x), 1), round(float(y), 1)] for (x, y), e in zip(centres, empty) if not e],
        "empty_centres": [[round(float(x), 1), round(float(y), 1)] for (x, y), e in zip(centres, empty) if e],
        "occluded": bool(hidden.any()), "hidden_slots": int(hidden.sum()), "occluder": occluder,
        "layout": [rows, cols], "radius_px": round(radius, 1), "tray": tray, "cap": style.kind,
        "cap_colour": list(style.colour),
    }
    return image, truth


def _coverage(mask: np.ndarray, centres: np.ndarray, radius: float) -> np.ndarray:
    k = int(np.ceil(radius))
    dy, dx = np.mgrid[-k : k + 1, -k : k + 1]
    inside = dx * dx + dy * dy <= radius * radius
    dy, dx = dy[inside], dx[inside]
    out = np.zeros(len(centres))
    for i, (x, y) in enumerate(np.round(centres).astype(int)):
        yy, xx = y + dy, x + dx
        ok = (yy >= 0) & (yy < mask.shape[0]) & (xx >= 0) & (xx < mask.shape[1])
        out[i] = np.count_nonzero(mask[yy[ok], xx[ok]] > 0.5) / len(dy)
    return out
