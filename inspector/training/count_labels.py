"""Point labels for the count task, read into a :class:`Dataset`: one CSV of ``file,x,y``, COCO keypoints, or YOLO
centres (as ``inspector export --format coco|yolo`` writes them, or any tool that writes those formats).

CSV: a header ``file,x,y``, then one row per object centre in the image's pixels; ``file`` is relative to the CSV's
folder. An image with no objects (an empty box) is one row ``file,,``. Every image named must exist; every image in the
CSV's folder (and below) must have at least one row, so an unlabelled image is never read as an empty one.

A source that breaks a rule is refused with :class:`CountLabelError` naming the file, the line (or entry) and the
problem: a point outside its image, an unknown file, an image without any row, a value that is not a number.
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
from pathlib import Path

import cv2

from inspector.export.imagesize import image_size
from inspector.training.samples import Dataset, Sample

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
CSV_HEADER = ("file", "x", "y")
COVERED_CLASSES = ("covered", "occluded")  # a COCO image class (or flag) QA gave a box that cannot be counted
OBJECT_CLASS = "cartridge"  # what inspector export calls a counted object


class CountLabelError(ValueError):
    """A count source that cannot be trained on; the message names the file, the line or entry, and the rule."""


def read_count_source(path: Path | str) -> Dataset:
    """A CSV file, a COCO JSON file, or a folder holding ``points.csv``, ``annotations.json`` or ``labels/``."""
    path = Path(path)
    if path.is_file():
        if path.suffix.lower() == ".csv":
            return read_points_csv(path)
        if path.suffix.lower() == ".json":
            return read_coco(path)
        raise CountLabelError(f"{path}: not a .csv of file,x,y points nor a COCO .json")
    if not path.is_dir():
        raise CountLabelError(f"{path}: no such file or folder")
    for name, reader in (("points.csv", read_points_csv), ("annotations.json", read_coco)):
        if (path / name).is_file():
            return reader(path / name)
    if (path / "labels").is_dir():
        return read_yolo(path)
    raise CountLabelError(f"{path}: no points.csv (file,x,y), annotations.json (COCO) or labels/ (YOLO) found")


def _images_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def _size(path: Path, data: bytes, where: str) -> tuple[int, int]:
    size = image_size(data)
    if size is None:
        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise CountLabelError(f"{where}: {path.name} is not an image this station can read")
        size = (image.shape[1], image.shape[0])
    return size


def _number(text: str, where: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CountLabelError(f"{where}: {name} = {text!r}: not a number") from None
    if not math.isfinite(value):
        raise CountLabelError(f"{where}: {name} = {text!r}: not a finite number")
    return value


def _inside(x: float, y: float, size: tuple[int, int], where: str, name: str) -> None:
    w, h = size
    if not (0 <= x < w and 0 <= y < h):
        raise CountLabelError(f"{where}: point ({x:g}, {y:g}) is outside {name} ({w} x {h} px)")


class _Hasher:
    """One sha256 over the label file and every image's bytes, in a fixed order."""

    def __init__(self, label_bytes: bytes):
        self.h = hashlib.sha256(label_bytes)

    def image(self, rel: str, data: bytes) -> None:
        self.h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())


def read_points_csv(csv_path: Path | str) -> Dataset:
    """``file,x,y`` rows (``file,,`` for an image with no objects) → a count Dataset; see the module doc."""
    csv_path = Path(csv_path)
    root = csv_path.parent
    points: dict[str, list[tuple[float, float, int]]] = {}
    first_line: dict[str, int] = {}
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or tuple(c.strip().lower() for c in header) != CSV_HEADER:
            raise CountLabelError(f"{csv_path}:1: header is {header}, expected file,x,y")
        for row in reader:
            line = reader.line_num
            where = f"{csv_path}:{line}"
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != 3:
                raise CountLabelError(f"{where}: {len(row)} values, expected 3 (file,x,y)")
            name, xs, ys = (c.strip() for c in row)
            if not name:
                raise CountLabelError(f"{where}: file is empty")
            if not (root / name).is_file():
                raise CountLabelError(f"{where}: file = {name!r}: unknown file (no such image beside {csv_path.name})")
            first_line.setdefault(name, line)
            pts = points.setdefault(name, [])
            if not xs and not ys:
                pts.append((math.nan, math.nan, line))  # the "no objects" row
                continue
            pts.append((_number(xs, where, "x"), _number(ys, where, "y"), line))
    unlisted = [p.relative_to(root).as_posix() for p in _images_under(root)
                if p.relative_to(root).as_posix() not in points]
    if unlisted:
        raise CountLabelError(f"{csv_path}: {len(unlisted)} image(s) without any row, e.g. {unlisted[0]!r} "
                              f"(an image with no objects is one row '{unlisted[0]},,')")
    if not points:
        raise CountLabelError(f"{csv_path}: no rows after the header")
    hasher = _Hasher(csv_path.read_bytes())
    samples = []
    for name in sorted(points):
        path = root / name
        data = path.read_bytes()
        hasher.image(name, data)
        size = _size(path, data, f"{csv_path}:{first_line[name]}")
        rows = points[name]
        empty = [r for r in rows if math.isnan(r[0])]
        real = [r for r in rows if not math.isnan(r[0])]
        if empty and real:
            raise CountLabelError(f"{csv_path}:{first_line[name]}: {name} is listed as empty ('{name},,') and also "
                                  f"has {len(real)} point(s)")
        for x, y, line in real:
            _inside(x, y, size, f"{csv_path}:{line}", name)
        samples.append(Sample(path=path, key=name, points=tuple((x, y) for x, y, _ in real), group=name))
    return Dataset("count", tuple(samples), "folder", str(csv_path), hasher.h.hexdigest(),
                   {"format": "csv", "labels": csv_path.name})


def read_coco(json_path: Path | str) -> Dataset:
    """COCO keypoints (``inspector export --format coco`` or any COCO tool): the first keypoint of each annotation of
    the counted category (the one with ``keypoints``, or named ``cartridge``; an annotation without keypoints counts at
    its box centre). An image entry with ``"covered": true`` or class ``covered`` / ``occluded`` is a covered box."""
    json_path = Path(json_path)
    root = json_path.parent
    try:
        doc = json.loads(json_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise CountLabelError(f"{json_path}:{err.lineno}: not valid JSON: {err.msg}") from None
    for key in ("images", "annotations", "categories"):
        if not isinstance(doc.get(key), list):
            raise CountLabelError(f"{json_path}: {key}: missing or not a list")
    counted = [c for c in doc["categories"] if c.get("keypoints")] or \
              [c for c in doc["categories"] if c.get("name") == OBJECT_CLASS] or \
              (doc["categories"] if len(doc["categories"]) == 1 else [])
    if not counted:
        names = [c.get("name") for c in doc["categories"]]
        raise CountLabelError(f"{json_path}: categories {names}: none has keypoints or is named {OBJECT_CLASS!r}")
    counted_ids = {c.get("id") for c in counted}
    images: dict[object, dict] = {}
    for i, entry in enumerate(doc["images"]):
        where = f"{json_path}: images[{i}]"
        name = entry.get("file_name")
        if not isinstance(name, str) or not (root / name).is_file():
            raise CountLabelError(f"{where}: file_name = {name!r}: unknown file "
                                  f"(no such image beside {json_path.name})")
        images[entry.get("id")] = entry
    points: dict[object, list[tuple[float, float]]] = {k: [] for k in images}
    for i, ann in enumerate(doc["annotations"]):
        if ann.get("category_id") not in counted_ids:
            continue
        where = f"{json_path}: annotations[{i}]"
        if ann.get("image_id") not in images:
            raise CountLabelError(f"{where}: image_id = {ann.get('image_id')!r}: no such image")
        kp, box = ann.get("keypoints"), ann.get("bbox")
        if kp:
            x, y = _number(str(kp[0]), where, "keypoints[0]"), _number(str(kp[1]), where, "keypoints[1]")
        elif box and len(box) == 4:
            x = _number(str(box[0]), where, "bbox[0]") + _number(str(box[2]), where, "bbox[2]") / 2
            y = _number(str(box[1]), where, "bbox[1]") + _number(str(box[3]), where, "bbox[3]") / 2
        else:
            raise CountLabelError(f"{where}: neither keypoints nor a bbox")
        points[ann["image_id"]].append((x, y, where))  # type: ignore[arg-type]
    hasher = _Hasher(json_path.read_bytes())
    samples = []
    for image_id, entry in images.items():
        path = root / entry["file_name"]
        data = path.read_bytes()
        hasher.image(entry["file_name"], data)
        size = _size(path, data, f"{json_path}: image {entry['file_name']}")
        for x, y, where in points[image_id]:  # type: ignore[misc]
            _inside(x, y, size, where, entry["file_name"])
        covered = bool(entry.get("covered")) or entry.get("class") in COVERED_CLASSES
        group = str(entry.get("part_id", entry["file_name"]))
        samples.append(Sample(path=path, key=entry["file_name"], points=tuple((x, y) for x, y, _ in points[image_id]),
                              covered=covered, group=group))
    if not samples:
        raise CountLabelError(f"{json_path}: no images")
    expected = [e["expected"] for e in images.values() if isinstance(e.get("expected"), int)]
    notes: dict[str, object] = {"format": "coco", "labels": json_path.name}
    if expected:
        notes["expected"] = max(set(expected), key=expected.count)
    return Dataset("count", tuple(samples), "export", str(json_path), hasher.h.hexdigest(), notes)


def read_yolo(folder: Path | str) -> Dataset:
    """YOLO (``images/X.png`` + ``labels/X.txt`` of ``class cx cy w h``, 0..1): the box centres of the counted class
    (``cartridge`` in ``classes.txt``, or the only class). An image needs a label file, empty when it holds nothing."""
    folder = Path(folder)
    classes_file = folder / "classes.txt"
    names = [n.strip() for n in classes_file.read_text().splitlines() if n.strip()] if classes_file.is_file() else []
    if OBJECT_CLASS in names:
        counted = names.index(OBJECT_CLASS)
    elif len(names) <= 1:
        counted = 0
    else:
        raise CountLabelError(f"{classes_file}: classes {names}: none is {OBJECT_CLASS!r}, "
                              "so which to count is unclear")
    image_dir = folder / "images" if (folder / "images").is_dir() else folder
    label_dir = folder / "labels"
    images = _images_under(image_dir)
    if not images:
        raise CountLabelError(f"{image_dir}: no images")
    known = {p.stem for p in images}
    for txt in sorted(label_dir.glob("*.txt")):
        if txt.stem not in known:
            raise CountLabelError(f"{txt}: unknown file (no image {txt.stem}.* in {image_dir})")
    hasher = _Hasher(classes_file.read_bytes() if classes_file.is_file() else b"")
    samples = []
    for path in images:
        txt = label_dir / f"{path.stem}.txt"
        if not txt.is_file():
            raise CountLabelError(f"{path}: image without any row (no {txt}; "
                                  "an image with no objects has an empty one)")
        data = path.read_bytes()
        rel = path.relative_to(folder).as_posix()
        hasher.image(rel, data + txt.read_bytes())
        w, h = _size(path, data, str(txt))
        pts = []
        for line, text in enumerate(txt.read_text().splitlines(), start=1):
            parts = text.split()
            if not parts:
                continue
            where = f"{txt}:{line}"
            if len(parts) < 5:
                raise CountLabelError(f"{where}: {len(parts)} values, expected class cx cy w h")
            cls = _number(parts[0], where, "class")
            cx, cy = _number(parts[1], where, "cx"), _number(parts[2], where, "cy")
            if int(cls) != counted:
                continue
            if not (0 <= cx <= 1 and 0 <= cy <= 1):
                raise CountLabelError(f"{where}: point ({cx:g}, {cy:g}) is outside {path.name} (YOLO centres are 0..1)")
            pts.append((min(cx * w, w - 0.5), min(cy * h, h - 0.5)))
        samples.append(Sample(path=path, key=rel, points=tuple(pts), group=path.stem))
    return Dataset("count", tuple(samples), "export", str(folder), hasher.h.hexdigest(),
                   {"format": "yolo", "labels": "labels/"})
