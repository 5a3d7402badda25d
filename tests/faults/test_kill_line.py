"""kill -9 of the running station, five times at random moments: after the restart every part the beam booked has
exactly one record, no id is used twice, each killed run is recorded as a crash, and the database is intact."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from inspector.assemble import build_station
from inspector.config import StationConfig

ROOT = Path(__file__).resolve().parents[2]
RATE = 50.0
KILLS = 5


def run_and_kill(data_dir: Path, after_s: float) -> tuple[str, list[int]]:
    """Start the station in a child, kill -9 it ``after_s`` into its run; the run id and the ids it booked."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen([sys.executable, "-m", "tests.faults.line_child", str(data_dir), str(RATE)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()
        assert first.startswith("ready "), child.stderr.read()
        time.sleep(after_s)
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL
    return first.split()[1], [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_at_50_parts_per_second_loses_no_part_and_reuses_no_id(tmp_path):
    seed = random.randrange(1 << 30)
    moments = [round(random.Random(seed + k).uniform(0.4, 2.0), 2) for k in range(KILLS)]
    runs = [run_and_kill(tmp_path, after_s) for after_s in moments]
    booked = [part_id for _, ids in runs for part_id in ids]
    assert all(ids for _, ids in runs), f"a run booked nothing (kills at {moments} s, seed {seed})"

    station = build_station(StationConfig(data_dir=tmp_path), simulate=True)  # the restart recovers
    try:
        recovery = station.recovery
        assert station.line.journal.next_id > max(booked)
    finally:
        assert station.close()
    assert not list((tmp_path / "journal").glob("*.log"))  # a clean close leaves the journal empty

    conn = sqlite3.connect(tmp_path / "inspector.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        recorded = Counter(row[0] for row in conn.execute(
            "SELECT part_id FROM parts UNION ALL SELECT part_id FROM parts_quarantine"))
        lost = {row[0]: row[1:] for row in conn.execute(
            "SELECT part_id, outcome, actuated, run_id FROM parts WHERE fail_safe_cause = 'lost_in_crash'")}
        lost_alarms = {row[0] for row in conn.execute("SELECT part_id FROM alarms WHERE kind = 'lost_in_crash' AND part_id IS NOT NULL")}
        ends = dict(conn.execute("SELECT run_id, end_state FROM runs").fetchall())
        by_run = conn.execute("SELECT run_id, min(part_id), max(part_id) FROM parts GROUP BY run_id").fetchall()
    finally:
        conn.close()

    where = f"(kills at {moments} s, seed {seed})"
    assert len(booked) == len(set(booked)), f"an id was booked twice {where}"
    assert not [i for i in booked if recorded[i] != 1], f"booked parts without exactly one record {where}"
    assert all(n == 1 for n in recorded.values())
    assert [ends[run_id] for run_id, _ in runs] == ["crash"] * KILLS and ends[station.line.run_id] == "clean"
    assert lost and set(lost) == lost_alarms and set(recovery.lost) <= set(lost), where
    for run_id, ids in runs:  # a kill may land between booking a part and printing its id: that one is lost too
        assert {i for i, (*_, run) in lost.items() if run == run_id} <= {*ids, max(ids) + 1}, where
    assert all(outcome == "fail_safe" and not actuated for outcome, actuated, _ in lost.values())
    spans = sorted((lo, hi) for _, lo, hi in by_run)
    assert all(hi < next_lo for (_, hi), (next_lo, _) in zip(spans, spans[1:])), f"runs share ids {spans}"
