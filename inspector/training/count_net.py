"""The counter network: a small fully-convolutional CNN from an RGB image to a cap-centre heat map and an
occluder-on-slot map at stride 4, plus a global occlusion logit (the shipped counter sees the half-size frame: one cell
per 8 x 8 frame block). Moved here from ``models/training/counter_net.py`` (which re-exports it) for
``inspector train``.

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
        """``image``: [N, 3, H, W] RGB in 0..1 (H, W multiples of 16) → heat logits [N, 1, H / 4, W / 4], occluder
        logits (same shape), occlusion logit [N]."""
        local = self.stem(image)
        ctx = self.context(local)
        ctx = F.relu(ctx + self.up_deep(self.deep(ctx)))
        x = self.fuse(F.relu(local + self.up(ctx)))
        out = self.head(x)
        heat, occ_map = out[:, :1], out[:, 1:]
        occ = occ_map.amax(dim=(1, 2, 3)) * self.occ_scale + self.occ_bias
        return heat, occ_map, occ


def heat_targets(centres: np.ndarray, map_hw: tuple[int, int], stride: float, radius_px: np.ndarray | None = None,
                 sigma: float = HEAT_SIGMA) -> np.ndarray:
    """[N, h, w] Gaussian peaks (max of overlaps) at the centres ([N, K, 2] pixels of the image the map covers at
    ``stride`` pixels per cell, NaN padded); exactly 1 at the cell holding each centre. With ``radius_px`` (per image)
    a large cap gets a wider peak (``RADIUS_SIGMA`` x its radius in cells): a sharp peak on a wide flat cap is a guess,
    and two guesses are two caps."""
    h, w = map_hw
    out = np.zeros((len(centres), h, w), np.float32)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    for n, pts in enumerate(centres):
        s = sigma if radius_px is None else max(sigma, RADIUS_SIGMA * float(radius_px[n]) / stride)
        cells = (np.asarray(pts[~np.isnan(pts[:, 0])], np.float32) + 0.5) / stride - 0.5
        for cx, cy in cells:
            g = np.exp(-((cols - cx) ** 2 + (rows - cy) ** 2) / (2 * s * s))
            r, c = min(max(int(round(cy)), 0), h - 1), min(max(int(round(cx)), 0), w - 1)
            g[r, c] = 1.0
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


def to_input(images_u8: torch.Tensor) -> torch.Tensor:
    """[N, H, W, 3] uint8 RGB → [N, 3, H, W] float 0..1, as the graph's preprocessing gives it."""
    return images_u8.permute(0, 3, 1, 2).float().div_(255.0).contiguous(memory_format=torch.channels_last)


NOISE_BANK = 32  # pixels of slack around the frame in the shared noise tile


def augment(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Colour only (geometry is flipped with the targets): channel order, per-channel gain, contrast, a tone curve
    (gamma-like), noise. Built from cheap fused ops: the first version (pow, fresh Gaussian noise per pixel) took 115 ms
    of each 400 ms step."""
    n, _, h, w = x.shape
    perm = torch.stack([torch.randperm(3, generator=g) for _ in range(n)])
    keep = torch.rand(n, generator=g) < 0.5
    perm[keep] = torch.arange(3)
    x = torch.gather(x, 1, perm[:, :, None, None].expand_as(x))
    gain = (1 + 0.15 * (2 * torch.rand(n, 3, 1, 1, generator=g) - 1)) * (0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=g))
    contrast = 0.75 + 0.5 * torch.rand(n, 1, 1, 1, generator=g)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = x.mul_(contrast * gain).add_(mean * (1 - contrast) * gain).clamp_(0, 1)
    k = 0.3 * (2 * torch.rand(n, 1, 1, 1, generator=g) - 1)  # x + k x (1 - x): brighter or darker mid-tones
    x = torch.addcmul(x * (1 + k), x * x, -k)
    bank = torch.randn(3, h + NOISE_BANK, w + NOISE_BANK, generator=g)
    sigma = 0.03 * torch.rand(n, generator=g)
    offsets = torch.randint(0, NOISE_BANK + 1, (n, 2), generator=g)
    for i in range(n):
        oy, ox = int(offsets[i, 0]), int(offsets[i, 1])
        x[i].add_(bank[:, oy : oy + h, ox : ox + w], alpha=float(sigma[i]))
    return x.clamp_(0, 1)


def count_peaks(heat: torch.Tensor, threshold: float, min_distance: int) -> torch.Tensor:
    """Per image: cells at or above ``threshold`` that are the maximum of their square window (the graph's rule)."""
    k = 2 * min_distance + 1
    is_max = heat == F.max_pool2d(heat, k, stride=1, padding=min_distance)
    return (is_max & (heat >= threshold)).sum(dim=(1, 2, 3))
