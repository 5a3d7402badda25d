"""The counter network: a small fully-convolutional CNN from the half-size RGB frame to a cap-centre heat map and an
occluder-on-slot map at stride 4 (one cell per 8 x 8 frame block), plus a global occlusion logit.

Dilated 3 x 3 convolutions at strides 8 and 16 give the heat map a receptive field several times the largest cap
(~60 px of input) at little cost: without the stride-16 path large caps were counted twice or missed. The occlusion
logit is an affine map of the occluder map's maximum, so "can't count" means "something covers a slot here" and the
station could show where.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from models.training.data import COUNTER_MAP, COUNTER_STRIDE, frame_to_cell

HEAT_SIGMA = 0.8  # cells: width of the Gaussian target at a cap centre
RADIUS_SIGMA = 0.3  # at least this fraction of the cap radius


def block(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    """3 x 3 conv + BN + ReLU (BN folds into the conv at export)."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class CounterNet(nn.Module):
    """Two strided 3 x 3 blocks to stride 4 (the map's cells) and one more; context at stride 8 with dilations 1, 2, 4
    and at stride 16 with dilations 1, 2, 4 (so a large cap is seen whole), each brought back up by a 2 x 2 transposed
    conv added to the finer features; one 3 x 3 block, then a 1 x 1 head."""

    def __init__(self, width: int = 24, context: int = 48, deep: int = 64):
        super().__init__()
        self.stem = nn.Sequential(block(3, 16, 2), block(16, width, 2), block(width, width))
        self.context = nn.Sequential(block(width, 32, 2), block(32, context), block(context, context, dilation=2),
                                     block(context, context, dilation=4))
        self.deep = nn.Sequential(block(context, deep, 2), block(deep, deep, dilation=2), block(deep, deep, dilation=4))
        self.up_deep = nn.ConvTranspose2d(deep, context, 2, stride=2)
        self.up = nn.ConvTranspose2d(context, width, 2, stride=2)
        self.fuse = block(width, width)
        self.head = nn.Conv2d(width, 2, 1)  # heat logit, occluder-on-slot logit
        self.occ_scale = nn.Parameter(torch.tensor(1.0))
        self.occ_bias = nn.Parameter(torch.tensor(0.0))
        nn.init.constant_(self.head.bias, -2.2)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``image``: [N, 3, 240, 320] RGB in 0..1 → heat logits [N, 1, 60, 80], occluder logits, occlusion logit [N]."""
        local = self.stem(image)
        ctx = self.context(local)
        ctx = F.relu(ctx + self.up_deep(self.deep(ctx)))
        x = self.fuse(F.relu(local + self.up(ctx)))
        out = self.head(x)
        heat, occ_map = out[:, :1], out[:, 1:]
        occ = occ_map.amax(dim=(1, 2, 3)) * self.occ_scale + self.occ_bias
        return heat, occ_map, occ


def heat_targets(centres: np.ndarray, radius_px: np.ndarray | None = None, sigma: float = HEAT_SIGMA) -> np.ndarray:
    """[N, 60, 80] Gaussian peaks (max of overlaps) at the cap centres ([N, K, 2] frame px, NaN padded); exactly 1 at
    the cell holding each centre. With ``radius_px`` (per image) a large cap gets a wider peak
    (``RADIUS_SIGMA`` x its radius in cells): a sharp peak on a wide flat cap is a guess, and two guesses are two caps."""
    h, w = COUNTER_MAP
    out = np.zeros((len(centres), h, w), np.float32)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    for n, pts in enumerate(centres):
        s = sigma if radius_px is None else max(sigma, RADIUS_SIGMA * float(radius_px[n]) / COUNTER_STRIDE)
        for cx, cy in frame_to_cell(pts[~np.isnan(pts[:, 0])]):
            g = np.exp(-((cols - cx) ** 2 + (rows - cy) ** 2) / (2 * s * s))
            g[int(round(cy)), int(round(cx))] = 1.0
            np.maximum(out[n], g, out=out[n])
    return out


def focal_loss(logits: torch.Tensor, target: torch.Tensor, alpha: float = 2.0, beta: float = 4.0) -> torch.Tensor:
    """CenterNet's penalty-reduced focal loss, normalised by the number of centres."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = target.eq(1.0).float()
    pos_loss = -torch.log(p) * (1 - p) ** alpha * pos
    neg_loss = -torch.log(1 - p) * p**alpha * (1 - target) ** beta * (1 - pos)
    return (pos_loss.sum() + neg_loss.sum()) / pos.sum().clamp(min=1.0)


def losses(net_out, heat_t: torch.Tensor, occ_map_t: torch.Tensor, occluded: torch.Tensor) -> dict[str, torch.Tensor]:
    heat, occ_map, occ = net_out
    return {
        "heat": focal_loss(heat[:, 0], heat_t),
        "occ_map": F.binary_cross_entropy_with_logits(occ_map[:, 0], occ_map_t, pos_weight=torch.tensor(4.0)),
        "occ": F.binary_cross_entropy_with_logits(occ, occluded),
    }
