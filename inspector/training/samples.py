"""What every training source is read into: labelled images, whatever their origin (a folder, an export, the database)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Task = Literal["defect", "count"]


@dataclass(frozen=True)
class Sample:
    """One labelled image.

    ``label``: ``"good"`` / ``"defect"`` for the defect task (None for the count task). ``mask``: a defect mask of the
    same size as the image (non-zero = defect), where the source has one. ``box``: where QA drew the defect
    (``[x, y, w, h]`` in the image's pixels) when there is no mask: the defect is inside, its pixels unknown. ``points``: cartridge centres in the image's
    pixels (count task). ``covered``: QA marked the view as covered (the count cannot be made). ``group``: what must
    never be split across train / validation / test (a lot, a run, a part id); ``key``: a stable id for the manifest.
    """

    path: Path
    key: str
    label: Literal["good", "defect"] | None = None
    mask: Path | None = None
    box: tuple[int, int, int, int] | None = None
    points: tuple[tuple[float, float], ...] | None = None
    covered: bool = False
    group: str = ""


@dataclass(frozen=True)
class Dataset:
    """A read, checked source: its samples, what it was (``kind``, ``origin``) and one hash over its content."""

    task: Task
    samples: tuple[Sample, ...]
    kind: str  # "folder" | "export" | "database"
    origin: str  # the path (or database) as given
    content_sha256: str
    notes: dict[str, object] = field(default_factory=dict)
