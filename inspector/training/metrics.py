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


def platt(logits, labels, iterations: int = 300) -> tuple[float, float]:
    """Temperature and offset with ``sigmoid((z - offset) / T)`` of least log loss on ``labels`` (Newton steps on
    a, b of sigmoid(a z + b)); (1, 0) without both classes."""
    z = np.asarray(logits, np.float64)
    y = np.asarray(labels, np.float64)
    if y.min() == y.max():
        return 1.0, 0.0
    a, b = 1.0, 0.0
    X = np.stack([z, np.ones_like(z)], 1)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(a * z + b, -60, 60)))
        grad = X.T @ (p - y) + 1e-3 * np.array([a - 1, 0.0])
        hess = (X * (p * (1 - p))[:, None]).T @ X + 1e-3 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-9:
            break
    a = float(np.clip(a, 0.05, 20.0))  # a defect logit never ranks backwards, nor becomes a step
    return 1 / a, float(-b / a)
