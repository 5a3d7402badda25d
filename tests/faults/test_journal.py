"""The crash journal and the recovery at start, specified on real files and a real SQLite database."""
from __future__ import annotations

import errno
import time

import pytest

import inspector.line.journal as journal_module
from inspector.line.journal import TriggerJournal, journal_segments, read_journal
from inspector.line.recovery import recover
from inspector.record import PartRecord
from inspector.store import Store
from tests.core.conftest import GOOD


def record(part_id: int, run_id: str = "run-1") -> PartRecord:
    return PartRecord(part_id=part_id, run_id=run_id, recipe="r", recipe_hash="h", t_trigger=1.0,
                      wall_time="2026-01-01T00:00:00.000+00:00", outcome="pass", reason="good", confidence=0.9,
                      actuated=False)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "inspector.db") as store:
        store.start_run("run-1", recipe="r", recipe_hash="h")
        yield store


def test_each_booked_part_is_in_the_file_with_its_time_before_it_is_durable(tmp_path):
    journal = TriggerJournal.open(tmp_path, run_id="run-1", first_id=7)
    ids = [journal.book(10.0 + i, f"2026-01-01T00:00:0{i}.000+00:00") for i in range(3)]
    assert ids == [7, 8, 9]
    assert journal.wait_durable(9, timeout=2.0)
    entries = read_journal(tmp_path)
    assert [(e.part_id, e.run_id, e.t_trigger) for e in entries] == [(7, "run-1", 10.0), (8, "run-1", 11.0),
                                                                     (9, "run-1", 12.0)]
    assert not journal.close()  # nothing recorded: the journal is kept for the next start
    assert journal_segments(tmp_path)


def test_ids_continue_above_every_id_left_in_the_journal(tmp_path):
    first = TriggerJournal.open(tmp_path, run_id="run-1", first_id=1)
    for _ in range(5):
        first.book(1.0, "w")
    first.close()
    second = TriggerJournal.open(tmp_path, run_id="run-2", first_id=1)  # the database knows none of them
    assert second.book(2.0, "w") == 6
    second.close()


def test_a_segment_goes_once_every_part_in_it_is_recorded_and_a_clean_close_leaves_none(tmp_path):
    journal = TriggerJournal.open(tmp_path, run_id="run-1", first_id=1, segment_parts=3)
    ids = [journal.book(float(i), "w") for i in range(7)]  # segments 1-3, 4-6, 7-
    assert len(journal_segments(tmp_path)) == 3
    journal.recorded([1, 2, 4])
    assert len(journal_segments(tmp_path)) == 3  # part 3 is still open: its segment stays, and all after it
    journal.recorded([3, 5, 6])
    assert [p.name for p in journal_segments(tmp_path)] == ["000000000007.log"]
    journal.recorded(ids)
    assert journal.outstanding == 0 and journal.close()
    assert journal_segments(tmp_path) == []


def test_a_failed_sync_makes_no_part_durable_and_says_why(tmp_path, monkeypatch):
    errors = []
    journal = TriggerJournal.open(tmp_path, run_id="run-1", first_id=1, on_error=errors.append)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "fdatasync", full)
    part_id = journal.book(1.0, "w")
    assert not journal.wait_durable(part_id, timeout=2.0)
    assert "No space left" in journal.stats.failed and errors == [journal.stats.failed]
    monkeypatch.undo()
    journal.close()


def test_after_a_failure_the_journal_takes_parts_again_but_never_vouches_for_those_it_lost(tmp_path, monkeypatch):
    journal = TriggerJournal.open(tmp_path, run_id="run-1", first_id=1, retry_s=0.05)
    monkeypatch.setattr(journal_module.os, "fdatasync",
                        lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    lost = journal.book(1.0, "w")
    assert not journal.wait_durable(lost, timeout=1.0)
    during = journal.book(2.0, "w")  # still failed: not even written
    monkeypatch.undo()  # space is back
    time.sleep(0.06)
    after = journal.book(3.0, "w")
    assert journal.wait_durable(after, timeout=2.0) and journal.stats.failed is None
    assert not journal.wait_durable(lost, timeout=0.1) and not journal.wait_durable(during, timeout=0.1)
    assert journal.stats.failures == 1
    assert {e.part_id for e in read_journal(tmp_path)} >= {after}
    journal.close()


def test_recovery_records_each_unrecorded_part_once_as_lost_and_marks_the_run_crashed(tmp_path, store):
    journal = TriggerJournal.open(tmp_path / "journal", run_id="run-1", first_id=store.next_part_id())
    ids = [journal.book(100.0 + i, f"2026-01-01T00:00:0{i}.000+00:00") for i in range(5)]
    store.insert(record(ids[0]))
    store.insert(record(ids[1]))
    # the process dies here: nothing closes the journal

    recovery = recover(tmp_path / "journal", store)

    assert recovery.lost == ids[2:] and recovery.crashed_runs == ["run-1"] and recovery.next_id == ids[-1] + 1
    lost = store.record(ids[2])
    assert (lost.outcome, lost.fail_safe_cause, lost.actuated, lost.t_trigger) == ("fail_safe", "lost_in_crash",
                                                                                   False, 102.0)
    assert "check it by hand" in lost.reason and lost.recipe == "r" and lost.run_id == "run-1"
    assert store.record(ids[0]).outcome == "pass"  # recorded before the crash: left as it was
    assert sorted(a["part_id"] for a in store.alarms() if a["kind"] == "lost_in_crash") == ids[2:]
    run = store.run("run-1")
    assert run["end_state"] == "crash" and "3 part(s) lost" in run["end_note"]
    assert journal_segments(tmp_path / "journal") == []
    again = recover(tmp_path / "journal", store)  # a second start finds nothing more to do
    assert again.lost == [] and again.crashed_runs == [] and store.count() == 5


def test_a_run_closed_by_the_software_is_never_marked_crashed(store, tmp_path):
    assert store.end_run("run-1", "clean")
    assert not store.end_run("run-1", "crash")
    assert recover(tmp_path / "journal", store).crashed_runs == []
    assert store.run("run-1")["end_state"] == "clean"


def test_a_part_whose_trigger_cannot_be_made_durable_is_rejected_never_passed(manual_rig, tmp_path, monkeypatch):
    rig = manual_rig
    journal = TriggerJournal.open(tmp_path, run_id="run-1", first_id=1)
    rig.line.journal = journal
    fine = rig.part(GOOD, at=100.0)
    rig.run_until_idle()
    monkeypatch.setattr(journal_module.os, "fdatasync",
                        lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error")))
    broken = rig.part(GOOD, at=101.0)
    rig.run_until_idle()
    monkeypatch.undo()
    assert rig.sink.by_id(fine).outcome == "pass" and "journal_wait" in rig.sink.by_id(fine).timings_ms
    record = rig.sink.by_id(broken)
    assert (record.outcome, record.fail_safe_cause, record.actuated) == ("fail_safe", "not_journaled", True)
    assert "Input/output error" in record.reason
    assert "storage_error" in {a.kind for a in rig.line.alarms.active}
    journal.close()
