"""Where the empty slots of a box are: fit the box's rows x cols lattice to the detected items' centres.

Pure numpy. The counter only says where cartridges *are*; the operator also needs to see where one is *missing*. The
lattice is found from the points alone (pitch and angle from neighbour pairs, integer slot indices, then a least-squares
affine or projective map from slot indices to pixels), so it follows a box that is shifted, turned or seen at a slant.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

MAX_RESIDUAL = 0.25  # rms distance of points to their slot centre, in pitches; beyond this it is not a lattice


@dataclass(frozen=True)
class SlotFit:
    """Every slot's centre in frame pixels (row-major, ``rows * cols``) and whether a detected item sits in it.

    ``ambiguous``: a whole edge row or column is empty, so the points alone cannot tell on which side of the box it
    lies; the empty slots are then a best guess (the block of points is centred in the box).
    """

    centres: np.ndarray  # (rows * cols, 2) float x, y
    filled: np.ndarray  # (rows * cols,) bool
    layout: tuple[int, int]
    pitch: float  # mean slot spacing, pixels
    residual: float  # rms distance of the points to their slot centres, pixels
    ambiguous: bool = False

    @property
    def empty(self) -> np.ndarray:
        """Centres of the slots with no item, (k, 2)."""
        return self.centres[~self.filled]


def empty_slots(points: Sequence[Sequence[float]], layout: tuple[int, int]) -> np.ndarray:
    """Centres of the empty slots, (k, 2); none when no lattice fits the points (too few, too many, scattered)."""
    fit = fit_slots(points, layout)
    return np.zeros((0, 2)) if fit is None else fit.empty


def fit_slots(points: Sequence[Sequence[float]], layout: tuple[int, int]) -> SlotFit | None:
    """The ``layout`` (rows, cols) lattice that best holds ``points`` ([[x, y, ...], ...] frame pixels), or None.

    None when there are fewer than 3 points, more points than slots, two points in one slot, points that do not span
    two rows and two columns, or points that sit off any lattice.
    """
    rows, cols = int(layout[0]), int(layout[1])
    pts = np.asarray([p[:2] for p in points], dtype=float).reshape(-1, 2)
    n = len(pts)
    if n < 3 or n > rows * cols:
        return None
    pairs = _neighbour_pairs(pts)
    if len(pairs) < 2:
        return None
    vectors = pts[pairs[:, 1]] - pts[pairs[:, 0]]
    theta = np.angle(np.exp(4j * np.arctan2(vectors[:, 1], vectors[:, 0])).sum()) / 4
    rot = np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]])  # turns the lattice square
    uv = pts @ rot.T
    duv = np.abs(vectors @ rot.T)
    along_u, along_v = duv[:, 0] > duv[:, 1], duv[:, 1] >= duv[:, 0]
    pitch_all = float(np.median(np.hypot(duv[:, 0], duv[:, 1])))
    pitch_u = float(np.median(duv[along_u, 0])) if along_u.any() else pitch_all
    pitch_v = float(np.median(duv[along_v, 1])) if along_v.any() else pitch_all
    iu, iv = _indices(uv[:, 0] / pitch_u), _indices(uv[:, 1] / pitch_v)
    su, sv = int(iu.max()) + 1, int(iv.max()) + 1
    if su < 2 or sv < 2 or len(set(zip(iu.tolist(), iv.tolist()))) < n:
        return None
    if su <= cols and sv <= rows:
        col, row, span_c, span_r = iu, iv, su, sv
    elif su <= rows and sv <= cols:
        col, row, span_c, span_r = iv, iu, sv, su
    else:
        return None
    ambiguous = span_c < cols or span_r < rows
    col, row = col + (cols - span_c) // 2, row + (rows - span_r) // 2
    grid = np.stack([col, row], axis=1).astype(float)
    to_pixels = _fit_map(grid, pts, projective=n >= max(8, rows * cols // 2) and min(span_c, span_r) >= 3)
    mapped = to_pixels(grid)
    residual = float(np.sqrt(np.mean(np.sum((mapped - pts) ** 2, axis=1))))
    pitch = (pitch_u + pitch_v) / 2
    if residual > MAX_RESIDUAL * pitch:
        return None
    all_slots = np.array([[c, r] for r in range(rows) for c in range(cols)], dtype=float)
    filled = np.zeros(rows * cols, dtype=bool)
    filled[row * cols + col] = True
    return SlotFit(to_pixels(all_slots), filled, (rows, cols), pitch, residual, ambiguous)


def _neighbour_pairs(pts: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) about one lattice step apart (0.7-1.3 x the median nearest-neighbour distance)."""
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    step = float(np.median(d.min(axis=1)))
    if not np.isfinite(step) or step <= 0:
        return np.zeros((0, 2), dtype=int)
    i, j = np.nonzero(np.triu((d > 0.7 * step) & (d < 1.3 * step)))
    return np.stack([i, j], axis=1)


def _indices(coordinate: np.ndarray) -> np.ndarray:
    """Integer lattice indices from coordinates in pitches, starting at 0 (the phase is the circular mean)."""
    phase = np.angle(np.exp(2j * np.pi * coordinate).mean()) / (2 * np.pi)
    index = np.round(coordinate - phase).astype(int)
    return index - index.min()


def _fit_map(grid: np.ndarray, pts: np.ndarray, *, projective: bool):
    """Least-squares map from slot indices to pixels: projective (a slanted camera) when enough points, else affine."""
    a = np.hstack([grid, np.ones((len(grid), 1))])
    if projective:
        h = _homography(grid, pts)
        if h is not None:
            def project(g: np.ndarray) -> np.ndarray:
                q = np.hstack([g, np.ones((len(g), 1))]) @ h.T
                return q[:, :2] / q[:, 2:3]
            return project
    coef, *_ = np.linalg.lstsq(a, pts, rcond=None)
    return lambda g: np.hstack([g, np.ones((len(g), 1))]) @ coef


def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray | None:
    """Direct linear transform with Hartley normalisation; None when degenerate."""
    def normaliser(p: np.ndarray) -> np.ndarray:
        mean, scale = p.mean(axis=0), np.sqrt(2) / max(np.mean(np.hypot(*(p - p.mean(axis=0)).T)), 1e-9)
        return np.array([[scale, 0, -scale * mean[0]], [0, scale, -scale * mean[1]], [0, 0, 1]])

    ts, td = normaliser(src), normaliser(dst)
    s = np.hstack([src, np.ones((len(src), 1))]) @ ts.T
    d = np.hstack([dst, np.ones((len(dst), 1))]) @ td.T
    rows = []
    for (x, y, _), (u, v, _) in zip(s, d):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, sv, vt = np.linalg.svd(np.asarray(rows))
    if sv[-2] < 1e-9:
        return None
    h = np.linalg.inv(td) @ vt[-1].reshape(3, 3) @ ts
    return h / h[2, 2] if abs(h[2, 2]) > 1e-12 else None
