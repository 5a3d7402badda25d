"""The review queue at scale: the first page of the filtered, sorted queue with 1,000,000 parts in the database.

Builds the database once (executemany in one transaction: 30 days of two recipes, two model versions each, 90 % passes
with 2 % of them kept, the rest rejects, uncertain (half the uncertain boxes covered by a hand) and fail-safe parts; QA labels on the
lowest-confidence items and spread over the rest), then
times the first page (50 items) of several filter/sort combinations, median of N after one warm-up.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_review.py [--parts 1000000] [--labels 50000] [--repeat 15]

Prints the figures and writes them to benchmarks/results/review.json. The target is < 50 ms for every combination.
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
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector import review_reports  # noqa: E402
from inspector.review import QueueFilter, Review  # noqa: E402
from inspector.store import Store  # noqa: E402
from inspector.store.rows import INSERT_PART_SQL, model_key  # noqa: E402
from inspector.tasks.count import COVERED_REASON  # noqa: E402

TARGET_MS = 50.0
RESULTS = Path(__file__).resolve().parent / "results" / "review.json"
START = datetime(2026, 10, 1, tzinfo=timezone.utc)
DAYS = 30
RECIPES = {
    "cartridge-box": ({"cartridge_counter": "0.1.0 1111aaaa2222"}, {"cartridge_counter": "0.2.0 bb4cf4a0ffbd"}),
    "surface-part": ({"surface_classifier": "0.1.0 3333cccc4444"}, {"surface_classifier": "0.2.0 f038c769dfcf"}),
}
OUTCOMES = np.array(["pass", "reject", "uncertain", "fail_safe"])
OUTCOME_P = [0.90, 0.06, 0.025, 0.015]


def build_database(path: Path, parts: int, labels: int, seed: int = 1) -> float:
    """Writes ``parts`` rows (and ``labels`` QA labels) into a fresh store at ``path``; returns seconds taken."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    outcome = rng.choice(len(OUTCOMES), size=parts, p=OUTCOME_P)
    box = rng.random(parts) < 0.6
    conf = np.where(outcome == 0, rng.uniform(0.85, 1.0, parts),
                    np.where(outcome == 1, rng.uniform(0.55, 1.0, parts),
                             np.where(outcome == 2, rng.uniform(0.3, 0.7, parts), 0.0))).round(4)
    kept = (outcome != 0) | (rng.random(parts) < 0.02)
    seconds = np.sort(rng.uniform(0, DAYS * 86400, parts))
    points = json.dumps([[round(100 + 75.0 * (i % 6), 1), round(110 + 75.0 * (i // 6), 1), 0.96] for i in range(24)],
                        separators=(",", ":"))
    box_models = [(json.dumps(m, separators=(",", ":")), model_key(m)) for m in RECIPES["cartridge-box"]]
    part_models = [(json.dumps(m, separators=(",", ":")), model_key(m)) for m in RECIPES["surface-part"]]

    def rows():
        for i in range(parts):
            part_id = i + 1
            wall = (START + timedelta(seconds=float(seconds[i]))).isoformat(timespec="milliseconds")
            o = OUTCOMES[outcome[i]]
            newer = int(seconds[i] > DAYS * 86400 / 2)
            image = f"images/{wall[:10]}/{part_id:08d}.jpg" if kept[i] else None
            if box[i]:
                models, key = box_models[newer]
                values = ("cartridge-box", 24 if o == "pass" else 23, 24, points, None, None, None)
            else:
                models, key = part_models[newer]
                label = "good" if o == "pass" else "defect"
                values = ("surface-part", None, None, None, label, float(conf[i]),
                          None if o == "pass" else "[200,148,92,68]")
            recipe, count, expected, pts, label, p_defect, defect_box = values
            covered = box[i] and o == "uncertain" and part_id % 2 == 0
            reason = f"{COVERED_REASON} (occlusion 1.00)" if covered else "bench"
            yield (part_id, "bench", recipe, "ab" * 32, float(seconds[i]), wall, o, reason,
                   1.0 if covered else float(conf[i]),
                   int(o != "pass"), "no_frame" if o == "fail_safe" else None, 0, models, count, expected, pts,
                   0.0, label, p_defect, defect_box, '{"inference":11.8}', float(seconds[i]), image, None, key)

    with Store.open(path) as store:
        store.start_run("bench", recipe="cartridge-box")
        conn = store.db.conn
        conn.execute("BEGIN")
        conn.executemany(INSERT_PART_SQL, rows())
        # Half the verdicts on the lowest confidences (where QA starts), half spread over the whole queue.
        low = conn.execute("SELECT part_id FROM review_items ORDER BY confidence, part_id LIMIT ?",
                           [labels // 2]).fetchall()
        rest = [pid for (pid,) in conn.execute("SELECT part_id FROM review_items ORDER BY confidence, part_id "
                                               "LIMIT -1 OFFSET ?", [labels // 2])]
        low += [(int(pid),) for pid in rng.choice(rest, size=min(labels - len(low), len(rest)), replace=False)]
        conn.executemany(
            "INSERT INTO labels (part_id, reviewer, created_at, verdict, label, count, before, seconds_spent) "
            "VALUES (?, ?, ?, 'confirm', NULL, NULL, '{}', ?)",
            [(pid, f"qa{k % 3}", (START + timedelta(days=DAYS, seconds=k)).isoformat(timespec="milliseconds"),
              8.0 + k % 7) for k, (pid,) in enumerate(low)])
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    return time.perf_counter() - t0


def combos() -> dict[str, dict]:
    last_day = (START + timedelta(days=DAYS - 1)).isoformat()
    mid_day = START + timedelta(days=12)
    last_week = (START + timedelta(days=DAYS - 7)).isoformat()
    box_new = model_key(RECIPES["cartridge-box"][1])
    part_old = model_key(RECIPES["surface-part"][0])
    return {
        "open queue, risk first (the default)": dict(filters=QueueFilter()),
        "lowest confidence first": dict(filters=QueueFilter(), sort="confidence"),
        "all states (reviewed included)": dict(filters=QueueFilter(state="all")),
        "reviewed only (past verdicts)": dict(filters=QueueFilter(state="reviewed")),
        "outcome uncertain": dict(filters=QueueFilter(outcomes=["uncertain"])),
        "outcomes reject + fail_safe": dict(filters=QueueFilter(outcomes=["reject", "fail_safe"])),
        "passes only (the sample)": dict(filters=QueueFilter(outcomes=["pass"])),
        "last 24 h": dict(filters=QueueFilter(since=last_day)),
        "one day, mid-range": dict(filters=QueueFilter(since=mid_day, until=mid_day + timedelta(days=1))),
        "last 7 days": dict(filters=QueueFilter(since=last_week)),
        "recipe surface-part": dict(filters=QueueFilter(recipe="surface-part")),
        "model version (old classifier)": dict(filters=QueueFilter(model_key=part_old)),
        "confidence 0.4..0.6": dict(filters=QueueFilter(min_confidence=0.4, max_confidence=0.6)),
        "combined: box, new counter, reject, last 7 days, 0.6..0.9": dict(filters=QueueFilter(
            outcomes=["reject"], recipe="cartridge-box", model_key=box_new, since=last_week,
            min_confidence=0.6, max_confidence=0.9)),
        "highest confidence first": dict(filters=QueueFilter(), sort="-confidence"),
        "newest first": dict(filters=QueueFilter(), sort="newest"),
        "second page (keyset)": dict(filters=QueueFilter(), page=2),
    }


def measure(review: Review, spec: dict, repeat: int) -> dict:
    filters, sort = spec["filters"], spec.get("sort", "risk")
    after = None
    if spec.get("page") == 2:
        after = review.queue(filters, sort=sort).next_after
    first = review.queue(filters, sort=sort, after=after, explain=True)  # warm-up, and the plan
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        page = review.queue(filters, sort=sort, after=after)
        times.append((time.perf_counter() - t0) * 1000)
    assert [i.record.part_id for i in page.items] == [i.record.part_id for i in first.items]
    return {"median_ms": round(statistics.median(times), 3), "max_ms": round(max(times), 3),
            "items": len(page.items), "plan": first.plan}


def measure_reports(store: Store, repeat: int) -> dict:
    """One refresh of the reports screen (agreement, reviewer days and totals), over every model version and one."""
    one = model_key(RECIPES["cartridge-box"][1])
    out = {}
    for name, filters in (("all model versions", {}), (f"model {one}", {"model_key": one}),
                          ("last 7 days of verdicts", {"since": START + timedelta(days=DAYS - 7)})):
        times = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            review_reports.agreement(store, since=filters.get("since"))
            review_reports.reviewer_report(store, **filters)
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = round(statistics.median(times[1:]), 3)
        print(f"{'reports refresh, ' + name:>58}: {out[name]:7.2f} ms median", flush=True)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=1_000_000)
    parser.add_argument("--labels", type=int, default=50_000, help="QA labels (half on the lowest confidences)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", type=Path, help="reuse (or build once at) this database file")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        path = args.db or Path(tmp) / "station.db"
        build_s = None
        if not path.exists():
            print(f"building {args.parts:,} parts, {args.labels:,} labels in {path} ...", flush=True)
            build_s = build_database(path, args.parts, args.labels)
            print(f"  built in {build_s:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
        with Store.open(path) as store:
            total = store.count()
            review = Review(store)
            results = {}
            for name, spec in combos().items():
                results[name] = measure(review, spec, args.repeat)
                r = results[name]
                print(f"{name:>58}: {r['median_ms']:7.2f} ms median, {r['max_ms']:7.2f} max, {r['items']} items",
                      flush=True)
            counts = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                open_items = review.count(QueueFilter())
                counts.append((time.perf_counter() - t0) * 1000)
            count_ms = round(statistics.median(counts), 3)
            print(f"{'count of open items (' + format(open_items, ',') + ')':>58}: {count_ms:7.2f} ms median")
            reports_ms = measure_reports(store, args.repeat)
    worst = max(r["median_ms"] for r in results.values())
    report = {
        "benchmark": "review queue first page (50 items), median of runs after one warm-up",
        "parts_in_database": total, "labels": args.labels, "repeat": args.repeat, "build_s": build_s,
        "target_ms": TARGET_MS, "worst_median_ms": worst, "meets_target": worst < TARGET_MS,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version},
        "combinations": results,
        "count_open_items": {"items": open_items, "median_ms": count_ms},
        "reports_refresh_median_ms": reports_ms,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"worst median {worst:.2f} ms; target < {TARGET_MS:.0f} ms: {'met' if report['meets_target'] else 'NOT met'}")
    print(f"written to {args.out}")
    return report


if __name__ == "__main__":
    main()
