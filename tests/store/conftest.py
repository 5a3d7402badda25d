"""Stores on an in-memory or tmp_path database, and a factory of PartRecords."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from inspector.record import PartRecord
from inspector.store import Store


def make_record(part_id: int, outcome: str = "pass", run_id: str = "run-1", **fields: Any) -> PartRecord:
    values: dict[str, Any] = dict(
        part_id=part_id,
        run_id=run_id,
        recipe="blister-10",
        recipe_hash="ab" * 32,
        t_trigger=100.0 + (part_id or 0) * 0.25,
        wall_time="2026-11-22T10:00:00.000+00:00",
        outcome=outcome,
        reason="count 10 of 10" if outcome == "pass" else "count 9 of 10",
        confidence=0.97,
        actuated=outcome != "pass",
        models={"counter": "1.2.0 0123456789ab"},
        timings_ms={"capture": 1.5, "inference": 12.25},
    )
    values.update(fields)
    return PartRecord(**values)


@pytest.fixture
def record() -> Callable[..., PartRecord]:
    return make_record


@pytest.fixture
def store(tmp_path):
    s = Store.open(":memory:", images_dir=tmp_path / "images")
    yield s
    s.close()


@pytest.fixture
def file_store(tmp_path):
    s = Store.open(tmp_path / "station.db")
    yield s
    s.close()
