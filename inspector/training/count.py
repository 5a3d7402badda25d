"""``inspector train --task count``: learn a product's objects from point labels into a count package the station
loads as it loads the shipped counter (same network, same in-graph peak table, same post-processing).

The labelled images are split by the seed (grouped: one part never in two splits), resized to the working scale chosen
from the points' spacing (:mod:`inspector.training.count_scale`), and the network learns a centre heat map (focal loss
on Gaussian peaks) and, where QA marked boxes covered, the occlusion output. With ``base`` (the shipped counter) it
starts from that package's weights, batch norms frozen; without, from scratch. The peak threshold is chosen on the
validation split; counts, point errors and covered boxes are measured by the finished package on the test split;
golden cases come from the test split.
"""
from __future__ import annotations

import math
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch.nn import functional as F

from inspector.export.imagesize import image_size
from inspector.golden import expected_from
from inspector.manifest import read_manifest, write_package
from inspector.runtime import LoadedModel, default_threads, load_package
from inspector.training.count_graph import (
    MAP_STRIDE, core_model, load_package_weights, map_size, occlusion_affine, package_graph,
)
from inspector.training.count_net import CounterNet, augment, count_peaks, focal_loss, heat_targets, to_input
from inspector.training.count_scale import TARGET_SPACING, WorkingScale, choose_scale
from inspector.training.flips import flip
from inspector.training.onnx_graph import FrameSpec, peak_table_rows
from inspector.training.package import finish_package
from inspector.training.samples import Dataset, Sample

VERSION = "1.0.0"
MIN_DISTANCE = 2  # heat-map cells: a peak is the maximum of its 5 x 5 window (neighbours sit ~4 cells apart)
CLOSE_SPACING = 3.5  # cells: objects closer than this at the working scale (the input size was capped) get 3 x 3
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
SPLIT = (0.7, 0.15, 0.15)  # train, validation, test shares of the groups
BATCH = 8
LR = {"base": 2e-3, "scratch": 3e-3}
CROP = 192  # net input px: training sees crops of this side (4 x fewer pixels a step than a whole 384 x 288 frame)
GREY_SHARE = 0.25  # training batches seen in grey: a colour product may be shot by a mono camera, and back
GOLDEN_CASES = 3
GOLDEN_TOLERANCE = {"value": 2e-3, "pixels": 0.5}


def split_groups(samples: tuple[Sample, ...], seed: int, shares=SPLIT) -> dict[str, list[int]]:
    """Sample indices per split; whole groups (a part, a lot) go to one split; each split gets at least one group
    when there are three or more."""
    groups = sorted({s.group or s.key for s in samples})
    order = np.random.default_rng(seed).permutation(len(groups))
    n = len(groups)
    n_test = max(1, round(shares[2] * n)) if n >= 3 else 0
    n_val = max(1, round(shares[1] * n)) if n >= 3 else 0
    test = {groups[i] for i in order[:n_test]}
    val = {groups[i] for i in order[n_test : n_test + n_val]}
    out: dict[str, list[int]] = {"train": [], "validation": [], "test": []}
    for i, s in enumerate(samples):
        g = s.group or s.key
        out["test" if g in test else "validation" if g in val else "train"].append(i)
    return out


def _read(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)  # grey files come as 3 equal channels, as the station feeds them
    if image is None:
        raise ValueError(f"{path}: not an image this station can read")
    return image


def _size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as f:
        wh = image_size(f.read(1 << 16))
    return (wh[1], wh[0]) if wh else _read(path).shape[:2]


def _prepare(dataset: Dataset) -> tuple[WorkingScale, np.ndarray, np.ndarray, np.ndarray]:
    """The working scale; images resized to it (RGB uint8), centres in its pixels (NaN padded), covered flags."""
    sizes = [_size(s.path) for s in dataset.samples]  # from the headers: large photos are read one at a time below
    clean = [(hw, np.asarray(s.points or (), np.float64)) for hw, s in zip(sizes, dataset.samples) if not s.covered]
    scale = choose_scale([c[0] for c in clean] or sizes[:1], [c[1] for c in clean] or [np.zeros((0, 2))])
    h, w = scale.input_hw
    images = np.empty((len(sizes), h, w, 3), np.uint8)
    most = max([len(s.points or ()) for s in dataset.samples] + [1])
    centres = np.full((len(sizes), most, 2), np.nan, np.float32)
    for i, s in enumerate(dataset.samples):
        frame = _read(s.path)
        fh, fw = frame.shape[:2]
        images[i] = cv2.cvtColor(cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        if s.points:
            pts = np.asarray(s.points, np.float32)
            centres[i, : len(pts), 0] = (pts[:, 0] + 0.5) * w / fw - 0.5
            centres[i, : len(pts), 1] = (pts[:, 1] + 0.5) * h / fh - 0.5
    covered = np.array([s.covered for s in dataset.samples])
    return scale, images, centres, covered


def _freeze_norms(net: CounterNet) -> None:
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()


def _train(net: CounterNet, images: np.ndarray, heat: np.ndarray, covered: np.ndarray, *, from_base: bool,
           budget_s: float, seed: int, progress) -> dict[str, Any]:
    """Steps until the time budget is spent, cosine learning rate over the budget."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    x_all, heat_all = torch.from_numpy(images), torch.from_numpy(heat)
    cov_all = torch.from_numpy(covered.astype(np.float32))
    occ_weight = 0.5 if covered.any() else 0.1  # without covered examples: only keep the flag quiet on good boxes
    lr = LR["base" if from_base else "scratch"]
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    n = len(images)
    batch = min(BATCH, int((~torch.from_numpy(covered)).sum()) or 1)
    threads = _fastest_threads(net, _crops(x_all, heat_all, torch.arange(batch) % n, g)[0])
    t0, planned, step, running = time.perf_counter(), 0, 0, {}
    clean_pool = torch.nonzero(cov_all < 0.5).flatten()
    if not len(clean_pool):
        raise ValueError("every training image is covered: no counts to learn from")
    order, pos = clean_pool, len(clean_pool)
    frac, planned_at = 0.0, 0.0
    while frac < 1.0:
        elapsed = time.perf_counter() - t0
        # the schedule runs on the clock: a machine that gets busier or quieter mid-way (another training on the
        # same cores) still ends on time with the learning rate annealed; the step count shown is re-estimated
        frac = elapsed / budget_s
        if step >= 5 and (not planned or elapsed - planned_at > 10):
            estimate = max(step + 1, int(step / max(frac, 1e-6)))
            if not planned:
                _progress(progress, "start", estimate)
            elif progress is not None and hasattr(progress, "total"):
                progress.total = estimate  # the bar's end follows the machine's speed
            planned, planned_at = estimate, elapsed
        warm = 0.05
        for group in opt.param_groups:
            group["lr"] = lr * min(1.0, (frac + 1e-3) / warm) * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0)))
        whole = bool(covered.any()) and step % 4 == 0  # covered boxes are judged whole: the cover may lie anywhere
        if whole:
            idx = torch.randint(0, n, (batch,), generator=g)
        else:
            if pos + batch > len(order):
                order, pos = clean_pool[torch.randperm(len(clean_pool), generator=g)], 0
            idx = order[pos : pos + batch]
            pos += batch
        x_u8, heat_t = (x_all[idx], heat_all[idx]) if whole else _crops(x_all, heat_all, idx, g)
        fw, fh = torch.rand(len(idx), generator=g) < 0.5, torch.rand(len(idx), generator=g) < 0.5
        x = augment(flip(to_input(x_u8), fw, fh), g)
        grey = torch.rand(len(idx), generator=g) < GREY_SHARE
        x = torch.where(grey[:, None, None, None], x.mean(dim=1, keepdim=True).expand_as(x), x)
        net.train()
        if from_base:
            _freeze_norms(net)
        heat_logit, _, occ = net(x)
        cov = cov_all[idx] if whole else torch.zeros(len(idx))
        clean = cov < 0.5
        parts = {"occ": F.binary_cross_entropy_with_logits(occ, cov)}
        if clean.any():
            parts["heat"] = focal_loss(heat_logit[clean][:, 0], flip(heat_t, fw, fh)[clean])
        loss = parts.get("heat", 0.0) + occ_weight * parts["occ"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        for k, v in parts.items():
            value = float(v.detach())
            running[k] = 0.95 * running.get(k, value) + 0.05 * value
        step += 1
        if planned:
            _progress(progress, "update", min(step, planned))
    _progress(progress, "finish", "trained")
    seconds = time.perf_counter() - t0
    return {"steps": step, "batch": batch, "epochs": round(step * batch / n, 1), "train_s": round(seconds, 1),
            "lr": lr, "final_losses": {k: round(v, 4) for k, v in running.items()}, "occlusion_loss_weight": occ_weight,
            "batch_norm": "frozen (base statistics)" if from_base else "trained", "torch_threads": threads}


def _fastest_threads(net: CounterNet, batch_u8: torch.Tensor) -> int:
    """All cores, or one where that is quicker: on a busy machine (another training on the same 2 cores) two torch
    threads wait on each other and a step took 4 x longer than with one. Timed on three forward + backward passes."""
    x = to_input(batch_u8)
    net.eval()  # batch norms keep their statistics while timing
    timings = {}
    for threads in sorted({default_threads(), 1}, reverse=True):
        torch.set_num_threads(threads)
        for i in range(4):
            if i == 1:
                t = time.perf_counter()
            heat, _, occ = net(x)
            (heat.mean() + occ.mean()).backward()
        timings[threads] = time.perf_counter() - t
    net.zero_grad(set_to_none=True)
    best = min(timings, key=timings.get)
    torch.set_num_threads(best)
    return best


def _crops(images: torch.Tensor, heat: torch.Tensor, idx: torch.Tensor, g: torch.Generator):
    """A ``CROP`` square of each image (whole where smaller) at a random place on the heat-map grid, and its targets;
    images without covered flags only (a crop of a covered box may not show the cover)."""
    _, h, w, _ = images.shape
    ch, cw = min(CROP, h), min(CROP, w)
    xs, hs = [], []
    rows_max, cols_max = (h - ch) // MAP_STRIDE, (w - cw) // MAP_STRIDE
    for i in idx.tolist():
        peaks = torch.nonzero(heat[i] == 1.0)
        if len(peaks) and float(torch.rand(1, generator=g)) < 0.8:  # most crops hold objects: a cell holding one
            r, c = peaks[int(torch.randint(0, len(peaks), (1,), generator=g))].tolist()
            lo_r, hi_r = max(0, r - ch // MAP_STRIDE + 1), min(rows_max, r)
            lo_c, hi_c = max(0, c - cw // MAP_STRIDE + 1), min(cols_max, c)
        else:
            lo_r, hi_r, lo_c, hi_c = 0, rows_max, 0, cols_max
        y0 = MAP_STRIDE * int(torch.randint(lo_r, max(lo_r, hi_r) + 1, (1,), generator=g))
        x0 = MAP_STRIDE * int(torch.randint(lo_c, max(lo_c, hi_c) + 1, (1,), generator=g))
        xs.append(images[i, y0 : y0 + ch, x0 : x0 + cw])
        r0, c0 = y0 // MAP_STRIDE, x0 // MAP_STRIDE
        hs.append(heat[i, r0 : r0 + ch // MAP_STRIDE, c0 : c0 + cw // MAP_STRIDE])
    return torch.stack(xs), torch.stack(hs)


def _progress(progress, what: str, value) -> None:
    fn = getattr(progress, what, None) if progress is not None else None
    if callable(fn):
        fn(value)


@torch.no_grad()
def _heat(net: CounterNet, images: np.ndarray) -> torch.Tensor:
    net.eval()
    return torch.cat([torch.sigmoid(net(to_input(torch.from_numpy(images[a : a + 16])))[0])
                      for a in range(0, len(images), 16)])


def pick_threshold(net: CounterNet, images: np.ndarray, counts: np.ndarray,
                   min_distance: int = MIN_DISTANCE) -> tuple[float, dict[str, float]]:
    """The peak threshold with the most exact counts on the validation images; ties go to the one nearest 0.5."""
    if not len(images):
        return 0.5, {}
    heat = _heat(net, images)
    truth = torch.from_numpy(counts.astype(np.int64))
    exact = {t: float((count_peaks(heat, t, min_distance) == truth).float().mean()) for t in THRESHOLDS}
    best = max(exact.values())
    return min((t for t, v in exact.items() if v == best), key=lambda t: abs(t - 0.5)), {
        str(t): round(v, 4) for t, v in exact.items()}


def evaluate(model: LoadedModel, samples: list[Sample], occlusion_threshold: float = 0.5) -> dict[str, Any]:
    """The package on original images, as the station runs it: exact count (boxes not covered), count errors,
    point error (each true point to the nearest found one), covered boxes flagged, good boxes wrongly flagged."""
    errors: Counter = Counter()
    exact, dist, clean_flagged, covered_flagged, n_clean, n_cov = 0, [], 0, 0, 0, 0
    for s in samples:
        result = model.infer(_read(s.path))
        flagged = result.occlusion >= occlusion_threshold
        if s.covered:
            n_cov += 1
            covered_flagged += flagged
            continue
        n_clean += 1
        clean_flagged += flagged
        diff = result.count - len(s.points or ())
        exact += diff == 0
        if diff:
            errors[f"{diff:+d}"] += 1
        if s.points and result.points:
            found = np.asarray([p[:2] for p in result.points])
            for x, y in s.points:
                dist.append(float(np.hypot(found[:, 0] - x, found[:, 1] - y).min()))
    out: dict[str, Any] = {"images": len(samples), "unoccluded_boxes": n_clean,
                           "count_exact": round(exact / n_clean, 4) if n_clean else None,
                           "count_errors": dict(sorted(errors.items())),
                           "unoccluded_flagged": round(clean_flagged / n_clean, 4) if n_clean else None}
    if n_cov:
        out.update(occluded_boxes=n_cov, occluded_flagged=round(covered_flagged / n_cov, 4))
    if dist:
        out["point_error_px"] = {"p50": round(float(np.median(dist)), 2),
                                 "p95": round(float(np.percentile(dist, 95)), 2)}
    return out


def _golden(folder: Path, model: LoadedModel, samples: list[Sample], threshold: float) -> list[dict[str, Any]]:
    """Up to ``GOLDEN_CASES`` test images counted right with no peak near the threshold (so another CPU's rounding
    cannot flip a check), stored at the package's input size; any test image where none qualifies."""
    h, w = model.manifest.input.height, model.manifest.input.width
    k = 2 * model.manifest.postprocess.min_peak_distance + 1
    chosen, fallback = [], []
    for s in samples:
        frame = cv2.resize(_read(s.path), (w, h), interpolation=cv2.INTER_AREA)
        result, raw = model.infer_with_raw(frame)
        hm = raw["heatmap"][0, 0]
        maxima = hm[hm == cv2.dilate(hm, np.ones((k, k), np.uint8), borderType=cv2.BORDER_REPLICATE)]
        near = ((maxima > threshold - 0.15) & (maxima < threshold + 0.15)).any()
        occ_clear = result.occlusion < 0.1 or result.occlusion > 0.9
        if not near and occ_clear and (s.covered or result.count == len(s.points or ())):
            chosen.append((s, frame, result))
        elif not near and occ_clear:
            fallback.append((s, frame, result))
    out = []
    for n, (s, frame, result) in enumerate(_varied(chosen + fallback)[:GOLDEN_CASES]):
        rel = f"golden/{n:02d}_{Path(s.key).stem}.png"
        (folder / "golden").mkdir(exist_ok=True)
        cv2.imwrite(str(folder / rel), frame, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        keys = ("occlusion",) if result.occlusion > 0.9 else ("count", "points", "occlusion")
        out.append({"input": rel, "expected": expected_from(result, keys), "tolerance": GOLDEN_TOLERANCE})
    return out


def _varied(cases: list) -> list:
    """The cases with one of each count (and a covered one) first: golden cases must show different counts."""
    seen, first, rest = set(), [], []
    for case in cases:
        kind = "covered" if case[2].occlusion > 0.9 else case[2].count
        (rest if kind in seen else first).append(case)
        seen.add(kind)
    return first + rest


def expected_count(dataset: Dataset) -> tuple[int, str]:
    """The recipe's expected count: the source's own (an export's ``expected``), else the largest count labelled on
    two or more images (a full box), else the largest labelled."""
    if isinstance(dataset.notes.get("expected"), int):
        return int(dataset.notes["expected"]), "the source's expected count"
    counts = Counter(len(s.points or ()) for s in dataset.samples if not s.covered)
    repeated = [c for c, n in counts.items() if n >= 2]
    if repeated:
        return max(repeated), "the largest count labelled on two or more images"
    return max(counts or [0]), "the largest count labelled"


def _manifest(name: str, spec: FrameSpec, threshold: float, min_distance: int, metrics: dict, lineage: dict,
              golden: list, *, flags_covered: bool = True) -> dict:
    hw = map_size(spec.resize_to)
    k = 2 * min_distance + 1
    return {
        "name": name, "task": "count", "version": VERSION, "kind": "trained",
        "description": "Counts the objects it was taught from point labels (inspector train --task count) and says "
                       "when something covers the view. CNN centre heat map at the working scale in lineage.scale.",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "input": spec.manifest_input(),
        "outputs": [
            {"name": "heatmap", "shape": [1, 1, *hw],
             "meaning": f"object-centre probability per {MAP_STRIDE}x{MAP_STRIDE} block of the input frame"},
            {"name": "occlusion", "shape": [1], "meaning": "0..1: the view is covered and cannot be counted"},
            {"name": "peak_mask", "shape": [1, 1, *hw],
             "meaning": f"true where the heat is the maximum of its {k}-cell window and at least {threshold}"},
            {"name": "peaks", "shape": [1, peak_table_rows(hw, min_distance), 3],
             "meaning": "rows col, row, score of the peak_mask cells, strongest first, sub-cell positions"},
        ],
        "postprocess": {"heatmap": "heatmap", "stride": MAP_STRIDE, "peak_threshold": threshold,
                        "min_peak_distance": min_distance, "occlusion": "occlusion", "peak_mask": "peak_mask",
                        "peak_table": "peaks"},
        # taught without any covered view, it makes no claim to flag one (and needs no covered golden case)
        "labels": ["object"], "thresholds": {"occlusion": 0.5} if flags_covered else {}, "metrics": metrics,
        "lineage": lineage,
        "session": {"graph_optimization": "all"}, "golden": golden,
    }


def train_count(dataset: Dataset, out: Path, *, base: Path | None, minutes: float, seed: int,
                progress=None, sign_key: Path | None = None, name: str | None = None,
                command: str | None = None) -> dict[str, Any]:
    """Train, export, evaluate and write the package folder ``out`` (replaced only once complete); return the
    manifest's facts: metrics, lineage, expected count, where the package is."""
    t0 = time.perf_counter()
    if dataset.task != "count":
        raise ValueError(f"train_count needs a count dataset, got task {dataset.task!r}")
    out = Path(out)
    threads = default_threads()
    torch.set_num_threads(threads)
    scale, images, centres, covered = _prepare(dataset)
    input_hw = scale.input_hw
    counts = np.array([len(s.points or ()) for s in dataset.samples])
    splits = split_groups(dataset.samples, seed)
    if not splits["train"]:
        raise ValueError(f"{dataset.origin}: no images left to train on after the split")
    heat = heat_targets(centres, map_size(input_hw), MAP_STRIDE)
    spacing_cells = (scale.spacing_input_px or TARGET_SPACING) / MAP_STRIDE
    min_distance = MIN_DISTANCE if spacing_cells >= CLOSE_SPACING else 1
    net = CounterNet()
    base_facts = None
    if base is not None:
        base_manifest = read_manifest(Path(base))
        if base_manifest.task != "count":
            raise ValueError(f"--base {base}: a {base_manifest.task} package, not a count package")
        load_package_weights(net, Path(base) / "model.onnx")
        base_facts = {"name": base_manifest.name, "version": base_manifest.version, "sha256": base_manifest.sha256}
    net = net.to(memory_format=torch.channels_last)
    tr = np.asarray(splits["train"])
    prep_s = time.perf_counter() - t0
    reserve_s = 20 + 0.6 * len(splits["test"]) + 0.2 * len(splits["validation"])  # export, evaluate, golden
    budget_s = max(5.0, minutes * 60 - prep_s - reserve_s)
    report = _train(net, images[tr], heat[tr], covered[tr], from_base=base is not None, budget_s=budget_s,
                    seed=seed, progress=progress)
    va = [i for i in splits["validation"] if not covered[i]]
    threshold, by_threshold = pick_threshold(net, images[va], counts[va], min_distance)
    spec = FrameSpec(frame=input_hw, resize_to=input_hw, resize="area")
    doc = (f"Count package from inspector train: BGR frame ({input_hw[1]} x {input_hw[0]}) to RGB 0..1; CNN heat map "
           f"of object centres; peaks ({2 * min_distance + 1}-cell maxima at or above {threshold}).")
    model_bytes = package_graph(core_model(net, input_hw), occlusion_affine(net), spec, peak_threshold=threshold,
                                min_distance=min_distance, doc=doc, name=out.name or "counter",
                                producer="inspector.training.count")
    test = [dataset.samples[i] for i in splits["test"]]
    expected, expected_how = expected_count(dataset)
    name = name or out.name or "counter"
    lineage = {
        "kind": "trained", "trained": True, "recipe": "inspector train --task count",
        "command": command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "source": {"kind": dataset.kind, "origin": dataset.origin, "content_sha256": dataset.content_sha256,
                   **{k: v for k, v in dataset.notes.items() if isinstance(v, (str, int, float, bool))}},
        "labels": {"images": len(dataset.samples), "points": int(counts.sum()), "covered": int(covered.sum()),
                   "count_histogram": {str(c): n for c, n in sorted(Counter(counts[~covered].tolist()).items())}},
        "splits": {"seed": seed, "grouped_by": "Sample.group (file where none)", "shares": list(SPLIT),
                   **{k: [dataset.samples[i].key for i in v] for k, v in splits.items()}},
        "scale": scale.manifest(), "base": base_facts, "minutes_budget": minutes, **report,
        "peak_threshold_from": "validation split", "min_peak_distance_cells": min_distance,
        "validation_exact_by_threshold": by_threshold,
        "expected_count": {"value": expected, "how": expected_how},
        "heat_sigma_cells": 0.8, "threads": threads, "prep_s": round(prep_s, 1),
        "torch": torch.__version__, "onnx": onnx.__version__, "onnxruntime": ort.__version__,
    }
    with tempfile.TemporaryDirectory(prefix=".train_count_", dir=out.parent if out.parent.exists() else None) as tmp:
        stage = Path(tmp) / name
        flags_covered = bool(covered[tr].any())
        write_package(stage, model_bytes, _manifest(name, spec, threshold, min_distance, {}, lineage, [],
                                                    flags_covered=flags_covered))
        model = load_package(stage, threads=threads, unsigned_build_check=True)
        metrics = {"test": evaluate(model, test), "validation": {"exact_by_threshold": by_threshold}}
        golden = _golden(stage, model, test or [dataset.samples[i] for i in splits["train"]], threshold)
        lineage["wall_s"] = round(time.perf_counter() - t0, 1)
        manifest = _manifest(name, spec, threshold, min_distance, metrics, lineage, golden,
                             flags_covered=flags_covered)
        write_package(stage, model_bytes, manifest)
        finish_package(stage, sign_key)
        # the finished package passes its own checks (a station's, signature and golden coverage, once signed)
        load_package(stage, threads=threads, unsigned_build_check=sign_key is None)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(stage), str(out))
    return {"task": "count", "package": str(out), "metrics": metrics, "lineage": lineage,
            "expected_count": expected, "peak_threshold": threshold, "scale": scale.manifest(),
            "wall_s": lineage["wall_s"]}
