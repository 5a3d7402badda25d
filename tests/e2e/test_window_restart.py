"""Acceptance (#19): the window is a client process. Killing it (-9) mid-run costs the line nothing, and a restarted
window shows the runtime's counters and last results, read from the runtime and its records."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

PARTS = 300


def inspector(*args, **kw):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-m", "inspector", *args], env=env, text=True, **kw)


def state(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def wait_for(check, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp(prefix="win", dir="/tmp"))  # the unix socket's path must stay short
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_killing_the_window_mid_run_loses_no_part_and_a_new_window_shows_the_same_counters(folder):
    pytest.importorskip("PySide6")
    serve = inspector("serve", "--simulate", "--rate", "10", "--parts", str(PARTS), "--data-dir", str(folder / "data"),
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    windows = []
    try:
        ready = json.loads(serve.stdout.readline())
        first, second = folder / "first.json", folder / "second.json"
        windows.append(inspector("window", "--socket", ready["socket"], "--dump-state", str(first),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        before = wait_for(lambda: (s := state(first)) and s["counters"]["inspected"] >= 80 and s, 60,
                          "the first window to show 80 parts")
        windows[0].send_signal(signal.SIGKILL)  # the window dies; the line must not notice
        windows[0].wait(10)
        windows.append(inspector("window", "--socket", ready["socket"], "--dump-state", str(second),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        restarted = wait_for(lambda: (s := state(second)) and s["connected"] and s["strip"] and s, 60,
                             "the new window to connect")
        assert restarted["counters"]["inspected"] >= before["counters"]["inspected"]  # the runtime's, not from zero
        assert restarted["run_id"] == before["run_id"] == ready["run_id"]
        strip = restarted["strip"]
        assert len(strip) == 16 and strip == list(range(strip[0], strip[0] - 16, -1))  # last results, newest first
        assert serve.wait(120) == 0
        final = wait_for(lambda: (s := state(second)) and not s["connected"] and s, 10, "the runtime's end")
    finally:
        for process in [*windows, serve]:
            if process.poll() is None:
                process.kill()
                process.wait()
    summary = json.loads(serve.stderr.read().strip().splitlines()[-1])
    assert summary["clean_shutdown"] and summary["parts"] == summary["recorded"] == PARTS
    with sqlite3.connect(folder / "data" / "inspector.db") as db:
        rows = db.execute("SELECT part_id, outcome FROM parts WHERE run_id = ? ORDER BY part_id",
                          (ready["run_id"],)).fetchall()
    ids = [r[0] for r in rows]
    assert len(rows) == PARTS and ids == list(range(ids[0], ids[0] + PARTS))  # 0 parts missing
    outcomes = {o: sum(1 for _, x in rows if x == o) for o in ("pass", "reject", "uncertain", "fail_safe")}
    assert outcomes["fail_safe"] == 0  # 0 fail-safes: no part was late for its decision while the window died
    shown = final["counters"]
    assert (shown["inspected"], shown["passed"], shown["rejected"], shown["check"], shown["fail_safe"]) == \
        (PARTS, outcomes["pass"], outcomes["reject"], outcomes["uncertain"], outcomes["fail_safe"])
    assert final["strip"][0] == final["verdict"]["part_id"] == ids[-1]
    assert final["shown"]["inspected"] == f"{PARTS:,}"
