"""Per-stage latency of the shipped model packages on rendered line frames: preprocess, ``run_raw``, postprocess, and
the whole ``infer``, each as p50/p90 over interleaved repeats (one stage at a time would flatter the caches).

    PYTHONPATH=. python benchmarks/bench_models.py [--repeats 300] [--threads 2] [--models DIR] [--out FILE.json]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from hardware.synthetic import ItemStream
from inspector.runtime import default_threads, load_package

MODELS = Path(__file__).resolve().parents[1] / "models"
PACKAGES = {"cartridge_counter": "box", "surface_classifier": "part"}


def _ms(samples: list[float]) -> dict[str, float]:
    a = 1000 * np.asarray(samples)
    return {"p50": round(float(np.median(a)), 3), "p90": round(float(np.percentile(a, 90)), 3)}


def bench_package(folder: Path, product: str, repeats: int, threads: int) -> dict:
    model = load_package(folder, threads=threads)
    frames = [item.image for item in ItemStream(product, seed=11, style="line").pool(16)]
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
        if i >= 10:  # warm-up
            for key, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                stages[key].append(dt)
    return {"model": model.name, "tag": model.tag, "input": model.manifest.input.model_dump(mode="json"),
            **{key: _ms(v) for key, v in stages.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--threads", type=int, default=default_threads())
    parser.add_argument("--models", type=Path, default=MODELS, help="folder holding the packages")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results = [bench_package(args.models / name, product, args.repeats, args.threads)
               for name, product in PACKAGES.items()]
    for r in results:
        print(f"{r['model']:20s} " + "  ".join(f"{k} {r[k]['p50']:.3f}" for k in ("preprocess", "run_raw",
                                                                                  "postprocess", "infer")) + " ms p50")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
