"""A product the shipped counter never saw, drawn by its own small renderer (neither ``hardware.synthetic`` nor
``models.independent``): a moulded rack of 5 x 8 round wells holding small amber or grey vial caps, seen by a 1280 x 960
camera from above, with empty wells, uneven light, blur, sensor noise, and some grey-scale frames.

``render_rack(rng)`` returns ``(image, points)``: uint8 BGR or grey, and the cap centres ``[(x, y), ...]`` in its
pixels. ``write_product(folder, n, seed)`` writes ``n`` PNGs and a ``points.csv`` of ``file,x,y`` (an empty rack as
``file,,``) — the labelled folder a user would bring to ``inspector train --task count``.

    python benchmarks/count_product.py OUT [--images 150] [--seed 1]
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import cv2
import numpy as np

FRAME = (960, 1280)  # height, width
ROWS, COLS = 5, 8
CAP_COLOURS = {"amber": (20, 105, 190), "grey": (128, 128, 124)}  # BGR


def _rack(rng: np.random.Generator, canvas: np.ndarray, pitch: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Draw the rack (a rotated rounded slab with dark wells) onto ``canvas``; return the well centres, the rotation
    matrix used, and the well radius."""
    h, w = FRAME
    angle = np.deg2rad(rng.uniform(-6, 6))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([w / 2 + rng.uniform(-0.12, 0.12) * w, h / 2 + rng.uniform(-0.1, 0.1) * h])
    gx = (np.arange(COLS) - (COLS - 1) / 2) * pitch
    gy = (np.arange(ROWS) - (ROWS - 1) / 2) * pitch
    local = np.array([(x, y) for y in gy for x in gx])
    wells = local @ rot.T + centre
    half = np.array([(COLS / 2 + 0.45) * pitch, (ROWS / 2 + 0.45) * pitch])
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half @ rot.T + centre
    body = np.float32(rng.choice([(58, 60, 62), (150, 120, 70), (200, 200, 196), (40, 90, 45)]))
    slab = np.zeros((h, w), np.float32)
    cv2.fillConvexPoly(slab, np.round(corners * 16).astype(np.int32), 1.0, cv2.LINE_AA, 4)
    shadow = cv2.GaussianBlur(np.roll(slab, (int(pitch * 0.15), int(pitch * 0.2)), (0, 1)), (0, 0), pitch * 0.15)
    canvas *= (1 - 0.45 * shadow)[..., None]
    canvas[:] = canvas * (1 - slab[..., None]) + body * slab[..., None]
    well_r = pitch * rng.uniform(0.36, 0.42)
    hole = np.zeros((h, w), np.float32)
    for x, y in wells:
        cv2.circle(hole, (int(x * 16), int(y * 16)), int(well_r * 16), 1.0, -1, cv2.LINE_AA, 4)
    canvas[:] = canvas * (1 - 0.6 * hole[..., None])
    rim = cv2.GaussianBlur(hole, (0, 0), 1.5) - hole
    canvas += (40 * np.clip(rim, 0, 1))[..., None]
    return wells, rot, well_r


def _cap(canvas: np.ndarray, x: float, y: float, r: float, colour: np.ndarray, rng: np.random.Generator) -> None:
    """A cap: a flat disc with a lighter crimp ring, a dark centre septum and a soft highlight."""
    k = int(np.ceil(r)) + 3
    x0, y0 = int(x) - k, int(y) - k
    ys, xs = np.mgrid[y0 : y0 + 2 * k + 1, x0 : x0 + 2 * k + 1].astype(np.float32)
    rad = np.hypot(xs - x, ys - y) / r
    cover = np.clip((1 - rad) * r + 0.5, 0, 1)[..., None]
    ring = np.clip((rad - 0.72) * 8, 0, 1)[..., None]
    septum = np.clip((0.32 - rad) * r + 0.5, 0, 1)[..., None]
    top = colour * (1 - 0.1 * rad[..., None]) * (1 - ring) + (colour * 0.6 + 80) * ring
    top = top * (1 - septum) + colour * 0.45 * septum
    hx, hy = x - 0.35 * r, y - 0.35 * r
    top = top + (70 * np.exp(-((xs - hx) ** 2 + (ys - hy) ** 2) / (2 * (0.2 * r) ** 2)))[..., None]
    H, W = canvas.shape[:2]
    ya, yb, xa, xb = max(y0, 0), min(y0 + 2 * k + 1, H), max(x0, 0), min(x0 + 2 * k + 1, W)
    sl = (slice(ya - y0, yb - y0), slice(xa - x0, xb - x0))
    region = canvas[ya:yb, xa:xb]
    region[:] = region * (1 - cover[sl]) + top[sl] * cover[sl]


def render_rack(rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[float, float]]]:
    h, w = FRAME
    floor = np.float32(rng.uniform(150, 215))
    canvas = np.full((h, w, 3), floor, np.float32) * np.float32(rng.uniform(0.9, 1.1, 3))
    canvas += cv2.resize(rng.normal(0, 6, (h // 16, w // 16)).astype(np.float32), (w, h))[..., None]
    pitch = rng.uniform(50, 60)
    wells, _, well_r = _rack(rng, canvas, pitch)
    colour_name = "amber" if rng.random() < 0.6 else "grey"
    colour = np.float32(CAP_COLOURS[colour_name]) * np.float32(rng.uniform(0.85, 1.15))
    cap_r = pitch * rng.uniform(0.25, 0.3)
    empty_rate = rng.choice([0.0, 0.05, 0.15, 0.3])
    filled = rng.random(len(wells)) >= empty_rate
    points = []
    for (x, y), full in zip(wells, filled):
        if full:
            cx, cy = x + rng.uniform(-0.06, 0.06) * pitch, y + rng.uniform(-0.06, 0.06) * pitch
            _cap(canvas, cx, cy, cap_r, colour, rng)
            points.append((float(cx), float(cy)))
    # uneven light: a tilted plane and a vignette
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-0.35, 0.35, 2)
    light = 1 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    light *= 1 - rng.uniform(0.1, 0.35) * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2) * 2
    canvas *= light[..., None] * rng.uniform(0.75, 1.2)
    sigma = rng.uniform(0.3, 2.2)
    canvas = cv2.GaussianBlur(canvas, (0, 0), sigma)
    canvas += rng.normal(0, rng.uniform(2, 8), canvas.shape).astype(np.float32)
    image = np.clip(canvas, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image, points


def write_product(folder: Path, n: int = 150, seed: int = 1) -> Path:
    """``n`` racks as ``rack_0000.png`` .. and ``points.csv`` (``file,x,y``; a rack without caps as ``file,,``)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        image, points = render_rack(np.random.default_rng([seed, i]))
        name = f"rack_{i:04d}.png"
        cv2.imwrite(str(folder / name), image)
        rows += [(name, f"{x:.1f}", f"{y:.1f}") for x, y in points] or [(name, "", "")]
    csv_path = folder / "points.csv"
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("file", "x", "y"))
        writer.writerows(rows)
    return csv_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--images", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(write_product(args.out, args.images, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
