"""``inspector train --task defect``: a read data set → splits → the defect learner → a package with its recipe."""
from __future__ import annotations

import platform
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from inspector.training.defect import DefectSettings, train_defect
from inspector.training.package import GoldenInput, check_destination, write_trained_package
from inspector.training.samples import Dataset
from inspector.training.sources import SourceError, _size
from inspector.training.splits import split_samples


def train_defect_package(dataset: Dataset, out: Path, *, base: Path | None = None, minutes: float = 10.0,
                         seed: int = 0, route: str = "auto", sign_key: Path | None = None, command: str = "",
                         progress=None, max_steps: int | None = None, name: str | None = None) -> dict[str, Any]:
    """Train within ``minutes`` (from this call) and write the package ``out``; returns a summary (JSON-able)."""
    import onnx
    import torch

    from inspector.training.defect_net import frame_size, manifest_io, package_graph

    started = time.monotonic()
    out = check_destination(out)
    if base is not None and not (Path(base) / "model.onnx").is_file():
        raise SourceError(f"--base {base}: not a model package (no model.onnx)")
    splits = split_samples(dataset.samples, seed)
    for split in ("validation", "test"):
        labels = {s.label for s in getattr(splits, split)}
        if "good" not in labels:
            raise SourceError(f"{dataset.origin}: too few good images ({sum(s.label == 'good' for s in dataset.samples)}"
                              f") for train, validation and test splits (at least 3 groups of good images)")
    frame = frame_size([_size(s.path) for s in dataset.samples])
    settings = DefectSettings(minutes=minutes, seed=seed, route=route, max_steps=max_steps)
    trained = train_defect(splits, frame, settings, base=base, progress=progress, started=started)
    if not any(label == "defect" for _, _, label in trained.golden):
        raise SourceError(f"{dataset.origin}: no defect image in the test split, so no defect golden case: give at "
                          "least 3 defect images (or lots) so the test split holds one")
    doc = (f"Defect map and calibrated p_defect for {name or out.name}, trained by inspector train on "
           f"{dataset.kind} {dataset.origin} ({trained.route} route)")
    model_bytes = package_graph(trained.net, frame, trained.temperature, trained.offset, doc)
    io = manifest_io(frame, trained.temperature)
    counts = dict(Counter(s.label for s in dataset.samples))
    manifest = {
        "name": name or out.name, "version": "1.0.0", "kind": "trained",
        "description": doc, "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), **io,
        "thresholds": trained.thresholds,
        "metrics": {**trained.metrics, "route": trained.route},
        "lineage": {
            "kind": "trained", "trained": True, "builder": "inspector train --task defect", "command": command,
            "source": {"kind": dataset.kind, "origin": dataset.origin, "content_sha256": dataset.content_sha256,
                       **dataset.notes},
            "labels": counts, "masks": sum(s.mask is not None for s in dataset.samples),
            "route": trained.route, "real_defects_seen": trained.training["real_defects_used"],
            "frame": list(frame), "splits": splits.describe(), "base": str(base) if base else None,
            "training": trained.training, "network": "models/training/classifier_net.py:ClassifierNet (segment)",
            "torch": torch.__version__, "onnx": onnx.__version__, "python": platform.python_version(),
        },
        "session": {"graph_optimization": "all"},
        "postprocess": {"probability": "p_defect", "defect_map": "defect_map", "map_stride": 4,
                        "map_threshold": trained.map_threshold, "map_peak": "defect_peak"},
    }
    golden = [GoldenInput(f"{label}", image, label) for label, image, _ in trained.golden]
    recipe = {"name": name or out.name, "description": f"{doc}; thresholds chosen on its validation split",
              "product": "part", "reject_at": trained.thresholds["defect"],
              "pass_below": trained.thresholds["pass_below"], "fail_safe": "reject"}
    model = write_trained_package(out, model_bytes, manifest, golden, recipe, sign_key=sign_key)
    return {"out": str(out), "recipe": str(out / "recipe.toml"), "package": f"{model.name} {model.tag}",
            "route": trained.route, "frame": list(frame), "metrics": trained.metrics,
            "thresholds": trained.thresholds, "training": trained.training,
            "splits": splits.describe(),
            "test_scores": trained.test_scores, "wall_s": round(time.monotonic() - started, 1)}

