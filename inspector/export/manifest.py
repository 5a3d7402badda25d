"""The export manifest: which records, which labels (model or QA) and which model versions, and the sha256 of every
file, so a model trained on the export can name exactly the data it came from. Written last, with "complete": true."""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from inspector import __version__
from inspector.export.selection import ExportItem
from inspector.store.rows import model_key

MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Manifest:
    def __init__(self, export_id: str, fmt: str, filters: dict[str, Any], database: str | None, created_at: str):
        self.head = {"export_id": export_id, "format": fmt, "created_at": created_at, "software_version": __version__,
                     "database": database, "filters": filters}
        self.records: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []
        self.files: list[dict[str, Any]] = []

    def add(self, item: ExportItem, file: PurePosixPath, sha256: str, size: int) -> None:
        r = item.record
        self.records.append({"part_id": r.part_id, "file": str(file), "sha256": sha256, "bytes": size,
                             "label_source": item.source, "label_id": item.label_id, "class": item.class_name,
                             "count": item.count, "models": r.models, "model_key": model_key(r.models),
                             "recipe": r.recipe, "recipe_hash": r.recipe_hash, "run_id": r.run_id,
                             "wall_time": r.wall_time})

    def skip(self, item: ExportItem, reason: str) -> None:
        self.skipped.append({"part_id": item.record.part_id, "reason": reason})

    def add_file(self, root: Path, relative: PurePosixPath) -> None:
        path = root / relative
        self.files.append({"file": str(relative), "sha256": sha256_file(path), "bytes": path.stat().st_size})

    def content_sha256(self) -> str:
        """One hash for the whole data set: every file with its hash, in order (the same data gives the same hash)."""
        lines = sorted(f"{e['sha256']}  {e['file']}\n" for e in self.records + self.files)
        return hashlib.sha256("".join(lines).encode()).hexdigest()

    def document(self) -> dict[str, Any]:
        return {**self.head, "complete": True, "content_sha256": self.content_sha256(),
                "counts": {"records": len(self.records), "skipped": len(self.skipped),
                           "label_sources": dict(Counter(r["label_source"] for r in self.records)),
                           "skipped_reasons": dict(Counter(s["reason"] for s in self.skipped))},
                "model_versions": sorted({r["model_key"] for r in self.records}),
                "label_files": self.files, "records": self.records, "skipped": self.skipped}

    def write(self, root: Path) -> Path:
        path = root / MANIFEST
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.document(), f, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        return path
