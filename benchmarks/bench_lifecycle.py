"""Model lifecycle benchmarks on the simulated line (surface part), one run:

- archive re-score: stored images scored per second with 1 and with 2 worker processes, and their ratio;
- shadow cost: trigger → decision p99 at 50 % of the line's sustained rate with a shadow candidate running, over the
  same without one (runs alternated, median of each);
- promote under load: a candidate promoted while the line runs at 50 % load: fail-safes, and parts decided by each
  version.

The candidate is the shipped package under another version number, signed with a key made for the run. Prints the
figures and writes ``benchmarks/results/lifecycle.json``.

    python -m benchmarks.bench_lifecycle [--parts 600] [--images 2000] [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_line import _cycle, run_line, sustained_pps
from hardware.synthetic import ItemStream
from inspector.assemble import build_station, simulated
from inspector.config import SHIPPED_MODELS, StationConfig, load_recipe
from inspector.models import generate_key, sign_package
from inspector.models.evaluation import rescore
from inspector.models.lifecycle import ModelRegistry
from inspector.models.trust import ENV_TRUST_DIRS
from inspector.report import percentiles
from inspector.store import Store

RESULTS = Path(__file__).parent / "results" / "lifecycle.json"
NAME = "surface_classifier"


def make_candidate(scratch: Path, version: str) -> Path:
    key, pub = generate_key(scratch / "keys" / "bench.key")
    trust = scratch / "trust"
    trust.mkdir(exist_ok=True)
    shutil.copy(pub, trust / "bench.pub")
    os.environ[ENV_TRUST_DIRS] = str(trust)
    folder = scratch / f"candidate-{version}"
    shutil.copytree(SHIPPED_MODELS / NAME, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["version"] = version
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    sign_package(folder, key)
    return folder


def bench_rescore(config: StationConfig, recipe, images: int, repeats: int) -> dict:
    kept = config.model_copy(update={"images": config.images.model_copy(update={"keep_pass_fraction": 1.0})})
    station = build_station(kept, recipe=recipe, simulate=True, rate_hz=100, seed=3)
    try:
        station.start(parts=images)
        station.line.wait_recorded(images, timeout=60 + images / 10)
    finally:
        station.close()
    rates: dict[int, list[float]] = {1: [], 2: []}
    with Store.open(Path(config.data_dir) / "inspector.db") as store:
        registry = ModelRegistry(store, config)
        folder = registry.live_folder(NAME)
        for _ in range(repeats):
            for workers in (1, 2):
                started = time.perf_counter()
                summary = rescore(store, folder, "bench", "classify", registry.trust.dirs, since=None, until=None,
                                  workers=workers)
                rates[workers].append(summary["parts"] / (time.perf_counter() - started))
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    return {"images": images, "images_per_s_1_worker": round(one, 1), "images_per_s_2_workers": round(two, 1),
            "ratio_2_over_1": round(two / one, 3), "repeats": repeats,
            "note": "each figure includes starting the worker processes and loading the package in each"}


def bench_shadow(config: StationConfig, recipe, pool, candidate: Path, parts: int, repeats: int) -> dict:
    flood = config.model_copy(update={"queue_size": 100_000, "timing": config.timing.model_copy(
        update={"travel_s": 20.0, "frame_timeout_s": 1.0, "frame_max_age_s": 1.0})})
    sustained = sustained_pps(run_line(flood, recipe, pool, rate_hz=500, parts=parts))
    half = config.model_copy(update={"timing": config.timing.model_copy(update={"travel_s": 2.0})})
    with Store.open(Path(config.data_dir) / "inspector.db") as store:
        registry = ModelRegistry(store, config)
        registry.ensure_shipped([NAME])
        entry = registry.import_package(candidate)
    p99: dict[str, list[float]] = {"without": [], "with": []}
    scored, dropped, fail_safes = [], [], 0
    for _ in range(repeats):
        for mode in ("without", "with"):
            with Store.open(Path(config.data_dir) / "inspector.db") as store:
                registry = ModelRegistry(store, config)
                if mode == "with":
                    registry.set_shadow(entry.package_id)
                elif registry.shadow(NAME) is not None:
                    registry.tables.set_states([(entry.package_id, "candidate", {})])
            records, shadow = _run_with_shadow(half, recipe, pool, rate_hz=0.5 * sustained, parts=parts)
            fail_safes += sum(r.outcome == "fail_safe" for r in records)
            p99[mode].append(percentiles([r.timings_ms["trigger_to_decision"] for r in records])["p99"])
            if mode == "with":
                scored.append(shadow.scored)
                dropped.append(shadow.dropped)
    without, with_ = statistics.median(p99["without"]), statistics.median(p99["with"])
    return {"sustained_pps": round(sustained, 1), "half_load_pps": round(0.5 * sustained, 1), "parts_per_run": parts,
            "p99_ms_without": round(without, 3), "p99_ms_with_shadow": round(with_, 3),
            "p99_ratio": round(with_ / without, 3), "p99_runs": p99, "shadow_scored_per_run": scored,
            "shadow_dropped_per_run": dropped, "fail_safes": fail_safes, "repeats": repeats}


def _run_with_shadow(config, recipe, pool, *, rate_hz: float, parts: int):
    """``run_line``, with the station's shadow loaded before the first part; returns its records and shadow runner."""
    held = []

    def shadow_first(station) -> None:
        station.live_models.check()
        held.append(station.live_models.shadow)
    records = run_line(config, recipe, pool, rate_hz=rate_hz, parts=parts, on_station=shadow_first)
    return records, held[0]


def bench_promote(config: StationConfig, recipe, pool, candidate: Path, rate_hz: float, parts: int) -> dict:
    half = config.model_copy(update={"timing": config.timing.model_copy(update={"travel_s": 2.0})})
    with Store.open(Path(config.data_dir) / "inspector.db") as store:
        registry = ModelRegistry(store, config)
        entry = registry.import_package(candidate)
        registry.record_evaluation(entry, {"note": "benchmark: evaluation skipped"})
    from hardware.cameras import SyntheticCamera
    camera = SyntheticCamera(size=(half.camera.width, half.camera.height), triggered=True)
    station = build_station(half, recipe=recipe, simulate=True, rate_hz=rate_hz, camera=camera, items=_cycle(pool))
    station.live_models.poll_s = 0.2
    try:
        station.start(parts=parts)
        station.line.wait_recorded(parts // 3, timeout=60)
        with Store.open(Path(config.data_dir) / "inspector.db") as store:
            ModelRegistry(store, config).promote(entry.package_id, reason="benchmark: promote under load")
        station.line.wait_recorded(parts, timeout=60 + parts / rate_hz)
    finally:
        station.close(timeout=half.timing.travel_s + 5)
    with Store.open(Path(config.data_dir) / "inspector.db") as store:
        records = store.records(station.line.run_id, limit=None)
    by_version: dict[str, int] = {}
    for r in records:
        version = r.models[NAME].split()[0]
        by_version[version] = by_version.get(version, 0) + 1
    return {"rate_pps": round(rate_hz, 1), "parts": len(records), "swaps": station.live_models.swaps,
            "fail_safes": sum(r.outcome == "fail_safe" for r in records), "parts_by_version": by_version,
            "late": sum(bool(r.late) for r in records)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", type=int, default=600)
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    recipe = load_recipe("surface-part")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        pool = ItemStream(recipe.product, seed=11, layout=recipe.layout).pool(48)
        archive = simulated(StationConfig(recipe="surface-part", data_dir=scratch / "archive"))
        result_rescore = bench_rescore(archive, recipe, args.images, args.repeats)
        print(f"re-score: {result_rescore['images_per_s_1_worker']} images/s with 1 worker, "
              f"{result_rescore['images_per_s_2_workers']} with 2 (x{result_rescore['ratio_2_over_1']})")
        line = simulated(StationConfig(recipe="surface-part", data_dir=scratch / "line"))
        result_shadow = bench_shadow(line, recipe, pool, make_candidate(scratch, "1.3.0"), args.parts, args.repeats)
        print(f"shadow at {result_shadow['half_load_pps']} parts/s: p99 {result_shadow['p99_ms_without']} ms without, "
              f"{result_shadow['p99_ms_with_shadow']} ms with (x{result_shadow['p99_ratio']}), "
              f"scored {result_shadow['shadow_scored_per_run']}, dropped {result_shadow['shadow_dropped_per_run']}")
        result_promote = bench_promote(line, recipe, pool, make_candidate(scratch / "p", "1.4.0"),
                                       result_shadow["half_load_pps"], args.parts)
        print(f"promote at {result_promote['rate_pps']} parts/s: {result_promote['fail_safes']} fail-safes, "
              f"parts by version {result_promote['parts_by_version']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "lifecycle", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "rescore": result_rescore, "shadow": result_shadow, "promote": result_promote}, indent=1) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
