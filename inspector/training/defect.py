"""The defect learner: a defect map and a calibrated p_defect for one product, within a time budget.

It learns at the product's own frame size (``defect_net.frame_size``), on crops at native scale, so a crack two
pixels wide is still two pixels wide; the network is fully convolutional and runs on the whole frame in the package.
Pixel supervision comes from masks where the source has them. Where QA drew a box instead (the station's records),
the pixels inside it are unknown: they are left out of the map loss, the pixels outside are good, and a view holding
the whole box is a defect view, so the map's top cells must rise somewhere inside the box (multiple-instance
learning). Images labelled defect with neither teach through the defect logit of whole frames alone (the mean of the
map's top cells: "defect" means "defect pixels somewhere").

Routes: ``supervised`` (real defects in the train split) and ``good-only`` (fewer than ``MIN_REAL_DEFECTS``, or asked
for): the project's defect families painted onto the user's good images (``paint.paint_defect``) teach the map; real
defects, where there are some, are kept for validation and test. Temperature and offset of p_defect, ``pass_below``
and the map threshold are chosen on the validation split; the test split is only measured.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from inspector.training.frames import Frame, load_frame, to_tensor_batch
from inspector.training.metrics import auroc, average_precision, platt
from inspector.training.paint import paint_defect
from inspector.training.splits import Splits

MIN_REAL_DEFECTS = 8  # fewer real defects with masks or labels in train: the good-only route
CROP = 128
LARGE = 384  # every other step: views this large (the whole frame where it is smaller)
BATCH = 16


@dataclass
class DefectSettings:
    minutes: float = 10.0
    seed: int = 0
    route: str = "auto"  # "auto" | "supervised" | "good-only"
    crop: int = CROP
    batch: int = BATCH
    lr: float | None = None  # default: 3e-3 from scratch, 1e-3 from a base package
    threads: int = 2
    max_steps: int | None = None  # tests: stop early


@dataclass
class Trained:
    net: Any
    frame: tuple[int, int]
    temperature: float
    offset: float
    thresholds: dict[str, float]
    map_threshold: float
    route: str
    metrics: dict[str, Any]
    training: dict[str, Any]
    test_scores: dict[str, float] = field(default_factory=dict)  # sample key -> p_defect
    golden: list[tuple[str, np.ndarray, str]] = field(default_factory=list)


Progress = Callable[[float, str], None]


def _deadline_progress(progress: Progress | None) -> Progress:
    return progress or (lambda fraction, note: None)


GOOD, DEFECT, UNKNOWN = 0, 1, 2  # pixel classes of a crop's target (UNKNOWN: inside QA's box)
NO_LABEL, WHOLE_BOX, PART_BOX = -1.0, 1.0, float("nan")  # a crop's own view label, beside its pixels


class CropSampler:
    """Training crops: real defects (centred on a mask pixel or inside QA's box), painted defects on good crops, good
    crops; defect images with a label but neither mask nor box are taught on whole frames by the training loop."""

    def __init__(self, train: list[Frame], route: str, crop: int, rng: np.random.Generator):
        self.rng, self.crop = rng, crop
        self.good = [f for f in train if f.sample.label == "good"]
        real = [f for f in train if f.sample.label == "defect"] if route == "supervised" else []
        self.masked = [f for f in real if f.mask is not None and f.mask.any()]
        self.boxed = [f for f in real if f.mask is None and f.region is not None]
        self.unmasked = [f for f in real if f.mask is None and f.region is None]
        located = self.masked + self.boxed
        self.located = located
        self.shares = ({"real": 0.4, "paint": 0.15, "good": 0.45} if located else {"paint": 0.5, "good": 0.5})
        self.paint_scale = min(train[0].image.shape[:2])

    def _origin(self, f: Frame, centre: tuple[int, int] | None, crop: int) -> tuple[int, int, int, int]:
        h, w = f.image.shape[:2]
        ch, cw = min(crop, h), min(crop, w)
        if centre is None:
            return int(self.rng.integers(0, h - ch + 1)), int(self.rng.integers(0, w - cw + 1)), ch, cw
        cy, cx = centre
        y0 = int(np.clip(cy - self.rng.integers(ch // 8, ch - ch // 8 + 1), 0, h - ch))
        x0 = int(np.clip(cx - self.rng.integers(cw // 8, cw - cw // 8 + 1), 0, w - cw))
        return y0, x0, ch, cw

    def _box_origin(self, f: Frame, crop: int) -> tuple[int, int, int, int]:
        """A window holding the whole box where it fits (at a random place around it), else one around a point of it."""
        h, w = f.image.shape[:2]
        ch, cw = min(crop, h), min(crop, w)
        ys, xs = np.nonzero(f.region)
        lo_y, hi_y = max(int(ys.max()) + 1 - ch, 0), min(int(ys.min()), h - ch)
        lo_x, hi_x = max(int(xs.max()) + 1 - cw, 0), min(int(xs.min()), w - cw)
        if lo_y <= hi_y and lo_x <= hi_x:
            return int(self.rng.integers(lo_y, hi_y + 1)), int(self.rng.integers(lo_x, hi_x + 1)), ch, cw
        k = int(self.rng.integers(len(ys)))
        return self._origin(f, (int(ys[k]), int(xs[k])), crop)

    def _window(self, f: Frame, origin: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray, float]:
        y0, x0, ch, cw = origin
        target = np.zeros((ch, cw), np.uint8)
        view = NO_LABEL
        if f.mask is not None:
            target[f.mask[y0:y0 + ch, x0:x0 + cw]] = DEFECT
        elif f.region is not None:
            inside = f.region[y0:y0 + ch, x0:x0 + cw]
            target[inside] = UNKNOWN
            held = int(inside.sum())
            view = WHOLE_BOX if held >= 0.95 * int(f.region.sum()) else PART_BOX if held else NO_LABEL
        return f.image[y0:y0 + ch, x0:x0 + cw], target, view

    def one(self, crop: int) -> tuple[np.ndarray, np.ndarray, float]:
        kind = self.rng.choice(list(self.shares), p=list(self.shares.values()))
        if kind == "real":
            f = self.located[int(self.rng.integers(len(self.located)))]
            if f.mask is not None:
                ys, xs = np.nonzero(f.mask)
                k = int(self.rng.integers(len(ys)))
                origin = self._origin(f, (int(ys[k]), int(xs[k])), crop)
            else:
                origin = self._box_origin(f, crop)
            image, target, view = self._window(f, origin)
        else:
            f = self.good[int(self.rng.integers(len(self.good)))]
            image, target, view = self._window(f, self._origin(f, None, crop))
            if kind == "paint":
                from inspector.training.frames import as_bgr

                scale = float(self.rng.uniform(0.08, 0.45) * self.paint_scale)
                painted, mask, _ = paint_defect(as_bgr(image), self.rng, scale=min(scale, 1.2 * min(image.shape[:2])))
                image = painted if image.shape[2] == 3 else painted[..., :1]
                target = mask.astype(np.uint8) * DEFECT
        image, target = _augment(image, target, self.rng)
        return image, target, view

    def batch(self, n: int, crop: int | None = None) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """``n`` crops of ``crop`` px (default: the sampler's): images, pixel targets (GOOD / DEFECT / UNKNOWN) and
        view labels (NO_LABEL, WHOLE_BOX, PART_BOX). A crop as large as the frame is the whole frame, which teaches
        the defect logit what a whole good frame's strongest cells look like."""
        items = [self.one(crop or self.crop) for _ in range(n)]
        size = min(i[0].shape[0] for i in items), min(i[0].shape[1] for i in items)
        return ([i[0][: size[0], : size[1]] for i in items], np.stack([i[1][: size[0], : size[1]] for i in items]),
                np.array([i[2] for i in items], np.float32))


def crop_targets(targets: np.ndarray, views: np.ndarray):
    """Pixel targets and view labels → the loss inputs: the defect share per 4 x 4 cell, the cells to leave out of
    the map loss (any unknown pixel), the view label (from the pixels, or a whole box) and its weight (0: part of a
    box in view, so the label is unknown)."""
    import torch
    from torch.nn.functional import avg_pool2d

    t = torch.from_numpy(targets[:, None])
    share = avg_pool2d((t == DEFECT).float(), 4)
    unknown = avg_pool2d((t == UNKNOWN).float(), 4) > 0
    label = (share.flatten(1).amax(1) >= 1.5 / 16).float()
    v = torch.from_numpy(views)
    label = torch.where(v == WHOLE_BOX, torch.ones_like(label), label)
    weight = torch.where(torch.isnan(v), torch.zeros_like(label), torch.ones_like(label))
    return share, unknown, label, weight


def _augment(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if rng.random() < 0.5:
        image, mask = image[:, ::-1], mask[:, ::-1]
    if rng.random() < 0.5:
        image, mask = image[::-1], mask[::-1]
    gain, shift = rng.uniform(0.85, 1.15), rng.uniform(-12, 12)
    image = np.clip(image.astype(np.float32) * gain + shift, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(image), np.ascontiguousarray(mask)


def choose_route(splits: Splits, asked: str) -> tuple[str, int]:
    real = sum(s.label == "defect" for s in splits.train)
    if asked != "auto":
        return asked, real
    return ("supervised" if real >= MIN_REAL_DEFECTS else "good-only"), real


def train_defect(splits: Splits, frame: tuple[int, int], settings: DefectSettings, *, base=None,
                 progress: Progress | None = None, started: float | None = None) -> Trained:
    """Train, calibrate and measure; the whole call keeps to ``settings.minutes`` from ``started``."""
    import torch

    from inspector.training.defect_net import load_base, new_net
    from models.training.classifier_net import losses

    started = started or time.monotonic()
    budget_s = settings.minutes * 60.0
    progress = _deadline_progress(progress)
    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    route, real_in_train = choose_route(splits, settings.route)
    load_t0 = time.monotonic()
    frames = {name: [load_frame(s, frame) for s in getattr(splits, name)] for name in ("train", "validation", "test")}
    if not any(f.sample.label == "good" for f in frames["train"]):
        raise ValueError("the train split holds no good image")
    load_s = time.monotonic() - load_t0
    net = new_net()
    base_layers = load_base(net, base) if base is not None else 0
    lr = settings.lr or (1e-3 if base is not None else 3e-3)
    params = [p for n, p in net.named_parameters() if not n.startswith("presence.")]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-4)
    sampler = CropSampler(frames["train"], route, settings.crop, rng)
    unmasked = sampler.unmasked
    eval_s = _estimate_eval_s(net, frames, frame)
    train_until = started + budget_s - eval_s * 1.2 - 6.0  # then score, calibrate, export, load
    train_s0 = time.monotonic()
    span = max(train_until - train_s0, 1.0)
    step, seen, last = 0, 0, {}
    net.train()
    large_px = min(LARGE, frame[0]) * min(LARGE, frame[1])
    large_batch = max(4, round(settings.batch * settings.crop ** 2 / large_px))  # about the crop batch's pixels
    min_steps = 3 if settings.max_steps is None else min(3, settings.max_steps)
    while (time.monotonic() < train_until or step < min_steps) and (settings.max_steps is None
                                                                     or step < settings.max_steps):
        fraction = min((time.monotonic() - train_s0) / span, 1.0)
        for group in opt.param_groups:
            group["lr"] = lr * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * fraction)))
        if step % 2:  # large views (whole frames up to 384 px a side), a quarter of the batch
            images, targets, views = sampler.batch(large_batch, LARGE)
        else:
            images, targets, views = sampler.batch(settings.batch)
        x = to_tensor_batch(images)
        share, unknown, label, view_weight = crop_targets(targets, views)
        logits, defect = net.segment(x)
        parts = losses(logits, defect, share, label, unknown=unknown, view_weight=view_weight)
        loss = sum(v.mean() for v in parts.values())
        if unmasked and step % 2:  # defect images with a label but no mask: the defect logit of whole frames
            pick = [unmasked[int(rng.integers(len(unmasked)))] for _ in range(3)]
            pick += [sampler.good[int(rng.integers(len(sampler.good)))] for _ in range(3)]
            views = [_augment(f.image, np.zeros(f.image.shape[:2], bool), rng)[0] for f in pick]
            _, whole = net.segment(to_tensor_batch(views))
            loss = loss + 2.0 * torch.nn.functional.binary_cross_entropy_with_logits(
                whole, torch.tensor([1.0, 1.0, 1.0, 0.0, 0.0, 0.0]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        step, seen = step + 1, seen + len(images)
        if step % 200 == 0:  # the machine's load changes: what scoring will take, measured again
            eval_s = min(eval_s, _estimate_eval_s(net, frames, frame))
            train_until = started + budget_s - eval_s * 1.2 - 6.0
        last = {k: round(float(v.detach().mean()), 4) for k, v in parts.items()}
        progress(min((time.monotonic() - started) / budget_s, 0.99), f"step {step} loss {loss.item():.3f}")
    train_s = time.monotonic() - train_s0
    net.eval()
    val = _score(net, frames["validation"])
    painted_val = 0
    if sum(f.sample.label == "defect" for f in frames["validation"]) < 5:  # calibrate on painted defects too
        extra = _painted(frames["validation"], np.random.default_rng(settings.seed + 1), 20)
        painted_val = len(extra)
        val = _merge(val, _score(net, extra))
    temperature, offset = platt(val["logit"], val["label"])
    p_val = _calibrated(val["logit"], temperature, offset)
    thresholds, choice = _thresholds(p_val, val["label"])
    map_threshold = _map_threshold(val)
    test = _score(net, frames["test"])
    p_test = _calibrated(test["logit"], temperature, offset)
    metrics = _test_metrics(test, p_test, thresholds, map_threshold)
    progress(min((time.monotonic() - started) / budget_s, 0.99), "measured")
    golden = _golden(frames["test"], p_test)
    training = {"route": route, "real_defects_in_train": real_in_train,
                "real_defects_used": (len(sampler.located) + len(sampler.unmasked)),
                "masked_defects_used": len(sampler.masked), "boxed_defects_used": len(sampler.boxed),
                "crop_shares": sampler.shares,
                "painted_validation_images": painted_val, "steps": step, "crops_seen": seen, "batch": settings.batch,
                "crop": settings.crop, "large_view": [min(LARGE, frame[0]), min(LARGE, frame[1])],
                "large_batch": large_batch, "lr": lr, "base_layers_taken": base_layers, "final_losses": last,
                "load_s": round(load_s, 1), "train_s": round(train_s, 1), "torch_threads": settings.threads,
                "validation": {"auc": _round(auroc(val["label"], val["logit"])), "images": len(val["label"]),
                               "temperature": round(temperature, 4), "offset": round(offset, 4),
                               "pass_below_from": choice, "map_threshold": map_threshold}}
    return Trained(net, frame, temperature, offset, thresholds, map_threshold, route, metrics, training,
                   {k: float(p) for k, p in zip(test["keys"], p_test)}, golden)


def _round(v: float | None, n: int = 5) -> float | None:
    return None if v is None else round(float(v), n)


def _estimate_eval_s(net, frames: dict[str, list[Frame]], frame: tuple[int, int]) -> float:
    """Seconds to score validation and test (whole frames, batches of 8, as ``_score`` runs them)."""
    import torch

    n = len(frames["validation"]) + len(frames["test"]) + 20
    net.eval()
    with torch.no_grad():
        net.segment(to_tensor_batch([frames["train"][0].image] * 2))  # warm-up
        t0 = time.monotonic()
        net.segment(to_tensor_batch([frames["train"][0].image] * 8))
        per = (time.monotonic() - t0) / 8
    net.train()
    return per * n + 3.0


def _score(net, frames: list[Frame], batch: int = 8) -> dict[str, Any]:
    """Defect logits, labels and (for masked images) maps of whole frames."""
    import torch

    out: dict[str, Any] = {"logit": [], "label": [], "keys": [], "maps": [], "masks": []}
    with torch.no_grad():
        for i in range(0, len(frames), batch):
            chunk = frames[i:i + batch]
            logits, defect = net.segment(to_tensor_batch([f.image for f in chunk]))
            probs = torch.sigmoid(logits)[:, 0].numpy()
            for f, z, m in zip(chunk, defect.numpy(), probs):
                out["logit"].append(float(z))
                out["label"].append(f.sample.label == "defect")
                out["keys"].append(f.sample.key)
                out["maps"].append(m)
                out["masks"].append(f.mask if f.sample.label == "defect" else np.zeros(f.image.shape[:2], bool))
    return out


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {k: a[k] + b[k] for k in a}


def _painted(frames: list[Frame], rng: np.random.Generator, n: int) -> list[Frame]:
    from inspector.training.frames import as_bgr
    from inspector.training.samples import Sample

    good = [f for f in frames if f.sample.label == "good"]
    out = []
    for i in range(min(n, len(good))):
        f = good[i]
        image, mask, family = paint_defect(as_bgr(f.image), rng)
        sample = Sample(path=f.sample.path, key=f"painted:{family}:{f.sample.key}", label="defect")
        out.append(Frame(sample, image if f.image.shape[2] == 3 else image[..., :1], mask))
    return out


def _calibrated(logits, temperature: float, offset: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip((np.asarray(logits, np.float64) - offset) / temperature, -60, 60)))


def _thresholds(p: np.ndarray, labels) -> tuple[dict[str, float], dict[str, Any]]:
    """``defect`` 0.5 on the calibrated probability; ``pass_below``: below every validation defect (so none of them
    passes on its own), at most the defect cut; the share of good parts that then go to QA is recorded."""
    y = np.asarray(labels, bool)
    lowest = float(p[y].min()) if y.any() else 0.5
    pass_below = float(np.clip(np.floor(lowest * 0.9 * 1e4) / 1e4, 1e-4, 0.5))
    good = p[~y]
    choice = {"from": "0.9 x the lowest validation defect's p_defect, at most 0.5", "lowest_defect_p": round(lowest, 4),
              "good_left_to_qa": int(((good >= pass_below) & (good < 0.5)).sum()),
              "good_rejected": int((good >= 0.5).sum()), "good_parts": int(len(good)), "defective_parts": int(y.sum())}
    return {"defect": 0.5, "pass_below": pass_below}, choice


def _map_threshold(scored: dict[str, Any]) -> float:
    """The defect-map level with the best pixel F1 on validation defects with masks (0.5 without any)."""
    pairs = [(m, k) for m, k, y in zip(scored["maps"], scored["masks"], scored["label"]) if y and k is not None
             and k.any()]
    if not pairs:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        tp = fp = fn = 0
        for m, k in pairs:
            cells = _cell_mask(k, m.shape)
            hit = m >= t
            tp += int((hit & cells).sum())
            fp += int((hit & ~cells).sum())
            fn += int((~hit & cells).sum())
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best_f1:
            best, best_f1 = t, f1
    return best


def _cell_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A cell is defect when any of its 4 x 4 pixels is."""
    h, w = shape
    return mask[: h * 4, : w * 4].reshape(h, 4, w, 4).any(axis=(1, 3))


def _test_metrics(test: dict[str, Any], p: np.ndarray, thresholds: dict[str, float], map_t: float) -> dict[str, Any]:
    y = np.asarray(test["label"], bool)
    pixel_y, pixel_s = [], []
    for m, k in zip(test["maps"], test["masks"]):
        if k is None:
            continue
        up = np.kron(m, np.ones((4, 4), np.float32))[: k.shape[0], : k.shape[1]]
        pixel_y.append(k[: up.shape[0], : up.shape[1]].ravel())
        pixel_s.append(up.ravel())
    masked = [k is not None and k.any() for k, yy in zip(test["masks"], y) if yy]
    pixel_ap = average_precision(np.concatenate(pixel_y), np.concatenate(pixel_s)) if pixel_y and any(masked) else None
    return {"split": "test", "images": int(len(y)), "good_parts": int((~y).sum()), "defective_parts": int(y.sum()),
            "auc": _round(auroc(y, test["logit"])), "image_ap": _round(average_precision(y, p)),
            "pixel_ap": _round(pixel_ap), "pixel_ap_images": int(sum(masked)),
            "accuracy_at_0.5": _round(float(((p >= 0.5) == y).mean()) if len(y) else None, 4),
            "defects_passed": int((y & (p < thresholds["pass_below"])).sum()),
            "good_rejected": int((~y & (p >= thresholds["defect"])).sum()),
            "good_to_qa": int((~y & (p >= thresholds["pass_below"]) & (p < thresholds["defect"])).sum()),
            "map_threshold": map_t}


def _golden(frames: list[Frame], p: np.ndarray) -> list[tuple[str, np.ndarray, str]]:
    """The clearest good and the clearest defect of the test split (the package must give the same again)."""
    from inspector.training.frames import as_bgr

    out = []
    for label, pick in (("good", np.argmin), ("defect", np.argmax)):
        idx = [i for i, f in enumerate(frames) if f.sample.label == label]
        if idx:
            i = idx[int(pick(p[idx]))]
            out.append((label, as_bgr(frames[i].image), label))
    return out
