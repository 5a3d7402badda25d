"""What every export format shares: where an item's image goes, class ids in order of first sight."""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from inspector.export.selection import ExportItem
from inspector.store.rows import model_key

CARTRIDGE = "cartridge"
FIELDS = ("part_id", "file", "label_source", "label_id", "class", "label", "count", "expected", "points",
          "defect_box", "outcome", "confidence", "recipe", "model_key", "wall_time")


def item_row(item: ExportItem, image: PurePosixPath) -> dict[str, Any]:
    r = item.record
    return {"part_id": r.part_id, "file": str(image), "label_source": item.source, "label_id": item.label_id,
            "class": item.class_name, "label": item.label, "count": item.count, "expected": r.expected,
            "points": [list(p[:2]) for p in item.points] if item.points is not None else None,
            "defect_box": item.defect_box, "outcome": r.outcome, "confidence": r.confidence, "recipe": r.recipe,
            "model_key": model_key(r.models), "wall_time": r.wall_time}


class ClassIndex:
    """Class names to ids 0.. in the order first met (the export walks parts in id order, so it is repeatable)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._ids: dict[str, int] = {}

    def id(self, name: str) -> int:
        if name not in self._ids:
            self._ids[name] = len(self.names)
            self.names.append(name)
        return self._ids[name]


class FormatWriter:
    """Writes the label files of one format under ``root``; the export copies the images where ``image_path`` says."""

    name = ""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.classes = ClassIndex()

    def image_path(self, item: ExportItem, suffix: str) -> PurePosixPath:
        return PurePosixPath("images", f"{item.record.part_id:08d}{suffix}")

    def add(self, item: ExportItem, image: PurePosixPath, size: tuple[int, int]) -> list[PurePosixPath] | None:
        """Labels one image; returns the label files it wrote for that image alone, if any."""
        raise NotImplementedError

    def finish(self) -> list[PurePosixPath]:
        """Writes what remains; returns the label files written (relative to ``root``)."""
        return []

    def close(self) -> None:
        """Releases open files after a failed export."""

    def write_text(self, relative: str | PurePosixPath, text: str) -> PurePosixPath:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return PurePosixPath(relative)
