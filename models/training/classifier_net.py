"""The surface classifier network: a small U-shaped CNN from the whole RGB frame to a defect map (one cell per 4 x 4
frame block) and a global defect logit, plus a presence branch that says whether a part is in view at all.

A stem of two stride-2 3 x 3 convolutions sees every frame pixel, so a scratch one pixel wide still reaches the net
(a 4 x 4 patch stem, one linear map per block, learnt weaker edge features); encoder at strides 4, 8, 16 (the
deepest with dilations 2 and 4 for context across the part), decoder back to stride 4 by 2 x 2 transposed
convolutions added to the skips. The defect logit is an affine map of the mean of the map's ``TOP_K`` largest logits
only, so "defect" means "defect pixels here" and the net is the same function on a crop as on the
whole frame (it trains on crops). The presence branch looks at the frame at 1/8 size (an 8 x 8 average) through
three convolutions and global average and maximum pooling: an empty belt or a bare surface is "no part".
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

TOP_K = 4  # map cells averaged for the global score
PRESENCE_POOL = 8  # the presence branch sees the frame averaged over 8 x 8 blocks


def block(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    """3 x 3 conv + BN + ReLU (BN folds into the conv at export)."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class PresenceBranch(nn.Module):
    """Frame at 1/8 size → logit that a part is in view."""

    def __init__(self, width: int = 24):
        super().__init__()
        self.features = nn.Sequential(block(3, 16), block(16, width, 2), block(width, width, 2),
                                      block(width, width, dilation=2))
        self.fc = nn.Linear(2 * width, 1)

    def forward(self, small: torch.Tensor) -> torch.Tensor:
        f = self.features(small)
        return self.fc(torch.cat([f.mean(dim=(2, 3)), f.amax(dim=(2, 3))], dim=1))[:, 0]


class ClassifierNet(nn.Module):
    def __init__(self, widths: tuple[int, int, int] = (16, 32, 64)):
        super().__init__()
        a, b, c = widths
        self.enc1 = nn.Sequential(block(3, a, 2), block(a, a, 2), block(a, a))
        self.enc2 = nn.Sequential(block(a, b, 2), block(b, b))
        self.enc3 = nn.Sequential(block(b, c, 2), block(c, c, dilation=2), block(c, c, dilation=4))
        self.up3 = nn.ConvTranspose2d(c, b, 2, stride=2)
        self.dec2 = block(b, b)
        self.up2 = nn.ConvTranspose2d(b, a, 2, stride=2)
        self.dec1 = block(a, a)
        self.head = nn.Conv2d(a, 1, 1)
        self.presence = PresenceBranch()
        self.topk_scale = nn.Parameter(torch.tensor(1.0))
        self.bias = nn.Parameter(torch.tensor(0.0))
        nn.init.constant_(self.head.bias, -3.0)

    def segment(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``image``: [N, 3, H, W] RGB 0..1 (H, W multiples of 16) → map logits [N, 1, H/4, W/4], defect logits [N]."""
        f1 = self.enc1(image)
        f2 = self.enc2(f1)
        f3 = self.enc3(f2)
        d2 = self.dec2(F.relu(f2 + self.up3(f3)))
        d1 = self.dec1(F.relu(f1 + self.up2(d2)))
        logits = self.head(d1)
        top = logits.flatten(1).topk(TOP_K, dim=1).values.mean(dim=1)
        return logits, top * self.topk_scale + self.bias

    def present(self, image: torch.Tensor) -> torch.Tensor:
        """Presence logits [N] of whole frames."""
        return self.presence(F.avg_pool2d(image, PRESENCE_POOL))

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Whole frames [N, 3, 480, 640] → map logits [N, 1, 120, 160], defect logits [N], presence logits [N]."""
        logits, defect = self.segment(image)
        return logits, defect, self.present(image)


def map_targets(share: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Cell targets from the share of defect pixels per 4 x 4 block: 1 from 2 pixels on, 0 without any, and a cell
    with a single defect pixel ignored (weight 0): a one-pixel scratch still makes whole cells positive."""
    target = (share >= 1.5 / 16).float()
    weight = ((share >= 1.5 / 16) | (share <= 0)).float()
    return target, weight


def losses(logits: torch.Tensor, defect_logit: torch.Tensor, share: torch.Tensor, label: torch.Tensor,
           pos_weight: float = 4.0, unknown: torch.Tensor | None = None,
           view_weight: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Per-image losses (shape [N]) of a crop batch: map BCE, Dice, and BCE of the defect logit against ``label``
    (1: a defect in this crop). ``unknown``: cells left out of the map loss (inside a box QA drew, the defect's
    pixels not known); ``view_weight``: per crop, 0 where its label is not known."""
    target, weight = map_targets(share)
    if unknown is not None:
        weight = weight * (~unknown).float()
    bce = F.binary_cross_entropy_with_logits(logits, target, weight=weight, reduction="none",
                                             pos_weight=torch.tensor(pos_weight))
    has_defect = target.flatten(1).amax(1) > 0
    dice = torch.zeros(len(logits))
    if bool(has_defect.any()):
        p = (torch.sigmoid(logits) * weight).flatten(1)
        t = (target * weight).flatten(1)
        dice = torch.where(has_defect, 1 - (2 * (p * t).sum(1) + 1.0) / (p.sum(1) + t.sum(1) + 1.0), dice)
    return {"bce": bce.flatten(1).mean(1) * 10.0, "dice": dice,
            "global": F.binary_cross_entropy_with_logits(defect_logit, label, reduction="none",
                                                         weight=view_weight)}
