"""Build the station's first model packages from scratch: analytic ONNX graphs, measured on the synthetic line.

    python models/build_baseline.py            # both packages, into models/baseline/ (not the shipped ones)
    python models/build_baseline.py --only cartridge_counter --items 200

A trained package already in the output folder is kept unless ``--replace-trained`` is given.
    python models/build_baseline.py --out models   # replace the shipped packages with the baselines

Each package gets ``model.onnx``, ``manifest.json`` (design constants, lineage, metrics on a held-out rendered split)
and ``golden/`` cases re-checked at every load. The output is deterministic: same code, same bytes (the metrics
depend only on ONNX Runtime's arithmetic; latency is printed, not stored).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "models")]

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402

from baseline_eval import evaluate_classifier, evaluate_counter  # noqa: E402
from baseline_graphs import IR_VERSION, OPSET, ClassifierDesign, CounterDesign, classifier_graph, counter_graph  # noqa: E402
from hardware.synthetic import render_box, render_part  # noqa: E402
from inspector.golden import expected_from  # noqa: E402
from inspector.manifest import write_package  # noqa: E402
from inspector.models.build import add_sign_key_argument, finish_package, signing_key  # noqa: E402
from inspector.postprocess import extract_peaks  # noqa: E402
from inspector.runtime import LoadedModel, load_package  # noqa: E402

BUILDER_VERSION = "2"  # 2: preprocessing and peak suppression inside the graphs
CREATED = "2026-11-22T00:00:00Z"  # fixed: a rebuild gives the same bytes
TEST_SEED = 2026  # held out: never looked at while choosing the constants
TUNING_SEEDS = {"box": [5, 7, 9, 101], "part": [11, 77]}


def _lineage(graph: str, design: Any, product: str) -> dict[str, Any]:
    return {
        "kind": "analytic-baseline",
        "trained": False,
        "builder": "models/build_baseline.py",
        "builder_version": BUILDER_VERSION,
        "graph": f"models/baseline_graphs.py:{graph}",
        "design": design.params(),
        "onnx": {"opset": OPSET, "ir_version": IR_VERSION, "onnx_package": onnx.__version__},
        "tuned_on": {"generator": "hardware.synthetic.ItemStream", "style": "line", "product": product,
                     "seeds": TUNING_SEEDS[product], "how": "constants chosen by hand from renders of these seeds"},
        "test_seed": TEST_SEED,
    }


def counter_manifest(d: CounterDesign) -> dict[str, Any]:
    h, w = d.map_hw
    frame_stride = d.stride * d.frame[0] // d.height  # heat-map cells per frame pixel, as fed
    return {
        "name": "cartridge_counter", "task": "count", "version": "0.2.0", "kind": "analytic-baseline",
        "description": "Counts cartridge caps in a box seen from above (red caps, the line's 4 x 6 box) and says when "
                       "something covers the box. Analytic baseline: hand-designed filters, not trained.",
        "created": CREATED,
        "input": d.frame_spec().manifest_input(),
        "outputs": [
            {"name": "heatmap", "shape": [1, 1, h, w],
             "meaning": f"cap-centre score per {frame_stride}x{frame_stride} frame block; 0.5 at the cap threshold"},
            {"name": "occlusion", "shape": [1],
             "meaning": "0..1 evidence that the box is covered: foreign colour, solid red, black, or partly visible "
                        "caps in the tray region; 0.5 and above: cannot count"},
            {"name": "peak_mask", "shape": [1, 1, h, w],
             "meaning": f"true where the heat is the maximum of its {2 * d.min_peak_distance + 1}-cell square window "
                        f"and at least {d.peak_threshold}: the caps, before plateaus are merged"},
            {"name": "peaks", "shape": [1, d.peak_rows, 3],
             "meaning": "rows col, row, score of the peak_mask cells, strongest first, position refined by a "
                        "parabola through the neighbours; score 0 past the last peak"},
        ],
        "postprocess": {"heatmap": "heatmap", "stride": frame_stride, "peak_threshold": d.peak_threshold,
                        "min_peak_distance": d.min_peak_distance, "occlusion": "occlusion", "peak_mask": "peak_mask",
                        "peak_table": "peaks"},
        "labels": ["cartridge"],
        "thresholds": {"occlusion": 0.5},
        "lineage": _lineage("counter_graph", d, "box"),
        "session": {"graph_optimization": "extended"},  # NCHWc layout rewrites slow single-channel filters
    }


def classifier_manifest(d: ClassifierDesign) -> dict[str, Any]:
    s = d.map_stride
    return {
        "name": "surface_classifier", "task": "classify", "version": "0.2.0", "kind": "analytic-baseline",
        "description": "Finds scratches, cracks, spots and dents on the line's moulded disc part. Analytic baseline: "
                       "hand-designed filters, not trained.",
        "created": CREATED,
        "input": d.frame_spec().manifest_input(),
        "outputs": [
            {"name": "defect_map", "shape": [1, 1, d.height // s, d.width // s],
             "meaning": f"per {s}x{s} block: sigmoid of the surface anomaly"},
            {"name": "p_defect", "shape": [1],
             "meaning": "probability-like defect score 0..1: defect_peak, or higher when no whole part is in view"},
            {"name": "defect_peak", "shape": [1], "meaning": "the maximum of defect_map"},
        ],
        "postprocess": {"probability": "p_defect", "defect_map": "defect_map", "map_stride": s, "map_threshold": 0.2,
                        "map_peak": "defect_peak"},
        "labels": ["good", "defect"],
        "thresholds": {"defect": 0.5, "pass_below": 0.2},
        "lineage": _lineage("classifier_graph", d, "part"),
        "session": {"graph_optimization": "extended"},
    }


def _golden_counter(folder: Path, model: LoadedModel) -> list[dict[str, Any]]:
    """Four boxes as the camera sees them: full, two missing (count and points), a glove, a label (occlusion).

    Only clear-cut cases: every heat-map peak far from the threshold, occlusion far from 0.5, so that another CPU's
    rounding cannot flip a golden check.
    """
    cases = [("full_box", {}), ("two_missing", {"empty": [(1, 2), (3, 4)]}), ("glove", {"occluder": "glove"}),
             ("label", {"occluder": "label"})]
    post = model.manifest.postprocess
    out = []
    for i, (name, kwargs) in enumerate(cases):
        item = render_box(np.random.default_rng([TEST_SEED, 1, i]), **kwargs)
        result, raw = _write_and_infer(folder / "golden" / f"{name}.png", item.image, model)
        occluded = item.truth["occluded"]
        if (result.occlusion >= 0.5) != occluded or 0.1 < result.occlusion < 0.9:
            raise SystemExit(f"golden {name}: occlusion {result.occlusion:.3f}, truth occluded={occluded}")
        keys: tuple[str, ...] = ("occlusion",)
        if not occluded:
            scores = extract_peaks(raw[post.heatmap], 0.2, post.min_peak_distance)[:, 2]
            if result.count != item.truth["count"] or (scores < 0.8).any():
                raise SystemExit(f"golden {name}: count {result.count} (truth {item.truth['count']}), "
                                 f"weakest peak {scores.min():.2f}")
            keys = ("count", "points", "occlusion")
        out.append({"input": f"golden/{name}.png", "expected": expected_from(result, keys),
                    "tolerance": {"value": 1e-3, "pixels": 0.5}})
    return out


def _golden_classifier(folder: Path, model: LoadedModel) -> list[dict[str, Any]]:
    """Three parts (grey PNG, full size): good, scratch, dent."""
    out = []
    for i, defect in enumerate((None, "scratch", "dent")):
        item = render_part(np.random.default_rng([TEST_SEED, 2, i]), defect=defect)
        grey = cv2.cvtColor(item.image, cv2.COLOR_BGR2GRAY)
        result, _ = _write_and_infer(folder / "golden" / f"{defect or 'good'}.png", grey, model)
        if (result.p_defect >= 0.5) != (defect is not None) or 0.1 < result.p_defect < 0.9:
            raise SystemExit(f"golden {defect or 'good'}: p_defect {result.p_defect:.3f} is not clear-cut")
        out.append({"input": f"golden/{defect or 'good'}.png",
                    "expected": expected_from(result, ("p_defect", "label", "defect_box")),
                    "tolerance": {"value": 1e-3, "pixels": 4.0}})
    return out


def _write_and_infer(path: Path, image: np.ndarray, model: LoadedModel):
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return model.infer_with_raw(cv2.imread(str(path), cv2.IMREAD_COLOR))  # what the load-time check reads


def shipped_kind(folder: Path) -> str | None:
    """The ``kind`` of the package in ``folder`` (None when there is none or its manifest is unreadable)."""
    try:
        return json.loads((folder / "manifest.json").read_text()).get("kind")
    except (OSError, ValueError, AttributeError):
        return None


def build(folder: Path, model_bytes: bytes, manifest: dict[str, Any],
          golden: Callable[[Path, LoadedModel], list[dict[str, Any]]],
          evaluate: Callable[[LoadedModel], dict[str, Any]], replace_trained: bool = False,
          sign_key: Path | None = None) -> dict[str, Any] | None:
    """Write the package to a scratch folder, measure it, add golden cases, then replace ``folder`` atomically-ish.

    A trained package in ``folder`` is left alone (returns None) unless ``replace_trained``.
    """
    kind = shipped_kind(folder)
    if kind not in (None, "analytic-baseline") and not replace_trained:
        print(f"{folder}: holds a {kind} package; not replaced by the baseline (use --replace-trained or --out)")
        return None
    with tempfile.TemporaryDirectory(prefix="build_baseline_") as scratch:
        staging = Path(scratch) / folder.name
        write_package(staging, model_bytes, manifest)
        model = load_package(staging, unsigned_build_check=True)  # not yet signed nor its golden cases written
        metrics = evaluate(model)
        latency = metrics.pop("infer_ms_p50")
        cases = golden(staging, model)
        write_package(staging, model_bytes, {**manifest, "metrics": metrics, "golden": cases})
        finish_package(staging, sign_key)  # signed, and passes the checks a station makes
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(staging, folder)
    print(f"{folder}: infer p50 {latency} ms on this machine\n{json.dumps(metrics, indent=2)}")
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "baseline",
                        help="folder to write the packages into (models/ holds the shipped, trained ones)")
    parser.add_argument("--items", type=int, default=600, help="rendered items per test split")
    parser.add_argument("--only", choices=("cartridge_counter", "surface_classifier"))
    parser.add_argument("--replace-trained", action="store_true",
                        help="overwrite a trained package in --out with the baseline (default: keep it)")
    add_sign_key_argument(parser)
    args = parser.parse_args(argv)
    key = signing_key(args.sign_key)
    if args.only in (None, "cartridge_counter"):
        d = CounterDesign()
        build(args.out / "cartridge_counter", counter_graph(d), counter_manifest(d), _golden_counter,
              lambda m: evaluate_counter(m, seed=TEST_SEED, items=args.items, missing_rate=0.3, occlusion_rate=0.4),
              args.replace_trained, key)
    if args.only in (None, "surface_classifier"):
        d = ClassifierDesign()
        build(args.out / "surface_classifier", classifier_graph(d), classifier_manifest(d), _golden_classifier,
              lambda m: evaluate_classifier(m, seed=TEST_SEED, items=args.items, defect_rate=0.5),
              args.replace_trained, key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
