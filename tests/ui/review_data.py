"""A real station database for the review tests: parts inspected by the shipped models, their images kept on disk."""
from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from inspector.store import Store
from inspector.store.images import ImageFiles, ImagePolicy
from tests.ui.conftest import box, no_frame_record, part

HOUR = "2026-03-02T{:02d}:{:02d}:00.000+00:00"


def review_store(tmp_path: Path, boxes, parts) -> Store:
    """Boxes (one full, one with a slot empty, one with two) and surface parts (clean, scratched, cracked, spotted),
    each with its image, at distinct times; plus a fail-safe without an image."""
    store = Store.open(tmp_path / "data" / "inspector.db")
    files = ImageFiles(store.images_dir, ImagePolicy(keep_pass_fraction=1.0, format="png"))
    scenes = [(boxes, box(seed=11)), (boxes, box(empty=[(1, 3)], seed=12)), (boxes, box(empty=[(0, 0), (2, 4)], seed=13)),
              (parts, part(seed=21)), (parts, part("scratch", seed=22)), (parts, part("crack", seed=23)),
              (parts, part("spot", seed=24)), (parts, part(seed=25))]
    for minute, (inspect, item) in enumerate(scenes):
        record, frame, _ = inspect(item)
        record = dataclasses.replace(record, run_id="review-test", wall_time=HOUR.format(8, minute))
        record.image_path = files.write(record, frame.image)
        store.insert(record)
    failed = no_frame_record(part_id=max(r.part_id for r in store.records(limit=None)) + 1)
    store.insert(dataclasses.replace(failed, run_id="review-test", wall_time=HOUR.format(9, 0)))
    return store


def parts_rows(db_path: Path) -> list[tuple]:
    """Every row of ``parts`` as SQLite holds it, read through a connection of its own."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT * FROM parts ORDER BY part_id").fetchall()


def label_rows(db_path: Path) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM labels ORDER BY id")]


class StepClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 100.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
