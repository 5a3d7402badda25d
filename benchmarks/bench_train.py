"""``inspector train`` per task and route: time and accuracy on a test split never trained on, beside a naive baseline.

    python benchmarks/bench_train.py [--task defect|count|all] [--minutes N] [--baseline-minutes N]

Defect task, on the public Magnetic-tile surface-defect images (``--src``; MT_Free good, five defect kinds with
pixel masks), made into a plain labelled folder by ``magnetic_tile_folder.py``:

- ``folder``: the labelled folder with its masks (supervised route), fine-tuned from the shipped surface classifier;
- ``good_only``: the same folder, no real defect used in training (defects painted onto the good train images);
- ``baseline``: a small CNN from scratch on image labels alone (``train_baseline.py``), on the same splits;
- ``records``: the same images through the station's own records (``records_route.py``: a folder-replay camera
  run, QA labels and defect boxes through the review API), then trained from the data dir (its own seeded split).

All share the seed, so the test split is the same images; ours must not be worse (AUROC) than the baseline on any
data set reported. Count task: ``benchmarks/train_count_case.py:run()`` where installed. Writes
``benchmarks/results/train.json``. Run on the 2-core build machine with nothing else running for the timings.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from inspector.training.metrics import auroc  # noqa: E402

RESULTS = HERE / "results" / "train.json"
KINDS = ("Blowhole", "Break", "Crack", "Fray", "Uneven")


def by_kind(scores: dict[str, float]) -> dict[str, float | None]:
    """AUROC of each defect kind against all good test images (keys ``defect/<Kind>_...``, ``good/...``)."""
    good = [v for k, v in scores.items() if k.startswith("good/")]
    out = {}
    for kind in KINDS:
        bad = [v for k, v in scores.items() if k.startswith(f"defect/{kind}_")]
        out[kind] = round(auroc([0] * len(good) + [1] * len(bad), good + bad), 5) if bad else None
    return out


def ours(folder: Path, out: Path, *, route: str, minutes: float, seed: int, base: Path | None) -> dict:
    from inspector.training.defect_package import train_defect_package
    from inspector.training.progress import TrainProgress
    from inspector.training.sources import read_source

    t0 = time.monotonic()
    dataset = read_source(folder, "defect")
    progress = TrainProgress(f"ours {route}")
    summary = train_defect_package(dataset, out, base=base, minutes=minutes, seed=seed, route=route,
                                   progress=progress, command=f"bench_train {route} --minutes {minutes}")
    progress.finish()
    wall = time.monotonic() - t0
    m = summary["metrics"]
    return {"route": summary["route"], "auc": m["auc"], "pixel_ap": m["pixel_ap"], "image_ap": m["image_ap"],
            "auc_by_kind": by_kind(summary["test_scores"]), "test": {k: m[k] for k in
            ("images", "good_parts", "defective_parts", "defects_passed", "good_rejected", "good_to_qa")},
            "thresholds": summary["thresholds"], "frame": summary["frame"], "base": str(base) if base else None,
            "real_defects_seen": summary["training"]["real_defects_used"], "steps": summary["training"]["steps"],
            "crops_seen": summary["training"]["crops_seen"], "minutes_budget": minutes,
            "minutes": round(wall / 60, 2), "test_keys": sorted(summary["test_scores"])}


def baseline(folder: Path, *, minutes: float, seed: int) -> dict:
    from inspector.training.defect_net import frame_size
    from inspector.training.sources import _size, read_source
    from inspector.training.splits import split_samples
    from train_baseline import train_baseline

    dataset = read_source(folder, "defect")
    splits = split_samples(dataset.samples, seed)
    frame = frame_size([_size(s.path) for s in dataset.samples])
    result = train_baseline(splits, frame, minutes=minutes, seed=seed)
    scores = result.pop("test_scores")
    return {**result, "auc_by_kind": by_kind(scores), "minutes": round(result["wall_s"] / 60, 2),
            "test_keys": sorted(scores)}


def records(folder: Path, work: Path, *, minutes: float, seed: int, base: Path) -> dict:
    """The same images through the station's records (folder-replay run, QA labels), then ``--data <data dir>``."""
    from inspector.training.defect_package import train_defect_package
    from inspector.training.progress import TrainProgress
    from inspector.training.sources import read_source
    from records_route import label_from_truth, record_run, replay_folder

    t0 = time.monotonic()
    replay_folder(folder, work / "replay")
    run = record_run(work / "replay", work / "data", fps=8.0)
    labels = label_from_truth(work / "data", folder)
    record_s = time.monotonic() - t0
    t1 = time.monotonic()
    dataset = read_source(work / "data", "defect", verified_only=True)
    progress = TrainProgress("ours records")
    summary = train_defect_package(dataset, work / "pkg_records", base=base, minutes=minutes, seed=seed,
                                   progress=progress, command=f"inspector train --task defect --data {work / 'data'}"
                                   f" --verified-only --minutes {minutes} --seed {seed} --base {base}")
    progress.finish()
    train_minutes = round((time.monotonic() - t1) / 60, 2)
    m = summary["metrics"]
    pixel_ap = records_pixel_ap(work / "pkg_records", work / "data", folder, sorted(summary["test_scores"]))
    return {"route": summary["route"], "auc": m["auc"], "pixel_ap": pixel_ap, "image_ap": m["image_ap"],
            "boxed_defects_used": summary["training"].get("boxed_defects_used"),
            "steps": summary["training"]["steps"],
            "test": {k: m[k] for k in ("images", "good_parts", "defective_parts", "defects_passed",
                                        "good_rejected", "good_to_qa")},
            "station_run": {**run, "qa_labels": labels, "minutes": round(record_s / 60, 2)},
            "note": "its own seeded split of the same images (records are grouped by part id); QA labelled each "
                    "part and drew a box around each defect (no masks); pixel AP measured afterwards on its test "
                    "split against the data set's masks, which training never saw",
            "minutes": train_minutes, "minutes_budget": minutes}


def records_pixel_ap(package: Path, data_dir: Path, folder: Path, test_keys: list[str]) -> float | None:
    """Pixel AP of the records package's defect map on its test split (``part:N`` keys), against the labelled
    folder's masks found through each record's truth sidecar; the package as trained (not yet signed)."""
    import cv2
    import numpy as np

    from inspector.runtime import load_package
    from inspector.store import Store
    from inspector.training.metrics import average_precision
    from inspector.training.sources import read_folder

    masks = {s.key: s.mask for s in read_folder(folder).samples}
    model = load_package(package, unsigned_build_check=True)
    name = model.manifest.postprocess.defect_map
    ys, scores = [], []
    with Store.open(data_dir / "inspector.db", images_dir=data_dir / "images") as store:
        for key in test_keys:
            record = store.record(int(key.split(":")[1]))
            image = cv2.imread(str(store.image_file(record)), cv2.IMREAD_COLOR)
            raw_map = np.asarray(model.infer_with_raw(image)[1][name], np.float32)
            cells = raw_map.reshape(raw_map.shape[-2:])
            up = np.kron(cells, np.ones((4, 4), np.float32))  # the frame's pixels, as the folder route measures
            mask_path = masks.get((record.truth or {}).get("key"))
            if mask_path is None:
                truth = np.zeros(up.shape, bool)
            else:
                raw = cv2.imread(str(mask_path), cv2.IMREAD_GRAYSCALE)
                soft = cv2.resize((raw > 127).astype(np.float32), up.shape[::-1], interpolation=cv2.INTER_AREA)
                truth = soft > 0.25
            scores.append(up.ravel())
            ys.append(truth.ravel())
    ap = average_precision(np.concatenate(ys), np.concatenate(scores))
    return round(ap, 5) if ap is not None else None


def defect(args, previous: dict) -> dict:
    from magnetic_tile_folder import build

    routes = args.routes.split(",")
    work = Path(tempfile.mkdtemp(prefix="bench_train_"))
    try:
        folder = work / "mt_folder"
        counts = build(args.src, folder)
        base = HERE.parent / "models" / "surface_classifier"
        result = {**previous, "data": {"name": "Magnetic-tile surface defects (MT_Free good; Blowhole, Break, Crack, "
                                               "Fray, Uneven defect, pixel masks)", "source": str(args.src),
                                       "images": counts}, "seed": args.seed}
        keys = {}
        if "folder" in routes:
            result["folder"] = ours(folder, work / "pkg_folder", route="supervised", minutes=args.minutes,
                                    seed=args.seed, base=base)
            keys["folder"] = result["folder"].pop("test_keys")
        if "good_only" in routes:
            result["good_only"] = ours(folder, work / "pkg_good_only", route="good-only", minutes=args.minutes,
                                       seed=args.seed, base=base)
            keys["good_only"] = result["good_only"].pop("test_keys")
        if "baseline" in routes:
            result["baseline"] = baseline(folder, minutes=args.baseline_minutes, seed=args.seed)
            keys["baseline"] = result["baseline"].pop("test_keys")
        if "records" in routes:
            result["records"] = records(folder, work, minutes=args.minutes, seed=args.seed, base=base)
        if len(keys) > 1:
            result["same_test_split"] = len({tuple(v) for v in keys.values()}) == 1
        if "folder" in result and "baseline" in result:
            result["ours_not_worse_than_baseline"] = result["folder"]["auc"] >= result["baseline"]["auc"]
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def count(args) -> dict:
    path = HERE / "train_count_case.py"
    if not path.is_file():
        return {"skipped": "benchmarks/train_count_case.py is not installed (the count learner's benchmark case)"}
    spec = importlib.util.spec_from_file_location("train_count_case", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="all", choices=["defect", "count", "all"])
    parser.add_argument("--minutes", type=float, default=12.0, help="ours: the budget of each route")
    parser.add_argument("--baseline-minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--routes", default="folder,good_only,baseline,records",
                        help="defect routes to run (the others keep their figures in the results file)")
    parser.add_argument("--src", type=Path, default=Path("/work/datasets/magnetic_tile"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = json.loads(args.out.read_text()) if args.out.is_file() else {}
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average_at_start": [round(v, 2) for v in os.getloadavg()]}
    if args.task in ("defect", "all"):
        results["defect"] = defect(args, results.get("defect", {}))
        print(json.dumps(results["defect"], indent=1))
    if args.task in ("count", "all"):
        results["count"] = count(args)
        print(json.dumps(results["count"], indent=1))
    results["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
