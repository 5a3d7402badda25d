"""YOLO: ``labels/<id>.txt`` beside ``images/<id>.jpg``, one ``class cx cy w h`` line (0..1) per object.
Cartridges are tiny boxes around their centres; a defect is its box; any other class covers the whole image."""
from __future__ import annotations

from pathlib import PurePosixPath

from inspector.export.base import CARTRIDGE, FormatWriter
from inspector.export.selection import ExportItem

POINT_BOX_PX = 8.0


class YoloWriter(FormatWriter):
    name = "yolo"

    def add(self, item: ExportItem, image: PurePosixPath, size: tuple[int, int]) -> list[PurePosixPath]:
        width, height = size
        lines = []
        if item.points is not None:
            cartridge = self.classes.id(CARTRIDGE)
            for x, y, *_ in item.points:
                lines.append(_line(cartridge, x, y, POINT_BOX_PX, POINT_BOX_PX, width, height))
        if item.label is not None:
            if item.defect_box:
                x, y, w, h = item.defect_box
                lines.append(_line(self.classes.id(item.label), x + w / 2, y + h / 2, w, h, width, height))
            else:
                lines.append(_line(self.classes.id(item.label), width / 2, height / 2, width, height, width, height))
        return [self.write_text(PurePosixPath("labels", PurePosixPath(image.name).with_suffix(".txt")), "".join(lines))]

    def finish(self) -> list[PurePosixPath]:
        names = "".join(f"  {i}: {n}\n" for i, n in enumerate(self.classes.names))
        return [self.write_text("classes.txt", "".join(f"{n}\n" for n in self.classes.names)),
                self.write_text("data.yaml", f"path: .\ntrain: images\nval: images\nnames:\n{names}")]


def _line(cls: int, cx: float, cy: float, w: float, h: float, width: int, height: int) -> str:
    def clip(v: float) -> float:
        return min(max(v, 0.0), 1.0)
    return f"{cls} {clip(cx / width):.6f} {clip(cy / height):.6f} {clip(w / width):.6f} {clip(h / height):.6f}\n"
