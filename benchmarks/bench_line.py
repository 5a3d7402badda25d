"""Pipeline benchmarks of the station on the simulated line, one run per recipe:

- efficiency: sustained parts/s of the whole line (trigger → frame → models → decision → record) divided by the
  parts/s of a bare ONNX Runtime loop (``session.run`` on ready tensors) over the same models, measured in the same run
  — the best of one caller using every core and the station's split (one caller per inspector);
- latency: trigger → decision p50/p99 with the line at 50 % of its sustained rate, against inference p50.

Frames are rendered ahead (a pool) and the synthetic camera is hardware-triggered (one frame per part), so the figures
are the station's, not the simulator's. Prints the figures and writes ``benchmarks/results/line.json``.

    python benchmarks/bench_line.py [--parts 1000] [--recipe cartridge-box --recipe surface-part]
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import onnxruntime

from hardware.cameras import SyntheticCamera
from hardware.synthetic import ItemStream
from inspector.assemble import build_station, inspection_workers, load_recipe_models, simulated
from inspector.config import StationConfig, load_recipe
from inspector.report import percentiles
from inspector.runtime import default_threads

RESULTS = Path(__file__).parent / "results" / "line.json"


def bare_ort_pps(models, pool, seconds: float = 3.0, callers: int = 1) -> float:
    """Parts/s of session.run alone: every recipe model on a ready tensor, no pre/post-processing, from ``callers``
    threads at once (ONNX Runtime sessions take concurrent runs)."""
    tensors = [[m.preprocess(item.image) for m in models.models] for item in pool[:16]]
    for part in tensors[:4]:
        for m, t in zip(models.models, part):
            m.run_raw(t)
    counts, stop = [0] * callers, time.perf_counter() + seconds

    def loop(i: int) -> None:
        while time.perf_counter() < stop:
            for m, t in zip(models.models, tensors[counts[i] % len(tensors)]):
                m.run_raw(t)
            counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(callers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - start)


def best_bare_pps(config: StationConfig, recipe, pool) -> dict[str, float]:
    """The bare loop in each way the cores can be used; the best of them is the efficiency's denominator.

    ``one_run_all_cores``: one caller, intra-op threads = cores; ``station_split``: as many callers as the station has
    inspectors, with the station's threads per run."""
    cores, workers = default_threads(), inspection_workers(config)
    wide = load_recipe_models(config.model_copy(update={"inference_threads": cores, "inspection_workers": 1}), recipe)
    split = load_recipe_models(config, recipe)
    return {
        "one_run_all_cores": statistics.median(bare_ort_pps(wide, pool) for _ in range(3)),
        "station_split": statistics.median(bare_ort_pps(split, pool, callers=workers) for _ in range(3)),
    }


def run_line(config: StationConfig, recipe, pool, *, rate_hz: float, parts: int, on_station=None) -> list:
    """Runs ``parts`` simulated parts at ``rate_hz``; returns their records (all of them, in id order).
    ``on_station(station)`` is called once the station is built, before the first part."""
    records, done = [], threading.Event()

    def keep(record, frame=None, results=None):
        records.append(record)
        if len(records) >= parts:
            done.set()

    camera = SyntheticCamera(size=(config.camera.width, config.camera.height), triggered=True)
    station = build_station(config, recipe=recipe, simulate=True, rate_hz=rate_hz, camera=camera, items=_cycle(pool))
    station.line.listeners.append(keep)
    if on_station is not None:
        on_station(station)
    try:
        station.start(parts=parts)
        done.wait(60 + parts / rate_hz)
    finally:
        station.close(timeout=config.timing.travel_s + 5)
    return sorted(records, key=lambda r: r.part_id)


def _cycle(items):
    while True:
        yield from items


def sustained_pps(records) -> float:
    """Decisions per second over the middle 80 % of a saturated run (the queue never ran dry there)."""
    decided = sorted(r.t_trigger + r.timings_ms["trigger_to_decision"] / 1000 for r in records)
    lo, hi = len(decided) // 10, len(decided) - len(decided) // 10 - 1
    return (hi - lo) / (decided[hi] - decided[lo])


def bench_recipe(name: str, parts: int, data_dir: Path) -> dict:
    recipe = load_recipe(name)
    base = simulated(StationConfig(recipe=name, data_dir=data_dir / name))
    pool = ItemStream(recipe.product, seed=11, layout=recipe.layout).pool(48)
    models = load_recipe_models(base, recipe)
    bare_ways = best_bare_pps(base, recipe, pool)
    bare = max(bare_ways.values())

    saturated = base.model_copy(update={
        "queue_size": 100_000,
        "timing": base.timing.model_copy(update={"travel_s": 20.0, "frame_timeout_s": 1.0, "frame_max_age_s": 1.0}),
    })
    flood = run_line(saturated, recipe, pool, rate_hz=1.5 * bare, parts=parts)
    assert all(r.outcome != "fail_safe" for r in flood), "fail-safes in the saturated run"
    sustained = sustained_pps(flood)

    half = base.model_copy(update={"timing": base.timing.model_copy(update={"travel_s": 2.0})})
    calm = run_line(half, recipe, pool, rate_hz=0.5 * sustained, parts=parts)
    ttd = percentiles([r.timings_ms["trigger_to_decision"] for r in calm])
    inference = percentiles([r.timings_ms["inference"] for r in calm if "inference" in r.timings_ms])
    return {
        "recipe": name,
        "models": models.versions,
        "bare_ort_pps": round(bare, 1),
        "bare_ort_pps_by_way": {k: round(v, 1) for k, v in bare_ways.items()},
        "inspection_workers": inspection_workers(base),
        "threads_per_run": base.inference_threads or max(1, default_threads() // inspection_workers(base)),
        "line_sustained_pps": round(sustained, 1),
        "efficiency": round(sustained / bare, 3),
        "half_load_rate_pps": round(0.5 * sustained, 1),
        "half_load_trigger_to_decision_ms": ttd,
        "half_load_inference_ms": inference,
        "ttd_p99_over_inference_p50": round(ttd["p99"] / inference["p50"], 3),
        "half_load_fail_safes": sum(r.outcome == "fail_safe" for r in calm),
        "parts_per_run": parts,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", type=int, default=1000)
    parser.add_argument("--recipe", action="append")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.recipe or ["cartridge-box", "surface-part"]:
            result = bench_recipe(name, args.parts, Path(tmp))
            results.append(result)
            print(f"{name}: bare ORT {result['bare_ort_pps']} parts/s, line {result['line_sustained_pps']} parts/s "
                  f"-> efficiency {result['efficiency']}; at 50 % load trigger->decision "
                  f"p50 {result['half_load_trigger_to_decision_ms']['p50']} ms, "
                  f"p99 {result['half_load_trigger_to_decision_ms']['p99']} ms, inference p50 "
                  f"{result['half_load_inference_ms']['p50']} ms (ratio {result['ttd_p99_over_inference_p50']})")
    out = {
        "benchmark": "line",
        "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "onnxruntime": onnxruntime.__version__,
                    "numpy": np.__version__},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
