"""The counter a user would write without a trained model: OpenCV ``HoughCircles`` on the grey frame, its parameters
hand-tuned on the installed line's renders (``hardware.synthetic`` style "line", never the fixed test split). It is
the baseline the trained counter is benchmarked against; it has no notion of occlusion.

    PYTHONPATH=. python -m models.hough_counter --tune     # grid search on line renders, prints the best parameters
"""
from __future__ import annotations

import argparse
import itertools
from dataclasses import asdict, dataclass, replace

import cv2
import numpy as np


@dataclass(frozen=True)
class HoughParams:
    blur: int = 5  # median blur aperture (odd)
    dp: float = 1.2  # accumulator resolution divisor
    min_dist: float = 48.0  # px between centres
    param1: float = 100.0  # Canny high threshold
    param2: float = 30.0  # accumulator threshold: lower finds more circles
    min_radius: int = 20
    max_radius: int = 36
    min_inner_std: float = 15.0  # grey std inside 0.65 r: a cap's rings vs an empty slot's plain hole


# Tuned by ``--tune`` on 60 line boxes (seed 500, 30 % with empty slots, no occluders): exact on all 60; the first
# setting of the grid that gets there.
LINE_PARAMS = HoughParams(blur=5, dp=1.0, min_dist=40.0, param1=60.0, param2=20.0, min_radius=20, max_radius=36,
                          min_inner_std=17.0)


@dataclass(frozen=True)
class HoughResult:
    count: int
    centres: np.ndarray  # (n, 2) float x, y


def count_caps(image_bgr: np.ndarray, params: HoughParams = LINE_PARAMS) -> HoughResult:
    """Caps found as circles in a uint8 BGR frame."""
    if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
        raise ValueError(f"expected a uint8 BGR image HxWx3, got {image_bgr.dtype} {image_bgr.shape}")
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    circles, spread = _circles(grey, params)
    centres = circles[spread >= params.min_inner_std, :2]
    return HoughResult(len(centres), centres)


def _circles(grey: np.ndarray, params: HoughParams) -> tuple[np.ndarray, np.ndarray]:
    """All Hough circles (n, 3: x, y, r) and the grey standard deviation inside 0.65 r of each."""
    found = cv2.HoughCircles(cv2.medianBlur(grey, params.blur), cv2.HOUGH_GRADIENT, dp=params.dp,
                             minDist=params.min_dist, param1=params.param1, param2=params.param2,
                             minRadius=params.min_radius, maxRadius=params.max_radius)
    if found is None:
        return np.zeros((0, 3), np.float32), np.zeros(0)
    circles = found[0].astype(np.float32)
    spread = np.empty(len(circles))
    H, W = grey.shape
    for i, (x, y, r) in enumerate(circles):
        k = max(1, int(0.65 * r))
        x0, y0 = int(round(x)), int(round(y))
        patch = grey[max(y0 - k, 0) : min(y0 + k + 1, H), max(x0 - k, 0) : min(x0 + k + 1, W)].astype(np.float32)
        ys, xs = np.mgrid[0 : patch.shape[0], 0 : patch.shape[1]]
        inside = (xs + max(x0 - k, 0) - x) ** 2 + (ys + max(y0 - k, 0) - y) ** 2 <= k * k
        spread[i] = float(patch[inside].std()) if inside.any() else 0.0
    return circles, spread


def tune(n: int = 60, seed: int = 500) -> tuple[HoughParams, float]:
    """Grid search on line renders; returns the parameters with the most exact counts (ties: smallest mean error)."""
    from hardware.synthetic import ItemStream  # station renderer, the user's own line

    stream = ItemStream("box", seed=seed, style="line", missing_rate=0.3, occlusion_rate=0.0)
    items = [stream.render(i) for i in range(n)]
    truth = np.array([it.truth["count"] for it in items])
    greys = [cv2.cvtColor(it.image, cv2.COLOR_BGR2GRAY) for it in items]
    best, best_key = LINE_PARAMS, (-1.0, 0.0)
    grid = itertools.product((1.0, 1.2, 1.5), (40.0, 48.0, 56.0), (60.0, 100.0, 140.0), (20.0, 25.0, 30.0, 35.0),
                             ((18, 34), (20, 36), (22, 32)))
    for dp, dist, p1, p2, (rmin, rmax) in grid:
        p = replace(LINE_PARAMS, dp=dp, min_dist=dist, param1=p1, param2=p2, min_radius=rmin, max_radius=rmax)
        spreads = [_circles(g, p)[1] for g in greys]
        for min_std in (11.0, 13.0, 15.0, 17.0, 19.0):
            counts = np.array([int(np.count_nonzero(s >= min_std)) for s in spreads])
            key = (float(np.mean(counts == truth)), -float(np.mean(np.abs(counts - truth))))
            if key > best_key:
                best, best_key = replace(p, min_inner_std=min_std), key
    return best, best_key[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="grid-search the parameters on line renders")
    parser.add_argument("-n", type=int, default=60)
    args = parser.parse_args()
    if args.tune:
        params, exact = tune(args.n)
        print(f"exact {exact:.3f} with {asdict(params)}")


if __name__ == "__main__":
    main()
