"""The surface classifier network: a small U-shaped CNN from the whole RGB frame to a defect map (one cell per 4 x 4
frame block) and a global defect logit.

A 4 x 4 patch stem (stride 4) sees every frame pixel, so a scratch one pixel wide still reaches the net, at the cost of
one small matrix product per map cell; encoder at strides 4, 8, 16 (the deepest with dilations 2 and 4 for context
across the part), decoder back to stride 4 by 2 x 2 transposed convolutions added to the skips. The global logit is an affine map of the mean of the
map's ``TOP_K`` largest logits plus a linear head on the deepest features' average and maximum, so "defect" means
"defect pixels here", while the pooled head can also say "this is no good part" (an empty belt, a foreign object).
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

TOP_K = 8  # map cells averaged for the global score


def block(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    """3 x 3 conv + BN + ReLU (BN folds into the conv at export)."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class ClassifierNet(nn.Module):
    def __init__(self, widths: tuple[int, int, int] = (16, 32, 64)):
        super().__init__()
        a, b, c = widths
        self.enc1 = nn.Sequential(nn.Conv2d(3, a, 4, stride=4, bias=False), nn.BatchNorm2d(a), nn.ReLU(inplace=True),
                                  block(a, a))
        self.enc2 = nn.Sequential(block(a, b, 2), block(b, b))
        self.enc3 = nn.Sequential(block(b, c, 2), block(c, c, dilation=2), block(c, c, dilation=4))
        self.up3 = nn.ConvTranspose2d(c, b, 2, stride=2)
        self.dec2 = block(b, b)
        self.up2 = nn.ConvTranspose2d(b, a, 2, stride=2)
        self.dec1 = block(a, a)
        self.head = nn.Conv2d(a, 1, 1)
        self.pooled = nn.Linear(2 * c, 1)
        self.topk_scale = nn.Parameter(torch.tensor(1.0))
        self.bias = nn.Parameter(torch.tensor(0.0))
        nn.init.constant_(self.head.bias, -3.0)
        nn.init.zeros_(self.pooled.weight)
        nn.init.zeros_(self.pooled.bias)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``image``: [N, 3, 480, 640] RGB in 0..1 → map logits [N, 1, 120, 160], global logits [N]."""
        f1 = self.enc1(image)
        f2 = self.enc2(f1)
        f3 = self.enc3(f2)
        d2 = self.dec2(F.relu(f2 + self.up3(f3)))
        d1 = self.dec1(F.relu(f1 + self.up2(d2)))
        logits = self.head(d1)
        top = logits.flatten(1).topk(TOP_K, dim=1).values.mean(dim=1)
        pooled = torch.cat([f3.mean(dim=(2, 3)), f3.amax(dim=(2, 3))], dim=1)
        return logits, top * self.topk_scale + self.pooled(pooled)[:, 0] + self.bias


def dice_loss(logits: torch.Tensor, target: torch.Tensor, has_defect: torch.Tensor) -> torch.Tensor:
    """1 - soft Dice per image with a defect, averaged over those images (0 when the batch has none)."""
    if not bool(has_defect.any()):
        return logits.sum() * 0.0
    p = torch.sigmoid(logits[has_defect]).flatten(1)
    t = target[has_defect].flatten(1)
    dice = (2 * (p * t).sum(1) + 1.0) / (p.sum(1) + t.sum(1) + 1.0)
    return (1 - dice).mean()


def losses(net_out, map_t: torch.Tensor, label: torch.Tensor) -> dict[str, torch.Tensor]:
    """``map_t``: [N, 1, 120, 160] share of defect pixels per cell; ``label``: [N] 1 for "not a good part"."""
    logits, global_logit = net_out
    has_defect = map_t.flatten(1).amax(1) > 0.25
    return {
        "bce": F.binary_cross_entropy_with_logits(logits, map_t, pos_weight=torch.tensor(3.0)),
        "dice": dice_loss(logits, map_t, has_defect),
        "global": F.binary_cross_entropy_with_logits(global_logit, label),
    }
