"""Train :class:`CounterNet` on cached ``hardware.synthetic`` renders ("wide" domain randomisation plus the line's
own look), with flips and colour augmentation; pick the peak threshold on a validation split."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from inspector.training.count_net import augment, count_peaks, to_input  # noqa: F401 (moved there)
from models.training.counter_net import CounterNet, heat_targets, losses
from models.training.data import counter_split
from inspector.training.flips import flip


@dataclass(frozen=True)
class Split:
    style: str
    seed: int
    items: int
    missing_rate: float = 0.5
    occlusion_rate: float = 0.3

    def load(self) -> dict[str, np.ndarray]:
        return counter_split(style=self.style, seed=self.seed, items=self.items, missing_rate=self.missing_rate,
                             occlusion_rate=self.occlusion_rate)


@dataclass(frozen=True)
class Recipe:
    train: tuple[Split, ...] = (Split("wide", 11, 4000), Split("line", 12, 600))
    val: tuple[Split, ...] = (Split("wide", 13, 400), Split("line", 14, 150))
    steps: int = 8000
    batch: int = 16
    lr: float = 3e-3
    weight_decay: float = 1e-4
    torch_seed: int = 7
    threads: int = 2  # both cores (75 img/s against 44 with one); give 1 when another training shares them
    loss_weights: dict = field(default_factory=lambda: {"heat": 1.0, "occ_map": 1.0, "occ": 0.5})

    def params(self) -> dict:
        return asdict(self)


def stack_splits(splits: tuple[Split, ...]) -> dict[str, np.ndarray]:
    parts = [s.load() for s in splits]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


@torch.no_grad()
def predict(net: CounterNet, images: np.ndarray, batch: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    net.eval()
    heats, occs = [], []
    for a in range(0, len(images), batch):
        heat, _, occ = net(to_input(torch.from_numpy(images[a : a + batch])))
        heats.append(torch.sigmoid(heat))
        occs.append(torch.sigmoid(occ))
    return torch.cat(heats), torch.cat(occs)


def validate(net: CounterNet, val: dict[str, np.ndarray], min_distance: int,
             thresholds=(0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)) -> dict:
    heat, occ = predict(net, val["images"])
    clean = ~val["occluded"]
    counts = torch.from_numpy(val["counts"].astype(np.int64))
    exact = {t: float((count_peaks(heat, t, min_distance) == counts)[torch.from_numpy(clean)].float().mean())
             for t in thresholds}
    occ = occ.numpy()
    return {"exact_by_threshold": exact, "occluded_flagged": float((occ[~clean] >= 0.5).mean()),
            "clean_flagged": float((occ[clean] >= 0.5).mean())}


def train(recipe: Recipe, min_distance: int, log=print) -> tuple[CounterNet, dict]:
    torch.manual_seed(recipe.torch_seed)
    torch.set_num_threads(recipe.threads)
    g = torch.Generator().manual_seed(recipe.torch_seed)
    t0 = time.perf_counter()
    data = stack_splits(recipe.train)
    val = stack_splits(recipe.val)
    heat_t = torch.from_numpy(heat_targets(data["centres"], data["radius_px"]))
    images = torch.from_numpy(data["images"])
    occ_maps = torch.from_numpy(data["occluder_maps"]).float()
    occluded = torch.from_numpy(data["occluded"]).float()
    render_s = time.perf_counter() - t0
    log(f"data: {len(images)} train, {len(val['images'])} val images ({render_s:.0f} s)")

    net = CounterNet().to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(net.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe.lr, total_steps=recipe.steps, pct_start=0.15)
    n, running = len(images), {}
    order = torch.randperm(n, generator=g)
    pos = 0
    t1 = time.perf_counter()
    for step in range(recipe.steps):
        if pos + recipe.batch > n:
            order, pos = torch.randperm(n, generator=g), 0
        idx = order[pos : pos + recipe.batch]
        pos += recipe.batch
        flip_w, flip_h = torch.rand(len(idx), generator=g) < 0.5, torch.rand(len(idx), generator=g) < 0.5
        x = augment(flip(to_input(images[idx]), flip_w, flip_h), g)
        net.train()
        parts = losses(net(x), flip(heat_t[idx], flip_w, flip_h), flip(occ_maps[idx], flip_w, flip_h),
                       occluded[idx])
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
    report = validate(net, val, min_distance)
    log(f"validation: {report}")
    return net, {"data_s": round(render_s, 1), "train_s": round(train_s, 1), "epochs": round(recipe.steps *
                 recipe.batch / n, 2), "final_losses": {k: round(v, 4) for k, v in running.items()},
                 "validation": report, "train_images": n, "val_images": int(len(val["images"]))}
