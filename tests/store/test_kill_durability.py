"""kill -9 in the middle of writing: the database is intact and every id reported committed is in it."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from inspector.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_committed_records_survive_kill_9(tmp_path):
    db_path = tmp_path / "station.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.writer_child", str(db_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    committed: list[int] = []
    try:
        assert child.stdout.readline() == "ready\n", child.stderr.read()
        deadline = time.monotonic() + 15
        while len(committed) < 3000 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            committed.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        rest, errors = child.communicate(timeout=10)
    committed += [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    assert child.returncode == -signal.SIGKILL
    assert len(committed) >= 1000, errors

    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {row[0] for row in conn.execute("SELECT part_id FROM parts")}
    conn.close()
    missing = sorted(set(committed) - stored)
    assert not missing, f"{len(missing)} ids reported committed are not in the database: {missing[:10]}"

    with Store.open(db_path) as store:
        assert store.next_part_id() > max(committed)
        kept = [r for r in store.records(limit=None) if r.image_path]
        assert kept and all(r.outcome == "reject" for r in kept)
        assert all(cv2.imread(str(store.image_file(r))) is not None for r in kept)
