"""Write capacity of the record writer: records/s into a WAL SQLite file, without images and with 640x480 JPEGs
for 10 % of the records (the rejects). Median of several runs; also the time the line spends in ``submit()``.

    .venv/bin/python benchmarks/bench_store.py [--runs 5] [--records 20000] [--image-records 5000]

Prints the figures and writes them to benchmarks/results/store.json.
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

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector.record import PartRecord  # noqa: E402
from inspector.store import ImagePolicy, RecordWriter, Store  # noqa: E402

TARGET_RECORDS_PER_S = 5_000
RESULTS = Path(__file__).resolve().parent / "results" / "store.json"


def scene(seed: int = 0) -> np.ndarray:
    """A 640x480 frame with the texture of a real one (gradient, items, sensor noise), so JPEG sizes are honest."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:480, 0:640]
    image = np.dstack([(x * 0.2 + 40), (y * 0.3 + 30), (x * 0.1 + y * 0.1 + 60)]).astype(np.uint8)
    for _ in range(24):
        centre = (int(rng.integers(40, 600)), int(rng.integers(40, 440)))
        cv2.circle(image, centre, int(rng.integers(15, 35)), tuple(int(c) for c in rng.integers(0, 255, 3)), -1)
    noise = rng.normal(0, 4, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def make_record(part_id: int, outcome: str) -> PartRecord:
    return PartRecord(
        part_id=part_id, run_id="bench", recipe="blister-10", recipe_hash="ab" * 32, t_trigger=part_id * 0.1,
        wall_time="2026-11-22T10:00:00.000+00:00", outcome=outcome, reason="count 10 of 10", confidence=0.97,
        actuated=outcome != "pass", models={"counter": "1.2.0 0123456789ab", "classifier": "0.9.1 ba9876543210"},
        count=10, expected=10, points=[[10.0 * i, 20.0 * i, 0.9] for i in range(10)], occlusion=0.02,
        label="good", p_defect=0.01, defect_box=None,
        timings_ms={"capture": 1.2, "inference": 11.8, "decide": 0.1, "trigger_to_decision": 16.3},
        frame_t=part_id * 0.1,
    )


def one_run(folder: Path, records: int, image_every: int | None, frame: np.ndarray) -> dict:
    """Submits ``records`` as fast as the writer takes them, then waits until all are committed."""
    outcome_of = lambda i: "reject" if image_every and i % image_every == 0 else "pass"  # noqa: E731
    items = [make_record(i, outcome_of(i)) for i in range(1, records + 1)]
    with Store.open(folder / "station.db") as store:
        store.start_run("bench", recipe="blister-10")
        policy = ImagePolicy(keep_pass_fraction=0.0, jpeg_quality=90)
        writer = RecordWriter(store, policy=policy, queue_size=records + 1, max_queued_images=records)
        writer.start()
        submit_ns = np.empty(records, np.int64)
        t0 = time.perf_counter()
        for k, record in enumerate(items):
            image = frame if image_every and record.outcome == "reject" else None
            s = time.perf_counter_ns()
            while not writer.submit(record, image):
                time.sleep(0.0005)
            submit_ns[k] = time.perf_counter_ns() - s
        assert writer.flush(timeout=600), "the writer did not finish"
        elapsed = time.perf_counter() - t0
        stats = writer.stats()
        assert writer.close(), "the writer did not close cleanly"
        assert store.count() == records and stats.errors == 0 and stats.dropped == 0 and stats.images_lost == 0
        jpeg_bytes = sum(p.stat().st_size for p in (folder / "images").rglob("*.jpg"))
    return {
        "seconds": elapsed,
        "records_per_s": records / elapsed,
        "images": stats.images_written,
        "jpeg_kib_mean": jpeg_bytes / 1024 / stats.images_written if stats.images_written else 0.0,
        "submit_us_p50": float(np.percentile(submit_ns, 50) / 1e3),
        "submit_us_p99": float(np.percentile(submit_ns, 99) / 1e3),
        "submit_us_max": float(submit_ns.max() / 1e3),
    }


def scenario(name: str, runs: int, records: int, image_every: int | None, frame: np.ndarray, base: Path | None) -> dict:
    results = []
    for k in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-store-", dir=base) as tmp:
            results.append(one_run(Path(tmp), records, image_every, frame))
        print(f"  {name} run {k + 1}/{runs}: {results[-1]['records_per_s']:,.0f} records/s", flush=True)
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    every = [r["records_per_s"] for r in results]
    return {"records": records, "runs": runs, "median": median, "all_records_per_s": every}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=20_000, help="records per run without images")
    parser.add_argument("--image-records", type=int, default=5_000, help="records per run with 10 %% images")
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go (local disk; default: temp)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    frame = scene()
    print(f"record writer benchmark: {args.runs} runs per scenario, WAL + synchronous=NORMAL, default batching")
    without = scenario("no images", args.runs, args.records, None, frame, args.dir)
    with_images = scenario("10 % JPEG 640x480", args.runs, args.image_records, 10, frame, args.dir)
    report = {
        "benchmark": "record writer capacity (records/s, median of runs)",
        "machine": {
            "platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "opencv": cv2.__version__, "numpy": np.__version__,
        },
        "target_records_per_s_without_images": TARGET_RECORDS_PER_S,
        "meets_target": without["median"]["records_per_s"] >= TARGET_RECORDS_PER_S,
        "without_images": without,
        "with_images_10_percent": with_images,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for name, result in (("without images", without), ("10 % 640x480 JPEG", with_images)):
        m = result["median"]
        print(f"{name:>20}: {m['records_per_s']:>9,.0f} records/s (median of {result['runs']}), submit p50 "
              f"{m['submit_us_p50']:.1f} us, p99 {m['submit_us_p99']:.1f} us"
              + (f", {m['images']:.0f} images of {m['jpeg_kib_mean']:.0f} KiB" if m["images"] else ""))
    print(f"target {TARGET_RECORDS_PER_S:,} records/s without images: {'met' if report['meets_target'] else 'NOT met'}")
    print(f"written to {args.out}")
    return report


if __name__ == "__main__":
    main()
