"""The shipped model packages: latency on 2 cores and accuracy.

- station stages (preprocess, run_raw, postprocess, whole infer) of the FP32 package as the station runs it;
- whole-inference latency incl. preprocessing, p50/p99, with 1 and 2 threads: ONNX Runtime FP32, INT8 (when
  ``model.int8.onnx`` ships) and the same network in PyTorch eager (the training recipe's module with the package's
  weights, see ``torch_twin.py``), interleaved so machine noise hits all alike;
- accuracy on the fixed test split (the split the package's manifest names, seed 2026, style "line") and on the
  independent renderer (``models.independent``): counter exact count, occluded boxes flagged, against the
  HoughCircles baseline; classifier ROC-AUC, defect-map IoU.

    PYTHONPATH=. python benchmarks/bench_models.py [--repeats 200] [--test-items 1000] [--independent-items 400]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

from benchmarks.model_eval import evaluate
from benchmarks.torch_twin import load_twin
from hardware.synthetic import ItemStream
from inspector.runtime import LoadedModel, _create_session, load_package

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
OUT = ROOT / "benchmarks" / "results" / "models.json"
PACKAGES = {"cartridge_counter": "box", "surface_classifier": "part"}
INT8_FILE = "model.int8.onnx"
DEFAULT_SPLITS = {"box": {"seed": 2026, "style": "line", "missing_rate": 0.3, "occlusion_rate": 0.4},
                  "part": {"seed": 2026, "style": "line", "defect_rate": 0.5}}


def _ms(samples: list[float], hi: int = 99) -> dict[str, float]:
    a = 1000 * np.asarray(samples)
    return {"p50": round(float(np.median(a)), 3), f"p{hi}": round(float(np.percentile(a, hi)), 3)}


def _frames(product: str) -> list[np.ndarray]:
    return [item.image for item in ItemStream(product, seed=11, style="line").pool(16)]


def station_stages(model: LoadedModel, frames: list[np.ndarray], repeats: int) -> dict:
    """The station's own stages, interleaved (one stage at a time would flatter the caches)."""
    stages: dict[str, list[float]] = {"preprocess": [], "run_raw": [], "postprocess": [], "infer": []}
    clock = time.perf_counter
    for i in range(repeats + 10):
        frame = frames[i % len(frames)]
        t0 = clock()
        tensor = model.preprocess(frame)
        t1 = clock()
        outputs = model.run_raw(tensor)
        t2 = clock()
        model.postprocess(outputs, frame.shape[:2])
        t3 = clock()
        model.infer(frame)
        t4 = clock()
        if i >= 10:
            for key, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                stages[key].append(dt)
    return {key: _ms(v, 90) for key, v in stages.items()}


def load_int8(folder: Path, manifest, threads: int) -> LoadedModel | None:
    path = folder / INT8_FILE
    if not path.is_file():
        return None
    session = _create_session(folder, path.read_bytes(), threads, None, manifest.session.graph_optimization)
    return LoadedModel(folder, manifest, session)


def latency(folder: Path, frames: list[np.ndarray], repeats: int, twin) -> dict:
    """Whole inference (frame in, result out) per runtime and thread count, interleaved; ratios vs PyTorch eager."""
    out: dict = {}
    for threads in (1, 2):
        runners = {"ort_fp32": load_package(folder, threads=threads)}
        int8 = load_int8(folder, runners["ort_fp32"].manifest, threads)
        if int8 is not None:
            runners["ort_int8"] = int8
        if twin is not None:
            import torch

            torch.set_num_threads(threads)
            runners["torch_eager"] = twin
        samples: dict[str, list[float]] = {k: [] for k in runners}
        for i in range(repeats + 10):
            frame = frames[i % len(frames)]
            for name, runner in runners.items():
                t0 = time.perf_counter()
                runner.infer(frame)
                if i >= 10:
                    samples[name].append(time.perf_counter() - t0)
        row = {name: _ms(v) for name, v in samples.items()}
        if "torch_eager" in row:
            for name in ("ort_fp32", "ort_int8"):
                if name in row:
                    row[f"speedup_{name}_vs_torch"] = round(row["torch_eager"]["p50"] / row[name]["p50"], 2)
        if "ort_int8" in row:
            row["speedup_int8_vs_fp32"] = round(row["ort_fp32"]["p50"] / row["ort_int8"]["p50"], 2)
        if threads > 1:  # ORT's own default lets its threads spin between runs, as PyTorch's do: measured alone,
            spinning = load_package(folder, threads=threads, spin=True)  # since spinning would slow the others
            times = []
            for i in range(repeats + 10):
                t0 = time.perf_counter()
                spinning.infer(frames[i % len(frames)])
                if i >= 10:
                    times.append(time.perf_counter() - t0)
            row["ort_fp32_spinning"] = _ms(times)
            if "torch_eager" in row:
                row["speedup_ort_fp32_spinning_vs_torch"] = round(row["torch_eager"]["p50"] / row["ort_fp32_spinning"]["p50"], 2)
        out[f"threads_{threads}"] = row
    return out


def twin_agreement(model: LoadedModel, twin, frames: list[np.ndarray]) -> float | None:
    """Over a few frames, the largest difference between the best-matching pair of the twin's sigmoid maps and the
    package's same-shaped outputs (the heat or defect map): near 0 when it is the same network."""
    diffs = []
    for frame in frames[:4]:
        _, raw = model.infer_with_raw(frame)
        pairs = [float(np.abs(r - t).max()) for t in twin.infer(frame) if t.ndim == 4
                 for r in raw.values() if r.shape == t.shape and r.dtype == t.dtype]
        if pairs:
            diffs.append(min(pairs))
    return round(max(diffs), 6) if diffs else None


def bench_package(folder: Path, product: str, args) -> dict:
    model = load_package(folder, threads=2)
    m = model.manifest
    print(f"{m.name} {m.version} ({m.kind})")
    frames = _frames(product)
    twin, why = load_twin(folder, m)
    result: dict = {"model": m.name, "version": m.version, "kind": m.kind, "tag": model.tag,
                    "package_mb": round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 2),
                    "int8_shipped": (folder / INT8_FILE).is_file(),
                    "torch_twin": twin.source if twin else None, "torch_note": None if twin else why}
    if twin is not None:
        result["torch_twin_max_abs_diff"] = twin_agreement(model, twin, frames)
        result["torch_twin_note"] = ("max |sigmoid map of the twin - package output| over 4 frames; the twin resizes "
                                     "in uint8 as the training data was made, the graph in float")
    if not args.skip_latency:
        print("  station stages and latency ...")
        result["station_stages_ms"] = station_stages(model, frames, args.repeats)
        result["latency_ms"] = latency(folder, frames, args.repeats, twin)
    if not args.skip_accuracy:
        variants = {"ort_fp32": model}
        int8 = load_int8(folder, m, 2)
        if int8 is not None:
            variants["ort_int8"] = int8
        split = {**DEFAULT_SPLITS[product], **m.metrics.get("split", {})}
        split = {k: v for k, v in split.items() if k in DEFAULT_SPLITS[product]}
        n_test = args.test_items if product == "box" else args.test_parts
        result["accuracy"] = evaluate(product, variants, n_test, args.independent_items, split,
                                      m.thresholds.get("occlusion", 0.5), log=print)
    return result


def _table(results: list[dict]) -> str:
    lines = []
    for r in results:
        lines.append(f"== {r['model']} {r['version']} ({r['kind']}), {r['package_mb']} MB, "
                     f"INT8 {'shipped' if r['int8_shipped'] else 'not shipped'}")
        if r["torch_twin"] is None:
            lines.append(f"   PyTorch eager: skipped - {r['torch_note']}")
        for key, row in r.get("latency_ms", {}).items():
            cells = [f"{name} p50 {v['p50']:.2f} p99 {v['p99']:.2f}" for name, v in row.items() if isinstance(v, dict)]
            ratios = [f"{k.replace('speedup_', '')} x{v}" for k, v in row.items() if k.startswith("speedup")]
            lines.append(f"   {key}: " + " | ".join(cells) + ("   " + ", ".join(ratios) if ratios else ""))
        for split in ("test_split", "independent"):
            acc = r.get("accuracy", {}).get(split)
            if not acc:
                continue
            for name, v in acc.items():
                if not isinstance(v, dict) or name == "split":
                    continue
                if "count_exact" in v:
                    lines.append(f"   {split:11s} {name:9s} exact {v['count_exact_n']} ({v['count_exact']}), "
                                 f"occluded flagged {v['occluded_flagged']}, hands flagged {v['hand_flagged']}, "
                                 f"false flags {v['unoccluded_flagged']}")
                else:
                    lines.append(f"   {split:11s} {name:9s} ROC-AUC {v['roc_auc']}, acc {v['accuracy_at_threshold']}, "
                                 f"map IoU {v['defect_map_iou']} (hit {v['defect_map_hit']})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--test-items", type=int, default=1000, help="test-split boxes")
    parser.add_argument("--test-parts", type=int, default=600, help="test-split parts")
    parser.add_argument("--independent-items", type=int, default=400)
    parser.add_argument("--models", type=Path, default=MODELS, help="folder holding the packages")
    parser.add_argument("--only", choices=sorted(PACKAGES), action="append")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))[:2]
    os.sched_setaffinity(0, cores)
    results = [bench_package(args.models / name, product, args)
               for name, product in PACKAGES.items() if not args.only or name in args.only]
    print(_table(results))
    env = {"cpu_cores": cores, "machine": platform.machine(), "python": platform.python_version(),
           "onnxruntime": ort.__version__, "date": time.strftime("%Y-%m-%d %H:%M"),
           "load_avg_1min_at_end": round(os.getloadavg()[0], 2)}
    try:
        import torch

        env["torch"] = torch.__version__
    except ImportError:
        pass
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"environment": env, "packages": results}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
