"""COCO detection JSON: every cartridge a point annotation (keypoint + a tiny box), a defect its box, any other
class a whole-image box; the image entries carry part id, count and expected count."""
from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from inspector.export.base import CARTRIDGE, FormatWriter
from inspector.export.selection import ExportItem

POINT_BOX_PX = 8.0


class CocoWriter(FormatWriter):
    name = "coco"

    def __init__(self, root) -> None:
        super().__init__(root)
        self.images: list[dict[str, Any]] = []
        self.annotations: list[dict[str, Any]] = []

    def add(self, item: ExportItem, image: PurePosixPath, size: tuple[int, int]) -> None:
        width, height = size
        image_id = len(self.images) + 1
        self.images.append({"id": image_id, "file_name": str(image), "width": width, "height": height,
                            "part_id": item.record.part_id, "class": item.class_name, "count": item.count,
                            "expected": item.record.expected, "label_source": item.source})
        if item.points is not None:
            half = POINT_BOX_PX / 2
            for x, y, *_ in item.points:
                self._annotate(image_id, CARTRIDGE, [round(x - half, 1), round(y - half, 1), POINT_BOX_PX,
                                                     POINT_BOX_PX], keypoints=[round(x, 1), round(y, 1), 2])
        if item.label is not None:
            box = list(item.defect_box) if item.defect_box else [0, 0, width, height]
            self._annotate(image_id, item.label, box)

    def _annotate(self, image_id: int, name: str, bbox: list[float], keypoints: list[float] | None = None) -> None:
        annotation = {"id": len(self.annotations) + 1, "image_id": image_id, "category_id": self.classes.id(name) + 1,
                      "bbox": bbox, "area": round(bbox[2] * bbox[3], 1), "iscrowd": 0}
        if keypoints is not None:
            annotation.update(keypoints=keypoints, num_keypoints=1)
        self.annotations.append(annotation)

    def finish(self) -> list[PurePosixPath]:
        categories = [{"id": i + 1, "name": n, "supercategory": "part"} for i, n in enumerate(self.classes.names)]
        for category in categories:
            if category["name"] == CARTRIDGE:
                category.update(keypoints=["centre"], skeleton=[])
        document = {"info": {"description": "line-inspection station export"}, "images": self.images,
                    "annotations": self.annotations, "categories": categories}
        return [self.write_text("annotations.json", json.dumps(document, separators=(",", ":")))]
