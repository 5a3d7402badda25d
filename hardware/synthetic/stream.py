"""A deterministic stream of rendered items for the simulated line and for benchmarks.

Item ``i`` depends only on ``(seed, product, i)`` and the settings, so a stream can be replayed, sampled at random
(:meth:`ItemStream.render`) or rendered ahead (:meth:`ItemStream.pool`) with identical images.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from hardware.synthetic import canvas as cv
from hardware.synthetic.box import render_box
from hardware.synthetic.defects import DEFECT_KINDS
from hardware.synthetic.knobs import Knobs, knobs_for, pick
from hardware.synthetic.part import render_part

PRODUCTS = {"box": 1, "part": 2}


@lru_cache(maxsize=8)
def render_empty(size: tuple[int, int] = (640, 480), style: str = "line") -> cv.Rendered:
    """The bare belt, lit as the station lights it: what the camera sees between items. Read-only, cached."""
    knobs = knobs_for(style)
    rng = np.random.default_rng(0)
    canvas = cv.belt(knobs.belt_colors[0], size, rng)
    image = cv.finish(canvas, cv.lighting(size, knobs, rng, knobs.light_azimuth_deg[0]), knobs, rng)
    image.flags.writeable = False
    return cv.Rendered(image, {"kind": "empty", "should_pass": None, "style": knobs.name})


class ItemStream:
    """Boxes or parts as the line brings them.

    - ``missing_rate``: share of boxes with at least one empty slot (1 empty most often, sometimes 2-4).
    - ``occlusion_rate``: share of boxes with a hand, glove, tool or label over them (kinds weighted by the style).
    - ``defect_rate``: share of parts with a defect, kinds drawn evenly from ``defects``.
    - ``layout``: (rows, cols) of every box; None takes the style's (the line's 4 x 6, or random when ``"wide"``).
    """

    def __init__(self, product: str = "box", *, seed: int = 0, style: str | Knobs = "line",
                 missing_rate: float = 0.1, occlusion_rate: float = 0.05, defect_rate: float = 0.15,
                 layout: tuple[int, int] | None = None, size: tuple[int, int] = (640, 480),
                 defects: tuple[str, ...] = DEFECT_KINDS) -> None:
        if product not in PRODUCTS:
            raise ValueError(f"unknown product {product!r}; allowed: {', '.join(PRODUCTS)}")
        unknown = set(defects) - set(DEFECT_KINDS)
        if unknown or not defects:
            raise ValueError(f"defects must be a non-empty subset of {DEFECT_KINDS}, got {defects!r}")
        self.product, self.seed, self.knobs = product, int(seed), knobs_for(style)
        self.missing_rate, self.occlusion_rate, self.defect_rate = missing_rate, occlusion_rate, defect_rate
        self.layout, self.size, self.defects = layout, tuple(size), tuple(defects)
        self._index = 0
        self._lock = threading.Lock()

    @property
    def index(self) -> int:
        """The index the next call to :meth:`next` renders."""
        return self._index

    def render(self, index: int) -> cv.Rendered:
        """Item ``index`` of this stream (does not move the stream)."""
        rng = np.random.default_rng([self.seed, PRODUCTS[self.product], int(index)])
        item = self._box(rng) if self.product == "box" else self._part(rng)
        item.truth.update(seed=self.seed, index=int(index))
        return item

    def next(self) -> cv.Rendered:
        with self._lock:
            index = self._index
            self._index += 1
        return self.render(index)

    __next__ = next

    def __iter__(self) -> ItemStream:
        return self

    def pool(self, n: int) -> list[cv.Rendered]:
        """The next ``n`` items, rendered now (benchmarks render ahead to time the station, not the simulator)."""
        with self._lock:
            start = self._index
            self._index += n
        return [self.render(i) for i in range(start, start + n)]

    def _box(self, rng: np.random.Generator) -> cv.Rendered:
        rows, cols = self.layout or pick(rng, self.knobs.layouts)
        empty: list[tuple[int, int]] = []
        if rng.random() < self.missing_rate:
            k = min(int(rng.geometric(0.6)), 4, rows * cols)
            empty = [divmod(int(i), cols) for i in rng.choice(rows * cols, size=k, replace=False)]
        occluder = None
        if rng.random() < self.occlusion_rate:
            kinds, weights = zip(*self.knobs.occluders)
            occluder = kinds[int(rng.choice(len(kinds), p=np.asarray(weights) / sum(weights)))]
        return render_box(rng, layout=(rows, cols), empty=empty, occluder=occluder, style=self.knobs, size=self.size)

    def _part(self, rng: np.random.Generator) -> cv.Rendered:
        defect = self.defects[int(rng.integers(len(self.defects)))] if rng.random() < self.defect_rate else None
        return render_part(rng, defect=defect, style=self.knobs, size=self.size)
