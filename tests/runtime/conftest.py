"""Fixtures: package folders written from the tiny graphs in ``tiny_packages``."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np
import pytest

from inspector.manifest import write_package

from .tiny_packages import (
    classify_manifest,
    count_manifest,
    frame_count_manifest,
    tiny_classify_model,
    tiny_count_model,
    tiny_frame_count_model,
)

MANIFESTS = {"count": count_manifest, "classify": classify_manifest, "frame_count": frame_count_manifest}
MODELS = {"count": tiny_count_model, "classify": tiny_classify_model, "frame_count": tiny_frame_count_model}


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """Write a package folder (``kind``: count, classify, or frame_count: preprocessing in the graph); ``golden`` is a
    list of (image, expected, tolerance) written as PNG cases."""

    def make(kind: str = "count", name: str = "pkg", *, model: bytes | None = None,
             golden: list[tuple[np.ndarray, dict, dict]] = (), **overrides: Any) -> Path:
        folder = tmp_path / name
        (folder / "golden").mkdir(parents=True)
        cases = []
        for i, (image, expected, tolerance) in enumerate(golden):
            cv2.imwrite(str(folder / "golden" / f"{i}.png"), image)
            cases.append({"input": f"golden/{i}.png", "expected": expected, "tolerance": tolerance})
        manifest = MANIFESTS[kind](golden=cases, **overrides)
        if model is None:
            model = MODELS[kind]()
        write_package(folder, model, manifest)
        return folder

    return make
