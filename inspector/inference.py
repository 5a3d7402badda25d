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
        return versions_of(self.models)

    def get(self, name: str) -> Model | None:
        return next((m for m in self.models if m.name == name), None)

    def replace(self, name: str, model: Model) -> None:
        """Put ``model`` in the place of the one named ``name``: one list swap, so a part already being inferred
        finishes on the models it started with."""
        self.models = [model if m.name == name else m for m in self.models]

    def run(self, image: np.ndarray) -> list[ModelResult]:
        return self.run_with_versions(image)[0]

    def run_with_versions(self, image: np.ndarray) -> tuple[list[ModelResult], dict[str, str]]:
        """The results, and the versions of exactly the models that gave them (for the part's record)."""
        models = self.models
        dx = dy = 0
        if self.roi is not None:
            x, y, w, h = self.roi
            image = image[y : y + h, x : x + w]
            dx, dy = x, y
        return [_shift(m.infer(image), dx, dy) for m in models], versions_of(models)


def versions_of(models: Sequence[Model]) -> dict[str, str]:
    return {m.name: f"{m.version} {m.sha256[:12]}" for m in models}
