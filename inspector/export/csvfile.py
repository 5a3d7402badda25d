"""CSV: ``labels.csv``, one row per image with its class, count, points (JSON) and where the label came from."""
from __future__ import annotations

import csv
import json
from pathlib import PurePosixPath

from inspector.export.base import FIELDS, FormatWriter, item_row
from inspector.export.selection import ExportItem


class CsvWriter(FormatWriter):
    name = "csv"

    def __init__(self, root) -> None:
        super().__init__(root)
        root.mkdir(parents=True, exist_ok=True)
        self._file = open(root / "labels.csv", "w", newline="", encoding="utf-8")
        self._csv = csv.DictWriter(self._file, FIELDS)
        self._csv.writeheader()

    def add(self, item: ExportItem, image: PurePosixPath, size: tuple[int, int]) -> None:
        values = item_row(item, image)
        for key in ("points", "defect_box"):
            values[key] = json.dumps(values[key], separators=(",", ":")) if values[key] is not None else ""
        self._csv.writerow(values)

    def finish(self) -> list[PurePosixPath]:
        self._file.close()
        return [PurePosixPath("labels.csv")]

    def close(self) -> None:
        self._file.close()
