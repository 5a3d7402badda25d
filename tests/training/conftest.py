"""Tiny labelled folders (grey textured surfaces, dark cracks with masks), written fresh for each test."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest


def surface(rng: np.random.Generator, shape=(96, 128)) -> np.ndarray:
    base = cv2.GaussianBlur(rng.normal(128, 30, shape).astype(np.float32), (0, 0), 2.0)
    return np.clip(base + rng.normal(0, 4, shape), 0, 255).astype(np.uint8)


def crack(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    h, w = image.shape[:2]
    p0 = (int(rng.integers(10, w // 2)), int(rng.integers(10, h - 10)))
    p1 = (int(rng.integers(w // 2, w - 10)), int(rng.integers(10, h - 10)))
    out = image.copy()
    cv2.line(out, p0, p1, 30, 2)
    mask = np.zeros((h, w), np.uint8)
    cv2.line(mask, p0, p1, 255, 2)
    return out, mask


def write_folder(root: Path, *, good: int = 10, defect: int = 8, masks: bool = True, seed: int = 0,
                 shape=(96, 128)) -> Path:
    rng = np.random.default_rng(seed)
    (root / "good").mkdir(parents=True)
    for i in range(good):
        cv2.imwrite(str(root / "good" / f"g{i:02d}.jpg"), surface(rng, shape))
    if defect:
        (root / "defect").mkdir()
        if masks:
            (root / "masks").mkdir()
    for i in range(defect):
        image, mask = crack(surface(rng, shape), rng)
        cv2.imwrite(str(root / "defect" / f"d{i:02d}.png"), image)
        if masks:
            cv2.imwrite(str(root / "masks" / f"d{i:02d}.png"), mask)
    return root


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_folder(tmp_path / "labelled")
