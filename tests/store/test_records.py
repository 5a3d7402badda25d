"""Runs, part records and alarms in and out of the store."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from inspector.store import PendingPart, Store
from inspector.store.rows import record_to_row
from inspector.types import Outcome


def full_record(record):
    return record(
        42,
        outcome="reject",
        fail_safe_cause=None,
        late=True,
        models={"counter": "1.2.0 0123456789ab", "classifier": "0.9.1 ba9876543210"},
        count=9,
        expected=10,
        points=[[10.5, 20.25, 0.99], [30.0, 40.0, 0.875]],
        occlusion=0.125,
        label="crack",
        p_defect=0.8125,
        defect_box=[12, 34, 56, 78],
        timings_ms={"capture": 1.5, "inference": 12.25, "decide": 0.125, "trigger_to_decision": 20.5},
        frame_t=110.4999,
        image_path="images/2026-11-22/00000042.jpg",
        truth={"count": 9, "defect": {"kind": "crack", "box": [12, 34, 56, 78]}},
    )


def test_a_record_with_every_field_comes_back_equal(store, record):
    original = full_record(record)
    store.insert(original)
    assert store.record(42) == original


def test_a_record_with_only_required_fields_comes_back_equal(store, record):
    minimal = record(1, models={}, timings_ms={})
    store.insert(minimal)
    assert store.record(1) == minimal


def test_numpy_values_and_enums_are_stored_as_plain_values(store, record):
    store.insert(record(3, outcome=Outcome.UNCERTAIN, confidence=np.float32(0.5), count=np.int64(4),
                        points=np.array([[1.0, 2.0, 0.5]]), truth={"p": np.float64(0.25)}))
    row = store.db.execute("SELECT outcome, confidence, count, points, truth FROM parts").fetchone()
    assert row == ("uncertain", 0.5, 4, "[[1.0,2.0,0.5]]", '{"p":0.25}')


def test_an_unknown_part_is_none(store):
    assert store.record(999) is None


def test_records_count_and_outcomes_by_run(store, record):
    for part_id, outcome in enumerate(["pass", "pass", "reject", "uncertain", "fail_safe"], start=1):
        store.insert(record(part_id, outcome=outcome, run_id="run-1"))
    store.insert(record(6, outcome="pass", run_id="run-2"))
    assert [r.part_id for r in store.records("run-1")] == [5, 4, 3, 2, 1]
    assert [r.part_id for r in store.records(limit=2, newest_first=False)] == [1, 2]
    assert [r.part_id for r in store.records(outcome="pass")] == [6, 2, 1]
    assert store.count() == 6 and store.count("run-2") == 1 and store.count(outcome=Outcome.REJECT) == 1
    assert store.outcomes("run-1") == {"pass": 2, "reject": 1, "uncertain": 1, "fail_safe": 1}
    assert store.outcomes() == {"pass": 3, "reject": 1, "uncertain": 1, "fail_safe": 1}


def test_part_ids_keep_rising_across_runs_and_reopens(tmp_path, record):
    path = tmp_path / "station.db"
    with Store.open(path) as store:
        assert store.next_part_id() == 1
        store.start_run("run-1", recipe="blister-10")
        for part_id in range(1, 6):
            store.insert(record(part_id, run_id="run-1"))
        assert store.next_part_id() == 6
    with Store.open(path) as store:
        store.start_run("run-2", recipe="blister-10")
        first = store.next_part_id()
        store.insert(record(first, run_id="run-2"))
        assert first == 6 and store.next_part_id() == 7
        assert [r["run_id"] for r in store.runs()] == ["run-1", "run-2"]


def test_a_quarantined_id_is_never_handed_out_again(store, record):
    store.write_parts([PendingPart(record(9), None, "ValueError: unstorable")])
    assert store.count() == 0 and store.next_part_id() == 10


def test_a_run_records_who_decided_with_what(store):
    recipe = {"name": "blister-10", "expected_count": 10, "uncertain_band": [0.4, 0.6]}
    store.start_run("run-1", recipe="blister-10", recipe_json=recipe, station_config={"camera": "synthetic"},
                    software_version="0.1.0", started="2026-11-22T09:59:00+00:00")
    run = store.run("run-1")
    canonical = json.dumps(recipe, sort_keys=True, separators=(",", ":"))
    assert run["recipe_json"] == canonical
    assert run["recipe_hash"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert json.loads(run["station_config"]) == {"camera": "synthetic"}
    assert (run["software_version"], run["started"]) == ("0.1.0", "2026-11-22T09:59:00+00:00")


def test_a_given_recipe_hash_is_kept_and_a_run_id_is_never_reused(store):
    store.start_run("run-1", recipe="blister-10", recipe_json="name = 'blister-10'\n", recipe_hash="cafe" * 16)
    assert store.run("run-1")["recipe_hash"] == "cafe" * 16
    with pytest.raises(ValueError, match="never reused"):
        store.start_run("run-1", recipe="other")


def test_alarms_are_recorded_and_acknowledged_once(store):
    first = store.add_alarm("storage_error", "disk full", part_id=12)
    second = store.add_alarm("camera_lost", "USB camera unplugged")
    assert [a["id"] for a in store.alarms(unacknowledged=True)] == [second, first]
    assert store.acknowledge_alarm(first, "qa.lee") is True
    assert store.acknowledge_alarm(first, "someone.else") is False
    acknowledged = [a for a in store.alarms() if a["id"] == first][0]
    assert acknowledged["acknowledged_by"] == "qa.lee" and acknowledged["acknowledged_at"]
    assert [a["id"] for a in store.alarms(unacknowledged=True)] == [second]


def test_a_refused_row_is_quarantined_and_the_batch_is_stored(store, record):
    store.insert(record(1))
    batch = [PendingPart(r, record_to_row(r)) for r in (record(1, reason="again"), record(2), record(3))]
    result = store.write_parts(batch, alarms=[(1, "2026-11-22T10:00:01+00:00", "storage_error", "duplicate")])
    assert result.stored == [2, 3] and result.quarantined == [1]
    assert store.record(1).reason == "count 10 of 10"
    [held] = store.quarantined()
    assert held["part_id"] == 1 and "UNIQUE" in held["error"] and json.loads(held["record_json"])["reason"] == "again"
    assert store.alarms()[0]["message"] == "duplicate"


def test_image_file_is_resolved_under_the_data_directory(tmp_path, record):
    with Store.open(tmp_path / "data" / "station.db") as store:
        assert store.images_dir == tmp_path / "data" / "images"
        path = store.image_file(record(5, image_path="images/2026-11-22/00000005.jpg"))
        assert path == tmp_path / "data" / "images" / "2026-11-22" / "00000005.jpg"
        assert store.image_file(record(6)) is None
