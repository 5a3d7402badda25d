"""Which part images are kept, what their files are called, and how they reach the disk."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import cv2
import numpy as np

from inspector.record import PartRecord

_GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: consecutive ids spread evenly over [0, 1)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def pass_sample_point(part_id: int) -> float:
    """A fixed point in [0, 1) for each part id; a pass is kept when it falls below the kept fraction."""
    return ((part_id * _GOLDEN) & 0xFFFF_FFFF_FFFF_FFFF) / 2.0**64


@dataclass(frozen=True)
class ImagePolicy:
    """Every part that is not a plain pass keeps its image; passes keep theirs for a fraction of ids.

    The choice depends on the part id only, so a re-run of the same parts keeps the same images.
    """

    keep_pass_fraction: float = 0.02
    format: str = "jpg"  # "jpg" or "png"
    jpeg_quality: int = 90
    png_compression: int = 3
    id_digits: int = 8

    def __post_init__(self) -> None:
        if not 0.0 <= self.keep_pass_fraction <= 1.0:
            raise ValueError(f"keep_pass_fraction must be within 0..1, got {self.keep_pass_fraction}")
        if self.format not in ("jpg", "png"):
            raise ValueError(f"image format must be 'jpg' or 'png', got {self.format!r}")
        if not 0 <= self.jpeg_quality <= 100:
            raise ValueError(f"jpeg_quality must be within 0..100, got {self.jpeg_quality}")

    def keeps(self, record: PartRecord) -> bool:
        outcome = getattr(record.outcome, "value", record.outcome)
        if outcome != "pass":  # reject, uncertain, fail_safe, and anything unknown
            return True
        return pass_sample_point(record.part_id) < self.keep_pass_fraction

    def relative_path(self, record: PartRecord, images_root: str = "images") -> PurePosixPath:
        """``images/<UTC day of the trigger>/<zero-padded part id>.<ext>``, relative to the data directory."""
        return PurePosixPath(images_root, _day(record.wall_time), f"{record.part_id:0{self.id_digits}d}.{self.format}")

    def encode(self, image: np.ndarray) -> bytes:
        if self.format == "jpg":
            params = [cv2.IMWRITE_JPEG_QUALITY, int(self.jpeg_quality)]
        else:
            params = [cv2.IMWRITE_PNG_COMPRESSION, int(self.png_compression)]
        ok, buffer = cv2.imencode("." + self.format, np.ascontiguousarray(image), params)
        if not ok:
            raise ValueError(f"could not encode a {getattr(image, 'shape', '?')} image as {self.format}")
        return buffer.tobytes()


class ImageFiles:
    """Writes encoded images under ``data_dir``; a file appears under its final name only when complete."""

    def __init__(self, images_dir: Path | str, policy: ImagePolicy) -> None:
        self.images_dir = Path(images_dir)
        self.data_dir = self.images_dir.parent
        self.policy = policy
        self._made_dirs: set[Path] = set()
        self.last_sha256: str | None = None  # of the bytes the last ``write`` put on disk

    def path_for(self, record: PartRecord) -> PurePosixPath:
        return self.policy.relative_path(record, self.images_dir.name)

    def write(self, record: PartRecord, image: np.ndarray) -> str:
        """Encodes and writes the image of ``record``; returns its path relative to the data directory (the sha256 of
        the file's bytes is then in ``last_sha256``)."""
        self.last_sha256 = None
        relative = self.path_for(record)
        target = self.data_dir / relative
        folder = target.parent
        if folder not in self._made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(folder)
        data = self.policy.encode(image)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with open(partial, "wb") as f:
                f.write(data)
            os.replace(partial, target)
            self.last_sha256 = hashlib.sha256(data).hexdigest()
        except BaseException:
            self._made_dirs.discard(folder)
            try:
                partial.unlink(missing_ok=True)
            except OSError:
                pass
            raise
        return str(relative)


def _day(wall_time: str | None) -> str:
    if wall_time and _DAY.match(wall_time):
        return wall_time[:10]
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")
