"""Rendered training and test data, cached once under ``models/.cache`` (git-ignored) with fixed seeds.

Train and validation splits use seeds below 2026; ``TEST_SEED`` (2026) is the fixed test split, never trained on.
A split is rendered on two worker processes and stored as one ``.npz``; the same name, seed and settings give the same
arrays, so a second run reads the file instead of rendering again.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "models" / ".cache"
TEST_SEED = 2026
WORKERS = 2

# counter: the net sees the frame at half size (the graph's 2 x 2 block average) and answers per 8 x 8 frame block
COUNTER_INPUT = (240, 320)
COUNTER_STRIDE = 8  # frame pixels per heat-map cell
COUNTER_MAP = (480 // COUNTER_STRIDE, 640 // COUNTER_STRIDE)
MAX_CAPS = 64  # the widest layout is 6 x 10


def cached(name: str, settings: dict[str, Any], build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays of split ``name``, from the cache when rendered before with the same ``settings``."""
    key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    path = CACHE / f"{name}-{key}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    arrays = build()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)
    return arrays


def half_size_rgb(image_bgr: np.ndarray) -> np.ndarray:
    """The counter graph's preprocessing up to the scale: 2 x 2 block average, RGB order (rounded to uint8)."""
    h, w = image_bgr.shape[:2]
    blocks = image_bgr.reshape(h // 2, 2, w // 2, 2, 3).astype(np.float32).mean(axis=(1, 3))
    return np.round(blocks[..., ::-1]).astype(np.uint8)


def frame_to_cell(xy: np.ndarray) -> np.ndarray:
    """Frame pixel centres to heat-map cell coordinates (the inverse of the station's ``MapGeometry``)."""
    return (np.asarray(xy, np.float32) + 0.5) / COUNTER_STRIDE - 0.5


def occluder_map(mask: np.ndarray | None, slots_xy: np.ndarray, radius_px: float) -> np.ndarray:
    """Per heat-map cell: 1 where the occluder covers a quarter of the cell or more (a pen is thinner than a cell) and
    the cell lies on a slot's cap disc."""
    h, w = COUNTER_MAP
    if mask is None or not len(slots_xy):
        return np.zeros((h, w), np.uint8)
    s = COUNTER_STRIDE
    covered = mask.reshape(h, s, w, s).mean(axis=(1, 3)) >= 0.25
    cells = frame_to_cell(slots_xy)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    r = max(radius_px / s, 0.75)
    near = np.zeros((h, w), bool)
    for cx, cy in cells:
        near |= (cols - cx) ** 2 + (rows - cy) ** 2 <= r * r
    return (covered & near).astype(np.uint8)


def _render_counter_items(args: tuple[dict[str, Any], int, int]) -> list[tuple]:
    from hardware.synthetic import ItemStream

    stream_args, start, stop = args
    stream = ItemStream("box", **stream_args)
    out = []
    for i in range(start, stop):
        item = stream.render(i)
        t = item.truth
        centres = np.asarray(t["centers"], np.float32).reshape(-1, 2)
        slots = np.concatenate([centres, np.asarray(t["empty"], np.float32).reshape(-1, 2)])
        out.append((half_size_rgb(item.image), centres, occluder_map(item.mask, slots, t["radius_px"]),
                    bool(t["occluded"]), int(t["count"]), int(t["expected"]), float(t["radius_px"])))
    return out


def counter_split(*, style: str, seed: int, items: int, missing_rate: float, occlusion_rate: float,
                  layout: tuple[int, int] | None = None) -> dict[str, np.ndarray]:
    """Boxes from ``hardware.synthetic.ItemStream``: half-size RGB images, cap centres (frame px, NaN padded),
    occluder-on-slot maps, occluded flags, counts, slots, cap radii."""
    if seed == TEST_SEED:
        raise ValueError(f"seed {TEST_SEED} is the fixed test split: never rendered for training")
    stream_args = {"seed": seed, "style": style, "missing_rate": missing_rate, "occlusion_rate": occlusion_rate,
                   "layout": layout}

    def build() -> dict[str, np.ndarray]:
        step = -(-items // (4 * WORKERS))
        chunks = [(stream_args, a, min(a + step, items)) for a in range(0, items, step)]
        with ProcessPoolExecutor(WORKERS) as pool:
            rows = [row for chunk in pool.map(_render_counter_items, chunks) for row in chunk]
        centres = np.full((items, MAX_CAPS, 2), np.nan, np.float32)
        for i, row in enumerate(rows):
            centres[i, : len(row[1])] = row[1]
        return {"images": np.stack([r[0] for r in rows]), "centres": centres,
                "occluder_maps": np.stack([r[2] for r in rows]), "occluded": np.array([r[3] for r in rows]),
                "counts": np.array([r[4] for r in rows], np.int16), "expected": np.array([r[5] for r in rows], np.int16),
                "radius_px": np.array([r[6] for r in rows], np.float32)}

    return cached(f"counter-{style}-{seed}", {**stream_args, "items": items, "v": 4}, build)  # v4: thin occluders on the map


# classifier: the net sees the whole frame (RGB, full size: thin scratches survive); one map cell per 4 x 4 block
CLASSIFIER_INPUT = (480, 640)
CLASSIFIER_STRIDE = 4
CLASSIFIER_MAP = (480 // CLASSIFIER_STRIDE, 640 // CLASSIFIER_STRIDE)
CLASSIFIER_KINDS = ("good", "scratch", "crack", "spot", "dent", "empty")


def block_fraction(mask: np.ndarray | None, stride: int = CLASSIFIER_STRIDE) -> np.ndarray:
    """Share of defect pixels per ``stride x stride`` frame block, as uint8 0..255 (the defect map's target)."""
    h, w = CLASSIFIER_MAP
    if mask is None:
        return np.zeros((h, w), np.uint8)
    frac = mask.reshape(h, stride, w, stride).mean(axis=(1, 3))
    return np.round(frac * 255).astype(np.uint8)


def render_empty_view(rng: np.random.Generator, style: str) -> np.ndarray:
    """A belt with no part on it (random belt colour, lighting, glare and camera noise of ``style``; for the wide
    style also the work surfaces parts lie on there): BGR frame."""
    from hardware.synthetic import canvas as cv
    from hardware.synthetic.knobs import knobs_for, pick, uniform
    from hardware.synthetic.looks import surface
    from hardware.synthetic.part import PART_LOOKS

    knobs = knobs_for(style)
    size = (640, 480)
    looks = PART_LOOKS.get(knobs.name)
    if looks is not None and rng.random() < looks.share:
        canvas = surface(rng, pick(rng, looks.surfaces), knobs, size)
    else:
        canvas = cv.belt(pick(rng, knobs.belt_colors), size, rng)
    gain = cv.lighting(size, knobs, rng, uniform(rng, knobs.light_azimuth_deg))
    if rng.random() < knobs.glare_prob:
        cv.add_glare(gain, rng)
    return cv.finish(canvas, gain, knobs, rng)


def _render_classifier_items(args: tuple[dict[str, Any], int, int, float]) -> list[tuple]:
    from hardware.synthetic import ItemStream

    stream_args, start, stop, empty_rate = args
    stream = ItemStream("part", **stream_args)
    out = []
    for i in range(start, stop):
        pick_rng = np.random.default_rng([stream_args["seed"], 77, i])
        centre = (320.0, 240.0)
        if pick_rng.random() < empty_rate:
            image, mask, kind = render_empty_view(pick_rng, stream_args["style"]), None, "empty"
        else:
            item = stream.render(i)
            image, kind = item.image, item.truth["defect"] or "good"
            mask = item.mask if item.truth["defect"] else None
            centre = tuple(item.truth["center"])
        out.append((np.ascontiguousarray(image[..., ::-1]), block_fraction(mask), CLASSIFIER_KINDS.index(kind),
                     centre))
    return out


def classifier_split(*, style: str, seed: int, items: int, defect_rate: float = 0.5,
                     empty_rate: float = 0.0) -> dict[str, np.ndarray]:
    """Parts from ``hardware.synthetic.ItemStream`` (and, at ``empty_rate``, belts with no part): full-size RGB
    images, defect-map targets (share of defect pixels per 4 x 4 frame block, uint8), kinds (index into
    ``CLASSIFIER_KINDS``) and part centres (frame pixels; the frame's centre for an empty view)."""
    if seed == TEST_SEED:
        raise ValueError(f"seed {TEST_SEED} is the fixed test split: never rendered for training")
    stream_args = {"seed": seed, "style": style, "defect_rate": defect_rate}

    def build() -> dict[str, np.ndarray]:
        step = -(-items // (4 * WORKERS))
        chunks = [(stream_args, a, min(a + step, items), empty_rate) for a in range(0, items, step)]
        with ProcessPoolExecutor(WORKERS) as pool:
            rows = [row for chunk in pool.map(_render_classifier_items, chunks) for row in chunk]
        return {"images": np.stack([r[0] for r in rows]), "maps": np.stack([r[1] for r in rows]),
                "kinds": np.array([r[2] for r in rows], np.int8),
                "centres": np.array([r[3] for r in rows], np.float32)}

    # v8: levers, brackets, knurled rings, castings, textures, rims, open holes, edge cracks, drops, gloss, whole plates;
    # v12: opaque blots, deep dings, wide moulding radii (half glossy), cracks from notches
    return cached(f"classifier-{style}-{seed}", {**stream_args, "items": items, "empty_rate": empty_rate, "v": 12},
                  build)
