"""Images and masks of a data set brought to the frame size the product is inspected at, kept in memory.

A frame is what the station's camera delivers after its ROI: the package's input. An image of another size is
resized to it the way the station resizes a frame (``cv2.INTER_AREA`` to shrink, linear to grow), so training sees
what the line will see. Grey images stay one channel here (a third of the memory) and are widened per batch.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from inspector.training.samples import Sample
from inspector.training.sources import SourceError


@dataclass
class Frame:
    sample: Sample
    image: np.ndarray  # uint8 H x W x 1 (grey) or x 3 (BGR)
    mask: np.ndarray | None  # bool H x W, defect pixels
    region: np.ndarray | None = None  # bool H x W: QA's box, the defect somewhere inside (no mask)


def resize_like_station(image: np.ndarray, frame: tuple[int, int]) -> np.ndarray:
    h, w = frame
    if image.shape[:2] == (h, w):
        return image
    shrink = image.shape[0] * image.shape[1] > h * w
    return cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def read_bgr(sample: Sample) -> np.ndarray:
    image = cv2.imread(str(sample.path), cv2.IMREAD_COLOR)
    if image is None:
        raise SourceError(f"{sample.path}: not a readable image (corrupt or unknown format)")
    return image


def load_frame(sample: Sample, frame: tuple[int, int]) -> Frame:
    raw_image = read_bgr(sample)
    image = resize_like_station(raw_image, frame)
    if np.array_equal(image[..., 0], image[..., 1]) and np.array_equal(image[..., 1], image[..., 2]):
        image = image[..., :1].copy()
    mask = None
    if sample.mask is not None:
        raw = cv2.imread(str(sample.mask), cv2.IMREAD_GRAYSCALE)
        if raw is None:
            raise SourceError(f"{sample.mask}: not a readable image (mask)")
        soft = cv2.resize((raw > 127).astype(np.float32), (frame[1], frame[0]), interpolation=cv2.INTER_AREA)
        mask = soft > 0.25  # a 2-px crack in a shrunk image still marks the pixels it crosses
    region = _box_region(sample.box, raw_image.shape[:2], frame) if mask is None and sample.box else None
    return Frame(sample, image, mask, region)


def _box_region(box: tuple[int, int, int, int], size: tuple[int, int], frame: tuple[int, int]) -> np.ndarray | None:
    """QA's box scaled to the frame, grown by 4 px (a box drawn by hand is rarely tight); None if it misses the image."""
    sy, sx = frame[0] / size[0], frame[1] / size[1]
    x, y, w, h = box
    x0, y0 = max(int(np.floor(x * sx)) - 4, 0), max(int(np.floor(y * sy)) - 4, 0)
    x1, y1 = min(int(np.ceil((x + w) * sx)) + 4, frame[1]), min(int(np.ceil((y + h) * sy)) + 4, frame[0])
    if x1 <= x0 or y1 <= y0:
        return None
    region = np.zeros(frame, bool)
    region[y0:y1, x0:x1] = True
    return region


def as_bgr(image: np.ndarray) -> np.ndarray:
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image


def to_tensor_batch(images: list[np.ndarray]):
    """uint8 BGR/grey H x W x C crops → float RGB 0..1 [N, 3, H, W] (the package graph's own preprocessing)."""
    import torch

    arr = np.stack([as_bgr(i)[..., ::-1] for i in images]).astype(np.float32) * np.float32(1 / 255)
    return torch.from_numpy(np.ascontiguousarray(arr.transpose(0, 3, 1, 2)))
