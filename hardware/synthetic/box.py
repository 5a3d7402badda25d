"""An open box of drug cartridges seen from above: a cardboard box, a moulded tray with a grid of slots, each slot
holding a cartridge (its crimped cap towards the camera) or empty; sometimes a hand, tool or label over it.

Occlusion rule: a slot is *hidden* when the occluder covers >= ``HIDDEN_FRACTION`` of the slot's disc (the cap's
radius around the slot centre); a box with any hidden slot, filled or empty, is ``occluded`` and cannot pass because
its count cannot be verified. An occluder that hides no slot (e.g. a fingertip on the rim) leaves the box countable.
"""
from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

from hardware.synthetic import canvas as cv
from hardware.synthetic import looks as lk
from hardware.synthetic.cartridge import cap_shadow_gain, cap_sprite, hole_gain
from hardware.synthetic.knobs import CapLook, Knobs, knobs_for, pick, uniform
from hardware.synthetic.occluders import draw_occluder

HIDDEN_FRACTION = 0.3
MARGIN = 0.42  # tray border around the slots, in slot pitches
WALL = 0.16  # cardboard wall, in slot pitches


def _disc_offsets(radius: float) -> tuple[np.ndarray, np.ndarray]:
    k = int(np.ceil(radius))
    ys, xs = np.mgrid[-k : k + 1, -k : k + 1]
    inside = xs * xs + ys * ys <= radius * radius
    return ys[inside], xs[inside]


def slot_coverage(mask: np.ndarray, centres: np.ndarray, radius: float) -> np.ndarray:
    """Fraction of each slot disc covered by a uint8 occluder mask (> 127 counts as covered)."""
    dy, dx = _disc_offsets(radius)
    H, W = mask.shape
    out = np.zeros(len(centres))
    for i, (x, y) in enumerate(np.round(centres).astype(int)):
        yy, xx = y + dy, x + dx
        ok = (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
        out[i] = np.count_nonzero(mask[yy[ok], xx[ok]] > 127) / len(dy)
    return out


def _corners(cx: float, cy: float, hw: float, hh: float, rot: np.ndarray) -> np.ndarray:
    local = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]])
    return local @ rot.T + np.array([cx, cy])


def _draw_box(canvas: np.ndarray, gain: np.ndarray, outer: np.ndarray, inner: np.ndarray, box_color, tray_color,
              light: np.ndarray, pitch: float) -> None:
    H, W = canvas.shape[:2]
    s = 1.0 / cv.GAIN_SCALE
    gshape = gain.shape
    outer_low = cv.polygon_mask(gshape, outer, s).astype(np.float32) / 255.0
    away = -light[:2] / np.hypot(light[0], light[1])
    cv.soft_shadow(gain, outer_low, tuple(away * 0.22 * pitch), 0.25 * pitch, 0.5, keep=outer_low)
    for poly, color in ((outer, box_color), (inner, tray_color)):
        pts = np.round(poly * 16).astype(np.int32)
        cv2.fillConvexPoly(canvas, pts, tuple(int(c) for c in color), cv2.LINE_AA, shift=4)
    # the walls shade the tray on the lamp side
    inner_low = cv.polygon_mask(gshape, inner, s).astype(np.float32) / 255.0
    wall_shade = 1.0 - inner_low
    wall_shade = cv2.warpAffine(wall_shade, np.float32([[1, 0, away[0] * 0.18 * pitch * s],
                                                        [0, 1, away[1] * 0.18 * pitch * s]]),
                                (gshape[1], gshape[0]), borderValue=1.0)
    wall_shade = cv2.GaussianBlur(wall_shade, (0, 0), max(0.08 * pitch * s, 0.6))
    gain *= 1.0 - 0.35 * wall_shade * inner_low


def render_box(rng: np.random.Generator | int | None = None, *, layout: tuple[int, int] | None = None,
               empty: Iterable[tuple[int, int]] = (), occluder: str | None = None,
               style: str | Knobs = "line", size: tuple[int, int] = (640, 480)) -> cv.Rendered:
    """One box: ``empty`` lists the (row, col) slots without a cartridge; ``occluder`` is a kind from
    ``OCCLUDER_KINDS`` or None. ``mask`` of the result is the occluder's pixels (None without one)."""
    knobs = knobs_for(style)
    rng = cv.as_rng(rng)
    W, H = size
    rows, cols = layout or pick(rng, knobs.layouts)
    empty_set = {(int(r), int(c)) for r, c in empty}
    if any(not (0 <= r < rows and 0 <= c < cols) for r, c in empty_set):
        raise ValueError(f"empty slots {sorted(empty_set)} outside the {rows}x{cols} layout")
    look = pick(rng, knobs.cap_looks)
    tray_color, box_color = pick(rng, knobs.tray_colors), pick(rng, knobs.box_colors)
    azimuth = uniform(rng, knobs.light_azimuth_deg)
    look_ext = lk.draw_look(rng, knobs) if knobs.box_looks > 0 and rng.random() < knobs.box_looks else None
    if look_ext is not None:
        tray_color = lk.colour_or(rng, knobs, (tray_color,))
        box_color = lk.colour_or(rng, knobs, (box_color,))
    sprite_az = int(round(azimuth / 15.0) * 15) % 360
    light = cv.light_vector(sprite_az)

    hw_units, hh_units = cols / 2 + MARGIN + WALL, rows / 2 + MARGIN + WALL
    pitch = uniform(rng, knobs.fill) * min(W / (2 * hw_units), H / (2 * hh_units))
    max_rot = knobs.rotation_deg if knobs.box_rotation_deg is None else knobs.box_rotation_deg
    angle = np.radians(rng.uniform(-max_rot, max_rot))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    hw, hh = hw_units * pitch, hh_units * pitch
    ex = abs(np.cos(angle)) * hw + abs(np.sin(angle)) * hh
    ey = abs(np.sin(angle)) * hw + abs(np.cos(angle)) * hh
    keep_in = knobs.perspective * max(W, H) + 4
    cx = W / 2 + rng.uniform(-1, 1) * max(min(knobs.shift_px, W / 2 - ex - keep_in), 0)
    cy = H / 2 + rng.uniform(-1, 1) * max(min(knobs.shift_px, H / 2 - ey - keep_in), 0)

    if look_ext is None:
        canvas = cv.belt(pick(rng, knobs.belt_colors), size, rng)
    else:
        canvas = lk.surface(rng, look_ext.surface, knobs, size)
    gain = cv.lighting(size, knobs, rng, azimuth)
    shadows = np.ones_like(gain)
    outer = _corners(cx, cy, hw, hh, rot)
    inner = _corners(cx, cy, hw - WALL * pitch, hh - WALL * pitch, rot)
    _draw_box(canvas, shadows, outer, inner, box_color, tray_color, light, pitch)
    if look_ext is not None:
        lk.texture_inside(canvas, outer, look_ext.tray_texture, rng)
        if look_ext.dividers:
            lk.draw_dividers(canvas, look_ext, tray_color, rows, cols, pitch, (cx, cy), rot, light)

    r_cap = round(uniform(rng, knobs.cap_radius) * pitch * 4) / 4
    r_hole = round(r_cap * 1.16 * 4) / 4
    grid = np.array([[(c - (cols - 1) / 2) * pitch, (r - (rows - 1) / 2) * pitch]
                     for r in range(rows) for c in range(cols)])
    slots = np.round(grid @ rot.T + np.array([cx, cy])).astype(int)
    hole = hole_gain(r_hole, sprite_az)
    shadow = cap_shadow_gain(r_cap, sprite_az)
    cap = cap_sprite(r_cap, look, sprite_az)
    if look_ext is not None:
        hole = lk.slot_gain(look_ext, r_hole, float(angle), sprite_az)
        if hole is None:
            hole = hole_gain(r_hole, sprite_az, round(look_ext.hole_depth, 2))
        style = look_ext.cap
        if style.kind == "crimp":
            cap = cap_sprite(r_cap, CapLook(metal=style.base, septum=style.accent, shine=round(style.shine, 2)),
                             sprite_az)
        else:
            cap = lk.cap_sprite(r_cap, style, sprite_az)
    present = np.array([(r, c) not in empty_set for r in range(rows) for c in range(cols)])
    caps = slots.copy()
    for i, (x, y) in enumerate(slots):
        cv.modulate(canvas, hole, x, y)
        if look_ext is not None and look_ext.floor is not None and not present[i]:
            cv.paste(canvas, lk.floor_sprite(round(r_hole * 0.9 * 4) / 4, look_ext.floor), x, y,
                     gain=float(rng.uniform(0.85, 1.15)))
        if present[i]:
            off = np.round(rng.normal(0, knobs.cap_offset * r_cap, 2)).astype(int)
            caps[i] = (x + off[0], y + off[1])
            cv.modulate(canvas, shadow, *caps[i])
            cv.paste(canvas, cap, *caps[i], gain=float(rng.uniform(0.95, 1.05)))

    if occluder is None:
        gain *= shadows
    else:
        cv.apply_gain(canvas, shadows)  # before the occluder, which stands above these shadows

    mask = None
    coverage = np.zeros(len(slots))
    if occluder is not None:
        if rng.random() < knobs.near_miss:  # beside the slots: an occluder that hides nothing
            edge = outer[int(rng.integers(4))] * 0.5 + outer[int(rng.integers(4))] * 0.5
            target = edge + (edge - np.array([cx, cy])) * 0.35
        else:
            target = slots[int(rng.integers(len(slots)))]
        size_px = pitch * uniform(rng, knobs.occluder_scale)
        alpha = draw_occluder(canvas, occluder, rng, target=tuple(target), size=size_px, light=light,
                              knobs=knobs)
        coverage = slot_coverage(alpha, slots, r_cap)
        mask = alpha > 127

    hom = cv.perspective(size, knobs.perspective, rng)
    if hom is not None:
        canvas, gain, mask = cv.warp_view(hom, canvas, gain, mask, size)
        probe = cv.warp_points(hom, np.array([[cx, cy], [cx + r_cap, cy], [cx, cy + r_cap]]))
        (ax, ay), (bx, by) = probe[1] - probe[0], probe[2] - probe[0]
        r_cap = float(np.sqrt(abs(ax * by - ay * bx)))
        caps, slots = cv.warp_points(hom, caps), cv.warp_points(hom, slots)
    if rng.random() < knobs.glare_prob:
        cv.add_glare(gain, rng)
    if look_ext is not None:
        canvas = lk.tinted(canvas, look_ext.tint)
    image = cv.finish(canvas, gain, knobs, rng)

    occluded = bool((coverage >= HIDDEN_FRACTION).any())
    count = int(present.sum())
    truth = {
        "kind": "box",
        "expected": rows * cols,
        "count": count,
        "centers": [[round(float(x), 1), round(float(y), 1)] for x, y in caps[present]],
        "empty": [[round(float(x), 1), round(float(y), 1)] for x, y in slots[~present]],
        "radius_px": round(float(r_cap), 2),
        "occluded": occluded,
        "occluder": occluder,
        "occlusion": round(float(coverage.max()), 3),
        "should_pass": count == rows * cols and not occluded,
        "layout": [rows, cols],
        "style": knobs.name,
    }
    return cv.Rendered(image, truth, mask)
