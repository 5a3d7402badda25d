"""How fast the "station ready" pin drops when the runtime dies or hangs, and whether it ever drops while it is healthy.

    .venv/bin/python benchmarks/bench_interlock.py [--kills 10] [--stops 20] [--healthy-s 30] [--rate 10]

The runtime is ``inspector run --headless --simulate`` in a child process (what the unit starts), beating to the
supervisor (``inspector.line.interlock.Interlock``) in this process, whose ready pin is a gpiozero MockFactory output.
Latency: from just before ``os.kill`` to the supervisor driving the pin low (its own ``time.monotonic()`` stamp).

- kill -9: a fresh runtime per trial; the kernel closes its socket, the supervisor sees the end of the connection.
- SIGSTOP: one runtime stopped and continued ``--stops`` times; the supervisor notices the missing heartbeats
  (timeout 60 ms, a beat every 15 ms); after SIGCONT the time until the pin is high again is measured too.
- healthy: the line at ``--rate`` parts/s for ``--healthy-s`` s; every drop of the pin meanwhile is a false stop.

Prints the figures and writes benchmarks/results/interlock.json (median and max ms).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.interlock.fake_systemd import FakeNotifySocket  # noqa: E402
from tests.interlock.rig import Rig  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "interlock.json"


def figures(samples_s: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples_s)
    return {"trials": len(ms), "median_ms": round(statistics.median(ms), 2), "max_ms": round(ms[-1], 2),
            "min_ms": round(ms[0], 2), "samples_ms": [round(m, 2) for m in ms]}


def kill_trials(n: int, rate: float, env: dict) -> dict:
    latencies, failures, causes, start_drops = [], 0, {}, 0
    for _ in range(n):
        folder = Path(tempfile.mkdtemp(prefix="bil-", dir="/tmp"))
        rig = Rig(folder, env=env, rate=rate)
        try:
            rig.start()
            before = len(rig.interlock.events)
            time.sleep(1.0)  # parts flowing
            start_drops += sum(1 for e in list(rig.interlock.events)[before:] if not e.ready)
            rig.wait_pin(True, 5.0)
            latency = rig.drop_after(signal.SIGKILL)
            if latency is None:
                failures += 1
            else:
                latencies.append(latency)
                cause = next(e for e in reversed(rig.interlock.events) if not e.ready).cause
                kind = "connection closed" if "runtime gone" in cause else "heartbeat timeout"
                causes[kind] = causes.get(kind, 0) + 1
        finally:
            rig.close()
            shutil.rmtree(folder, ignore_errors=True)
    return {**figures(latencies), "not_dropped_within_2s": failures, "noticed_by": causes,
            "false_drops_in_first_second": start_drops}


def healthy_and_stop_trials(n: int, healthy_s: float, rate: float, env: dict) -> tuple[dict, dict]:
    folder = Path(tempfile.mkdtemp(prefix="bil-", dir="/tmp"))
    rig = Rig(folder, env=env, rate=rate)
    try:
        rig.start()
        before = len(rig.interlock.events)
        rig.interlock.gaps.clear()
        time.sleep(healthy_s)
        false_drops = [e.cause for e in list(rig.interlock.events)[before:] if not e.ready]
        gaps = sorted(g * 1000 for g in rig.interlock.gaps)
        healthy = {"seconds": healthy_s, "rate_parts_per_s": rate, "false_drops": len(false_drops),
                   "causes": false_drops[:10], "heartbeats": len(gaps),
                   "heartbeat_gap_ms": {"median": round(statistics.median(gaps), 2),
                                        "p99": round(gaps[int(0.99 * (len(gaps) - 1))], 2),
                                        "max": round(gaps[-1], 2)} if gaps else None}
        drops, rises, failures = [], [], 0
        for _ in range(n):
            latency = rig.drop_after(signal.SIGSTOP)
            if latency is None:
                failures += 1
            else:
                drops.append(latency)
            time.sleep(0.2)
            t0 = time.monotonic()
            os.kill(rig.child.pid, signal.SIGCONT)
            if rig.wait_pin(True, 10.0):
                rises.append(next(e for e in reversed(rig.interlock.events) if e.ready).at - t0)
            time.sleep(0.3)
            if not rig.pin.value:
                rig.wait_pin(True, 10.0)
        stops = {**figures(drops), "not_dropped_within_2s": failures,
                 "high_again_after_sigcont": figures(rises) if rises else None}
        return healthy, stops
    finally:
        rig.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--stops", type=int, default=20)
    parser.add_argument("--healthy-s", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    systemd = FakeNotifySocket(watchdog_usec=3_000_000)  # as the unit: WatchdogSec=3
    try:
        healthy, stops = healthy_and_stop_trials(args.stops, args.healthy_s, args.rate, systemd.env())
        kills = kill_trials(args.kills, args.rate, systemd.env())
        pets = len(systemd.with_key("WATCHDOG", "1"))
    finally:
        systemd.close()
    report = {
        "what": "ready pin drop latency: signal sent -> supervisor drives the MockFactory pin low",
        "settings": {"timeout_ms": 60, "beat_ms": 15, "rate_parts_per_s": args.rate},
        "kill_9": kills, "sigstop": stops, "healthy": healthy, "systemd_pets_seen": pets,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_1min": os.getloadavg()[0],
                    "platform": platform.platform()},
    }
    print(f"kill -9:  median {kills['median_ms']} ms, max {kills['max_ms']} ms over {kills['trials']} trials")
    print(f"SIGSTOP:  median {stops['median_ms']} ms, max {stops['max_ms']} ms over {stops['trials']} trials")
    if stops["high_again_after_sigcont"]:
        print(f"SIGCONT -> high again: median {stops['high_again_after_sigcont']['median_ms']} ms")
    print(f"healthy {healthy['seconds']:g} s at {args.rate:g} parts/s: {healthy['false_drops']} false drops, "
          f"heartbeat gaps {healthy['heartbeat_gap_ms']} ms; first second of each kill run: "
          f"{kills['false_drops_in_first_second']} false drops")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
