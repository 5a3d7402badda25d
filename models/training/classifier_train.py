"""Train :class:`ClassifierNet` on cached ``hardware.synthetic`` part renders: the defect map on crops (mostly on the
part and its defects, some anywhere on the surface) with map BCE + Dice and a crop-level defect loss, hard examples
drawn more often; then the presence branch on whole frames at 1/8 size (parts against empty belts, bare work
surfaces and flat frames); last, temperature scaling of the defect logit on a validation split."""
from __future__ import annotations

import itertools
import time
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch.nn import functional as F

from models.training.classifier_net import PRESENCE_POOL, ClassifierNet, losses, map_targets
from models.training.counter_train import to_input
from models.training.data import CLASSIFIER_KINDS, CLASSIFIER_STRIDE as STRIDE, classifier_split
from models.training.flips import flip

GOOD = CLASSIFIER_KINDS.index("good")
EMPTY = CLASSIFIER_KINDS.index("empty")
PERMS = torch.tensor(list(itertools.permutations(range(3))))


@dataclass(frozen=True)
class Split:
    style: str
    seed: int
    items: int
    defect_rate: float = 0.5
    empty_rate: float = 0.08

    def load(self) -> dict[str, np.ndarray]:
        return classifier_split(style=self.style, seed=self.seed, items=self.items, defect_rate=self.defect_rate,
                                empty_rate=self.empty_rate)


@dataclass(frozen=True)
class Recipe:
    train: tuple[Split, ...] = (Split("wide", 21, 3600), Split("line", 22, 600, empty_rate=0.04))
    val: tuple[Split, ...] = (Split("wide", 23, 300), Split("line", 24, 150, empty_rate=0.04))
    steps: int = 18000
    batch: int = 16
    crop: int = 160  # square crops, frame pixels
    on_defect: float = 0.5  # share of defective images cropped around a defect cell
    near_part: float = 0.7  # of the other crops: share centred near the part, the rest anywhere in the frame
    hard_share: float = 0.5  # share of each batch drawn by recent loss (hard-example mining)
    lr: float = 3e-3
    weight_decay: float = 1e-4
    stage2_steps: int = 10000  # a second schedule on from the first's weights, at ``stage2_lr``
    stage2_lr: float = 1e-3
    presence_steps: int = 1500
    presence_batch: int = 64
    torch_seed: int = 7
    threads: int = 2

    def params(self) -> dict:
        return asdict(self)


def stack(splits: tuple[Split, ...]) -> dict[str, np.ndarray]:
    parts = [s.load() for s in splits]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _randint(lo: int, hi: int, g: torch.Generator) -> int:
    return int(torch.randint(lo, hi + 1, (1,), generator=g))


def crop_batch(images: torch.Tensor, maps: torch.Tensor, centres: torch.Tensor, idx: torch.Tensor, recipe: Recipe,
               g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Square crops (uint8 [N, S, S, 3]) and their map shares ([N, 1, S/4, S/4] 0..1), offsets on the 4-px grid."""
    h, w = images.shape[1:3]
    s = recipe.crop
    xs, ms = [], []
    for i in idx.tolist():
        cells = torch.nonzero(maps[i] >= 32)
        u = float(torch.rand(1, generator=g))
        if len(cells) and u < recipe.on_defect:
            r, c = cells[_randint(0, len(cells) - 1, g)].tolist()
            cy, cx = STRIDE * r + _randint(-s // 3, s // 3, g), STRIDE * c + _randint(-s // 3, s // 3, g)
        elif float(torch.rand(1, generator=g)) < recipe.near_part:
            reach = int(0.35 * min(h, w))
            cx, cy = int(centres[i, 0]) + _randint(-reach, reach, g), int(centres[i, 1]) + _randint(-reach, reach, g)
        else:
            cy, cx = _randint(0, h, g), _randint(0, w, g)
        y0 = min(max(cy - s // 2, 0), h - s) & ~(STRIDE - 1)
        x0 = min(max(cx - s // 2, 0), w - s) & ~(STRIDE - 1)
        xs.append(images[i, y0 : y0 + s, x0 : x0 + s])
        ms.append(maps[i, None, y0 // STRIDE : (y0 + s) // STRIDE, x0 // STRIDE : (x0 + s) // STRIDE])
    return torch.stack(xs), torch.stack(ms).float().div_(255.0)


def geometry(crops: torch.Tensor, m: torch.Tensor, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """The same random flips and quarter turns for uint8 crops [N, S, S, 3] and their maps [N, 1, s, s]."""
    xs, ms = [], []
    for x, t in zip(crops, m):
        fw, fh, turn = (torch.rand(3, generator=g) < 0.5).tolist()
        if fw:
            x, t = x.flip(1), t.flip(2)
        if fh:
            x, t = x.flip(0), t.flip(1)
        if turn:
            x, t = x.transpose(0, 1), t.transpose(1, 2)
        xs.append(x)
        ms.append(t)
    return torch.stack(xs), torch.stack(ms)


def augment(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Colour only: channel order (half the batch), per-channel gain, level, contrast, gamma, sensor noise."""
    n = len(x)
    perm = PERMS[torch.randint(len(PERMS), (n,), generator=g)]
    perm[torch.rand(n, generator=g) < 0.5] = PERMS[0]
    x = x[torch.arange(n)[:, None], perm]
    gain = 1 + 0.15 * (2 * torch.rand(n, 3, 1, 1, generator=g) - 1)
    level = 0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=g)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    contrast = 0.75 + 0.5 * torch.rand(n, 1, 1, 1, generator=g)
    x = ((x - mean) * contrast + mean) * (gain * level)
    bend = 0.5 * (2 * torch.rand(n, 1, 1, 1, generator=g) - 1)  # a gamma-like tone curve, cheaper than pow
    x = x.clamp_(0, 1)
    x = x + bend * x * (1 - x)
    noise = torch.randn(x.shape[1:], generator=g)  # one field, scaled per image
    return x.add_(noise * (0.03 * torch.rand(n, 1, 1, 1, generator=g))).clamp_(0, 1)


def _sample(scores: torch.Tensor, size: int, hard_share: float, g: torch.Generator) -> torch.Tensor:
    n_hard = int(round(size * hard_share))
    uniform = torch.randint(len(scores), (size - n_hard,), generator=g)
    hard = torch.multinomial(scores, n_hard, replacement=True, generator=g) if n_hard else uniform[:0]
    return torch.cat([uniform, hard])


def train_segmenter(net: ClassifierNet, data: dict[str, np.ndarray], recipe: Recipe, log=print) -> dict:
    g = torch.Generator().manual_seed(recipe.torch_seed)
    images, maps = torch.from_numpy(data["images"]), torch.from_numpy(data["maps"])
    centres = torch.from_numpy(data["centres"])
    scores = torch.ones(len(images))
    params = [p for n, p in net.named_parameters() if not n.startswith("presence.")]
    opt = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=recipe.steps, pct_start=0.1)
    running: dict[str, float] = {}
    net.train()
    t0 = time.perf_counter()
    for step in range(recipe.steps):
        idx = _sample(scores, recipe.batch, recipe.hard_share, g)
        crops, share = crop_batch(images, maps, centres, idx, recipe, g)
        crops, share = geometry(crops, share, g)
        x = augment(crops.permute(0, 3, 1, 2).float().div_(255.0), g).contiguous(memory_format=torch.channels_last)
        label = (map_targets(share)[0].flatten(1).amax(1) > 0).float()
        logits, defect = net.segment(x)
        parts = losses(logits, defect, share, label)
        per_image = parts["bce"] + parts["dice"] + 0.5 * parts["global"]
        loss = per_image.mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        with torch.no_grad():
            scores[idx] = 0.5 * scores[idx] + 0.5 * (per_image.detach() + 0.05)
        for k, v in parts.items():
            value = float(v.detach().mean())
            running[k] = 0.98 * running.get(k, value) + 0.02 * value
        if step % 250 == 0 or step == recipe.steps - 1:
            rate = (step + 1) * recipe.batch / (time.perf_counter() - t0)
            log(f"step {step:5d}  " + "  ".join(f"{k} {v:.4f}" for k, v in running.items()) + f"  {rate:.1f} crops/s")
    return {"train_s": round(time.perf_counter() - t0, 1), "final_losses": {k: round(v, 4) for k, v in running.items()},
            "crops_seen": recipe.steps * recipe.batch}


def stage2(net: ClassifierNet, data: dict[str, np.ndarray], recipe: Recipe, log=print) -> dict:
    """The segmenter's second schedule (lower peak rate, fresh hard-example scores, its own sampling seed)."""
    return train_segmenter(net, data, replace(recipe, steps=recipe.stage2_steps, lr=recipe.stage2_lr,
                                              torch_seed=recipe.torch_seed + 2), log)


def small_frames(images_u8: np.ndarray) -> torch.Tensor:
    """Whole frames averaged over 8 x 8 blocks, as the presence branch sees them: [N, 3, 60, 80] float 0..1."""
    out = []
    for a in range(0, len(images_u8), 64):
        out.append(F.avg_pool2d(to_input(torch.from_numpy(images_u8[a : a + 64])), PRESENCE_POOL))
    return torch.cat(out).contiguous()


def _flat_frames(n: int, shape: tuple[int, ...], g: torch.Generator) -> torch.Tensor:
    """Frames with nothing on them: a flat colour with a gentle gradient (black and white among them)."""
    base = torch.rand(n, 3, 1, 1, generator=g) * torch.rand(n, 1, 1, 1, generator=g)
    base[: n // 4] = torch.rand(n // 4, 1, 1, 1, generator=g).round()
    ramp = torch.linspace(-1, 1, shape[-1]).view(1, 1, 1, -1) * 0.2 * (torch.rand(n, 1, 1, 1, generator=g) - 0.5)
    return (base + ramp).expand(n, 3, *shape[-2:]).clamp(0, 1)


def train_presence(net: ClassifierNet, small: torch.Tensor, kinds: np.ndarray, recipe: Recipe, log=print) -> dict:
    g = torch.Generator().manual_seed(recipe.torch_seed + 1)
    empty = torch.from_numpy(kinds == EMPTY)
    parts, empties = torch.nonzero(~empty)[:, 0], torch.nonzero(empty)[:, 0]
    opt = torch.optim.AdamW(net.presence.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=recipe.presence_steps, pct_start=0.1)
    net.presence.train()
    t0, running = time.perf_counter(), None
    half = recipe.presence_batch // 2
    for step in range(recipe.presence_steps):
        p_idx = parts[torch.randint(len(parts), (half,), generator=g)]
        e_idx = empties[torch.randint(len(empties), (half - half // 4,), generator=g)]
        x = torch.cat([small[p_idx], small[e_idx], _flat_frames(half // 4, small.shape[1:], g)])
        y = torch.cat([torch.ones(half), torch.zeros(half)])
        fw, fh = torch.rand(len(x), generator=g) < 0.5, torch.rand(len(x), generator=g) < 0.5
        x = augment(flip(x, fw, fh), g).contiguous(memory_format=torch.channels_last)
        loss = F.binary_cross_entropy_with_logits(net.presence(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        value = float(loss.detach())
        running = value if running is None else 0.98 * running + 0.02 * value
        if step % 250 == 0 or step == recipe.presence_steps - 1:
            log(f"presence step {step:5d}  bce {running:.4f}")
    return {"train_s": round(time.perf_counter() - t0, 1), "final_loss": round(running, 4)}


@torch.no_grad()
def predict(net: ClassifierNet, images: np.ndarray, batch: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole frames: defect-map probabilities [N, 120, 160], defect logits (before temperature) and presence
    logits [N]."""
    net.eval()
    maps, defect, present = [], [], []
    for a in range(0, len(images), batch):
        m, d, p = net(to_input(torch.from_numpy(images[a : a + batch])))
        maps.append(torch.sigmoid(m)[:, 0].numpy())
        defect.append(d.numpy())
        present.append(p.numpy())
    return np.concatenate(maps), np.concatenate(defect), np.concatenate(present)


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


def fit_platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Temperature and offset minimising the negative log-likelihood of ``sigmoid((logits - offset) / T)``: the
    net's score is a top-k of map logits on the whole frame, where it trained on crops, so its 0 may sit off."""
    z, y = np.asarray(logits, np.float64), np.asarray(y, np.float64)
    best = (np.inf, 1.0, 0.0)
    for offset in np.quantile(z, np.linspace(0.02, 0.98, 97)):
        t = fit_temperature(z - offset, y)
        s = (z - offset) / t
        nll = float(np.mean(np.logaddexp(0, s) - y * s))
        if nll < best[0]:
            best = (nll, t, float(offset))
    return best[1], best[2]


def map_iou(pred: np.ndarray, target: np.ndarray, threshold: float) -> np.ndarray:
    """Per image: IoU of cells above ``threshold`` with cells holding 2+ defect pixels (maps [N, h, w])."""
    p, t = pred > threshold, target >= 1.5 / 16
    inter, union = (p & t).sum(axis=(1, 2)), (p | t).sum(axis=(1, 2))
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def validate(net: ClassifierNet, val: dict[str, np.ndarray]) -> dict:
    """Figures on whole validation frames; the temperature is fitted on the parts' defect logits."""
    maps, defect, present = predict(net, val["images"])
    kinds = val["kinds"]
    parts = kinds != EMPTY
    y = kinds[parts] != GOOD
    z = defect[parts]
    temperature, offset = fit_platt(z, y)
    target = val["maps"].astype(np.float32) / 255.0
    bad = parts & (kinds != GOOD)
    iou = {t: float(map_iou(maps[bad], target[bad], t).mean()) for t in (0.3, 0.4, 0.5, 0.6, 0.7)}
    p_raw, p_cal = 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(-(z - offset) / temperature))
    return {"auc": roc_auc(z, y),
            "auc_by_kind": {k: roc_auc(z[(kinds[parts] == GOOD) | (kinds[parts] == i)],
                                       kinds[parts][(kinds[parts] == GOOD) | (kinds[parts] == i)] == i)
                            for i, k in enumerate(CLASSIFIER_KINDS) if k not in ("good", "empty")},
            "presence_auc": roc_auc(present, parts), "presence_min_part": round(float(present[parts].min()), 3),
            "presence_max_empty": round(float(present[~parts].max()), 3) if (~parts).any() else None,
            "temperature": round(temperature, 4), "offset": round(offset, 4), "ece_before": round(ece(p_raw, y), 4),
            "ece_after": round(ece(p_cal, y), 4), "cell_iou_by_threshold": {str(k): round(v, 4) for k, v in iou.items()}}


def train(recipe: Recipe, log=print, init: dict | None = None) -> tuple[ClassifierNet, dict]:
    """Train from scratch (or from the weights ``init``): segmenter on crops, presence branch, validation."""
    torch.manual_seed(recipe.torch_seed)
    torch.set_num_threads(recipe.threads)
    t0 = time.perf_counter()
    data, val = stack(recipe.train), stack(recipe.val)
    data_s = time.perf_counter() - t0
    log(f"data: {len(data['images'])} train, {len(val['images'])} val images ({data_s:.0f} s)")
    net = ClassifierNet()
    if init is not None:
        net.load_state_dict(init)
    net = net.to(memory_format=torch.channels_last)
    seg = train_segmenter(net, data, recipe, log)
    if recipe.stage2_steps:
        seg = {"stage1": seg, "stage2": stage2(net, data, recipe, log)}
        seg["train_s"] = round(seg["stage1"]["train_s"] + seg["stage2"]["train_s"], 1)
        seg["crops_seen"] = seg["stage1"]["crops_seen"] + seg["stage2"]["crops_seen"]
    small = small_frames(data["images"])
    pres = train_presence(net, small, data["kinds"], recipe, log)
    n = len(data["images"])
    del data, small
    report = validate(net, val)
    log(f"validation: {report}")
    return net, {"data_s": round(data_s, 1), "segmenter": seg, "presence": pres,
                 "train_s": round(seg["train_s"] + pres["train_s"], 1), "validation": report,
                 "train_images": n, "val_images": int(len(val["images"]))}
