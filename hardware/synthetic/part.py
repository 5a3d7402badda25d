"""A single part on the belt: a moulded or machined disc (centre bore, bolt holes, hub, groove) or a plate, with
surface texture and at most one defect. ``mask`` of the result is the defect's pixels (all False when good).

Domain randomisation (:data:`PART_LOOKS`, the wide style only) adds look families: gears, rings and hex blanks,
parts from a third to nine tenths of the frame, textured work surfaces instead of the belt, plastic in any colour,
tinted light, and defects drawn in varied looks. The line has no entry, so its renders draw nothing more.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from hardware.synthetic import canvas as cv
from hardware.synthetic.defects import DEFECT_KINDS, DRAWERS, apply_marks, crack
from hardware.synthetic.knobs import Knobs, Range, knobs_for, pick, uniform
from hardware.synthetic.looks import random_bgr, surface, tinted
from hardware.synthetic.part_shapes import (FAMILY_SHAPES, Form, draw_family, draw_form, edge_start, rim_light,
                                           surface_texture)

MATERIALS = {  # colour, shininess, specular strength, metallic
    "aluminium": ((188, 190, 194), 30.0, 0.45, True),
    "brass": ((90, 165, 205), 30.0, 0.4, True),
    "anodised": ((62, 56, 52), 24.0, 0.35, True),
}




@dataclass(frozen=True)
class PartLooks:
    """Look families of single parts that only domain randomisation draws."""

    share: float  # share of parts drawn from these families (the rest as the style's knobs say)
    fill: Range  # part size, fraction of the frame
    shapes: tuple[str, ...]  # also "gear", "ring", "hex"
    surfaces: tuple[str, ...]  # what the part lies on (``looks.surface`` families)
    free_color: float  # share of plastic parts in any colour
    light_tint: float  # per-channel colour cast of the light, +-
    defect_looks: float  # share of defects drawn in a varied look (defects.py ``varied``)
    texture: float  # share of parts with a cast or mottled surface texture
    edge_cracks: float  # share of varied cracks that run in from an edge (rim or hole) rather than start inside
    open_holes: float  # share of parts whose holes show the floor lit, in the part's offset shadow only
    rims: float  # share of parts with chamfered edges that catch (or lose) the light
    gloss: float  # share of plastic parts with a glossy finish (highlights along edges that are not scratches)
    fillets: float  # share of parts with wide moulding radii, whose highlights run inside the outline


PART_LOOKS = {
    "wide": PartLooks(share=0.8, fill=(0.32, 0.92),
                      shapes=("disc", "disc", "plate", "gear", "ring", "hex", "knurl", "lever", "bracket", "blob"),
                      surfaces=("belt", "wood", "brushed", "fabric", "speckle", "plain"), free_color=0.6,
                      light_tint=0.15, defect_looks=0.7, texture=0.5, edge_cracks=0.6,
                      open_holes=0.5, rims=0.4, gloss=0.4, fillets=0.4),
}


@lru_cache(maxsize=4)
def _no_defect(size: tuple[int, int]) -> np.ndarray:
    m = np.zeros((size[1], size[0]), bool)
    m.flags.writeable = False
    return m


@lru_cache(maxsize=2)
def _grain(frame: tuple[int, int]) -> np.ndarray:
    """Moulded-plastic grain: 1 +- a few %, three channels, for the largest part region of a frame."""
    g = 1.0 + 0.05 * cv2.GaussianBlur(cv._noise_tile(frame[1], frame[0])[..., 1], (0, 0), 1.2)
    g = cv2.merge([g, g, g])
    g.flags.writeable = False
    return g


@lru_cache(maxsize=4)
def _full_grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    xs.flags.writeable = ys.flags.writeable = False
    return xs, ys


def _grid(shape_hw: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = _full_grid(1024, 1024)
    return xs[: shape_hw[0], : shape_hw[1]], ys[: shape_hw[0], : shape_hw[1]]


def _radius_map(shape_hw: tuple[int, int], c: np.ndarray) -> np.ndarray:
    xs, ys = _grid(shape_hw)
    return cv2.magnitude(xs - np.float32(c[0]), ys - np.float32(c[1]))


def half_extent(shape: str, radius: float, aspect: float) -> float:
    """Half the side of a square that holds the part's outline turned by any angle (a plate's corners included)."""
    return radius * (float(np.hypot(aspect, 1.0)) if shape == "plate" else 1.0)


def _outline(shape: str, roi_size: tuple[int, int], c: np.ndarray, radius: float, angle: float,
             aspect: float, bolts: int, form: Form = Form()) -> tuple[np.ndarray, list[tuple[np.ndarray, float]]]:
    """AA mask of the part's outline in its region and its holes (centre, radius)."""
    h, w = roi_size
    m = np.zeros((h, w), np.uint8)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    if shape in FAMILY_SHAPES:
        holes = draw_family(m, shape, c, radius, angle, bolts, form)
    elif shape == "disc":
        cv2.circle(m, tuple(int(v) for v in np.round(c * 16)), int(radius * 16), 255, -1, cv2.LINE_AA, shift=4)
        holes = [(c, 0.2 * radius)]
        for k in range(bolts):
            a = angle + 2 * np.pi * k / bolts
            holes.append((c + 0.64 * radius * np.array([np.cos(a), np.sin(a)]), 0.065 * radius))
    else:
        hw, hh, rr = radius * aspect, radius, 0.18 * radius
        a = np.linspace(0, np.pi / 2, 8)
        arc = np.stack([np.cos(a), np.sin(a)], 1) * rr
        pts = np.concatenate([arc + (hw - rr, hh - rr), arc @ np.array([[-1, 0], [0, 1]]) + (-hw + rr, hh - rr),
                              -arc + (-hw + rr, -hh + rr), arc @ np.array([[1, 0], [0, -1]]) + (hw - rr, -hh + rr)])
        pts = np.concatenate([pts[:8], pts[8:16][::-1], pts[16:24], pts[24:][::-1]])
        cv2.fillPoly(m, [np.round((pts @ rot.T + c) * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
        holes = [(c + rot @ np.array([sx * (hw - 0.3 * hh), sy * 0.7 * hh]), 0.1 * hh)
                 for sx in (-1, 1) for sy in (-1, 1)]
    for centre, r in holes:
        cv2.circle(m, tuple(int(v) for v in np.round(centre * 16)), int(r * 16), 0, -1, cv2.LINE_AA, shift=4)
    return m, holes


def _filleted(solid: np.ndarray, radius: float, rng: np.random.Generator) -> np.ndarray:
    """Height field with wide moulding radii (5-14 % of the part's radius): a quarter-round edge, or a pillowed
    relief (the outline blurred). Their highlights and creases run inside the outline, between close holes and
    where an arm meets a boss, and are no defect."""
    width = float(rng.uniform(0.05, 0.14)) * radius
    if rng.random() < 0.5:
        return cv.rounded_height(solid, width, precise=False)
    pillow = cv2.GaussianBlur(solid.astype(np.float32), (0, 0), width / 2.5)
    return pillow * np.float32(width) * (solid > 0)


def _albedo(material: str, plastic: tuple, shape_hw: tuple[int, int], c: np.ndarray, shape: str,
            azimuth: float, frame: tuple[int, int]) -> np.ndarray:
    h, w = shape_hw
    noise = cv._noise_tile(frame[1], frame[0])[:h, :w, 1]
    if material == "plastic":
        grain = _grain(frame)[:h, :w]
        return grain * np.asarray(plastic, np.float32)
    metal = np.asarray(MATERIALS[material][0], np.float32)
    if shape != "disc":  # brushed, not turned
        streaks = cv2.GaussianBlur(noise, (0, 0), sigmaX=9.0, sigmaY=0.6)
        return metal * (1.0 + 0.35 * streaks)[..., None]
    xs, ys = _grid(shape_hw)
    dx, dy = xs - np.float32(c[0]), ys - np.float32(c[1])
    r = cv2.magnitude(dx, dy)
    theta = np.arctan2(dy, dx)
    rings = 0.04 * np.sin(r * 2.1 + 3 * np.sin(r * 0.05)) + 0.02 * cv2.GaussianBlur(noise, (0, 0), 0.7)
    aniso = 0.78 + 0.4 * np.abs(np.cos(theta - np.radians(azimuth))) ** 6
    return metal * (aniso * (1.0 + rings))[..., None]


def render_part(rng: np.random.Generator | int | None = None, *, defect: str | None = None,
                style: str | Knobs = "line", size: tuple[int, int] = (640, 480)) -> cv.Rendered:
    """One part, good (``defect=None``) or with a defect from ``DEFECT_KINDS``."""
    if defect is not None and defect not in DEFECT_KINDS:
        raise ValueError(f"unknown defect {defect!r}; allowed: {', '.join(DEFECT_KINDS)} or None")
    knobs = knobs_for(style)
    rng = cv.as_rng(rng)
    W, H = size
    looks = PART_LOOKS.get(knobs.name)
    looks = looks if looks is not None and rng.random() < looks.share else None
    shape = pick(rng, looks.shapes if looks else knobs.part_shapes)
    material = pick(rng, knobs.part_materials)
    plastic = pick(rng, knobs.plastic_colors)
    form = Form()
    if looks:
        if rng.random() < looks.free_color:
            plastic = random_bgr(rng, (0.0, 1.0), (0.1, 0.95))
        form = draw_form(rng, shape)
    azimuth = uniform(rng, knobs.light_azimuth_deg)
    light = cv.light_vector(azimuth)
    aspect = float(rng.uniform(1.2, 1.5)) if shape == "plate" else 1.0
    fill = uniform(rng, looks.fill if looks else knobs.fill)
    radius = fill * min(W, H) / 2 / (1.0 if shape != "plate" else aspect * 0.75)
    angle = float(rng.uniform(0, 2 * np.pi)) if shape != "plate" else np.radians(
        rng.uniform(-knobs.rotation_deg, knobs.rotation_deg))
    ext = half_extent(shape, radius, aspect)
    keep_in = knobs.perspective * max(W, H) + 2
    cx = W / 2 + rng.uniform(-1, 1) * max(min(knobs.shift_px, W / 2 - ext - keep_in), 0)
    cy = H / 2 + rng.uniform(-1, 1) * max(min(knobs.shift_px, H / 2 - min(ext, radius * 1.3) - keep_in), 0)

    canvas = surface(rng, pick(rng, looks.surfaces), knobs, size) if looks else cv.belt(
        pick(rng, knobs.belt_colors), size, rng)
    gain = cv.lighting(size, knobs, rng, azimuth)
    x0, y0 = max(int(cx - ext) - 4, 0), max(int(cy - ext) - 4, 0)
    x1, y1 = min(int(cx + ext) + 5, W), min(int(cy + ext) + 5, H)
    roi_hw = (y1 - y0, x1 - x0)
    c = np.array([cx - x0, cy - y0])
    alpha, holes = _outline(shape, roi_hw, c, radius, angle, aspect, pick(rng, knobs.bolt_holes), form)
    solid = (alpha > 127).astype(np.uint8)

    low = cv2.resize(alpha, (roi_hw[1] // cv.GAIN_SCALE, roi_hw[0] // cv.GAIN_SCALE), interpolation=cv2.INTER_AREA)
    part_low = np.zeros_like(gain)
    gy, gx = y0 // cv.GAIN_SCALE, x0 // cv.GAIN_SCALE
    part_low[gy : gy + low.shape[0], gx : gx + low.shape[1]] = low[: gain.shape[0] - gy, : gain.shape[1] - gx] / 255.0
    away = -light[:2] / np.hypot(light[0], light[1])
    lift, dark = (0.05, 0.45) if not looks else (float(rng.uniform(0.02, 0.1)), float(rng.uniform(0.3, 0.6)))
    cv.soft_shadow(gain, part_low, tuple(away * lift * radius), lift * radius, dark, keep=part_low)
    if not looks or rng.random() >= looks.open_holes:  # else the holes show only the part's cast shadow
        for centre, r in holes:  # the belt under a hole lies in the part's shadow
            g = np.ones((int(2 * r) + 5,) * 2, np.float32)
            cv2.circle(g, (g.shape[0] // 2,) * 2, int(r), 0.5, -1, cv2.LINE_AA)
            cv.modulate(canvas, g, int(round(centre[0] + x0)), int(round(centre[1] + y0)))

    bevel = max(0.035 * radius, 2.0)
    filleted = bool(looks and rng.random() < looks.fillets)
    if filleted:
        height = _filleted(solid, radius, rng)
    else:
        height = cv.rounded_height(solid, bevel, precise=False)
    if shape == "disc":
        r = _radius_map(roi_hw, c) * np.float32(1.0 / radius)
        hub = np.clip((np.float32(0.34) - r) * np.float32(50.0), 0, 1)
        groove = np.maximum(np.float32(1.0) - np.abs(r - np.float32(0.84)) * np.float32(1.0 / 0.014), 0)
        height += np.float32(bevel) * (np.float32(0.9) * hub - np.float32(0.6) * groove * groove) * (height > 0)

    soft = None
    strength = uniform(rng, knobs.defect_strength)
    varied = bool(looks and defect is not None and rng.random() < looks.defect_looks)
    if defect is not None:
        dist = cv2.distanceTransform(solid, cv2.DIST_L2, 3)
        from_edge = varied and defect == "crack" and rng.random() < looks.edge_cracks
        inner = np.argwhere(dist > (max(3.0, 0.03 * radius) if varied else 0.1 * radius))
        for _ in range(20):
            start = edge_start(dist, rng, notch=0.5) if from_edge else None
            if start is not None:  # a crack running in from the rim or a hole's edge
                soft = crack(roi_hw, start[0], radius, rng, varied=True, heading=start[1]) * (dist > 0.5)
            else:
                at = inner[int(rng.integers(len(inner)))][::-1].astype(np.float64)
                soft = (DRAWERS[defect](roi_hw, at, radius, rng, varied=True) if varied else
                        DRAWERS[defect](roi_hw, at, radius, rng)) * (dist > 2)
            if np.count_nonzero(soft > 0.25) >= 12:
                break
        if defect == "dent":  # varied: up to a deep ding whose walls show even on a dark part
            depth = (0.5 * bevel + 0.06 * radius) * 0.5 * strength * (rng.uniform(1.0, 2.5) if varied else 1.0)
            height -= soft * depth
        elif defect == "scratch":  # a groove: its walls catch and lose the light
            height -= soft * 2.5 * strength
    height = cv2.GaussianBlur(height, (0, 0), 0.8)
    _, shininess, spec_k, metallic = MATERIALS.get(material, (None, 12.0, 0.12, False))
    glossy = bool(looks) and ((material == "plastic" and rng.random() < looks.gloss)
                              or (filleted and rng.random() < 0.5))
    if glossy:  # glossy moulding or polished radii: sharp highlights along the edges and the slopes of the radii
        shininess, spec_k = float(rng.uniform(20, 80)), float(rng.uniform(0.3, 0.9))
    diffuse, spec = cv.shade(height, light, shininess)
    color = _albedo(material, plastic, roi_hw, c, shape, azimuth, size)
    if looks and rng.random() < looks.texture:
        color *= surface_texture(rng, roi_hw)[..., None]
    if looks and rng.random() < looks.rims:
        color *= rim_light(solid, rng)[..., None]
    lum = cv2.merge([diffuse] * 3)
    color *= cv2.addWeighted(lum, 0.72, lum, 0.0, 0.38)
    color += cv2.merge([spec * np.float32(255.0 * spec_k)] * 3)
    if varied and defect == "dent" and rng.random() < 0.5:  # a fresh ding: burnished walls, a shadowed floor
        ding = np.minimum(soft * 3.0, 1.0)
        color *= (1.0 - ding * float(rng.uniform(0.0, 0.5)))[..., None]
        color += cv2.merge([spec * ding * np.float32(255.0 * rng.uniform(0.2, 0.6))] * 3)
    if soft is not None and defect != "dent":
        bx, by, bw, bh = cv.bbox(soft > 0.004) or (0, 0, 0, 0)
        window = (slice(by, by + bh), slice(bx, bx + bw))
        patch = np.ascontiguousarray(color[window])
        apply_marks(patch, defect, soft[window], strength, metallic, rng, varied=varied)
        color[window] = patch
    cv.blend_region(canvas, x0, y0, color, alpha.astype(np.float32) / 255.0)

    mask = _no_defect(size)
    if soft is not None:
        mask = np.zeros((H, W), bool)
        mask[y0:y1, x0:x1] = soft > 0.25
    hom = cv.perspective(size, knobs.perspective, rng)
    if hom is not None:
        canvas, gain, warped = cv.warp_view(hom, canvas, gain, mask if soft is not None else None, size)
        mask = warped if soft is not None else mask
        cx, cy = cv.warp_points(hom, np.array([[cx, cy]]))[0]
    if rng.random() < knobs.glare_prob:
        cv.add_glare(gain, rng)
    image = cv.finish(canvas, gain, knobs, rng)
    if looks and looks.light_tint > 0:
        image = tinted(image, tuple(1.0 + rng.uniform(-looks.light_tint, looks.light_tint, 3)))
    box = cv.bbox(mask) if soft is not None else None
    truth = {
        "kind": "part",
        "defect": defect,
        "defect_box": box,
        "should_pass": defect is None,
        "shape": shape,
        "material": material,
        "center": [round(float(cx), 1), round(float(cy), 1)],
        "style": knobs.name,
    }
    return cv.Rendered(image, truth, mask)
