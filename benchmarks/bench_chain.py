"""The record chain's cost: record write capacity with image hashing and chaining against without (same run, same
machine), and ``verify_records`` over a database of 1,000,000 part records.

    .venv/bin/python benchmarks/bench_chain.py [--runs 3] [--records 20000] [--verify-parts 1000000]

Capacity: the record writer as in bench_store (20,000 records without images; 5,000 with a 640x480 JPEG for 10 %),
once with the chain and image sha256 (as shipped) and once with both switched off. Verify: 1,000,000 parts written
through ``Store.write_parts`` (so chained as the station chains them) in two runs, 2 % of them with a kept image
file (the pass sample), sealed; then the whole check timed, with and without reading the images.
Prints the figures and writes them to benchmarks/results/chain.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_store import make_record, one_run, scene  # noqa: E402
from inspector.store import PendingPart, Store  # noqa: E402
from inspector.store import images as images_module  # noqa: E402
from inspector.store import store as store_module  # noqa: E402
from inspector.store.integrity import verify_records  # noqa: E402
from inspector.store.rows import PART_COLUMNS, record_to_row  # noqa: E402
from inspector.store.seals import Sealer, default_key_path  # noqa: E402

TARGET_RECORDS_PER_S = 5_000
TARGET_VERIFY_S = 60.0
RESULTS = Path(__file__).resolve().parent / "results" / "chain.json"


class _NoHash:
    """Stands in for hashlib in the image writer when the 'without' case is measured."""

    class _Digest:
        def hexdigest(self) -> str:
            return ""

    def sha256(self, data: bytes = b"") -> _Digest:
        return self._Digest()


def _switched(chained: bool) -> None:
    """The chain and the image sha256 on (as shipped) or off (the 'plain' store of before)."""
    store_module.chain_rows = _REAL[0] if chained else (lambda *args, **kwargs: 0)
    images_module.hashlib = _REAL[1] if chained else _NoHash()


_REAL = (store_module.chain_rows, images_module.hashlib)


def capacity(runs: int, records: int, image_records: int, base: Path | None) -> dict:
    """Chained and plain runs alternate (the machine's load changes over minutes): median of each."""
    frame = scene()
    out: dict = {"chained": {}, "plain": {}}
    try:
        for name, n, every in (("without_images", records, None), ("with_images_10_percent", image_records, 10)):
            rates: dict = {"chained": [], "plain": []}
            for _ in range(runs):
                for mode in ("chained", "plain"):
                    _switched(mode == "chained")
                    with tempfile.TemporaryDirectory(prefix="bench-chain-", dir=base) as tmp:
                        rates[mode].append(one_run(Path(tmp), n, every, frame)["records_per_s"])
            for mode, got in rates.items():
                out[mode][name] = {"records": n, "median_records_per_s": statistics.median(got), "all": got}
                print(f"  {mode:>8} {name}: {statistics.median(got):,.0f} records/s (median of {runs}: "
                      f"{', '.join(f'{r:,.0f}' for r in got)})", flush=True)
    finally:
        _switched(True)
    return out


def build_million(folder: Path, parts: int, image_share: float, batch: int = 5_000) -> tuple[Store, Path, float]:
    """``parts`` records written the station's way (``write_parts``: rows and their chain entries in one transaction
    per batch); the row values are made from two templates, so the time is the store's, not the record builder's."""
    store = Store.open(folder / "inspector.db")
    jpeg = images_module.ImagePolicy(jpeg_quality=90).encode(scene()[::2, ::2])  # a 320x240 JPEG, ~7-15 kB
    jpeg_sha = hashlib.sha256(jpeg).hexdigest()
    image_every = int(round(1 / image_share)) if image_share else 0
    at = {name: k for k, name in enumerate(PART_COLUMNS)}
    templates = {outcome: record_to_row(make_record(1, outcome)) for outcome in ("pass", "reject")}
    t0 = time.perf_counter()
    for run in ("bench-1", "bench-2"):
        store.start_run(run, recipe="blister-10")
    for start in range(1, parts + 1, batch):
        pending = []
        for i in range(start, min(start + batch, parts + 1)):
            values = list(templates["reject" if i % 50 == 0 else "pass"])
            values[at["part_id"]], values[at["t_trigger"]] = i, i * 0.1
            values[at["run_id"]] = "bench-1" if i <= parts // 2 else "bench-2"
            if image_every and i % image_every == 0:
                relative = f"images/2026-11-22/{i:08d}.jpg"
                path = folder / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(jpeg)
                values[at["image_path"]], values[at["image_sha256"]] = relative, jpeg_sha
            pending.append(PendingPart(None, tuple(values)))
        store.write_parts(pending)
    key = default_key_path(folder)
    Sealer.for_station(key).seal(store, "run end")
    return store, key, time.perf_counter() - t0


def timed_verify(store: Store, key: Path, images: bool) -> dict:
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    verdict = verify_records(store, key_path=key, images=images)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert verdict.ok, [str(f) for f in verdict.findings[:5]]
    print(f"  verify ({'with' if images else 'without'} images): {seconds:.1f} s wall, {cpu:.1f} s CPU; "
          f"{verdict.summary()}", flush=True)
    return {"seconds": seconds, "cpu_seconds": cpu, "checked": verdict.checked}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--image-records", type=int, default=5_000)
    parser.add_argument("--verify-parts", type=int, default=1_000_000)
    parser.add_argument("--image-share", type=float, default=0.02, help="parts with a kept image file in the "
                                                                        "verify database")
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go (local disk; default: temp)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    print("record write capacity, chained (image sha256 + chain entries) and plain, alternating:")
    both = capacity(args.runs, args.records, args.image_records, args.dir)
    chained, plain = both["chained"], both["plain"]
    print(f"verify over {args.verify_parts:,} part records ({args.image_share:.0%} with an image file):")
    with tempfile.TemporaryDirectory(prefix="bench-chain-verify-", dir=args.dir) as tmp:
        store, key, build_s = build_million(Path(tmp), args.verify_parts, args.image_share)
        db_mb = (Path(tmp) / "inspector.db").stat().st_size / 2**20
        chain_entries = store.db.execute("SELECT count(*) FROM chain").fetchone()[0]
        print(f"  built in {build_s:.0f} s ({args.verify_parts / build_s:,.0f} records/s through write_parts), "
              f"database {db_mb:.0f} MiB, {chain_entries:,} chain entries", flush=True)
        with_images = timed_verify(store, key, True)
        without_images = timed_verify(store, key, False)
        store.close()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "benchmark": "record chain: write capacity with/without chaining, verify_records over 1M parts",
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version, "load_average_at_end": os.getloadavg()},
        "capacity_chained": chained,
        "capacity_plain": plain,
        "target_records_per_s": TARGET_RECORDS_PER_S,
        "meets_capacity_target": chained["without_images"]["median_records_per_s"] >= TARGET_RECORDS_PER_S,
        "verify": {"parts": args.verify_parts, "image_share": args.image_share, "database_mib": db_mb,
                   "build_seconds": build_s, "with_images": with_images, "without_images": without_images,
                   "peak_rss_mib": peak_rss_mb},
        "target_verify_s": TARGET_VERIFY_S,
        "meets_verify_target": with_images["seconds"] < TARGET_VERIFY_S,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    c, p = chained["without_images"]["median_records_per_s"], plain["without_images"]["median_records_per_s"]
    print(f"capacity without images: {c:,.0f} records/s chained vs {p:,.0f} plain ({c / p:.0%}); target "
          f"{TARGET_RECORDS_PER_S:,}: {'met' if report['meets_capacity_target'] else 'NOT met'}")
    print(f"verify {args.verify_parts:,} parts: {with_images['seconds']:.1f} s with images, "
          f"{without_images['seconds']:.1f} s without; target < {TARGET_VERIFY_S:.0f} s: "
          f"{'met' if report['meets_verify_target'] else 'NOT met'}; peak RSS {peak_rss_mb:.0f} MiB")
    print(f"written to {args.out}")
    return report


if __name__ == "__main__":
    main()
