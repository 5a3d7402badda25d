"""Random horizontal/vertical flips of a batch, the same for an image and its target maps."""
from __future__ import annotations

import torch


def flip(t: torch.Tensor, flip_w: torch.Tensor, flip_h: torch.Tensor) -> torch.Tensor:
    """Flip item i of ``t`` left-right where ``flip_w[i]`` and top-bottom where ``flip_h[i]``."""
    t = torch.where(flip_w.view(-1, *[1] * (t.dim() - 1)), t.flip(-1), t)
    return torch.where(flip_h.view(-1, *[1] * (t.dim() - 1)), t.flip(-2), t)
