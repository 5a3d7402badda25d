"""Free space watched with alarms that come and go with it, and a writer that says when a record may not be durable."""
from __future__ import annotations

import logging
import sqlite3
import threading
import time

from inspector.alarms import Alarms
from inspector.store import DiskWatch, RecordWriter, Store
from inspector.store.diskwatch import Usage
from tests.store.conftest import make_record

MiB = 1 << 20


class Disk:
    """Free space a test sets by hand."""

    def __init__(self, free: int):
        self.free = free

    def __call__(self, folder):
        return Usage(100 * MiB, 100 * MiB - self.free, self.free)


def watch(disk, alarms, **kw):
    return DiskWatch("/data", warn_free=10 * MiB, critical_free=2 * MiB, usage=disk, alarms=alarms, **kw)


def test_alarms_follow_free_space_and_clear_when_it_comes_back():
    disk, alarms = Disk(50 * MiB), Alarms()
    woken = []
    w = watch(disk, alarms, on_low=lambda: woken.append(1))
    assert w.check() == "ok" and alarms.active == [] and w.problem() is None
    disk.free = 8 * MiB
    assert w.check() == "low" and [a.kind for a in alarms.active] == ["disk_low"] and w.problem() is None
    disk.free = 1 * MiB
    assert w.check() == "critical" and {a.kind for a in alarms.active} == {"disk_low", "disk_critical"}
    assert "1.0 MiB free under /data" in w.problem()
    disk.free = 5 * MiB
    assert w.check() == "low" and [a.kind for a in alarms.active] == ["disk_low"]
    disk.free = 60 * MiB
    assert w.check() == "ok" and alarms.active == []
    assert len(woken) == 2  # each time it got worse: retention is woken


def test_a_disk_hovering_at_a_threshold_changes_state_once():
    disk, alarms = Disk(10 * MiB - 1), Alarms()
    w = watch(disk, alarms)
    w.check()
    for free in (10 * MiB + 1, 10 * MiB - 1, 10 * MiB + 100, 10 * MiB - 5) * 20:
        disk.free = free
        assert w.check() == "low"
    assert w.changes == 1
    disk.free = 11 * MiB  # above the threshold by more than the 5 % margin
    assert w.check() == "ok" and w.changes == 2


def test_one_log_line_per_change_of_state_however_often_it_is_checked(caplog):
    disk, alarms = Disk(50 * MiB), Alarms()
    w = watch(disk, alarms)
    with caplog.at_level(logging.INFO):
        for free in [1 * MiB] * 100 + [50 * MiB] * 100:
            disk.free = free
            w.check()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("ALARM disk_critical") and lines[1].startswith("alarm disk_critical cleared")


def test_free_space_that_cannot_be_read_counts_as_critical():
    def unreadable(folder):
        raise FileNotFoundError(2, "No such file or directory", str(folder))

    w = DiskWatch("/gone", warn_free=10, critical_free=1, usage=unreadable)
    assert w.check() == "critical" and w.free is None
    assert w.problem().startswith("disk critical: unknown free under /gone")


def test_the_watch_runs_on_its_own_named_thread_and_stops():
    disk, alarms = Disk(50 * MiB), Alarms()
    w = watch(disk, alarms, interval_s=0.01).start()
    assert any(t.name == "disk-watch" for t in threading.enumerate())
    disk.free = 1 * MiB
    deadline = time.monotonic() + 2
    while w.state != "critical" and time.monotonic() < deadline:
        time.sleep(0.005)
    assert w.state == "critical"
    assert w.stop(1.0)


def test_the_writer_is_not_durable_from_its_first_failed_commit_until_the_next_commit(store, monkeypatch):
    failing = threading.Event()
    write_parts = Store.write_parts

    def flaky(self, parts, alarms=()):
        if failing.is_set():
            raise sqlite3.OperationalError("database or disk is full")
        return write_parts(self, parts, alarms)

    monkeypatch.setattr(Store, "write_parts", flaky)
    writer = RecordWriter(store, retry_s=(0.01, 0.02)).start()
    writer.submit(make_record(1))
    assert writer.flush(2) and writer.durability_problem() is None
    failing.set()
    writer.submit(make_record(2))
    deadline = time.monotonic() + 2
    while writer.durability_problem() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert "the database cannot commit (OperationalError: database or disk is full)" == writer.durability_problem()
    failing.clear()
    assert writer.flush(2) and writer.durability_problem() is None and store.count() == 2
    writer.close()
    assert writer.durability_problem() == "the record writer is closed"


def test_records_waiting_too_long_for_a_commit_are_not_durable(store, monkeypatch):
    gate = threading.Event()
    write_parts = Store.write_parts

    def slow(self, parts, alarms=()):  # a database locked by another process
        gate.wait(5)
        return write_parts(self, parts, alarms)

    monkeypatch.setattr(Store, "write_parts", slow)
    writer = RecordWriter(store, max_commit_lag_s=0.05).start()
    writer.submit(make_record(1))
    time.sleep(0.1)
    assert writer.durability_problem().startswith("records have waited")
    gate.set()
    assert writer.flush(2) and writer.durability_problem() is None
    writer.close()


def test_write_errors_are_logged_when_trouble_starts_and_when_it_ends_not_per_part(store, monkeypatch, caplog):
    failing = threading.Event()
    failing.set()
    write_parts = Store.write_parts

    def flaky(self, parts, alarms=()):
        if failing.is_set():
            raise sqlite3.OperationalError("disk I/O error")
        return write_parts(self, parts, alarms)

    monkeypatch.setattr(Store, "write_parts", flaky)
    with caplog.at_level(logging.WARNING, logger="inspector.store.writer"):
        writer = RecordWriter(store, retry_s=(0.001, 0.002), quiet_s=0.05).start()
        for part_id in range(1, 201):
            writer.submit(make_record(part_id))
        deadline = time.monotonic() + 2
        while writer.errors < 50 and time.monotonic() < deadline:
            time.sleep(0.005)
        failing.clear()
        assert writer.flush(2)
        time.sleep(0.06)
        writer.submit(make_record(201))
        assert writer.flush(2)
        writer.close()
    lines = [r.getMessage() for r in caplog.records]
    assert writer.errors >= 50 and len(lines) == 2, lines
    assert "disk I/O error" in lines[0] and lines[1].startswith("record writer: writing cleanly again")
