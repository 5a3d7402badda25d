"""The naive baseline ``bench_train`` sets beside ``inspector train``: a small CNN from scratch, whole images, image
labels only (no masks, no painting, no base model), for a few minutes on the same splits and frame size.

Five stride-2 3 x 3 conv + BN + ReLU layers (16 → 96 channels), global average and max pooling, one linear logit;
Adam, random flips, batches of 16 whole frames. Benchmarks only.
"""
from __future__ import annotations

import time

import numpy as np

from inspector.training.frames import load_frame, to_tensor_batch
from inspector.training.metrics import auroc
from inspector.training.splits import Splits


def _net():
    from torch import nn

    class BaselineNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            layers, cin = [], 3
            for cout in (16, 32, 48, 64, 96):
                layers += [nn.Conv2d(cin, cout, 3, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
                cin = cout
            self.features = nn.Sequential(*layers)
            self.fc = nn.Linear(2 * cin, 1)

        def forward(self, x):
            import torch

            f = self.features(x)
            return self.fc(torch.cat([f.mean(dim=(2, 3)), f.amax(dim=(2, 3))], 1))[:, 0]

    return BaselineNet()


def train_baseline(splits: Splits, frame: tuple[int, int], *, minutes: float, seed: int = 0,
                   threads: int = 2) -> dict:
    """Train for ``minutes`` (loading included) and return test AUROC, per-image scores and timings."""
    import torch

    started = time.monotonic()
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    train = [load_frame(s, frame) for s in splits.train]
    test = [load_frame(s, frame) for s in splits.test]
    net = _net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    good = [f for f in train if f.sample.label == "good"]
    bad = [f for f in train if f.sample.label == "defect"]
    steps = 0
    net.train()
    while time.monotonic() - started < minutes * 60 - 10:
        picks = [bad[int(rng.integers(len(bad)))] if rng.random() < 0.5 else good[int(rng.integers(len(good)))]
                 for _ in range(16)]
        images = []
        for f in picks:
            image = f.image
            if rng.random() < 0.5:
                image = image[:, ::-1]
            if rng.random() < 0.5:
                image = image[::-1]
            images.append(np.ascontiguousarray(image))
        y = torch.tensor([float(f.sample.label == "defect") for f in picks])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net(to_tensor_batch(images)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
    net.eval()
    scores = []
    with torch.no_grad():
        for i in range(0, len(test), 8):
            scores += net(to_tensor_batch([f.image for f in test[i:i + 8]])).tolist()
    labels = [f.sample.label == "defect" for f in test]
    return {"auc": round(float(auroc(labels, scores)), 5), "steps": steps, "batch": 16,
            "wall_s": round(time.monotonic() - started, 1), "minutes": minutes,
            "test_scores": {f.sample.key: float(s) for f, s in zip(test, scores)}}
