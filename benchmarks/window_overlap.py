"""Which of the window's threads run while the line decides a part, and how long: the window's share of each decision.

    PYTHONPATH=. python benchmarks/window_overlap.py [--seconds 60]

``inspector serve --simulate`` at 10 parts/s with ``inspector window`` attached over its socket. This process (at
the window's own SCHED_IDLE priority) reads each window thread's time on a CPU (``/proc/PID/task/TID/schedstat``,
nanoseconds) every 2 ms; afterwards each recorded part's trigger-to-decision span is matched against those samples.
Printed and written to ``benchmarks/results/window_overlap.json``: for the fastest half of the decisions, those
between p90 and p98, and the slowest 2 %, the window's mean CPU time within a decision and the share of decisions in
which it ran for more than 1 ms, with the threads that ran longest in the slowest decisions. A window that holds its
work while a part is decided shows little CPU time inside decisions, and none that grows towards the slow end.
"""
from __future__ import annotations

import argparse
import bisect
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RESULTS = Path("benchmarks/results/window_overlap.json")
SAMPLE_S = 0.002


def thread_names(pid: int) -> dict[str, str]:
    """Thread id -> the window's own thread names (Python's, which /proc does not know), via py-spy if installed."""
    names = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            names[tid] = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
        except OSError:
            pass
    spy = shutil.which("py-spy")
    if spy:
        dump = subprocess.run([spy, "dump", "-p", str(pid)], capture_output=True, text=True).stdout
        for line in dump.splitlines():
            if line.startswith("Thread ") and '"' in line:
                names[line.split()[1]] = line.split('"')[1]
    return names


def sample(pid: int, seconds: float) -> tuple[list[float], list[dict[str, int]]]:
    handles = {tid: os.open(f"/proc/{pid}/task/{tid}/schedstat", os.O_RDONLY) for tid in os.listdir(f"/proc/{pid}/task")}
    times, cpu = [], []
    end = time.time() + seconds
    try:
        while time.time() < end:
            row = {}
            for tid, fd in handles.items():
                try:
                    row[tid] = int(os.pread(fd, 100, 0).split()[0])
                except OSError:  # the thread ended
                    pass
            times.append(time.time())
            cpu.append(row)
            time.sleep(SAMPLE_S)
    finally:
        for fd in handles.values():
            os.close(fd)
    return times, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warm-up", type=float, default=5.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="wo", dir="/tmp"))
    python = sys.executable
    runtime = subprocess.Popen([python, "-m", "inspector", "serve", "--simulate", "--rate", "10", "--data-dir",
                                str(root / "data")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    window = None
    try:
        ready = json.loads(runtime.stdout.readline())
        window = subprocess.Popen([python, "-m", "inspector", "window", "--socket", ready["socket"]],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        time.sleep(args.warm_up)
        times, cpu = sample(window.pid, args.seconds)
        names = thread_names(window.pid)
    finally:
        if window is not None:
            window.kill()
        runtime.terminate()
        runtime.wait(30)
    with sqlite3.connect(root / "data" / "inspector.db") as db:
        rows = db.execute("SELECT wall_time, timings_ms FROM parts WHERE run_id = ?", (ready["run_id"],)).fetchall()
    shutil.rmtree(root, ignore_errors=True)
    decisions = []
    for wall, timing in rows:
        decided_ms = json.loads(timing).get("trigger_to_decision")
        start = datetime.fromisoformat(wall).timestamp()
        if decided_ms is None or not times[0] <= start <= times[-1]:
            continue
        i = max(0, bisect.bisect_right(times, start) - 1)
        j = min(len(times) - 1, bisect.bisect_left(times, start + decided_ms / 1000))
        per_thread = {names.get(t, t): (cpu[j].get(t, 0) - cpu[i].get(t, 0)) / 1e6 for t in cpu[i]}
        decisions.append((decided_ms, sum(per_thread.values()), per_thread))
    decisions.sort(key=lambda d: d[0])
    n = len(decisions)

    def band(part: list) -> dict:
        return {"decisions": len(part), "mean_decision_ms": round(statistics.mean(d[0] for d in part), 2),
                "window_cpu_ms_mean": round(statistics.mean(d[1] for d in part), 2),
                "share_over_1ms": round(sum(d[1] > 1.0 for d in part) / len(part), 3)}

    result = {"seconds": args.seconds, "decisions": n,
              "fastest_half": band(decisions[:n // 2]), "p90_to_p98": band(decisions[int(0.9 * n):int(0.98 * n)]),
              "slowest_2pct": band(decisions[int(0.98 * n):]),
              "slowest": [{"decision_ms": round(d[0], 2), "window_cpu_ms": round(d[1], 2),
                           "threads": {k: round(v, 2) for k, v in sorted(d[2].items(), key=lambda kv: -kv[1])[:3]
                                       if v > 0.05}} for d in decisions[-8:]]}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
