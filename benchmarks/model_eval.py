"""Accuracy of the model packages on the fixed test split and on the independent renderer, one image at a time (no
image is kept): counter exact-count and occlusion-flag rates beside the HoughCircles baseline, classifier ROC-AUC and
defect-map IoU. Used by ``bench_models.py``."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

import cv2
import numpy as np

from hardware.synthetic import ItemStream
from models.hough_counter import count_caps
from models.independent import render_box, render_part

INDEPENDENT_SEED = 31337  # item i of the independent set is rendered from default_rng([INDEPENDENT_SEED, kind, i])
HANDS = ("glove", "hand")

Item = tuple[np.ndarray, dict, np.ndarray | None]  # image, truth, defect mask


def test_split(product: str, n: int, split: dict) -> Iterator[Item]:
    """Items of the fixed test split ``ItemStream(product, seed, style="line", ...)`` with the package's rates."""
    keys = ("missing_rate", "occlusion_rate") if product == "box" else ("defect_rate",)
    stream = ItemStream(product, seed=int(split.get("seed", 2026)), style=split.get("style", "line"),
                        **{k: split[k] for k in keys if k in split})
    for i in range(n):
        item = stream.render(i)
        truth = dict(item.truth)
        if product == "box":
            truth["centres"] = truth.get("centers", [])
        yield item.image, truth, item.mask if product == "part" else None


def independent(product: str, n: int) -> Iterator[Item]:
    for i in range(n):
        rng = np.random.default_rng([INDEPENDENT_SEED, 1 if product == "box" else 2, i])
        image, truth = (render_box if product == "box" else render_part)(rng)
        yield image, truth, truth.get("mask")


def _rate(hits: list[bool]) -> float | None:
    return round(float(np.mean(hits)), 4) if hits else None


def _point_errors(pred: np.ndarray, truth: list) -> list[float]:
    if not len(truth) or not len(pred):
        return []
    t = np.asarray(truth, np.float32)
    d = np.hypot(*(t[:, None] - pred[None, :, :2]).transpose(2, 0, 1))
    return list(d.min(axis=1))


def evaluate_counter(variants: dict[str, object], items: Iterator[Item], threshold: float) -> dict:
    """Per variant (name → LoadedModel) and for ``hough``: exact count on unoccluded boxes, flags on occluded ones."""
    names = [*variants, "hough"]
    exact, flagged, hand_flagged, false_flags, point_err = (defaultdict(list) for _ in range(5))
    boxes = occluded = hands = 0
    for image, truth, _ in items:
        boxes += 1
        is_occ = bool(truth["occluded"])
        occluded += is_occ
        hand = is_occ and truth.get("occluder") in HANDS
        hands += hand
        for name in names:
            if name == "hough":
                r = count_caps(image)
                count, occ, pts = r.count, 0.0, r.centres
            else:
                res = variants[name].infer(image)
                count, occ = res.count, res.occlusion
                pts = np.array([p[:2] for p in res.points], np.float32).reshape(-1, 2)
            flag = occ >= threshold
            if is_occ:
                flagged[name].append(flag)
                if hand:
                    hand_flagged[name].append(flag)
            else:
                exact[name].append(count == truth["count"])
                false_flags[name].append(flag)
                if count == truth["count"]:
                    point_err[name].extend(_point_errors(pts, truth["centres"]))
    out = {"boxes": boxes, "unoccluded": boxes - occluded, "occluded": occluded, "hand_covered": hands}
    for name in names:
        err = np.asarray(point_err[name]) if point_err[name] else np.zeros(1)
        out[name] = {
            "count_exact": _rate(exact[name]),
            "count_exact_n": f"{sum(exact[name])}/{len(exact[name])}",
            "occluded_flagged": _rate(flagged[name]) if name != "hough" else 0.0,
            "hand_flagged": _rate(hand_flagged[name]) if name != "hough" else 0.0,
            "unoccluded_flagged": _rate(false_flags[name]) if name != "hough" else 0.0,
            "point_error_px": {"p50": round(float(np.median(err)), 2), "p95": round(float(np.percentile(err, 95)), 2)},
        }
    return out


def roc_auc(scores: list[float], labels: list[bool]) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    s, y = np.asarray(scores, np.float64), np.asarray(labels, bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if not pos or not neg:
        return None
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return round(float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg)), 4)


def _iou(defect_map: np.ndarray, threshold: float, stride: int, mask: np.ndarray) -> float:
    h, w = mask.shape
    m = (defect_map.reshape(defect_map.shape[-2:]) > threshold).astype(np.uint8)
    if stride > 1:
        m = cv2.resize(m, (m.shape[1] * stride, m.shape[0] * stride), interpolation=cv2.INTER_NEAREST)
    m = m[:h, :w].astype(bool)
    union = np.count_nonzero(m | mask)
    return float(np.count_nonzero(m & mask) / union) if union else 0.0


def evaluate_classifier(variants: dict[str, object], items: Iterator[Item]) -> dict:
    """Per variant: ROC-AUC of p_defect, accuracy at the package's threshold, IoU of the thresholded defect map."""
    scores, labels, correct, ious = defaultdict(list), [], defaultdict(list), defaultdict(lambda: defaultdict(list))
    for image, truth, mask in items:
        kind = truth.get("defect")
        labels.append(kind is not None)
        for name, model in variants.items():
            res, raw = model.infer_with_raw(image)
            scores[name].append(res.p_defect)
            correct[name].append((res.label != model.manifest.labels[0]) == (kind is not None))
            if kind is not None and mask is not None:
                post = model.manifest.postprocess
                iou = _iou(raw[post.defect_map], post.map_threshold, post.map_stride, np.asarray(mask, bool))
                ious[name][kind].append(iou)
    out: dict = {"parts": len(labels), "defective": int(sum(labels))}
    for name in variants:
        all_iou = [v for vals in ious[name].values() for v in vals]
        out[name] = {
            "roc_auc": roc_auc(scores[name], labels),
            "accuracy_at_threshold": _rate(correct[name]),
            "defect_map_iou": round(float(np.mean(all_iou)), 3) if all_iou else None,
            "defect_map_iou_by_kind": {k: round(float(np.mean(v)), 3) for k, v in sorted(ious[name].items())},
            "defect_map_hit": _rate([v > 0 for v in all_iou]),
        }
    return out


def evaluate(product: str, variants: dict[str, object], n_test: int, n_independent: int, split: dict,
             threshold: float, log: Callable[[str], None] = print) -> dict:
    run = (lambda items: evaluate_counter(variants, items, threshold)) if product == "box" else \
        (lambda items: evaluate_classifier(variants, items))
    log(f"  accuracy on {n_test} test-split {product}es ..." if product == "box" else
        f"  accuracy on {n_test} test-split parts ...")
    test = run(test_split(product, n_test, split))
    log(f"  accuracy on {n_independent} independent renders ...")
    indep = run(independent(product, n_independent))
    return {"test_split": {"split": split, **test}, "independent": {"seed": INDEPENDENT_SEED, **indep}}
