"""Soak: the simulated station, headless, for minutes at a steady rate; does its memory stay flat and its disk in bounds?

Samples every ``--sample-s`` seconds: the process's resident memory (``/proc/self/statm``), the data dir's disk use
(allocated blocks), parts booked and recorded, active alarms. Reports RSS growth after ``--warmup-s`` (last samples
against the first ones after the warm-up, and the fitted slope), disk per part and against the station's image quota
when its settings have one, and what the crash journal costs (fdatasync time, the decision's wait for it). Items are
rendered ahead (a pool) so the figures are the station's, not the renderer's. Writes ``benchmarks/results/soak.json``.

    python benchmarks/bench_soak.py --rate 50 --minutes 30 [--bad-fraction 0.02] [--recipe R] [--config station.toml]
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from hardware.synthetic import ItemStream
from inspector.assemble import build_station
from inspector.config import StationConfig, load_recipe, load_station
from inspector.report import Reservoir, percentiles

RESULTS = Path(__file__).parent / "results" / "soak.json"
PAGE = os.sysconf("SC_PAGE_SIZE")


def pruned_by_outcome(database: Path) -> dict[str, int]:
    """How many images retention pruned, by the part's outcome (read-only; only pass images may be there)."""
    import sqlite3

    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT outcome, count(*) FROM parts WHERE image_pruned_at IS NOT NULL "
                                 "GROUP BY outcome").fetchall())


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def disk_bytes(folder: Path) -> int:
    """Bytes allocated under ``folder`` (what ``du`` counts), files that vanish meanwhile skipped."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def find_quota(config: StationConfig) -> tuple[str, int] | None:
    """(setting, bytes) of the station's image/disk quota, if its settings have one (read defensively: any
    ``*quota*`` field in a section, in bytes, MB or GB by its name)."""
    for section_name in type(config).model_fields:
        section = getattr(config, section_name)
        fields = getattr(type(section), "model_fields", {})
        for name in fields:
            value = getattr(section, name)
            if "quota" not in name or not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                continue
            scale = 2**30 if name.endswith(("_gb", "_gib")) else 2**20 if name.endswith(("_mb", "_mib")) else 1
            return f"{section_name}.{name}", int(value * scale)
    return None


def growth(samples: list[dict], warmup_s: float) -> dict:
    """RSS after the warm-up: the last samples' median against the first ones', and the fitted slope."""
    after = [s for s in samples if s["t_s"] >= warmup_s]
    if len(after) < 4:
        return {"samples_after_warmup": len(after), "growth_pct": None, "slope_mib_per_h": None}
    k = max(2, len(after) // 6)
    first, last = statistics.median(s["rss"] for s in after[:k]), statistics.median(s["rss"] for s in after[-k:])
    t = np.array([s["t_s"] for s in after])
    slope = float(np.polyfit(t, np.array([s["rss"] for s in after], float), 1)[0])  # bytes per second
    return {
        "samples_after_warmup": len(after),
        "rss_after_warmup_mib": round(first / 2**20, 2),
        "rss_end_mib": round(last / 2**20, 2),
        "growth_pct": round(100 * (last - first) / first, 3),
        "slope_mib_per_h": round(slope * 3600 / 2**20, 3),
        "max_mib": round(max(s["rss"] for s in after) / 2**20, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="parts per second")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sample-s", type=float, default=5.0)
    parser.add_argument("--warmup-s", type=float, default=60.0)
    parser.add_argument("--recipe", default=None, help="recipe name (default: the station's)")
    parser.add_argument("--bad-fraction", type=float, default=0.02,
                        help="share of parts that are rejects (missing / covered boxes, defective parts)")
    parser.add_argument("--config", type=Path, help="station settings (default: the simulated line's)")
    parser.add_argument("--data-dir", type=Path, help="default: a temporary folder, removed after")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    config = load_station(args.config)
    recipe = load_recipe(args.recipe or config.recipe, config.recipes_dir)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        config = config.model_copy(update={"data_dir": data_dir})
        bad = args.bad_fraction
        pool = ItemStream(recipe.product, seed=5, layout=recipe.layout, missing_rate=bad * 2 / 3,
                          occlusion_rate=bad / 3, defect_rate=bad).pool(256)
        station = build_station(config, recipe=recipe, simulate=True, rate_hz=args.rate, items=itertools.cycle(pool))
        journal_wait = Reservoir()
        station.line.listeners.append(
            lambda record, *_: "journal_wait" in record.timings_ms and journal_wait.append(record.timings_ms["journal_wait"]))
        samples: list[dict] = []
        start = time.monotonic()
        station.start()
        try:
            while (t := time.monotonic() - start) < args.minutes * 60:
                samples.append({"t_s": round(t, 1), "rss": rss_bytes(), "disk": disk_bytes(data_dir),
                                "images": disk_bytes(data_dir / "images"),
                                "triggered": station.line.triggered, "recorded": station.stats.recorded,
                                "alarms": sorted(a.kind for a in station.line.alarms.active)})
                s = samples[-1]
                print(f"{t:7.0f}s  rss {s['rss'] / 2**20:7.1f} MiB  disk {s['disk'] / 2**20:8.1f} MiB  "
                      f"parts {s['triggered']}  alarms {s['alarms']}", flush=True)
                time.sleep(max(0.0, args.sample_s - (time.monotonic() - start - t)))
        finally:
            wall = time.monotonic() - start
            ok = station.close()
        report = station.stats.report(parts=station.line.triggered, dropped_frames=station.line.frames.dropped_frames)
        quota = find_quota(config)
        disk_end = disk_bytes(data_dir)
        images_max = max(s["images"] for s in samples)
        pruned = pruned_by_outcome(data_dir / "inspector.db")
        result = {
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
            "recipe": recipe.name,
            "rate_hz": args.rate,
            "bad_fraction": args.bad_fraction,
            "minutes": round(wall / 60, 2),
            "warmup_s": args.warmup_s,
            "parts": station.line.triggered,
            "recorded": report["recorded"],
            "records_in_database": station.writer.stats().written,
            "outcomes": report["outcomes"],
            "fail_safe_causes": report["fail_safe_causes"],
            "throughput_pps": report["throughput_pps"],
            "latency_ms": report["latency_ms"],
            "clean_close": ok,
            "rss": growth(samples, args.warmup_s),
            "disk": {
                "end_mib": round(disk_end / 2**20, 2),
                "bytes_per_part": round(disk_end / max(1, station.line.triggered)),
                "per_day_gib_at_rate": round(disk_end / max(1, station.line.triggered) * args.rate * 86400 / 2**30, 1),
                "images_max_mib": round(images_max / 2**20, 2),
                "quota": {"setting": quota[0], "bytes": quota[1], "used_pct": round(100 * disk_end / quota[1], 1),
                          "images_max_used_pct": round(100 * images_max / quota[1], 1)}
                if quota else None,
                "pruned_images_by_outcome": pruned,
            },
            "journal": {
                "syncs": station.journal.stats.syncs,
                "parts_per_sync": round(station.line.triggered / max(1, station.journal.stats.syncs), 2),
                "sync_ms": percentiles(station.journal.stats.sync_ms),
                "decision_wait_ms": percentiles(journal_wait),
            },
            "alarms_seen": sorted({kind for s in samples for kind in s["alarms"]}),
            "samples": [{**s, "rss_mib": round(s.pop("rss") / 2**20, 2), "disk_mib": round(s.pop("disk") / 2**20, 2),
                         "images_mib": round(s.pop("images") / 2**20, 2)} for s in samples],
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    summary = {k: result[k] for k in ("parts", "recorded", "throughput_pps", "rss", "disk", "journal", "clean_close")}
    print(json.dumps(summary, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
