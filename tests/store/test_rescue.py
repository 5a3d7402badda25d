"""The rescue reserve: records the database cannot take go into room kept for them, and back into the database at
the next start, once, whatever happens in between."""
from __future__ import annotations

import json
import sqlite3
import time

import pytest

from inspector.store import RecordWriter, RescueError, Reserve, Store, reimport_rescued
from inspector.store.reserve import BALLAST
from inspector.store.rows import record_to_json
from tests.store.conftest import make_record


def broken_database(monkeypatch):
    def refuse(self, parts, alarms=()):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "write_parts", refuse)


def test_the_ballast_is_real_blocks_of_the_size_asked_and_made_once(tmp_path):
    reserve = Reserve(tmp_path, 256 * 1024)
    assert not reserve.ready() and reserve.make() and reserve.ready()
    ballast = tmp_path / BALLAST
    assert ballast.stat().st_size == 256 * 1024
    assert ballast.stat().st_blocks * 512 >= 256 * 1024  # written, not a sparse hole that frees nothing
    inode = ballast.stat().st_ino
    assert reserve.make() and ballast.stat().st_ino == inode


def test_unwritten_records_are_rescued_into_the_ballast_and_reimported_once(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "inspector.db")
    reserve = Reserve(tmp_path, 64 * 1024)
    reserve.make()
    with monkeypatch.context() as m:
        broken_database(m)
        writer = RecordWriter(store, reserve=reserve, retry_s=(0.01, 0.05)).start()
        for part_id in range(1, 41):
            writer.submit(make_record(part_id, "reject" if part_id % 5 == 0 else "pass"))
        assert writer.close(timeout=0.3) is False
    assert writer.stats().rescued == 40 and writer.stats().lost == 0
    assert not (tmp_path / BALLAST).exists()  # the ballast became the rescue file, in place
    [rescue] = reserve.rescued_files(store.path)
    assert rescue.name.startswith("rescued-") and len(rescue.read_text().splitlines()) == 40
    assert "40 records not written" in writer.last_error and str(rescue) in writer.last_error

    result = reimport_rescued(store, reserve.rescued_files(store.path))
    assert (result.imported, result.already_recorded) == (40, 0)
    assert store.count() == 40 and store.count(outcome="reject") == 8
    assert reserve.rescued_files(store.path) == []  # renamed *.imported: never read twice
    assert any(a["kind"] == "records_rescued" for a in store.alarms())
    assert reserve.make() and reserve.ready()  # room kept again for the next time
    store.close()


def test_a_reimport_interrupted_half_way_adds_no_duplicate(tmp_path):
    store = Store.open(tmp_path / "inspector.db")
    reserve = Reserve(tmp_path, 64 * 1024)
    reserve.make()
    records = [make_record(i) for i in range(1, 21)]
    reserve.rescue(records)
    for r in records[:12]:  # as if the last start crashed after committing these, before renaming the file
        store.insert(r)
    result = reimport_rescued(store, reserve.rescued_files(store.path))
    assert (result.imported, result.already_recorded) == (8, 12)
    assert store.count() == 20
    assert store.next_part_id() == 21
    store.close()


def test_records_beyond_the_ballast_go_to_the_second_place(tmp_path):
    second = tmp_path / "other-disk"
    reserve = Reserve(tmp_path / "data", 2048, second=second)
    reserve.make()
    records = [make_record(i) for i in range(1, 31)]  # about 400 bytes each: the ballast takes 5
    result = reserve.rescue(records)
    assert result.written == 30 and result.lost == 0
    in_ballast, in_second = (len(f.read_text().splitlines()) for f in result.files)
    assert in_ballast + in_second == 30 and 0 < in_ballast < 30
    assert result.files[1].parent == second
    ids = sorted(json.loads(line)["part_id"] for f in result.files for line in f.read_text().splitlines())
    assert ids == list(range(1, 31))


def test_a_cut_last_line_is_quarantined_not_lost(tmp_path):
    store = Store.open(tmp_path / "inspector.db")
    reserve = Reserve(tmp_path, 0)
    rescue = tmp_path / "rescued-20261206T120000Z.jsonl"
    rescue.write_text(record_to_json(make_record(1)) + "\n" + record_to_json(make_record(2))[:60] + "\n")
    result = reimport_rescued(store, reserve.rescued_files(store.path))
    assert (result.imported, result.quarantined) == (1, 1)
    assert store.count() == 1 and "line 2" in store.quarantined()[0]["error"]
    store.close()


def test_a_writer_without_a_reserve_still_rescues_beside_the_database_and_that_file_is_reimported(tmp_path,
                                                                                                   monkeypatch):
    store = Store.open(tmp_path / "inspector.db")
    with monkeypatch.context() as m:
        broken_database(m)
        writer = RecordWriter(store, retry_s=(0.01, 0.05)).start()
        for part_id in range(1, 6):
            writer.submit(make_record(part_id))
        writer.close(timeout=0.2)
    result = reimport_rescued(store, Reserve(tmp_path, 0).rescued_files(store.path))
    assert result.imported == 5 and store.count() == 5
    store.close()



def test_alarm_rows_wait_with_the_records_and_are_rescued_and_reimported_once(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "inspector.db")
    reserve = Reserve(tmp_path, 64 * 1024)
    reserve.make()
    with monkeypatch.context() as m:
        broken_database(m)
        writer = RecordWriter(store, reserve=reserve, retry_s=(0.01, 0.05)).start()
        writer.submit(make_record(1))
        assert writer.add_alarm("disk_critical", "0.0 MiB free under /data", wall_time="2026-12-06T12:00:00.000+00:00")
        writer.close(timeout=0.3)
    assert writer.add_alarm("disk_low", "too late") is False
    assert store.alarms() == []
    files = reserve.rescued_files(store.path)
    assert reimport_rescued(store, files).alarms == 1
    kinds = sorted(a["kind"] for a in store.alarms())
    assert kinds == ["disk_critical", "records_rescued"]
    again = tmp_path / "rescued-again.jsonl"  # the same rescue read a second time (a crash before the rename)
    again.write_bytes(files[0].with_name(files[0].name + ".imported").read_bytes())
    assert reimport_rescued(store, [again]).alarms == 0
    assert sorted(a["kind"] for a in store.alarms()).count("disk_critical") == 1
    store.close()


def test_alarm_rows_from_any_thread_are_committed_by_the_writer_without_any_part(store):
    writer = RecordWriter(store).start()
    writer.add_alarm("disk_low", "9.0 MiB free under /data")
    deadline = time.monotonic() + 2
    while not store.alarms() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [a["kind"] for a in store.alarms()] == ["disk_low"]
    writer.close()


def test_a_rescue_that_cannot_go_back_in_refuses_the_start_and_keeps_the_file(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "inspector.db")
    reserve = Reserve(tmp_path, 64 * 1024)
    reserve.make()
    reserve.rescue([make_record(1), make_record(2)])
    [rescue] = reserve.rescued_files(store.path)
    broken_database(monkeypatch)
    with pytest.raises(RescueError, match=r"2 rescued records in .*rescued-.*could not be put back.*free space under"):
        reimport_rescued(store, [rescue])
    assert rescue.exists() and reserve.rescued_files(store.path) == [rescue]
    store.close()
