"""Measure a loaded model on rendered line items (hardware.synthetic, fixed seed): the numbers in its manifest."""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any, Iterator

import numpy as np

from hardware.synthetic import ItemStream, render_empty
from hardware.synthetic.canvas import Rendered
from inspector.runtime import LoadedModel


def rendered(product: str, *, seed: int, items: int, **rates: float) -> Iterator[Rendered]:
    stream = ItemStream(product, seed=seed, style="line", **rates)
    return (stream.render(i) for i in range(items))


def auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = np.asarray(positives, np.float64), np.asarray(negatives, np.float64)
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def _timed(model: LoadedModel, image: np.ndarray, latencies: list[float]):
    t0 = time.perf_counter()
    result = model.infer(image)
    latencies.append(time.perf_counter() - t0)
    return result


def _point_errors(points: list, centres: list) -> list[float]:
    if not points or not centres:
        return []
    p, c = np.asarray(points)[:, :2], np.asarray(centres)
    return np.min(np.hypot(p[:, None, 0] - c[None, :, 0], p[:, None, 1] - c[None, :, 1]), axis=0).tolist()


def evaluate_counter(model: LoadedModel, *, seed: int, items: int, missing_rate: float, occlusion_rate: float,
                     occlusion_threshold: float = 0.5) -> dict[str, Any]:
    """Exact counts on unoccluded boxes, occluded boxes flagged, and what the station would pass or reject."""
    clean = exact = false_flags = occluded = flagged = bad_passed = good_rejected = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: list[float] = []
    latencies: list[float] = []
    for item in rendered("box", seed=seed, items=items, missing_rate=missing_rate, occlusion_rate=occlusion_rate):
        truth = item.truth
        result = _timed(model, item.image, latencies)
        flag = result.occlusion >= occlusion_threshold
        passes = not flag and result.count == truth["expected"]
        bad_passed += passes and not truth["should_pass"]
        good_rejected += truth["should_pass"] and not passes
        if truth["occluded"]:
            occluded += 1
            flagged += flag
            by_kind[truth["occluder"]][0] += flag
            by_kind[truth["occluder"]][1] += 1
        else:
            clean += 1
            exact += result.count == truth["count"]
            false_flags += flag
            if result.count == truth["count"]:
                errors += _point_errors(result.points, truth["centers"])
    return {
        "split": {"generator": "hardware.synthetic.ItemStream", "product": "box", "style": "line", "seed": seed,
                  "items": items, "missing_rate": missing_rate, "occlusion_rate": occlusion_rate},
        "unoccluded_boxes": clean,
        "count_exact": round(exact / max(clean, 1), 4),
        "unoccluded_flagged": round(false_flags / max(clean, 1), 4),
        "occluded_boxes": occluded,
        "occluded_flagged": round(flagged / max(occluded, 1), 4),
        "occluded_flagged_by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "at_thresholds": {"occlusion": occlusion_threshold, "expected_count": "truth.expected"},
        "bad_boxes_passed": int(bad_passed),
        "good_boxes_rejected": int(good_rejected),
        "point_error_px": {"p50": round(float(np.median(errors)), 2), "max": round(float(np.max(errors)), 2)}
        if errors else None,
        "infer_ms_p50": round(1000 * float(np.median(latencies)), 2),
    }


def _overlaps(box, truth_box) -> bool:
    if box is None or truth_box is None:
        return False
    x, y, w, h = box
    tx, ty, tw, th = truth_box
    return x < tx + tw and tx < x + w and y < ty + th and ty < y + h


def evaluate_classifier(model: LoadedModel, *, seed: int, items: int, defect_rate: float,
                        reject_at: float = 0.5, pass_below: float = 0.2) -> dict[str, Any]:
    """AUC of p_defect, and outcomes with the recipe's bands: reject at/above, pass below, uncertain between."""
    good: list[float] = []
    bad: dict[str, list[float]] = defaultdict(list)
    outcomes: Counter[tuple[str, str]] = Counter()
    located = detected = 0
    latencies: list[float] = []
    for item in rendered("part", seed=seed, items=items, defect_rate=defect_rate):
        truth = item.truth
        result = _timed(model, item.image, latencies)
        p = result.p_defect
        outcome = "reject" if p >= reject_at else "pass" if p < pass_below else "uncertain"
        kind = truth["defect"]
        outcomes[("good" if kind is None else "defect", outcome)] += 1
        if kind is None:
            good.append(p)
        else:
            bad[kind].append(p)
            if outcome != "pass":
                detected += 1
                located += _overlaps(result.defect_box, truth["defect_box"])
    all_bad = [p for ps in bad.values() for p in ps]
    return {
        "split": {"generator": "hardware.synthetic.ItemStream", "product": "part", "style": "line", "seed": seed,
                  "items": items, "defect_rate": defect_rate},
        "good_parts": len(good),
        "defective_parts": {k: len(v) for k, v in sorted(bad.items())},
        "auc": round(auc(all_bad, good), 4),
        "auc_by_kind": {k: round(auc(v, good), 4) for k, v in sorted(bad.items())},
        "at_thresholds": {"reject_at": reject_at, "pass_below": pass_below},
        "defects_passed": outcomes[("defect", "pass")],
        "defects_uncertain": outcomes[("defect", "uncertain")],
        "defects_rejected": outcomes[("defect", "reject")],
        "good_passed": outcomes[("good", "pass")],
        "good_uncertain": outcomes[("good", "uncertain")],
        "good_rejected": outcomes[("good", "reject")],
        "p_defect_good_max": round(max(good), 4) if good else None,
        "p_defect_defect_min": {k: round(min(v), 4) for k, v in sorted(bad.items())},
        "defect_box_overlaps_truth": round(located / max(detected, 1), 4),
        "p_defect_empty_view": round(model.infer(render_empty().image).p_defect, 4),
        "infer_ms_p50": round(1000 * float(np.median(latencies)), 2),
    }
