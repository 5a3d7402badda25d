"""Measure classifier package graphs (float and INT8) on the fixed test splits and the independent renderer.

Every image is run through the whole package graph (uint8 frame in), as the station runs it. Figures: ROC-AUC of
``p_defect`` (all parts, and good parts against each defect kind), expected calibration error, decisions at the
package's thresholds (defects passed below ``pass_below``, good parts rejected, good parts left to QA between),
defect-map IoU with the true mask on defective parts (frame pixels: each map cell above the threshold covers its
4 x 4 block), and what the graph says with no part in view.
"""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

import numpy as np
import onnxruntime as ort

from models.training.classifier_train import ece, roc_auc
from models.training.data import CLASSIFIER_STRIDE, TEST_SEED, WORKERS, render_empty_view

INDEPENDENT_SEED = 4242
Item = tuple[np.ndarray, str, "np.ndarray | None"]  # frame BGR, kind ("good" or a defect), mask or None


def session(model_bytes: bytes, threads: int = 1) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def _render_test(args: tuple[str, int, int]) -> list[Item]:
    from hardware.synthetic import ItemStream

    style, start, stop = args
    stream = ItemStream("part", seed=TEST_SEED, style=style, defect_rate=0.5)
    out = []
    for i in range(start, stop):
        item = stream.render(i)
        defect = item.truth["defect"]
        out.append((item.image, defect or "good", item.mask if defect else None))
    return out


def _render_independent(args: tuple[int, int]) -> list[Item]:
    from models.independent import render_part

    out = []
    for i in range(*args):
        image, truth = render_part(np.random.default_rng([INDEPENDENT_SEED, i]))
        out.append((image, truth["defect"] or "good", truth["mask"]))
    return out


def items(source: str, n: int) -> Iterator[Item]:
    """``n`` items of ``"test-line"``, ``"test-wide"`` (ItemStream seed 2026) or ``"independent"``, rendered on
    two worker processes in chunks."""
    step = 25
    if source == "independent":
        fn, chunks = _render_independent, [(a, min(a + step, n)) for a in range(0, n, step)]
    else:
        style = source.removeprefix("test-")
        fn, chunks = _render_test, [(style, a, min(a + step, n)) for a in range(0, n, step)]
    with ProcessPoolExecutor(WORKERS) as pool:
        for chunk in pool.map(fn, chunks):
            yield from chunk


def run(sess: ort.InferenceSession, frame: np.ndarray) -> tuple[float, np.ndarray]:
    p, m = sess.run(["p_defect", "defect_map"], {"frame": frame[None]})
    return float(p.reshape(-1)[0]), m[0, 0]


def frame_iou(defect_map: np.ndarray, mask: np.ndarray, threshold: float) -> float:
    s = CLASSIFIER_STRIDE
    pred = np.repeat(np.repeat(defect_map > threshold, s, axis=0), s, axis=1)
    union = np.count_nonzero(pred | mask)
    return float(np.count_nonzero(pred & mask) / union) if union else 1.0


def evaluate(sessions: dict[str, ort.InferenceSession], source: str, n: int, *, map_threshold: float,
             reject_at: float = 0.5, pass_below: float | None = None) -> dict[str, dict]:
    """Per variant: the figures on ``n`` items of ``source`` (one rendering shared by the variants)."""
    kinds: list[str] = []
    p = {k: [] for k in sessions}
    iou = {k: [] for k in sessions}
    for frame, kind, mask in items(source, n):
        kinds.append(kind)
        for name, sess in sessions.items():
            prob, dmap = run(sess, frame)
            p[name].append(prob)
            if kind != "good" and mask is not None and mask.any():
                iou[name].append(frame_iou(dmap, mask, map_threshold))
    kinds_a = np.array(kinds)
    bad = kinds_a != "good"
    cut = pass_below if pass_below is not None else reject_at
    out = {}
    for name in sessions:
        pa = np.array(p[name])
        by_kind = {k: roc_auc(pa[(kinds_a == "good") | (kinds_a == k)], kinds_a[(kinds_a == "good") | (kinds_a == k)]
                              == k) for k in sorted(set(kinds) - {"good"})}
        res = {"items": int(n), "good_parts": int((~bad).sum()),
               "defective_parts": {k: int((kinds_a == k).sum()) for k in sorted(set(kinds) - {"good"})},
               "auc": round(roc_auc(pa, bad), 5), "auc_by_kind": {k: round(v, 5) for k, v in by_kind.items()},
               "ece": round(ece(pa, bad), 4),
               "accuracy_at_reject": round(float(((pa >= reject_at) == bad).mean()), 4),
               "defects_passed": int((bad & (pa < cut)).sum()),
               "good_rejected": int((~bad & (pa >= reject_at)).sum()),
               "good_to_qa": int((~bad & (pa >= cut) & (pa < reject_at)).sum()),
               "mean_iou_defective": round(float(np.mean(iou[name])), 4) if iou[name] else None,
               "median_iou_defective": round(float(np.median(iou[name])), 4) if iou[name] else None}
        out[name] = res
    return out


def empty_views(sessions: dict[str, ort.InferenceSession], n: int = 20) -> dict[str, dict]:
    """p_defect with no part in view: the line's bare belt, the wide style's, a black frame, ``n`` random belts."""
    from hardware.synthetic import render_empty

    frames = {"line_belt": render_empty(style="line").image, "wide_belt": render_empty(style="wide").image,
              "black": np.zeros((480, 640, 3), np.uint8)}
    randoms = [render_empty_view(np.random.default_rng([TEST_SEED, 9, i]), "wide" if i % 2 else "line")
               for i in range(n)]
    out = {}
    for name, sess in sessions.items():
        res = {k: round(run(sess, f)[0], 4) for k, f in frames.items()}
        rp = np.array([run(sess, f)[0] for f in randoms])
        res.update(random_belts=n, random_belts_min=round(float(rp.min()), 4),
                   random_belts_rejected=int((rp >= 0.5).sum()))
        out[name] = res
    return out


def latency(model_bytes: bytes, frames: list[np.ndarray], threads: int, repeats: int = 100) -> dict[str, float]:
    """``session.run`` (preprocessing in the graph) on 480 x 640 uint8 frames: p50 / p99 in ms."""
    sess = session(model_bytes, threads)
    for f in frames[:5]:
        run(sess, f)
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        sess.run(None, {"frame": frames[i % len(frames)][None]})
        times.append(time.perf_counter() - t0)
    a = 1000 * np.array(times)
    return {"p50_ms": round(float(np.median(a)), 2), "p99_ms": round(float(np.percentile(a, 99)), 2)}
