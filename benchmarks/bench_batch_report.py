"""How long a lot's batch report takes when the database is large: the lot's rows are read through the lot indexes,
so the time follows the lot's size, not the database's.

    .venv/bin/python benchmarks/bench_batch_report.py [--lots 20] [--lot-parts 10000] [--runs 3]

Writes ``--lots`` lots of ``--lot-parts`` parts each (8 % rejects, 1 % fail-safes with an alarm, 2 % reviewed) into a
WAL SQLite file, then times ``batch_report`` and the PDF and CSV of the last lot. Prints the figures and writes them
to benchmarks/results/batch_report.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector.record import PartRecord  # noqa: E402
from inspector.reports import batch_report, write_batch_csv, write_batch_pdf  # noqa: E402
from inspector.review import Review  # noqa: E402
from inspector.store import PendingPart, Store  # noqa: E402
from inspector.store.rows import record_to_row  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "batch_report.json"


def record(part_id: int, lot: str) -> PartRecord:
    kind = part_id % 100
    outcome = "fail_safe" if kind == 0 else "reject" if kind < 9 else "pass"
    second = part_id % 86400
    return PartRecord(
        part_id=part_id, run_id=f"run-{lot}", recipe="cartridge-box", recipe_hash="ab" * 32, t_trigger=part_id * 0.1,
        wall_time=f"2026-11-{22 + part_id // 86400:02d}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
                  ".000+00:00",
        outcome=outcome, reason="late" if kind == 0 else f"count {24 - kind % 4}/24: missing" if kind < 9 else "ok",
        confidence=0.9, actuated=outcome != "pass", fail_safe_cause="late" if kind == 0 else None,
        models={"cartridge_counter": "1.4.0 1b9fee2cc282"}, count=24, expected=24, lot=lot,
        image_path=f"images/{part_id}.jpg" if outcome != "pass" else None,
    )


def fill(store: Store, lots: int, lot_parts: int) -> str:
    part_id = 0
    for n in range(lots):
        lot = f"LOT-{n:04d}"
        store.start_run(f"run-{lot}", recipe="cartridge-box", lot=lot, station_config={"station_id": "bench"})
        for start in range(0, lot_parts, 5000):
            batch = [record(part_id + i + 1, lot) for i in range(start, min(lot_parts, start + 5000))]
            alarms = [(r.part_id, r.wall_time, "late", "late part") for r in batch if r.outcome == "fail_safe"]
            store.write_parts([PendingPart(r, record_to_row(r)) for r in batch], alarms)
        review = Review(store)
        for pid in range(part_id + 1, part_id + lot_parts + 1, 50):
            review.submit(pid, "quinn", "confirm", seconds_spent=3.0)
        part_id += lot_parts
        store.end_run(f"run-{lot}", "clean")
    return lot


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lots", type=int, default=20)
    parser.add_argument("--lot-parts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(Path(tmp) / "inspector.db") as store:
            t0 = time.perf_counter()
            lot = fill(store, args.lots, args.lot_parts)
            filled = time.perf_counter() - t0
            timings: dict[str, list[float]] = {"report_s": [], "pdf_s": [], "csv_s": []}
            for _ in range(args.runs):
                t0 = time.perf_counter()
                report = batch_report(store, lot)
                timings["report_s"].append(time.perf_counter() - t0)
                for kind, write in (("pdf", write_batch_pdf), ("csv", write_batch_csv)):
                    t0 = time.perf_counter()
                    write(report, Path(tmp) / f"lot.{kind}")
                    timings[f"{kind}_s"].append(time.perf_counter() - t0)
            sizes = {kind: (Path(tmp) / f"lot.{kind}").stat().st_size for kind in ("pdf", "csv")}
    result = {
        "benchmark": "batch report of one lot in a large database (median of runs)",
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version},
        "database_parts": args.lots * args.lot_parts, "lot_parts": args.lot_parts, "runs": args.runs,
        "fill_s": round(filled, 1),
        **{name: round(statistics.median(values), 3) for name, values in timings.items()},
        "all": {name: [round(v, 3) for v in values] for name, values in timings.items()},
        "bytes": sizes, "outcomes": report.outcomes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"lot of {args.lot_parts:,} parts in a database of {result['database_parts']:,}: report "
          f"{result['report_s']:.3f} s, PDF {result['pdf_s']:.3f} s ({sizes['pdf'] / 1024:.0f} KiB), CSV "
          f"{result['csv_s']:.3f} s ({sizes['csv'] / 1024:.0f} KiB); written to {args.out}")
    return result


if __name__ == "__main__":
    main()
