"""JSON Lines: ``labels.jsonl``, one object per image (points as lists, image width and height included)."""
from __future__ import annotations

import json
from pathlib import PurePosixPath

from inspector.export.base import FormatWriter, item_row
from inspector.export.selection import ExportItem


class JsonlWriter(FormatWriter):
    name = "jsonl"

    def __init__(self, root) -> None:
        super().__init__(root)
        root.mkdir(parents=True, exist_ok=True)
        self._file = open(root / "labels.jsonl", "w", encoding="utf-8")

    def add(self, item: ExportItem, image: PurePosixPath, size: tuple[int, int]) -> None:
        values = item_row(item, image)
        values.update(width=size[0], height=size[1])
        self._file.write(json.dumps(values, separators=(",", ":")) + "\n")

    def finish(self) -> list[PurePosixPath]:
        self._file.close()
        return [PurePosixPath("labels.jsonl")]

    def close(self) -> None:
        self._file.close()
