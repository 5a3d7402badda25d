"""The counter network: moved to :mod:`inspector.training.count_net` (``inspector train`` learns new products with it
without the ``models`` folder); this module keeps the shipped build's names, with its 640 x 480 frame geometry."""
from __future__ import annotations

import numpy as np

from inspector.training import count_net
from inspector.training.count_net import HEAT_SIGMA, RADIUS_SIGMA, CounterNet, block, focal_loss, losses
from models.training.data import COUNTER_MAP, COUNTER_STRIDE

__all__ = ["HEAT_SIGMA", "RADIUS_SIGMA", "CounterNet", "block", "focal_loss", "heat_targets", "losses"]


def heat_targets(centres: np.ndarray, radius_px: np.ndarray | None = None, sigma: float = HEAT_SIGMA) -> np.ndarray:
    """[N, 60, 80] targets at the cap centres ([N, K, 2] frame px of the 640 x 480 frame, NaN padded)."""
    return count_net.heat_targets(centres, COUNTER_MAP, COUNTER_STRIDE, radius_px, sigma)
