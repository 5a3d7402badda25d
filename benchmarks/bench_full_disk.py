"""The disk as a resource, measured: the simulated line at 20 parts/s with its data directory full for 60 s, and the
speed of retention.

    .venv/bin/python benchmarks/bench_full_disk.py [--full-s 60] [--rate 20] [--retention-parts 20000]

Scenario "space back": full for ``--full-s``, then space freed while running (the records waiting in memory commit).
Scenario "full at the stop": full for ``--full-s`` and the station stopped while full (the records go to the rescue
reserve), then space freed and the station started again (the rescue re-imported). Each on a 32 MiB tmpfs where
mounting is allowed, else with the fault injected (the JSON says which). Retention: ``--retention-parts`` pass parts
with an image each, pruned to half by quota. Prints the figures and writes benchmarks/results/full_disk.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector.store import ImagePolicy, RecordWriter, Retention, RetentionPolicy, Store  # noqa: E402
from tests.faults.disk import SmallDisk, run_full_disk  # noqa: E402
from tests.store.conftest import make_record  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "full_disk.json"


def full_disk(name: str, root: Path, *, full_s: float, rate: float, at_stop: bool) -> dict:
    with SmallDisk(root / name, size_mib=32) as disk:
        if at_stop:
            run = run_full_disk(disk, full_s=2.0, full_at_stop_s=full_s, rate_hz=rate, reserve_mib=8)
        else:
            run = run_full_disk(disk, full_s=full_s, full_at_stop_s=2.0, rate_hz=rate, reserve_mib=8)
        db = sqlite3.connect(disk.path / "data" / "inspector.db")
        rows = dict(db.execute("SELECT part_id, outcome FROM parts WHERE part_id >= ?", [run.first_id]).fetchall())
        alarms = sorted({k for (k,) in db.execute("SELECT kind FROM alarms")})
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
    ids = range(run.first_id, run.first_id + run.triggered)
    windows = [(first, last) for first, last in run.full_windows]
    in_full = [i for first, last in windows for i in range(first, last + 1)]
    gap = [i for (first, last), d in zip(windows, run.detection_s)
           for i in range(first, min(last + 1, first + int(d * rate) + 2))]  # triggered before the line could know
    passed_in_full = [i for i in in_full if rows.get(i) == "pass" and i not in gap]
    passed_in_gap = [i for i in gap if rows.get(i) == "pass"]
    return {
        "mode": run.mode, "rate_hz": rate, "full_s": full_s, "stopped_while_full": at_stop,
        "parts_triggered": run.triggered, "parts_while_full": len(in_full),
        "records_after_restart": sum(1 for i in ids if i in rows), "records_missing": sum(1 for i in ids if i not in rows),
        "passed_while_full_after_detection": len(passed_in_full), "passed_in_detection_gap": len(passed_in_gap),
        "passed_in_gap_all_recorded": all(i in rows for i in passed_in_gap),
        "detection_s": run.detection_s, "recovery_s": run.recovery_s,
        "rescued_at_stop": run.records_rescued, "reimported_at_restart": run.reimported,
        "lost_at_stop": run.records_lost_at_close, "alarms_recorded": alarms,
        "log_lines": len(run.log_lines), "log": run.log_lines, "integrity_check": integrity, "wall_s": run.wall_s,
    }


def retention_speed(root: Path, parts: int) -> dict:
    store = Store.open(root / "retention" / "inspector.db")
    image = np.random.default_rng(0).integers(0, 255, (48, 64, 3), np.uint8)
    writer = RecordWriter(store, policy=ImagePolicy(keep_pass_fraction=1.0, format="png"), queue_size=parts + 1,
                          max_queued_images=parts)
    for i in range(1, parts + 1):
        outcome = "reject" if i % 10 == 0 else "pass"
        writer.submit(make_record(i, outcome, wall_time=f"2026-11-{1 + i * 28 // parts:02d}T10:00:00.000+00:00"),
                      image)
    writer.start()
    writer.close(timeout=120)
    retention = Retention(store, RetentionPolicy(image_quota=0))
    before = retention.images_bytes()
    retention.policy = RetentionPolicy(image_quota=before // 2)
    t0 = time.perf_counter()
    report = retention.run()
    seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    idle = retention.run()  # under the quota: only the walk over the image folder
    idle_s = time.perf_counter() - t0
    store.close()
    return {"parts": parts, "images_bytes_before": before, "images_bytes_after": report.images_bytes_after,
            "pruned": len(report.pruned), "seconds": round(seconds, 3),
            "pruned_per_s": round(len(report.pruned) / seconds), "pass_only": all(p.why == "quota" for p in report.pruned),
            "run_under_quota_s": round(idle_s, 3), "idle_pruned": len(idle.pruned)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full-s", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--retention-parts", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-full-disk-") as tmp:
        root = Path(tmp)
        space_back = full_disk("space-back", root, full_s=args.full_s, rate=args.rate, at_stop=False)
        at_stop = full_disk("full-at-stop", root, full_s=args.full_s, rate=args.rate, at_stop=True)
        retention = retention_speed(root, args.retention_parts)
    report = {
        "benchmark": "full disk at the line's rate; retention speed",
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version},
        "space_back_while_running": space_back, "full_at_the_stop": at_stop, "retention": retention,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for name, r in (("space back while running", space_back), ("full at the stop", at_stop)):
        print(f"{name} ({r['mode']}, {r['full_s']:.0f} s full at {r['rate_hz']:.0f} parts/s): "
              f"{r['parts_triggered']} parts, {r['parts_while_full']} while full, "
              f"{r['passed_while_full_after_detection']} passed once known ({r['passed_in_detection_gap']} in the "
              f"detection gap, all recorded: {r['passed_in_gap_all_recorded']}), {r['records_missing']} records missing after restart; detection {r['detection_s']} s, recovery "
              f"{r['recovery_s']} s; rescued {r['rescued_at_stop']}, re-imported {r['reimported_at_restart']}, lost "
              f"{r['lost_at_stop']}; {r['log_lines']} log lines; integrity {r['integrity_check']}")
    print(f"retention: {retention['pruned']} of {retention['parts']} images pruned in {retention['seconds']} s "
          f"({retention['pruned_per_s']}/s); a run under the quota takes {retention['run_under_quota_s']} s")
    print(f"written to {args.out}")
    return report


if __name__ == "__main__":
    main()
