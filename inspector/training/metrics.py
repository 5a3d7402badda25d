"""Ranking metrics in NumPy (no scikit-learn on a station): ROC AUC, average precision, and a Platt fit."""
from __future__ import annotations

import numpy as np


def auroc(labels, scores) -> float | None:
    """Area under the ROC curve (ties count half); None without both classes."""
    y = np.asarray(labels, bool)
    s = np.asarray(scores, np.float64)
    pos, neg = s[y], s[~y]
    if not len(pos) or not len(neg):
        return None
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order), np.float64)
    ranks[order] = np.arange(1, len(order) + 1)
    allv = np.concatenate([pos, neg])
    _, inverse, counts = np.unique(allv, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]  # average ranks for ties
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def average_precision(labels, scores) -> float | None:
    """Average precision (area under precision-recall, step-wise as scikit-learn's); None without positives."""
    y = np.asarray(labels, bool).ravel()
    s = np.asarray(scores, np.float64).ravel()
    if not y.any():
        return None
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # the end of each run of equal scores
    tp = np.cumsum(y)[last]
    precision = tp / (last + 1)
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def platt(logits, labels) -> tuple[float, float]:
    """Temperature and offset with ``sigmoid((z - offset) / T)`` of least log loss against Platt's targets
    (``(N+ + 1) / (N+ + 2)`` and ``1 / (N- + 2)``, so separable data still give a finite temperature); T searched
    over 0.05..20, the offset solved for each T. (1, 0) without both classes."""
    z = np.asarray(logits, np.float64)
    y = np.asarray(labels, bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if not n_pos or not n_neg:
        return 1.0, 0.0
    target = np.where(y, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    best = (np.inf, 1.0, 0.0)
    for temperature in np.geomspace(0.05, 20, 80):
        lo, hi = float(z.min()) - 60 * temperature, float(z.max()) + 60 * temperature
        for _ in range(60):  # the offset at which the mean probability equals the mean target
            mid = (lo + hi) / 2
            p = 1 / (1 + np.exp(-np.clip((z - mid) / temperature, -60, 60)))
            lo, hi = (mid, hi) if p.sum() > target.sum() else (lo, mid)
        p = np.clip(1 / (1 + np.exp(-np.clip((z - mid) / temperature, -60, 60))), 1e-12, 1 - 1e-12)
        loss = -float(np.sum(target * np.log(p) + (1 - target) * np.log(1 - p)))
        if loss < best[0]:
            best = (loss, float(temperature), float(mid))
    return best[1], best[2]
