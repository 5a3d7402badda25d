"""A store with a handful of parts of two recipes, and the Review over it."""
from __future__ import annotations

import pytest

from inspector.review import Review
from inspector.store import Store
from tests.store.conftest import make_record

BOX_V1 = {"cartridge_counter": "0.1.0 111111111111"}
BOX_V2 = {"cartridge_counter": "0.2.0 222222222222"}
PART_V1 = {"surface_classifier": "0.1.0 333333333333"}


def box(part_id: int, outcome: str, confidence: float, *, day: int = 22, models=BOX_V2, count: int = 23,
        image: bool = True, **fields):
    return make_record(part_id, outcome, recipe="cartridge-box", confidence=confidence, models=models,
                       wall_time=f"2026-11-{day:02d}T10:00:{part_id % 60:02d}.000+00:00", count=count, expected=24,
                       points=None if count is None else [[10.0 * i, 20.0, 0.9] for i in range(count)],
                       image_path=f"images/2026-11-{day:02d}/{part_id:08d}.jpg" if image else None, **fields)


def part(part_id: int, outcome: str, confidence: float, *, day: int = 22, label: str = "defect", image: bool = True,
         **fields):
    return make_record(part_id, outcome, recipe="surface-part", confidence=confidence, models=PART_V1,
                       wall_time=f"2026-11-{day:02d}T11:00:{part_id % 60:02d}.000+00:00", label=label,
                       p_defect=confidence, defect_box=[10, 10, 20, 20] if label == "defect" else None,
                       image_path=f"images/2026-11-{day:02d}/{part_id:08d}.jpg" if image else None, **fields)


RECORDS = [
    box(1, "pass", 0.95, image=False, count=24),  # a pass whose image was not kept: never in the queue
    box(2, "pass", 0.91, count=24),  # a kept pass: the sample
    box(3, "reject", 0.80, day=20, models=BOX_V1),
    box(4, "uncertain", 0.45),
    box(5, "fail_safe", 0.0, count=None, fail_safe_cause="no_frame"),
    part(6, "reject", 0.99),
    part(7, "uncertain", 0.55, day=21),
    part(8, "pass", 0.97, label="good"),
    box(9, "reject", 0.62, day=21, models=BOX_V1),
]


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "station.db")
    for record in RECORDS:
        s.insert(record)
    yield s
    s.close()


@pytest.fixture
def review(store):
    return Review(store, clock=lambda: "2026-11-23T09:00:00.000+00:00")
