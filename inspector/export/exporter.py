"""``export_records``: images plus labels of the chosen records in one format, with a manifest, all or nothing."""
from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from inspector.export.atomic import ExportError, StagedFolder
from inspector.export.base import FormatWriter
from inspector.export.coco import CocoWriter
from inspector.export.csvfile import CsvWriter
from inspector.export.imagefolder import ImageFolderWriter
from inspector.export.imagesize import image_size
from inspector.export.jsonl import JsonlWriter
from inspector.export.manifest import MANIFEST, Manifest
from inspector.export.progress import NoProgress, TextProgress
from inspector.export.selection import ExportItem, count_records, iter_items
from inspector.export.yolo import YoloWriter
from inspector.review import ReviewError, utc_text
from inspector.store import Store, utc_now

FORMATS: dict[str, Callable[[Path], FormatWriter]] = {
    "imagefolder": ImageFolderWriter, "coco": CocoWriter, "yolo": YoloWriter, "csv": CsvWriter, "jsonl": JsonlWriter,
}


@dataclass(frozen=True)
class ExportSummary:
    export_id: str
    out: Path
    manifest: Path
    records: int
    skipped: int


def export_records(store: Store, out: Path | str, fmt: str, *, since: str | datetime | None = None,
                   until: str | datetime | None = None, verified_only: bool = False,
                   include_unreviewed_uncertain: bool = False, progress: TextProgress | None = None,
                   export_id: str | None = None, lot: str | None = None) -> ExportSummary:
    """Exports the records with ``since <= wall_time < until`` (all when None) into the new folder ``out``.

    Each record's label is its QA truth where a person confirmed or corrected it, else the model's output
    (``verified_only``: QA-labelled records only; ``lot``: the parts of that lot only); the manifest says which, per
    record. Uncertain parts (covered boxes among them) without a QA verdict are left out unless
    ``include_unreviewed_uncertain``: then they carry the class ``uncertain``, no count, label source ``unreviewed``.
    Records whose image was not
    kept, whose image file is gone, or that have no label are listed as skipped. Raises ExportError.
    """
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    try:
        since_text, until_text = utc_text(since, name="--since"), utc_text(until, name="--until")
    except ReviewError as e:
        raise ExportError(str(e)) from e
    if since_text and until_text and since_text >= until_text:
        raise ExportError(f"--since {since_text} is not before --until {until_text}")
    export_id = export_id or uuid.uuid4().hex
    progress = progress or NoProgress()
    chosen = {"since": since_text, "until": until_text, "verified_only": verified_only,
              "include_unreviewed_uncertain": include_unreviewed_uncertain, "lot": lot}
    manifest = Manifest(export_id, fmt, dict(chosen), str(store.path) if store.path else None, utc_now())
    total = count_records(store, **chosen)
    if total == 0:
        raise ExportError(f"nothing to export: {_empty_selection(store, **chosen)}")
    staged = StagedFolder(out, export_id[:12])
    with staged as root:
        writer = FORMATS[fmt](root)
        try:
            progress.start(total)
            done = 0
            for item in iter_items(store, **chosen):
                _export_one(store, item, root, writer, manifest)
                done += 1
                progress.update(done)
            if not manifest.records:
                reasons = ", ".join(f"{why}: {n}" for why, n in manifest.document()["counts"]["skipped_reasons"].items())
                raise ExportError(f"nothing to export: all {len(manifest.skipped):,} parts chosen were skipped "
                                  f"({reasons}); nothing was written to {staged.out}")
            for relative in writer.finish():
                manifest.add_file(root, relative)
        except BaseException:
            writer.close()
            raise
        os.sync()  # the images and label files are on disk before a manifest can claim them
        manifest.write(root)
    progress.finish(f"{len(manifest.records):,} records, {len(manifest.skipped):,} skipped -> {staged.out}")
    return ExportSummary(export_id, staged.out, staged.out / MANIFEST, len(manifest.records), len(manifest.skipped))


def _empty_selection(store: Store, since: str | None, until: str | None, verified_only: bool,
                     include_unreviewed_uncertain: bool = False, lot: str | None = None) -> str:
    """Why the filters chose no part, with the time span the database does hold."""
    span = store.query("SELECT min(wall_time) AS first, max(wall_time) AS last FROM parts")[0]
    held = (f"the database holds parts from {span['first']} to {span['last']}" if span["first"]
            else "the database holds no parts yet")
    window = " ".join(t for t in (f"from {since}" if since else "", f"until {until}" if until else "") if t)
    what = "no part a QA reviewer confirmed or corrected" if verified_only else "no part"
    if lot is not None:
        what += f" of lot {lot!r}"
    left_out = "" if verified_only or include_unreviewed_uncertain else (
        " (uncertain parts without a QA verdict are left out; --include-unreviewed-uncertain takes them)")
    return f"{what} {window or 'at all'}{left_out}; {held}"


def _export_one(store: Store, item: ExportItem, root: Path, writer: FormatWriter, manifest: Manifest) -> None:
    if item.class_name is None and item.points is None:
        manifest.skip(item, "no label: the model gave no output")
        return
    source = store.image_file(item.record)
    if source is None:
        manifest.skip(item, "image not kept")
        return
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        manifest.skip(item, "image file missing")
        return
    size = image_size(data)
    if size is None:
        manifest.skip(item, "image file unreadable")
        return
    relative = writer.image_path(item, source.suffix.lower())
    _write_bytes(root / relative, data)
    for label_file in writer.add(item, relative, size) or ():
        manifest.add_file(root, label_file)
    manifest.add(item, relative, hashlib.sha256(data).hexdigest(), len(data))


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


__all__ = ["FORMATS", "ExportError", "ExportSummary", "export_records"]
