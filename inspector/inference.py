"""Runs a recipe's models on one frame: crop to the region of interest, infer, map results back to frame pixels."""
from __future__ import annotations

import dataclasses
from typing import Protocol, Sequence

import numpy as np

from inspector.types import ClassifyResult, CountResult, ModelResult


class Model(Protocol):
    name: str
    version: str
    sha256: str

    def infer(self, image_bgr: np.ndarray) -> ModelResult: ...


def _shift(result: ModelResult, dx: int, dy: int) -> ModelResult:
    if dx == 0 and dy == 0:
        return result
    if isinstance(result, CountResult):
        return dataclasses.replace(result, points=[(x + dx, y + dy, s) for x, y, s in result.points])
    if isinstance(result, ClassifyResult):
        box = result.defect_box
        return dataclasses.replace(
            result,
            defect_box=None if box is None else (box[0] + dx, box[1] + dy, box[2], box[3]),
            defect_outline=[(x + dx, y + dy) for x, y in result.defect_outline],
        )
    return result


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
