"""Acceptance (#19), run with the window tests (it needs PySide6): the window is a client process. Killing it (-9) mid-run costs the line nothing, and a restarted
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

PARTS = 300  # at 10 parts/s: a 30 s run, the window killed at 80


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
    from inspector.api.client import Client

    serve = inspector("serve", "--simulate", "--rate", "10", "--data-dir", str(folder / "data"),
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
        # the last results from the records (the model's 24) and the parts since, newest first, none missing
        assert len(strip) >= 24 and strip == list(range(strip[0], strip[0] - len(strip), -1))
        wait_for(lambda: (s := state(second)) and s["counters"]["inspected"] >= PARTS, 60, f"{PARTS} parts")
        with Client.local(ready["socket"]) as client:
            client.stop(reason="end of the test run")  # the simulated conveyor stops with the line: no fail-safe
            time.sleep(1.0)  # the parts past the beam are decided and recorded
            runtime = client.counters()
        shown = wait_for(lambda: (s := state(second)) and s["counters"]["inspected"] == runtime["recorded"] and s,
                         10, "the window to show every recorded part")
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(60) == 0
    finally:
        for process in [*windows, serve]:
            if process.poll() is None:
                process.kill()
                process.wait()
    summary = json.loads(serve.stderr.read().strip().splitlines()[-1])
    assert summary["clean_shutdown"] and summary["parts"] == summary["recorded"] == runtime["recorded"] >= PARTS
    with sqlite3.connect(folder / "data" / "inspector.db") as db:
        rows = db.execute("SELECT part_id, outcome FROM parts WHERE run_id = ? ORDER BY part_id",
                          (ready["run_id"],)).fetchall()
    ids = [r[0] for r in rows]
    assert len(rows) == summary["parts"] and ids == list(range(ids[0], ids[0] + len(ids)))  # 0 parts missing
    outcomes = {o: sum(1 for _, x in rows if x == o) for o in ("pass", "reject", "uncertain", "fail_safe")}
    assert outcomes["fail_safe"] == 0  # 0 fail-safes: no part was late for its decision while the window died
    counters = shown["counters"]
    assert (counters["inspected"], counters["passed"], counters["rejected"], counters["check"],
            counters["fail_safe"]) == (len(rows), outcomes["pass"], outcomes["reject"], outcomes["uncertain"], 0)
    assert shown["strip"][0] == ids[-1] and shown["shown"]["inspected"] == f"{len(rows):,}"
