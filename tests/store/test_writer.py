"""The record writer: never blocks the line, batches, keeps images by rule, survives and exposes write errors."""
from __future__ import annotations

import json
import sqlite3
import threading

import cv2
import numpy as np

from inspector.store import ImagePolicy, RecordWriter, Store

FRAME = np.full((48, 64, 3), 128, np.uint8)


def test_records_go_in_batches_and_close_drains_the_queue(store, record):
    batches: list[list[int]] = []
    writer = RecordWriter(store, batch_rows=50, on_committed=batches.append)
    for part_id in range(1, 501):
        assert writer.submit(record(part_id))
    writer.start()
    assert writer.close(timeout=5) is True
    assert store.count() == 500 and writer.written == 500
    assert len(batches) == 10 and all(len(b) == 50 for b in batches)
    assert sorted(i for b in batches for i in b) == list(range(1, 501))


def test_a_file_store_is_written_on_the_writers_own_connection(file_store, record):
    with RecordWriter(file_store, batch_delay_s=0.001) as writer:
        assert writer.alive and writer._thread.name == "record-writer"
        for part_id in range(1, 2001):
            writer.submit(record(part_id))
        assert writer.flush(timeout=5)
        assert file_store.count() == 2000
    assert not writer.alive
    assert writer.stats().written == 2000 and writer.stats().errors == 0


def test_a_full_queue_refuses_without_blocking_and_counts(store, record):
    writer = RecordWriter(store, queue_size=3)
    assert [writer.submit(record(i)) for i in range(1, 5)] == [True, True, True, False]
    assert writer.dropped == 1 and writer.stats().queued == 3
    assert writer.flush(timeout=0.2) is False  # not started: nothing can be written
    writer.start()
    assert writer.close() is True
    assert store.count() == 3


def test_a_closed_writer_refuses_and_counts(store, record):
    writer = RecordWriter(store).start()
    writer.close()
    assert writer.submit(record(1)) is False and writer.dropped == 1


def test_rejects_keep_their_image_and_passes_by_rule(store, record):
    writer = RecordWriter(store, policy=ImagePolicy(keep_pass_fraction=0.0)).start()
    writer.submit(record(1, outcome="reject"), FRAME)
    writer.submit(record(2, outcome="pass"), FRAME)
    writer.submit(record(3, outcome="uncertain"), None)  # no frame: nothing to keep
    assert writer.close()
    kept = store.record(1)
    assert kept.image_path == "images/2026-11-22/00000001.jpg"
    assert cv2.imread(str(store.image_file(kept))).shape == FRAME.shape
    assert store.record(2).image_path is None and store.record(3).image_path is None
    assert writer.images_written == 1


def test_the_image_file_is_complete_before_its_row_is_committed(store, record, monkeypatch):
    seen: list[bool] = []
    write_parts = Store.write_parts

    def checking(self, parts, alarms=()):
        seen.extend(self.image_file(p.record).is_file() for p in parts if p.record.image_path)
        return write_parts(self, parts, alarms)

    monkeypatch.setattr(Store, "write_parts", checking)
    writer = RecordWriter(store, policy=ImagePolicy(format="png")).start()
    for part_id in range(1, 21):
        writer.submit(record(part_id, outcome="reject"), FRAME)
    assert writer.close()
    assert seen == [True] * 20
    assert not list((store.images_dir / "2026-11-22").glob(".*partial"))


def test_an_unwritable_image_folder_is_an_error_with_a_message_and_no_row_is_lost(tmp_path, record):
    (tmp_path / "not-a-folder").write_text("")
    errors: list[str] = []
    with Store.open(":memory:", images_dir=tmp_path / "not-a-folder" / "images") as store:
        writer = RecordWriter(store, on_error=errors.append).start()
        for part_id in range(1, 11):
            writer.submit(record(part_id, outcome="reject" if part_id % 2 else "pass"), FRAME)
        assert writer.close()
        assert store.count() == 10 and all(r.image_path is None for r in store.records())
        assert writer.errors == 5 and writer.images_lost == 5 and writer.images_written == 0
        assert "image of part 9" in writer.last_error and "Error" in writer.last_error
        assert len(errors) == 5
        lost = store.alarms()
        assert sorted(a["part_id"] for a in lost) == [1, 3, 5, 7, 9]
        assert {a["kind"] for a in lost} == {"image_not_saved"}


def test_a_failing_database_is_retried_with_the_rows_kept(store, record, monkeypatch):
    failures = iter([True, True, True])
    write_parts = Store.write_parts

    def flaky(self, parts, alarms=()):
        if next(failures, False):
            raise sqlite3.OperationalError("database or disk is full")
        return write_parts(self, parts, alarms)

    monkeypatch.setattr(Store, "write_parts", flaky)
    writer = RecordWriter(store, retry_s=(0.01, 0.02)).start()
    for part_id in range(1, 101):
        writer.submit(record(part_id))
    assert writer.flush(timeout=5)
    assert writer.errors == 3 and "database or disk is full" in writer.last_error and writer.last_error_at
    assert writer.alive and store.count() == 100
    assert writer.close()


def test_what_cannot_be_written_by_close_is_rescued_beside_the_database(file_store, record, monkeypatch):
    def broken(self, parts, alarms=()):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "write_parts", broken)
    writer = RecordWriter(file_store, retry_s=(0.01, 0.05)).start()
    for part_id in range(1, 31):
        writer.submit(record(part_id))
    assert writer.close(timeout=0.3) is False
    assert not writer.alive
    rescued = [json.loads(line) for line in RecordWriter.rescue_path(file_store).read_text().splitlines()]
    assert [r["part_id"] for r in rescued] == list(range(1, 31))
    assert "30 records not written" in writer.last_error


def test_a_duplicate_part_id_is_quarantined_not_lost(store, record):
    batches: list[list[int]] = []
    writer = RecordWriter(store, on_committed=batches.append)
    writer.submit(record(1))
    writer.submit(record(1, reason="a second part with the same id"))
    writer.start()
    assert writer.close()
    assert writer.written == 1 and writer.quarantined == 1 and writer.errors == 1
    assert "part 1 refused" in writer.last_error
    assert [q["part_id"] for q in store.quarantined()] == [1]
    assert batches == [[1, 1]]


def test_a_malformed_record_is_quarantined_and_submit_does_not_raise(store, record):
    writer = RecordWriter(store).start()
    assert writer.submit(record(None), FRAME)
    assert writer.submit(record(2, confidence="very"))
    assert writer.close()
    assert store.count() == 0 and writer.quarantined == 2
    reasons = sorted(q["error"] for q in store.quarantined())
    assert "needs a part_id" in reasons[0] and "could not convert" in reasons[1]


def test_images_beyond_the_queue_budget_are_lost_with_an_alarm(store, record):
    writer = RecordWriter(store, max_queued_images=2)
    for part_id in range(1, 5):
        assert writer.submit(record(part_id, outcome="reject"), FRAME)
    writer.start()
    assert writer.close()
    assert store.count() == 4 and writer.images_written == 2 and writer.images_lost == 2 and writer.errors == 2
    assert "images already waiting" in writer.last_error
    assert sorted(a["part_id"] for a in store.alarms()) == [3, 4]


def test_a_failing_callback_does_not_stop_the_writer(store, record):
    def explode(part_ids):
        raise RuntimeError("listener bug")

    writer = RecordWriter(store, on_committed=explode).start()
    writer.submit(record(1))
    assert writer.flush(timeout=5)
    writer.submit(record(2))
    assert writer.flush(timeout=5) and writer.alive
    assert writer.close() and store.count() == 2 and "listener bug" in writer.last_error


def test_submit_from_many_threads_loses_nothing(file_store, record):
    writer = RecordWriter(file_store).start()

    def line(start):
        for part_id in range(start, start + 500):
            assert writer.submit(record(part_id))

    threads = [threading.Thread(target=line, args=(1 + k * 500,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert writer.close()
    assert file_store.count() == 2000 and file_store.next_part_id() == 2001


def test_the_writer_yields_before_each_image_unless_images_pile_up(store, record):
    calls = []
    writer = RecordWriter(store, before_image=lambda: calls.append(writer._queued_images), yield_below_images=3)
    for part_id in range(1, 7):  # queued before the writer starts: it begins 5 images behind
        assert writer.submit(record(part_id, outcome="reject"), FRAME)
    writer.start()
    assert writer.close()
    assert writer.images_written == 6 and store.count() == 6
    assert calls == [2, 1, 0]  # the first three were taken while 5, 4 and 3 still waited: no yielding then
