"""Write the sample gallery: ``python -m hardware.synthetic.samples [resources/samples]``.

Sensor noise makes full 640 x 480 PNGs ~500 kB, so the gallery holds half-size previews of whole frames plus
1:1 crops around each defect (``*_detail.png``) to show the real pixels. Renders are deterministic by seed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from hardware.synthetic import DEFECT_KINDS, Rendered, render_box, render_part

BOXES = {  # name: seed, empty slots, occluder
    "box_full": (1, (), None),
    "box_missing": (2, ((1, 2), (3, 5)), None),
    "box_hand": (3, (), "hand"),
    "box_glove": (2, ((0, 4),), "glove"),
    "box_tool": (4, (), "tool"),
    "box_label": (5, (), "label"),
}


def _save(path: Path, image: np.ndarray) -> None:
    cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 9])


def _preview(item: Rendered, scale: float) -> np.ndarray:
    return cv2.resize(item.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _detail(item: Rendered, size: tuple[int, int] = (200, 150)) -> np.ndarray:
    x, y, w, h = item.truth["defect_box"]
    H, W = item.image.shape[:2]
    x0 = int(np.clip(x + w / 2 - size[0] / 2, 0, W - size[0]))
    y0 = int(np.clip(y + h / 2 - size[1] / 2, 0, H - size[1]))
    return item.image[y0 : y0 + size[1], x0 : x0 + size[0]]


def write_samples(folder: str | Path, scale: float = 0.5) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (seed, empty, occluder) in BOXES.items():
        written.append(folder / f"{name}.png")
        _save(written[-1], _preview(render_box(seed, layout=(4, 6), empty=empty, occluder=occluder), scale))
    written.append(folder / "part_good.png")
    _save(written[-1], _preview(render_part(1), scale))
    for i, kind in enumerate(DEFECT_KINDS):
        item = render_part(20 + i, defect=kind)
        written += [folder / f"part_{kind}.png", folder / f"part_{kind}_detail.png"]
        _save(written[-2], _preview(item, scale))
        _save(written[-1], _detail(item))
    for i in range(2):
        written += [folder / f"wide_box_{i}.png", folder / f"wide_part_{i}.png"]
        _save(written[-2], _preview(render_box(100 + i, style="wide", empty=((0, 0),),
                                               occluder=("glove", "label")[i]), scale))
        _save(written[-1], _preview(render_part(100 + i, style="wide", defect=DEFECT_KINDS[i]), scale))
    return written


if __name__ == "__main__":
    for path in write_samples(sys.argv[1] if len(sys.argv) > 1 else "resources/samples"):
        print(f"{path}  {path.stat().st_size // 1000} kB")
