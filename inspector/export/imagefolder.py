"""ImageFolder: one subfolder per class (``complete/``, ``missing/``, ``good/``, ``defect/`` ...), images in them.
Points and boxes do not fit this layout: the manifest and the other formats carry them."""
from __future__ import annotations

from pathlib import PurePosixPath

from inspector.export.base import FormatWriter
from inspector.export.selection import ExportItem


class ImageFolderWriter(FormatWriter):
    name = "imagefolder"

    def image_path(self, item: ExportItem, suffix: str) -> PurePosixPath:
        return PurePosixPath(_safe(item.class_name), f"{item.record.part_id:08d}{suffix}")

    def add(self, item: ExportItem, image: PurePosixPath, size: tuple[int, int]) -> None:
        self.classes.id(item.class_name)

    def finish(self) -> list[PurePosixPath]:
        return [self.write_text("classes.txt", "".join(f"{n}\n" for n in self.classes.names))]


def _safe(name: str | None) -> str:
    text = "".join(c if c.isalnum() or c in "-_." else "_" for c in (name or "unlabelled"))
    return text.strip(".") or "unlabelled"
