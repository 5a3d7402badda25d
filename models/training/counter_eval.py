"""Measure a loaded counter package on boxes it never trained on: the fixed ``hardware.synthetic`` test split (seed
2026, the line's look and the wide one) and the independent renderer (``models.independent``). The numbers go into
the manifest; latency is measured separately (:func:`latency_ms`)."""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Any, Iterable, Iterator

import numpy as np

from inspector.runtime import LoadedModel
from models.training.data import TEST_SEED

TEST_RATES = {"missing_rate": 0.3, "occlusion_rate": 0.4}


def synthetic_boxes(style: str, items: int, seed: int = TEST_SEED) -> Iterator[tuple[np.ndarray, dict]]:
    from hardware.synthetic import ItemStream

    stream = ItemStream("box", seed=seed, style=style, **TEST_RATES)
    for i in range(items):
        item = stream.render(i)
        yield item.image, {**item.truth, "centres": item.truth["centers"]}


def independent_boxes(items: int, seed: int = TEST_SEED) -> Iterator[tuple[np.ndarray, dict]]:
    from models.independent import render_box

    for i in range(items):
        yield render_box(np.random.default_rng([seed, 3, i]))


def _point_errors(points: list, centres: list) -> list[float]:
    if not points or not centres:
        return []
    p, c = np.asarray(points)[:, :2], np.asarray(centres)
    return np.min(np.hypot(p[:, None, 0] - c[None, :, 0], p[:, None, 1] - c[None, :, 1]), axis=0).tolist()


def evaluate(model: LoadedModel, boxes: Iterable[tuple[np.ndarray, dict]], split: dict[str, Any],
             occlusion_threshold: float = 0.5) -> dict[str, Any]:
    """Exact counts on unoccluded boxes, occluded boxes flagged, and what the station would pass or reject."""
    clean = exact = false_flags = occluded = flagged = bad_passed = good_rejected = miscounted_occluded = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    count_errors: dict[int, int] = defaultdict(int)
    errors: list[float] = []
    for image, truth in boxes:
        result = model.infer(image)
        flag = result.occlusion >= occlusion_threshold
        should_pass = truth["count"] == truth["expected"] and not truth["occluded"]
        passes = not flag and result.count == truth["expected"]
        bad_passed += passes and not should_pass
        good_rejected += should_pass and not passes
        if truth["occluded"]:
            occluded += 1
            flagged += flag
            miscounted_occluded += not flag and result.count != truth["count"]
            kind = str(truth.get("occluder"))
            by_kind[kind][0] += flag
            by_kind[kind][1] += 1
        else:
            clean += 1
            exact += result.count == truth["count"]
            false_flags += flag
            if result.count != truth["count"]:
                count_errors[result.count - truth["count"]] += 1
            else:
                errors += _point_errors(result.points, truth["centres"])
    return {
        "split": split,
        "unoccluded_boxes": clean,
        "count_exact": round(exact / max(clean, 1), 4),
        "count_errors": {f"{k:+d}": v for k, v in sorted(count_errors.items())},
        "unoccluded_flagged": round(false_flags / max(clean, 1), 4),
        "occluded_boxes": occluded,
        "occluded_flagged": round(flagged / max(occluded, 1), 4),
        "occluded_flagged_by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "occluded_miscounted_unflagged": int(miscounted_occluded),
        "at_thresholds": {"occlusion": occlusion_threshold, "expected_count": "truth.expected"},
        "bad_boxes_passed": int(bad_passed),
        "good_boxes_rejected": int(good_rejected),
        "point_error_px": {"p50": round(float(np.median(errors)), 2) if errors else None,
                           "max": round(float(np.max(errors)), 2) if errors else None},
    }


def evaluate_all(model: LoadedModel, items: dict[str, int]) -> dict[str, Any]:
    """``items``: boxes per split, keys ``line``, ``wide``, ``independent``."""
    out = {}
    for style in ("line", "wide"):
        split = {"generator": "hardware.synthetic.ItemStream", "product": "box", "style": style, "seed": TEST_SEED,
                 "items": items[style], **TEST_RATES}
        out[f"test_{style}"] = evaluate(model, synthetic_boxes(style, items[style]), split)
    split = {"generator": "models.independent.render_box", "rng": f"default_rng([{TEST_SEED}, 3, i])",
             "items": items["independent"]}
    out["independent"] = evaluate(model, independent_boxes(items["independent"]), split)
    return out


def latency_ms(model: LoadedModel, frames: list[np.ndarray], runs: int = 200) -> dict[str, float]:
    """p50 / p99 of ``session.run`` on the raw frame (the preprocessing is in the graph), milliseconds."""
    feeds = [{model.input_name: f[None]} for f in frames]
    for feed in feeds[:3]:
        model.session.run(None, feed)
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        model.session.run(None, feeds[i % len(feeds)])
        times.append((time.perf_counter() - t0) * 1e3)
    return {"p50": round(float(np.percentile(times, 50)), 2), "p99": round(float(np.percentile(times, 99)), 2)}
