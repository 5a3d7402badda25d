"""Fixtures: package folders written from the tiny graphs in ``tiny_packages``."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from .tiny_packages import build_package


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """Write a signed package folder (``kind``: count, classify, or frame_count: preprocessing in the graph);
    ``golden`` is a list of (image, expected, tolerance) written as PNG cases, before the cases the package needs to
    cover each outcome of its task (computed with its own graph; ``cover=False`` leaves them out)."""

    def make(kind: str = "count", name: str = "pkg", *, model: bytes | None = None,
             golden: list[tuple[np.ndarray, dict, dict]] = (), **options: Any) -> Path:
        return build_package(tmp_path / name, kind, model=model, golden=golden, **options)

    return make
