"""Runs a recipe's models on one frame: crop to the region of interest, infer, map results back to frame pixels."""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from inspector import tasks
from inspector.types import ModelResult


class Model(Protocol):
    name: str
    version: str
    sha256: str

    def infer(self, image_bgr: np.ndarray) -> ModelResult: ...


def _shift(result: ModelResult, dx: int, dy: int) -> ModelResult:
    if dx == 0 and dy == 0:
        return result
    return tasks.for_result(result).shift(result, dx, dy)


class RecipeModels:
    """The models one recipe runs, in order, on the region of interest of a frame."""

    def __init__(self, models: Sequence[Model], roi: tuple[int, int, int, int] | None = None):
        self.models = list(models)
        self.roi = roi

    @property
    def versions(self) -> dict[str, str]:
        return {m.name: f"{m.version} {m.sha256[:12]}" for m in self.models}

    def run(self, image: np.ndarray) -> list[ModelResult]:
        dx = dy = 0
        if self.roi is not None:
            x, y, w, h = self.roi
            image = image[y : y + h, x : x + w]
            dx, dy = x, y
        return [_shift(m.infer(image), dx, dy) for m in self.models]
