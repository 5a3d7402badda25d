"""A full disk under the running line: no part passes without a durable record, no record is lost, alarms come and
go with the space, and stderr gets a line per change of state, not per part.

The data directory is a real 16 MiB tmpfs (the WAL alone takes up to 4 MiB between checkpoints) where this machine allows mounting, else the fault is injected at the
file-system boundary (see ``tests.faults.disk``). The disk is full for a few seconds here;
``benchmarks/bench_full_disk.py`` holds it full for 60 s.
"""
from __future__ import annotations

import sqlite3

import pytest

from tests.faults.disk import SmallDisk, run_full_disk


@pytest.fixture(scope="module", params=["small_disk", "injected_fault"])
def full_disk_run(request, tmp_path_factory):
    """Once on a real small disk (where mounting is allowed; else it falls back by itself), once with the fault
    injected, so the fallback is proven to hold too."""
    mount = request.param == "small_disk"
    with SmallDisk(tmp_path_factory.mktemp("small-disk"), size_mib=16, allow_mount=mount) as disk:
        run = run_full_disk(disk, full_s=5.0 if mount else 3.0)
        db = sqlite3.connect(disk.path / "data" / "inspector.db")
        rows = db.execute("SELECT part_id, outcome, fail_safe_cause FROM parts WHERE part_id >= ?",
                          [run.first_id]).fetchall()
        alarms = [kind for (kind,) in db.execute("SELECT kind FROM alarms")]
        quarantined = db.execute("SELECT count(*) FROM parts_quarantine").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        yield run, {r[0]: r for r in rows}, alarms, quarantined, integrity


def test_every_triggered_part_has_exactly_one_record_after_the_restart(full_disk_run):
    run, rows, _, quarantined, integrity = full_disk_run
    assert run.triggered > 100
    assert sorted(rows) == list(range(run.first_id, run.first_id + run.triggered))
    assert quarantined == 0 and integrity == "ok"
    assert run.records_lost_at_close == 0
    assert run.records_rescued > 0 and run.reimported == run.records_rescued  # the stop while full went via the rescue


def test_no_part_passes_while_the_disk_is_full(full_disk_run):
    run, rows, *_ = full_disk_run
    assert all(d < 1.0 for d in run.detection_s), run.detection_s
    for first, last in run.full_windows:
        known = first + int(max(run.detection_s) * run.rate_hz) + 2  # parts decided before the line could know
        decided_while_known = [rows[i] for i in range(known, last + 1)]
        assert decided_while_known and all(outcome != "pass" for _, outcome, _ in decided_while_known)
        # the record cannot be made durable, or (the crash journal sits on the same full disk) its trigger cannot
        assert {cause for _, _, cause in decided_while_known} <= {"record_not_durable", "not_journaled"}
    assert run.recovery_s < 2.5
    after_recovery = [rows[i][1] for i in range(run.recovered_from_id + 1, run.full_windows[1][0])]
    assert after_recovery.count("pass") > len(after_recovery) // 2  # the line passes parts again once space is back


def test_alarms_are_raised_kept_and_cleared_when_space_comes_back(full_disk_run):
    run, _, alarms, *_ = full_disk_run
    assert {"disk_critical", "record_not_durable", "storage_error"} <= run.alarms_seen
    assert not {"disk_critical", "disk_low"} & run.alarms_active_after_recovery
    assert {"disk_critical", "record_not_durable", "records_rescued"} <= set(alarms)  # recorded, none lost


def test_stderr_gets_a_line_per_change_of_state_not_per_part(full_disk_run):
    run, *_ = full_disk_run
    full_parts = sum(last - first + 1 for first, last in run.full_windows)
    assert full_parts > 50
    assert len(run.log_lines) <= 20, "\n".join(run.log_lines)
