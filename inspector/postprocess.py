"""Raw model outputs to frame pixels: heat-map peaks, defect regions, and the geometry between tensor and frame.

Convention: an input tensor of width ``W_in`` resized from a frame of width ``W`` maps input pixel centre ``u`` to
frame coordinate ``(u + 0.5) * W / W_in - 0.5``; a map at stride ``s`` has cell ``j`` centred on input pixel
``(j + 0.5) * s - 0.5`` (the centre of its ``s``-wide block).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class MapGeometry:
    """How one cell of a stride-``stride`` output map lands in frame pixels."""

    stride: int
    sx: float  # frame pixels per input pixel, x
    sy: float

    @classmethod
    def for_frame(cls, stride: int, frame_hw: tuple[int, int], input_hw: tuple[int, int]) -> MapGeometry:
        return cls(stride, frame_hw[1] / input_hw[1], frame_hw[0] / input_hw[0])

    def cell_to_frame(self, col: np.ndarray | float, row: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Cell coordinates (fractional allowed) to frame pixel centres."""
        s = self.stride
        return (np.asarray(col) + 0.5) * s * self.sx - 0.5, (np.asarray(row) + 0.5) * s * self.sy - 0.5

    def cells_to_box(self, c0: int, r0: int, c1: int, r1: int) -> tuple[int, int, int, int]:
        """Inclusive cell rectangle to a frame box ``x, y, w, h`` covering its input blocks."""
        s = self.stride
        x0, y0 = int(np.floor(c0 * s * self.sx)), int(np.floor(r0 * s * self.sy))
        x1, y1 = int(np.ceil((c1 + 1) * s * self.sx)), int(np.ceil((r1 + 1) * s * self.sy))
        return x0, y0, x1 - x0, y1 - y0


def as_map(array: np.ndarray) -> np.ndarray:
    """A ``[1, 1, h, w]`` / ``[1, h, w]`` / ``[h, w]`` output as a 2-D float32 view."""
    return _as_2d(array).astype(np.float32, copy=False)


def extract_peaks(heatmap: np.ndarray, threshold: float, min_distance: int) -> np.ndarray:
    """Local maxima at or above ``threshold``, more than ``min_distance`` cells apart (Chebyshev), strongest first.

    Returns ``N x 3`` float32 rows ``col, row, score``; positions are sub-cell: a parabola through a one-cell peak
    and its neighbours, or the centroid of a plateau of equal maxima (counted once).
    """
    hm = as_map(heatmap)
    size = 2 * min_distance + 1
    dilated = cv2.dilate(hm, np.ones((size, size), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=-np.inf)
    candidates = ((hm >= dilated) & (hm >= threshold)).astype(np.uint8)
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(candidates, connectivity=8)
    if n <= 1:
        return np.zeros((0, 3), np.float32)
    # one peak per connected group of equal maxima (a plateau); its centroid, or a parabola fit for a single cell
    cols, rows = centroids[1:, 0], centroids[1:, 1]
    single = stats[1:, cv2.CC_STAT_AREA] == 1
    ri, ci = np.rint(rows).astype(int), np.rint(cols).astype(int)
    scores = np.full(n, -np.inf, np.float32)
    np.maximum.at(scores, labels[candidates > 0], hm[candidates > 0])  # equal within a group
    scores = scores[1:]
    ri, ci = np.clip(ri, 0, hm.shape[0] - 1), np.clip(ci, 0, hm.shape[1] - 1)
    cols = np.where(single, ci + _subcell(hm, ri, ci, axis=1), cols)
    rows = np.where(single, ri + _subcell(hm, ri, ci, axis=0), rows)
    order = np.argsort(-scores, kind="stable")
    pos = np.stack([rows, cols], axis=1)
    close = np.abs(pos[:, None, :] - pos[None, :, :]).max(axis=2) <= min_distance
    np.fill_diagonal(close, False)
    keep = order
    if close.any():  # distinct groups too close together (equal heights, diagonal ridges): strongest first
        suppressed = np.zeros(len(order), bool)
        kept = []
        for i in order:
            if not suppressed[i]:
                kept.append(i)
                suppressed |= close[i]
        keep = np.asarray(kept)
    return np.stack([cols[keep], rows[keep], scores[keep]], axis=1).astype(np.float32)


def graph_peaks(mask: np.ndarray, heatmap: np.ndarray, threshold: float, min_distance: int,
                table: np.ndarray | None = None) -> np.ndarray:
    """Peaks of a graph that suppressed non-maxima itself: from its peak ``table`` where that stands alone, else from
    its ``mask`` (:func:`masked_peaks`). Same rows as :func:`extract_peaks`."""
    peaks = table_peaks(table, threshold) if table is not None else None
    return masked_peaks(mask, heatmap, threshold, min_distance) if peaks is None else peaks


def table_peaks(table: np.ndarray, threshold: float) -> np.ndarray | None:
    """The rows at or above ``threshold`` of a graph's peak table (``[1, K, 3]`` ``col, row, score``, strongest
    first) — or None where the table cannot stand alone: two equal scores (maybe one plateau, to be merged from the
    mask) or every row used (maybe more peaks than rows)."""
    rows = np.asarray(table).reshape(-1, 3)
    n = int(np.count_nonzero(rows[:, 2] >= threshold))
    top = rows[:n]
    if n == len(rows) or len(set(top[:, 2].tolist())) < n:
        return None
    return top


def masked_peaks(mask: np.ndarray, heatmap: np.ndarray, threshold: float, min_distance: int) -> np.ndarray:
    """:func:`extract_peaks` for a graph that suppressed non-maxima itself: ``mask`` is true where the heat is the
    maximum of its ``2 * min_distance + 1`` square window and at or above the graph's threshold.

    Only the masked cells and their neighbours are read. Two masked cells within ``min_distance`` of each other are
    each the other's window maximum, hence equal: a plateau (or ridge) of equal maxima, counted once at its centroid.
    Same rows as :func:`extract_peaks`: ``col, row, score``, strongest first.
    """
    hm = _as_2d(heatmap)
    flat = np.flatnonzero(_as_2d(mask))  # 1-D: far quicker than a 2-D nonzero
    scores = hm.reshape(-1)[flat]
    if len(scores) and scores.min() < threshold:  # the manifest may ask more than the graph's own threshold
        keep = scores >= threshold
        flat, scores = flat[keep], scores[keep]
    n = len(scores)
    if not n:
        return np.zeros((0, 3), np.float32)
    order = np.argsort(-scores, kind="stable")
    flat, scores = flat[order], scores[order]
    rows, cols = np.divmod(flat, hm.shape[1])
    close = None
    if n > 1 and (scores[1:] == scores[:-1]).any():  # cells within min_distance are equal: only then look closer
        pos = np.stack((rows, cols))
        close = np.abs(pos[:, :, None] - pos[:, None, :]).max(axis=0) <= min_distance
    if close is None or close.sum() == n:  # only the diagonal: every peak a single cell
        fcols, frows = _refine(hm, rows, cols)
    else:
        fcols, frows, scores = _merge_plateaus(hm, rows, cols, scores, close)  # groups in order of their first cell
    return np.stack((fcols, frows, scores), axis=1).astype(np.float32)


def _as_2d(array: np.ndarray) -> np.ndarray:
    m = np.asarray(array)
    while m.ndim > 2 and m.shape[0] == 1:
        m = m[0]
    if m.ndim != 2:
        raise ValueError(f"expected a single-channel map, got shape {np.shape(array)}")
    return m


def _merge_plateaus(hm: np.ndarray, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray,
                    close: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One point per group of candidates linked by ``close``: the centroid of a group, the parabola for a single."""
    n = len(rows)
    labels = np.arange(n)
    while True:  # smallest label over the neighbours until stable: connected groups
        linked = np.where(close, labels[None, :], n).min(axis=1)
        if np.array_equal(linked, labels):
            break
        labels = linked
    _, group, size = np.unique(labels, return_inverse=True, return_counts=True)
    first = np.full(len(size), n)
    np.minimum.at(first, group, np.arange(n))
    fcols = np.bincount(group, cols) / size
    frows = np.bincount(group, rows) / size
    single = size == 1
    fcols[single], frows[single] = _refine(hm, rows[first[single]], cols[first[single]])
    return fcols, frows, scores[first]


def _refine(hm: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return cols + _subcell(hm, rows, cols, axis=1), rows + _subcell(hm, rows, cols, axis=0)


def _subcell(hm: np.ndarray, rows: np.ndarray, cols: np.ndarray, axis: int) -> np.ndarray:
    n = hm.shape[axis]
    pos = cols if axis == 1 else rows
    lo, hi = np.clip(pos - 1, 0, n - 1), np.clip(pos + 1, 0, n - 1)
    if axis == 1:
        left, mid, right = hm[rows, lo], hm[rows, cols], hm[rows, hi]
    else:
        left, mid, right = hm[lo, cols], hm[rows, cols], hm[hi, cols]
    curv = left - 2 * mid + right
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where((curv < 0) & (pos > 0) & (pos < n - 1), 0.5 * (left - right) / curv, 0.0)
    return np.clip(off, -0.5, 0.5)


def peaks_to_points(peaks: np.ndarray, geometry: MapGeometry) -> list[tuple[float, float, float]]:
    """``col, row, score`` rows to ``x, y, score`` in frame pixels (:meth:`MapGeometry.cell_to_frame`)."""
    kx, ky = geometry.stride * geometry.sx, geometry.stride * geometry.sy
    bx, by = 0.5 * kx - 0.5, 0.5 * ky - 0.5
    return [(col * kx + bx, row * ky + by, score) for col, row, score in np.asarray(peaks, np.float64).tolist()]


def defect_region(
    defect_map: np.ndarray, threshold: float, geometry: MapGeometry, max_outline_points: int = 64
) -> tuple[tuple[int, int, int, int] | None, list[tuple[int, int]]]:
    """Box and outline (frame pixels) of the connected region above ``threshold`` holding the map's maximum."""
    m = as_map(defect_map)
    mask = (m > threshold).astype(np.uint8)
    if not mask.any():
        return None, []
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    peak = np.unravel_index(int(np.argmax(np.where(mask > 0, m, -np.inf))), m.shape)
    lab = labels[peak]
    c0, r0, w, h = (int(v) for v in stats[lab, :4])
    box = geometry.cells_to_box(c0, r0, c0 + w - 1, r0 + h - 1)
    region = (labels == lab).astype(np.uint8)
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contour = max(contours, key=cv2.contourArea).reshape(-1, 2)
    if len(contour) > max_outline_points:
        contour = contour[np.linspace(0, len(contour) - 1, max_outline_points).astype(int)]
    xs, ys = geometry.cell_to_frame(contour[:, 0].astype(np.float32), contour[:, 1].astype(np.float32))
    outline = [(int(round(x)), int(round(y))) for x, y in zip(xs, ys)]
    return box, outline
