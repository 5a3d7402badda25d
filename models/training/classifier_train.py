"""Train :class:`ClassifierNet` on cached ``hardware.synthetic`` part renders (whole RGB frames) ("wide" domain randomisation plus the
line's own look, half of them defective, a few empty belts), with flips and colour augmentation; calibrate the global
score by temperature scaling on a validation split."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from models.training.classifier_net import ClassifierNet, losses
from models.training.counter_train import augment, to_input
from models.training.data import CLASSIFIER_KINDS, CLASSIFIER_STRIDE as STRIDE, classifier_split
from models.training.flips import flip

GOOD = CLASSIFIER_KINDS.index("good")


@dataclass(frozen=True)
class Split:
    style: str
    seed: int
    items: int
    defect_rate: float = 0.5
    empty_rate: float = 0.04

    def load(self) -> dict[str, np.ndarray]:
        return classifier_split(style=self.style, seed=self.seed, items=self.items, defect_rate=self.defect_rate,
                                empty_rate=self.empty_rate)


@dataclass(frozen=True)
class Recipe:
    train: tuple[Split, ...] = (Split("wide", 21, 1800), Split("line", 22, 600))
    val: tuple[Split, ...] = (Split("wide", 23, 300), Split("line", 24, 150))
    steps: int = 900
    batch: int = 16
    crop: tuple[int, int] = (160, 224)  # frame pixels; whole frames for the last ``full_share`` of the steps
    full_share: float = 0.06
    full_batch: int = 6
    on_defect: float = 0.8  # share of defective images cropped around a defect cell
    crop_anywhere: bool = False  # other crops anywhere in the frame (else near the centre, where the part lies)
    lr: float = 3e-3
    weight_decay: float = 1e-4
    torch_seed: int = 7
    threads: int = 2
    loss_weights: dict = field(default_factory=lambda: {"bce": 1.0, "dice": 1.0, "global": 0.5})

    def params(self) -> dict:
        return asdict(self)


def stack(splits: tuple[Split, ...]) -> dict[str, np.ndarray]:
    parts = [s.load() for s in splits]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def random_crop(x: torch.Tensor, map_t: torch.Tensor, label: torch.Tensor, kinds: torch.Tensor,
                size: tuple[int, int], g: torch.Generator, on_defect: float = 0.8,
                anywhere: bool = False) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A ``size`` window per image (offsets on the map's 4-pixel grid, so map cells stay whole): around a random defect cell for most
    defective images, else near the centre or ``anywhere`` in the frame. A defect outside its window counts as good
    there; an empty belt stays "not a good part"."""
    (h, w), (ch, cw) = x.shape[-2:], size
    xs, ms = [], []
    for i in range(len(x)):
        cells = torch.nonzero(map_t[i, 0] >= 0.25)
        if len(cells) and float(torch.rand(1, generator=g)) < on_defect:
            r, c = cells[int(torch.randint(len(cells), (1,), generator=g))].tolist()
            cy, cx = STRIDE * r, STRIDE * c
        elif not anywhere:
            cy, cx = h // 2, w // 2
        else:  # the belt around the part must stay quiet too
            cy = int(torch.randint(ch // 2, h - ch // 2 + 1, (1,), generator=g))
            cx = int(torch.randint(cw // 2, w - cw // 2 + 1, (1,), generator=g))
        jy, jx = ch // 4, cw // 4
        y0 = min(max(cy - ch // 2 + int(torch.randint(-jy, jy + 1, (1,), generator=g)), 0), h - ch) & ~(STRIDE - 1)
        x0 = min(max(cx - cw // 2 + int(torch.randint(-jx, jx + 1, (1,), generator=g)), 0), w - cw) & ~(STRIDE - 1)
        xs.append(x[i, :, y0 : y0 + ch, x0 : x0 + cw])
        ms.append(map_t[i, :, y0 // STRIDE : (y0 + ch) // STRIDE, x0 // STRIDE : (x0 + cw) // STRIDE])
    x, map_t = torch.stack(xs), torch.stack(ms)
    empty = kinds == CLASSIFIER_KINDS.index("empty")
    label = torch.where(empty, label, (map_t.flatten(1).amax(1) >= 0.25).float())
    return x.contiguous(memory_format=torch.channels_last), map_t, label


@torch.no_grad()
def predict(net: ClassifierNet, images: np.ndarray, batch: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Defect-map probabilities [N, 120, 160] and global logits [N] (before temperature)."""
    net.eval()
    maps, logits = [], []
    for a in range(0, len(images), batch):
        m, g = net(to_input(torch.from_numpy(images[a : a + batch])))
        maps.append(torch.sigmoid(m)[:, 0].numpy())
        logits.append(g.numpy())
    return np.concatenate(maps), np.concatenate(logits)


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    pos, neg = np.asarray(scores)[positive], np.asarray(scores)[~positive]
    if not len(pos) or not len(neg):
        return float("nan")
    values = np.concatenate([neg, pos])
    order = np.argsort(values, kind="mergesort")
    _, first, inverse, counts = np.unique(values[order], return_index=True, return_inverse=True, return_counts=True)
    ranks = np.empty(len(values))
    ranks[order] = (first + (counts + 1) / 2)[inverse]
    r_pos = ranks[len(neg):].sum()
    return float((r_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of probabilities ``p`` for 0/1 outcomes ``y`` (equal-width bins)."""
    p, y = np.asarray(p, np.float64), np.asarray(y, np.float64)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[idx == b].mean() - y[idx == b].mean()) * (idx == b).mean()
                     for b in range(bins) if (idx == b).any()))


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of ``sigmoid(logits / T)`` (grid, then refined)."""
    z, y = np.asarray(logits, np.float64), np.asarray(y, np.float64)

    def nll(t: float) -> float:
        s = z / t
        return float(np.mean(np.logaddexp(0, s) - y * s))

    grid = np.exp(np.linspace(np.log(0.05), np.log(20), 200))
    best = grid[int(np.argmin([nll(t) for t in grid]))]
    fine = best * np.exp(np.linspace(-0.05, 0.05, 101))
    return float(fine[int(np.argmin([nll(t) for t in fine]))])


def map_iou(pred: np.ndarray, target: np.ndarray, threshold: float) -> np.ndarray:
    """Per image: IoU of cells above ``threshold`` with cells at least half defect (maps [N, h, w])."""
    p, t = pred > threshold, target >= 0.5
    inter, union = (p & t).sum(axis=(1, 2)), (p | t).sum(axis=(1, 2))
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def validate(net: ClassifierNet, val: dict[str, np.ndarray]) -> dict:
    maps, logits = predict(net, val["images"])
    y = val["kinds"] != GOOD
    temperature = fit_temperature(logits, y)
    target = val["maps"].astype(np.float32) / 255.0
    defective = (val["kinds"] != GOOD) & (val["kinds"] != CLASSIFIER_KINDS.index("empty"))
    iou = {t: float(map_iou(maps[defective], target[defective], t).mean()) for t in (0.3, 0.4, 0.5, 0.6, 0.7)}
    p_raw, p_cal = 1 / (1 + np.exp(-logits)), 1 / (1 + np.exp(-logits / temperature))
    return {"auc": roc_auc(logits, y),
            "auc_by_kind": {k: roc_auc(logits[(val["kinds"] == GOOD) | (val["kinds"] == i)],
                                       val["kinds"][(val["kinds"] == GOOD) | (val["kinds"] == i)] == i)
                            for i, k in enumerate(CLASSIFIER_KINDS) if i != GOOD and (val["kinds"] == i).any()},
            "temperature": round(temperature, 4), "ece_before": round(ece(p_raw, y), 4),
            "ece_after": round(ece(p_cal, y), 4), "cell_iou_by_threshold": {str(k): round(v, 4) for k, v in iou.items()}}


def train(recipe: Recipe, log=print, init: dict | None = None) -> tuple[ClassifierNet, dict]:
    """Train from scratch, or on from the weights ``init`` (a state dict) with a fresh schedule."""
    torch.manual_seed(recipe.torch_seed)
    torch.set_num_threads(recipe.threads)
    g = torch.Generator().manual_seed(recipe.torch_seed)
    t0 = time.perf_counter()
    data, val = stack(recipe.train), stack(recipe.val)
    images = torch.from_numpy(data["images"])
    maps = torch.from_numpy(data["maps"])
    kinds = torch.from_numpy(data["kinds"].astype(np.int64))
    labels = (kinds != GOOD).float()
    crop_until = int(round(recipe.steps * (1 - recipe.full_share)))
    data_s = time.perf_counter() - t0
    log(f"data: {len(images)} train, {len(val['images'])} val images ({data_s:.0f} s)")

    net = ClassifierNet()
    if init is not None:
        net.load_state_dict(init)
    net = net.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(net.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=recipe.steps, pct_start=0.1)
    n, running, pos = len(images), {}, 0
    order = torch.randperm(n, generator=g)
    t1 = time.perf_counter()
    for step in range(recipe.steps):
        full = step >= crop_until
        size = recipe.full_batch if full else recipe.batch
        if pos + size > n:
            order, pos = torch.randperm(n, generator=g), 0
        idx = order[pos : pos + size]
        pos += size
        flip_w, flip_h = torch.rand(len(idx), generator=g) < 0.5, torch.rand(len(idx), generator=g) < 0.5
        x, map_t, label = to_input(images[idx]), maps[idx].float().div_(255.0)[:, None], labels[idx]
        if not full:
            x, map_t, label = random_crop(x, map_t, label, kinds[idx], recipe.crop, g, recipe.on_defect,
                                          recipe.crop_anywhere)
        x = augment(flip(x, flip_w, flip_h), g)
        map_t = flip(map_t, flip_w, flip_h)
        net.train()
        parts = losses(net(x), map_t, label)
        loss = sum(recipe.loss_weights[k] * v for k, v in parts.items())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        for k, v in parts.items():
            value = float(v.detach())
            running[k] = 0.98 * running.get(k, value) + 0.02 * value
        if step % 100 == 0 or step == recipe.steps - 1:
            rate = (step + 1) * recipe.batch / (time.perf_counter() - t1)
            log(f"step {step:5d}  " + "  ".join(f"{k} {v:.4f}" for k, v in running.items()) + f"  {rate:.1f} img/s")
    train_s = time.perf_counter() - t1
    report = validate(net, val)
    log(f"validation: {report}")
    return net, {"data_s": round(data_s, 1), "train_s": round(train_s, 1),
                 "epochs": round((crop_until * recipe.batch + (recipe.steps - crop_until) * recipe.full_batch) / n, 2),
                 "final_losses": {k: round(v, 4) for k, v in running.items()}, "validation": report,
                 "train_images": n, "val_images": int(len(val["images"]))}
