"""The working scale of a count package: the size every frame is resized to before the network sees it, chosen from
the labelled points' spacing so that neighbouring objects sit a fixed number of heat-map cells apart.

The counter network answers per 4 x 4 block of its input and finds an object as the maximum of a 5 x 5 cell window: it
works best when neighbours are about 4 cells (16 input pixels) apart, whatever the camera resolution or object size.
So a product with small caps in a large photograph is shrunk less (or enlarged), one with large caps shrunk more.
No torch here: the CLI can report the scale before training starts.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

TARGET_SPACING = 16.0  # net input pixels between neighbouring objects (4 heat-map cells)
MULTIPLE = 16  # the network halves the image four times
MIN_SIDE, MAX_SIDE = 64, 1024  # net input bounds (the long side is capped: memory and 2-core speed)
FALLBACK_LONG_SIDE = 640  # no image holds two objects: keep the frames' aspect, this long side


@dataclass(frozen=True)
class WorkingScale:
    input_hw: tuple[int, int]  # height, width of the frame the package takes (= the network's input)
    spacing_px: float | None  # median nearest-neighbour distance of the labelled points, in source pixels
    spacing_fraction: float | None  # the same as a fraction of the image width
    source_hw: tuple[int, int]  # median source image size
    spacing_input_px: float | None  # what the spacing becomes at input_hw
    images_measured: int  # images with two or more points
    how: str

    def manifest(self) -> dict:
        d = asdict(self)
        d["input_hw"], d["source_hw"] = list(self.input_hw), list(self.source_hw)
        return d


def nearest_neighbour_median(points: np.ndarray) -> float | None:
    """Median distance from each point to its nearest other point; None for fewer than two points."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    if len(pts) < 2:
        return None
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return float(np.median(d.min(axis=1)))


def _round(v: float) -> int:
    return int(min(MAX_SIDE, max(MIN_SIDE, MULTIPLE * round(v / MULTIPLE))))


def choose_scale(sizes_hw: list[tuple[int, int]], points: list[np.ndarray]) -> WorkingScale:
    """From each labelled image's size and points: the input size that puts the median spacing at
    ``TARGET_SPACING`` input pixels (rounded to multiples of 16, long side at most ``MAX_SIDE``)."""
    if not sizes_hw:
        raise ValueError("no images to choose a scale from")
    hs, ws = np.array([s[0] for s in sizes_hw], float), np.array([s[1] for s in sizes_hw], float)
    source_hw = (int(np.median(hs)), int(np.median(ws)))
    aspect = float(np.median(hs / ws))
    fractions, spacings = [], []
    for (h, w), pts in zip(sizes_hw, points):
        d = nearest_neighbour_median(pts)
        if d is not None and d > 0:
            fractions.append(d / w)
            spacings.append(d)
    if not fractions:
        long = max(source_hw)
        k = min(1.0, FALLBACK_LONG_SIDE / long)
        hw = (_round(source_hw[0] * k), _round(source_hw[1] * k))
        return WorkingScale(hw, None, None, source_hw, None, 0,
                            f"no image has two labelled objects: source size scaled to a long side of at most "
                            f"{FALLBACK_LONG_SIDE}")
    fraction = float(np.median(fractions))
    width = TARGET_SPACING / fraction
    height = width * aspect
    how = f"median nearest-neighbour spacing put at {TARGET_SPACING:g} input px"
    if max(width, height) > MAX_SIDE:
        k = MAX_SIDE / max(width, height)
        width, height = width * k, height * k
        how += f"; capped at a long side of {MAX_SIDE} (objects closer than the target)"
    hw = (_round(height), _round(width))
    return WorkingScale(hw, round(float(np.median(spacings)), 2), round(fraction, 5), source_hw,
                        round(fraction * hw[1], 2), len(fractions), how)
