"""Read a training source into a :class:`Dataset`, or refuse it naming the file and the problem.

Three kinds of source, told apart by what the path holds:

- the station's **data dir** (``inspector.db`` inside): its QA-verified parts, chosen as ``inspector export`` chooses
  them (``--since``, ``--until``, ``--verified-only``); each part is its own group;
- a folder written by **inspector export** (``manifest.json`` with an ``export_id``; ImageFolder, COCO or YOLO): the
  manifest's records, every file checked against its sha256;
- a **plain labelled folder**: ``good/`` and ``defect/`` (images in any subfolder; a subfolder names the lot, which
  is never split), optional ``masks/`` holding a defect mask with the same file stem (any image extension).
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from inspector.export.imagesize import image_size
from inspector.training.samples import Dataset, Sample, Task

DATABASE = "inspector.db"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}
CLASSES = ("good", "defect")
IGNORED = {"classes.txt", "readme.md", "readme.txt", "thumbs.db", ".ds_store"}


class SourceError(ValueError):
    """A training source that cannot be used: the message names the file and the problem."""


def read_source(path: Path | str, task: Task, *, since: str | None = None, until: str | None = None,
                verified_only: bool = False) -> Dataset:
    """The samples of ``path`` for ``task``; raises :class:`SourceError`."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_file() and path.suffix in (".db", ".sqlite"):
        return read_database(path.parent, task, since=since, until=until, verified_only=verified_only, db=path)
    if not path.is_dir():
        raise SourceError(f"{path}: not a folder (give a station data dir, an export or a labelled folder)")
    if (path / DATABASE).is_file():
        return read_database(path, task, since=since, until=until, verified_only=verified_only)
    if since or until or verified_only:
        given = "--since" if since else "--until" if until else "--verified-only"
        raise SourceError(f"{path}: {given} chooses records of a station's database; this is a folder (filter "
                          "it with inspector export first, or give the data dir)")
    if (path / "manifest.json").is_file():
        return read_export(path, task)
    if task == "count":
        raise SourceError(f"{path}: a plain folder for counting needs point labels (a CSV of file,x,y or COCO "
                          "keypoints: the count learner reads those)")
    return read_folder(path)


def _content_hash(entries: Iterable[tuple[str, str]]) -> str:
    """One hash over (relative name, file sha256) pairs, order-free: the same files give the same hash."""
    lines = sorted(f"{sha}  {name}\n" for name, sha in entries)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _size(path: Path) -> tuple[int, int]:
    """(width, height) from the header (PNG, JPEG), else by decoding; SourceError when not an image."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    size = image_size(head)
    if size is None:
        import cv2

        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise SourceError(f"{path}: not a readable image (corrupt or unknown format)")
        size = (image.shape[1], image.shape[0])
    return size


def _images_under(folder: Path) -> list[Path]:
    files = []
    for p in sorted(folder.rglob("*")):
        if p.is_dir() or p.name.startswith(".") or p.name.lower() in IGNORED:
            continue
        if p.suffix.lower() not in IMAGE_SUFFIXES:
            raise SourceError(f"{p}: not an image file (suffix {p.suffix or 'none'}; allowed: "
                              f"{', '.join(sorted(IMAGE_SUFFIXES))})")
        files.append(p)
    return files


def read_folder(root: Path) -> Dataset:
    """A plain labelled folder: ``good/``, ``defect/``, optional ``masks/``."""
    unknown = [p.name for p in root.iterdir()
               if p.is_dir() and not p.name.startswith(".") and p.name not in (*CLASSES, "masks")]
    if unknown:
        raise SourceError(f"{root / unknown[0]}: unknown folder {unknown[0]!r} (a labelled folder holds good/, "
                          "defect/ and optional masks/)")
    if not (root / "good").is_dir():
        raise SourceError(f"{root / 'good'}: missing (a labelled folder needs good/ with images of good parts)")
    masks = _masks(root / "masks")
    samples, hashes, by_sha, used_masks = [], [], {}, set()
    for label in CLASSES:
        folder = root / label
        if not folder.is_dir():
            continue
        for path in _images_under(folder):
            rel = path.relative_to(root).as_posix()
            sha = _sha256(path)
            if sha in by_sha and by_sha[sha][1] != label:
                raise SourceError(f"{path}: the same image as {by_sha[sha][0]} but labelled {label!r} there "
                                  f"{by_sha[sha][1]!r}: one image cannot be both")
            by_sha.setdefault(sha, (rel, label))
            mask = masks.get(path.stem)
            if mask is not None:
                if label == "good":
                    raise SourceError(f"{mask}: a mask for {rel}, which is in good/ (a good part has no defect "
                                      "pixels; move the image to defect/ or remove the mask)")
                if _size(mask) != _size(path):
                    raise SourceError(f"{mask}: size {_size(mask)} differs from its image {rel} {_size(path)} "
                                      "(width, height)")
                used_masks.add(path.stem)
                hashes.append((mask.relative_to(root).as_posix(), _sha256(mask)))
            else:
                _size(path)  # refuses a file that is not an image
            parent = path.parent.relative_to(folder).as_posix()
            group = f"lot:{parent}" if parent != "." else f"image:{rel}"
            samples.append(Sample(path=path, key=rel, label=label, mask=mask, group=group))
            hashes.append((rel, sha))
    orphans = sorted(set(masks) - used_masks)
    if orphans:
        raise SourceError(f"{masks[orphans[0]]}: a mask with no image of the same name in defect/")
    if not samples:
        raise SourceError(f"{root}: no images in good/ or defect/")
    if not any(s.label == "good" for s in samples):
        raise SourceError(f"{root / 'good'}: no images (the defect task learns what good looks like from them)")
    return Dataset("defect", tuple(samples), "folder", str(root), _content_hash(hashes),
                   notes={"masks": len(used_masks)})


def _masks(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for path in _images_under(folder):
        if path.stem in found:
            raise SourceError(f"{path}: a second mask for {path.stem!r} (also {found[path.stem].name})")
        found[path.stem] = path
    return found


def read_export(root: Path, task: Task = "defect") -> Dataset:
    """A folder written by ``inspector export``: the records of its manifest, each file checked (defect task; the
    count learner reads an export's COCO keypoints itself)."""
    manifest_path = root / "manifest.json"
    if task != "defect":
        raise SourceError(f"{manifest_path}: an export for counting is read by the count learner (COCO keypoints)")
    try:
        doc = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SourceError(f"{manifest_path}: not valid JSON: {e}") from None
    if not isinstance(doc, dict) or "export_id" not in doc or not isinstance(doc.get("records"), list):
        raise SourceError(f"{manifest_path}: not an inspector export manifest (no export_id and records)")
    if doc.get("complete") is not True:
        raise SourceError(f"{manifest_path}: complete = {doc.get('complete')!r}: the export did not finish")
    samples = []
    for i, rec in enumerate(doc["records"]):
        where = f"{manifest_path}: records[{i}]"
        try:
            rel, sha, cls, part = rec["file"], rec["sha256"], rec["class"], rec["part_id"]
        except (KeyError, TypeError):
            raise SourceError(f"{where}: needs file, sha256, class and part_id") from None
        if cls not in CLASSES:
            raise SourceError(f"{where}: class = {cls!r}: the defect task learns from good and defect only")
        path = root / rel
        if not path.is_file():
            raise SourceError(f"{path}: listed in the manifest (records[{i}]) but missing")
        if _sha256(path) != sha:
            raise SourceError(f"{path}: sha256 differs from the manifest's (records[{i}]): the file was changed")
        samples.append(Sample(path=path, key=rel, label=cls, group=f"part:{part}"))
    if not samples:
        raise SourceError(f"{manifest_path}: no records")
    return Dataset("defect", tuple(samples), "export", str(root), str(doc.get("content_sha256", "")),
                   notes={"export_id": doc["export_id"], "format": doc.get("format"),
                          "label_sources": dict(Counter(r.get("label_source") for r in doc["records"]))})


def read_database(data_dir: Path, task: Task, *, since: str | None, until: str | None, verified_only: bool,
                  db: Path | None = None) -> Dataset:
    """The station's records, chosen as ``inspector export`` chooses them."""
    from inspector.export.selection import iter_items
    from inspector.qa.risk import COVERED
    from inspector.review import ReviewError, utc_text
    from inspector.store import Store

    db = db or data_dir / DATABASE
    try:
        since_text, until_text = utc_text(since, name="--since"), utc_text(until, name="--until")
    except ReviewError as e:
        raise SourceError(str(e)) from None
    samples, hashes, skipped = [], [], Counter()
    with Store.open(db, images_dir=data_dir / "images") as store:
        for item in iter_items(store, since=since_text, until=until_text, verified_only=verified_only):
            r = item.record
            if task == "defect" and item.class_name not in CLASSES:
                skipped["no good/defect label"] += 1
                continue
            covered = task == "count" and item.class_name == COVERED  # QA confirmed the hand: teaches the flag
            if task == "count" and item.points is None and not covered:
                skipped["no points"] += 1
                continue
            image = store.image_file(r)
            if image is None or not image.is_file():
                skipped["image not kept" if image is None else "image file missing"] += 1
                continue
            points = tuple((float(p[0]), float(p[1])) for p in item.points) if item.points is not None else None
            box = (tuple(int(v) for v in item.defect_box) if task == "defect" and item.source == "qa"
                   and item.class_name == "defect" and item.defect_box else None)
            samples.append(Sample(path=image, key=f"part:{r.part_id}", label=item.class_name if task == "defect"
                                  else None, points=points or (() if covered else None), covered=covered, box=box,
                                  group=f"part:{r.part_id}"))
            boxed = f":box{list(box)}" if box else ""
            hashes.append((f"part:{r.part_id}:{item.source}:{item.class_name}{boxed}", _sha256(image)))
    if not samples:
        what = "QA-verified " if verified_only else ""
        raise SourceError(f"{db}: no {what}parts with a kept image and a {task} label in the chosen time span "
                          f"(skipped: {dict(skipped) or 'none'})")
    return Dataset(task, tuple(samples), "database", str(db), _content_hash(hashes),
                   notes={"filters": {"since": since_text, "until": until_text, "verified_only": verified_only},
                          "skipped": dict(skipped), "qa_defect_boxes": sum(s.box is not None for s in samples)})
