"""Peak extraction and defect regions, and their mapping back to the pixels of the frame given."""
from __future__ import annotations

import numpy as np
import pytest

from inspector.postprocess import MapGeometry, defect_region, extract_peaks, peaks_to_points


def gaussian_map(shape, centres, sigma=1.0, height=1.0):
    rows, cols = np.mgrid[: shape[0], : shape[1]].astype(np.float32)
    m = np.zeros(shape, np.float32)
    for c, r in centres:
        m = np.maximum(m, height * np.exp(-((cols - c) ** 2 + (rows - r) ** 2) / (2 * sigma**2)))
    return m


def test_finds_known_peaks_with_subcell_precision():
    centres = [(5.0, 4.0), (20.3, 10.0), (12.0, 15.7)]
    peaks = extract_peaks(gaussian_map((20, 30), centres)[None, None], threshold=0.5, min_distance=2)
    assert len(peaks) == 3
    found = sorted(map(tuple, peaks[:, :2].round(1)))
    for (c, r), (fc, fr) in zip(sorted(centres), found):
        assert abs(fc - c) < 0.15 and abs(fr - r) < 0.15


def test_threshold_and_min_distance():
    m = gaussian_map((20, 30), [(5, 5), (8, 5), (20, 10)], sigma=0.7)
    m[10, 20] = 0.4
    assert len(extract_peaks(m, 0.5, 2)) == 2  # (5,5) and (8,5) are 3 apart; (20,10) is below 0.5
    assert len(extract_peaks(m, 0.3, 2)) == 3
    assert len(extract_peaks(m, 0.3, 3)) == 2  # 3 cells apart is not more than 3: the pair is one


def test_plateau_counts_once_and_empty_map_gives_no_peaks():
    m = np.zeros((10, 10), np.float32)
    m[4:6, 4:7] = 1.0
    assert len(extract_peaks(m, 0.5, 1)) == 1
    assert extract_peaks(np.zeros((5, 5), np.float32), 0.5, 1).shape == (0, 3)


def test_peaks_map_back_to_frame_pixels():
    # input 60 x 80 at stride 4 -> map 15 x 20; frame 600 x 800: 10 frame px per input px
    geometry = MapGeometry.for_frame(4, frame_hw=(600, 800), input_hw=(60, 80))
    points = peaks_to_points(np.array([[0, 0, 0.9], [10, 5, 0.8]], np.float32), geometry)
    # cell 0 centres on input pixel 1.5 -> frame (1.5 + 0.5) * 10 - 0.5
    assert points[0] == pytest.approx((19.5, 19.5, 0.9))
    assert points[1][:2] == pytest.approx(((10.5 * 4) * 10 - 0.5, (5.5 * 4) * 10 - 0.5))


def test_same_size_stride_one_is_identity():
    geometry = MapGeometry.for_frame(1, (10, 10), (10, 10))
    assert peaks_to_points(np.array([[3, 7, 1.0]], np.float32), geometry) == [(3.0, 7.0, 1.0)]


def test_defect_region_is_the_component_holding_the_maximum():
    m = np.zeros((20, 30), np.float32)
    m[2:4, 2:4] = 0.6
    m[10:14, 20:26] = 0.9
    geometry = MapGeometry.for_frame(2, frame_hw=(80, 120), input_hw=(40, 60))  # 2 frame px per input px
    box, outline = defect_region(m, 0.5, geometry)
    assert box == (20 * 4, 10 * 4, 6 * 4, 4 * 4)
    xs, ys = zip(*outline)
    assert box[0] <= min(xs) and max(xs) <= box[0] + box[2] and box[1] <= min(ys) and max(ys) <= box[1] + box[3]


def test_no_defect_region_below_threshold():
    assert defect_region(np.full((5, 5), 0.2, np.float32), 0.5, MapGeometry(1, 1.0, 1.0)) == (None, [])
