"""Retention, on a real SQLite file and real image files: pass images go, oldest first; flagged, labelled and held
parts keep theirs; the part row stays and says what went, when and why."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import numpy as np
import pytest

from inspector.actions import NO_USERS
from inspector.audit import entries
from inspector.review import Review
from inspector.store import (
    HoldError, ImagePolicy, RecordWriter, Retention, RetentionPolicy, RetentionWorker, Store, add_hold, holds,
    release_hold,
)
from inspector.store.retention import LOW_WATER, on_disk
from tests.store.conftest import make_record

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


def at_day(day: int, part_id: int) -> str:
    return f"2026-11-{day:02d}T10:00:{part_id % 60:02d}.000+00:00"


def noise(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 255, (32, 32, 3), np.uint8)


@pytest.fixture
def station(tmp_path):
    """Parts 1..12 on days 1..12 of November, one image each: pass except those named below."""
    outcomes = {3: "reject", 5: "fail_safe", 7: "uncertain"}
    store = Store.open(tmp_path / "data" / "inspector.db")
    records = [make_record(i, outcomes.get(i, "pass"), run_id="run-b" if i in (10, 11) else "run-a",
                           wall_time=at_day(i, i)) for i in range(1, 13)]
    writer = RecordWriter(store, policy=ImagePolicy(keep_pass_fraction=1.0, format="png", png_compression=0)).start()
    for r in records:
        writer.submit(r, noise(r.part_id))
    assert writer.close()
    yield store
    store.close()


def image_of(store, part_id):
    record = store.record(part_id)
    return store.image_file(record) if record.image_path else None


def one_image_bytes(store):
    return on_disk(image_of(store, 1).stat())


def pruned_row(store, part_id):
    return store.query("SELECT image_path, image_pruned_at, image_pruned_reason FROM parts WHERE part_id = ?",
                       [part_id])[0]


def test_a_quota_prunes_pass_images_oldest_first_and_nothing_else(station):
    size = one_image_bytes(station)  # every image has the same size (uncompressed PNG of the same shape)
    files = {i: image_of(station, i) for i in range(1, 13)}
    report = Retention(station, RetentionPolicy(image_quota=8 * size), now=lambda: NOW).run()
    # 12 images over a quota of 8: down to the low-water mark (7.2 images), so the oldest 5 passes go
    assert [p.part_id for p in report.pruned] == [1, 2, 4, 6, 8]
    assert report.images_bytes_after <= LOW_WATER * 8 * size < report.images_bytes_before
    for i in (1, 2, 4, 6, 8):
        assert not files[i].exists()
        row = pruned_row(station, i)
        assert row["image_path"] is None and row["image_pruned_at"]
        assert "quota" in row["image_pruned_reason"] and files[i].name in row["image_pruned_reason"]
    for i in (3, 5, 7, 9, 10, 11, 12):
        assert files[i].exists() and station.record(i).image_path
    assert station.count() == 12  # every part row stays


def test_rejects_fail_safes_and_uncertain_parts_keep_their_images_whatever_the_quota(station):
    report = Retention(station, RetentionPolicy(image_quota=0), now=lambda: NOW).run()
    assert sorted(p.part_id for p in report.pruned) == [1, 2, 4, 6, 8, 9, 10, 11, 12]
    assert report.over_quota_protected is True
    assert {i for i in range(1, 13) if image_of(station, i) is not None} == {3, 5, 7}


def test_qa_labelled_and_held_parts_keep_their_images(station):
    Review(station).submit(2, "anna", "confirm")  # a pass a person looked at
    add_hold(station, NO_USERS, reference="lot 48", since="2026-11-04", until="2026-11-07", reason="complaint")
    add_hold(station, NO_USERS, reference="run b", run_id="run-b", reason="customer audit")
    report = Retention(station, RetentionPolicy(image_quota=0), now=lambda: NOW).run()
    assert sorted(p.part_id for p in report.pruned) == [1, 8, 9, 12]  # not 2 (labelled), 4 and 6 (days 4-6), 10, 11
    assert {i for i in range(1, 13) if image_of(station, i) is not None} == {2, 3, 4, 5, 6, 7, 10, 11}


def test_a_released_hold_no_longer_keeps_images_and_both_steps_are_audited(station):
    hold = add_hold(station, NO_USERS, reference="lot 48", part_from=1, part_to=4, reason="complaint")
    assert [h.id for h in holds(station)] == [hold.id]
    assert Retention(station, RetentionPolicy(image_quota=0), now=lambda: NOW).run().pruned[0].part_id == 6
    release_hold(station, NO_USERS, hold.id, reason="complaint closed")
    assert holds(station) == [] and holds(station, include_released=True)[0].released_at
    assert sorted(p.part_id for p in Retention(station, RetentionPolicy(image_quota=0)).run().pruned) == [1, 2, 4]
    trail = entries(station)
    assert [(e.action, e.target) for e in trail] == [("hold.add", f"hold:{hold.id}"), ("hold.release", f"hold:{hold.id}")]
    assert trail[0].reason == "complaint" and '"part_from":1' in trail[0].after


def test_a_hold_refuses_what_would_hold_nothing_or_everything(station):
    with pytest.raises(HoldError, match="at least one of"):
        add_hold(station, NO_USERS, reference="all", reason="why not")
    with pytest.raises(HoldError, match="since = .*before until"):
        add_hold(station, NO_USERS, reference="x", since="2026-11-05", until="2026-11-01", reason="r")
    with pytest.raises(HoldError, match="until = 'yesterday': not an ISO 8601 time"):
        add_hold(station, NO_USERS, reference="x", until="yesterday", reason="r")
    hold = add_hold(station, NO_USERS, reference="x", part_from=1, part_to=1, reason="r")
    release_hold(station, NO_USERS, hold.id, reason="done")
    with pytest.raises(HoldError, match="released already"):
        release_hold(station, NO_USERS, hold.id, reason="again")


def test_age_prunes_old_pass_images_without_any_quota(station):
    report = Retention(station, RetentionPolicy(max_age_days=30.5), now=lambda: NOW).run()  # cut: Nov 6, 00:00
    assert [p.part_id for p in report.pruned] == [1, 2, 4]
    assert all(p.why == "age" for p in report.pruned)
    assert "older than 30.5 days" in pruned_row(station, 4)["image_pruned_reason"]


def test_a_dry_run_names_what_would_go_and_deletes_nothing(station):
    size = one_image_bytes(station)
    report = Retention(station, RetentionPolicy(image_quota=10 * size, max_age_days=34.5), now=lambda: NOW).run(
        dry_run=True)
    assert [(p.part_id, p.why) for p in report.pruned] == [(1, "age"), (2, "quota"), (4, "quota")]
    assert all(image_of(station, i).exists() for i in range(1, 13))
    assert pruned_row(station, 1)["image_pruned_at"] is None


def test_a_pruned_pass_leaves_the_qa_queue_and_a_missing_file_is_marked_not_lost(station):
    before = {item.record.part_id for item in Review(station).queue().items}
    assert {1, 2} <= before
    image_of(station, 1).unlink()  # as if a crash came between deleting the file and marking its row
    report = Retention(station, RetentionPolicy(image_quota=0), now=lambda: NOW).run()
    assert report.pruned[0].part_id == 1 and report.pruned[0].bytes == 0
    after = {item.record.part_id for item in Review(station).queue().items}
    assert after == {3, 5, 7}
    assert pruned_row(station, 1)["image_pruned_at"]


def test_the_worker_prunes_on_its_own_thread_and_when_woken(station):
    worker = RetentionWorker(station, RetentionPolicy(image_quota=0), interval_s=3600).start()
    try:
        deadline = time.monotonic() + 5
        while worker.runs < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert worker.runs == 1 and len(worker.last.pruned) == 9
        worker.wake()
        while worker.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert worker.runs == 2 and worker.last.pruned == []
    finally:
        assert worker.stop(2.0)
    assert RetentionWorker(station, RetentionPolicy()).start()._worker.thread is None  # nothing set: no thread
