"""What the runtime's shift and lot counters cost: per part on the line's thread (``ShiftCounters.add``), per counters
event (``snapshot``), and at a start on a database with a long shift behind it (counted from the records).

    PYTHONPATH=. python benchmarks/bench_counters.py [--parts 300000] [--calls 100000]
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from inspector.line.shift_counters import ShiftCounters
from inspector.record import PartRecord
from inspector.store import Store
from inspector.store.rows import record_to_row
from inspector.store.store import PendingPart

OUT = Path("benchmarks") / "results" / "counters.json"
OUTCOMES = ("pass",) * 17 + ("reject", "uncertain", "fail_safe")


def record(part_id: int, lot: str) -> PartRecord:
    return PartRecord(part_id=part_id, run_id="bench", recipe="cartridge-box", recipe_hash="0" * 64,
                      t_trigger=float(part_id), wall_time="2026-12-06T08:00:00.000+00:00",
                      outcome=OUTCOMES[part_id % len(OUTCOMES)], reason="bench", confidence=0.97,
                      actuated=False, lot=lot)


def fill(store: Store, parts: int) -> None:
    """``parts`` records: the first half in lot A, the rest in lot B (the lot in force)."""
    batch = 5000
    for first in range(1, parts + 1, batch):
        rows = [record(i, "A" if i <= parts // 2 else "B") for i in range(first, min(parts + 1, first + batch))]
        store.write_parts([PendingPart(r, record_to_row(r)) for r in rows])


def timed(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=300_000, help="parts in the shift behind the start")
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data, Store.open(Path(data) / "inspector.db") as store:
        ShiftCounters(store)  # the shift starts before the parts (the station's first start)
        t0 = time.perf_counter()
        fill(store, args.parts)
        print(f"{args.parts} parts written in {time.perf_counter() - t0:.1f} s")
        start_s = timed(lambda: ShiftCounters(store, lot_now=lambda: "B"), 5)
        counters = ShiftCounters(store, lot_now=lambda: "B")
        snapshot = counters.snapshot()
        assert snapshot["shift"]["inspected"] == args.parts and snapshot["lot"]["inspected"] == args.parts // 2 + \
            args.parts % 2
        records = [record(args.parts + 1 + i, "B") for i in range(args.calls)]
        t0 = time.perf_counter()
        for r in records:
            counters.add(r)
        add_us = (time.perf_counter() - t0) / args.calls * 1e6
        snapshot_us = timed(counters.snapshot, 2000) * 1e6
    result = {"parts_in_shift": args.parts, "start_ms": round(start_s * 1000, 1), "add_us": round(add_us, 2),
              "snapshot_us": round(snapshot_us, 1), "machine": platform.machine(), "python": platform.python_version()}
    print(f"start with {args.parts:,} parts in the shift and {args.parts // 2:,} in the lot: {result['start_ms']} ms; "
          f"add (line's thread): {result['add_us']} µs/part; snapshot (per counters event): {result['snapshot_us']} µs")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
