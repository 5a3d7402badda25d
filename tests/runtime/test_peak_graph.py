"""Peak suppression inside the graph (the builder's ``GraphBuilder.peaks``, run on ONNX Runtime) and the station's
reading of it: the same peaks as ``extract_peaks`` finds on the heat map, a plateau counted once."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from inspector.postprocess import extract_peaks, graph_peaks, masked_peaks, table_peaks

from .test_postprocess import gaussian_map

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture(scope="module")
def graphs():
    spec = importlib.util.spec_from_file_location("baseline_graphs", MODELS / "baseline_graphs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("baseline_graphs", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def nms(graphs):
    """``nms(heat, threshold, min_distance)`` -> (mask, table) from a graph holding only ``GraphBuilder.peaks``."""
    sessions: dict = {}

    def run(heat: np.ndarray, threshold: float = 0.5, min_distance: int = 1):
        key = (heat.shape, threshold, min_distance)
        if key not in sessions:
            g = graphs.GraphBuilder("nms")
            g.peaks("heat", heat.shape, threshold, min_distance, mask_out="mask", table_out="table")
            rows = graphs.peak_table_rows(heat.shape, min_distance)
            model = g.model([helper.make_tensor_value_info("heat", TensorProto.FLOAT, [1, 1, *heat.shape])],
                            [helper.make_tensor_value_info("mask", TensorProto.BOOL, [1, 1, *heat.shape]),
                             helper.make_tensor_value_info("table", TensorProto.FLOAT, [1, rows, 3])], "test")
            sessions[key] = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        mask, table = sessions[key].run(None, {"heat": heat[None, None].astype(np.float32)})
        return mask, table

    return run


def peaks_via_graph(nms, heat, threshold=0.5, min_distance=1) -> np.ndarray:
    mask, table = nms(heat, threshold, min_distance)
    return graph_peaks(mask, heat, threshold, min_distance, table)


def test_known_peaks_come_from_the_table_at_subcell_positions(nms):
    centres = [(5.0, 4.0), (20.3, 10.0), (12.0, 15.7)]
    heat = gaussian_map((20, 30), centres)
    mask, table = nms(heat, 0.5, 2)
    assert mask.sum() == 3
    peaks = table_peaks(table, 0.5)
    assert peaks is not None and len(peaks) == 3  # no fallback to the mask
    assert np.allclose(peaks, extract_peaks(heat, 0.5, 2), atol=1e-5)
    for (c, r), (fc, fr) in zip(sorted(centres), sorted(map(tuple, peaks[:, :2]))):
        assert abs(fc - c) < 0.15 and abs(fr - r) < 0.15


def test_table_is_strongest_first_and_padded_with_zero_scores(nms):
    heat = gaussian_map((12, 16), [(3, 3), (12, 8)])
    heat[8, 12] *= 0.8
    _, table = nms(heat, 0.5, 1)
    scores = table[0, :, 2]
    assert scores[0] == pytest.approx(1.0) and scores[1] == pytest.approx(0.8) and not scores[2:].any()


def test_a_plateau_is_counted_once_at_its_centre(nms):
    heat = np.zeros((10, 10), np.float32)
    heat[4:6, 4:7] = 1.0
    mask, table = nms(heat, 0.5, 1)
    assert mask.sum() == 6  # every plateau cell is its window's maximum
    assert table_peaks(table, 0.5) is None  # equal scores: the table cannot tell a plateau from two caps
    peaks = peaks_via_graph(nms, heat)
    assert peaks.tolist() == [[5.0, 4.5, 1.0]]


def test_an_equal_ridge_is_one_item(nms):
    heat = np.zeros((12, 12), np.float32)
    for i in range(2, 9):
        heat[i, i] = 0.9
    assert len(peaks_via_graph(nms, heat, min_distance=1)) == 1
    assert len(extract_peaks(heat, 0.5, 1)) == 1


def test_equal_peaks_far_apart_are_both_counted(nms):
    heat = gaussian_map((20, 30), [(5, 5), (22, 14)])
    peaks = peaks_via_graph(nms, heat, min_distance=2)
    assert len(peaks) == 2 and sorted(peaks[:, 0].round(3).tolist()) == [5.0, 22.0]


def test_equal_maxima_closer_than_min_distance_are_one(nms):
    heat = np.zeros((10, 12), np.float32)
    heat[5, 4] = heat[5, 6] = 0.9  # a dip between them
    heat[5, 5] = 0.6
    assert len(peaks_via_graph(nms, heat, min_distance=2)) == len(extract_peaks(heat, 0.5, 2)) == 1
    assert len(peaks_via_graph(nms, heat, min_distance=1)) == 2


def test_threshold_of_the_manifest_may_raise_the_graphs(nms):
    heat = gaussian_map((20, 30), [(5, 5), (20, 10)])
    heat[10, 20] = 0.7
    mask, table = nms(heat, 0.5, 2)
    assert len(graph_peaks(mask, heat, 0.8, 2, table)) == 1
    assert len(masked_peaks(mask, heat, 0.8, 2)) == 1


def test_empty_map_and_border_peaks(nms):
    assert peaks_via_graph(nms, np.zeros((8, 8), np.float32)).shape == (0, 3)
    heat = gaussian_map((10, 12), [(0, 4), (11, 9)])
    assert np.allclose(peaks_via_graph(nms, heat), extract_peaks(heat, 0.5, 1), atol=1e-5)


@pytest.mark.parametrize("seed", range(12))
def test_random_maps_give_what_extract_peaks_gives(nms, seed):
    rng = np.random.default_rng(seed)
    shape, d = (30, 40), int(rng.integers(1, 4))
    centres = [tuple(rng.uniform(0, 1, 2) * (shape[1] - 1, shape[0] - 1)) for _ in range(int(rng.integers(0, 15)))]
    heat = gaussian_map(shape, centres, sigma=float(rng.uniform(0.7, 1.5)), height=float(rng.uniform(0.6, 1.0)))
    heat = heat.astype(np.float32)
    want = extract_peaks(heat, 0.5, d)
    got = peaks_via_graph(nms, heat, 0.5, d)
    assert np.allclose(got, want, atol=1e-5), (got, want)


def test_masked_peaks_alone_matches_extract_peaks_on_a_plateau_and_singles():
    heat = gaussian_map((20, 30), [(5, 4), (20, 12)])
    heat[14:16, 3:6] = 0.95
    window_max = np.lib.stride_tricks.sliding_window_view(np.pad(heat, 2, constant_values=-np.inf), (5, 5)).max((2, 3))
    mask = (heat == window_max) & (heat >= 0.5)
    assert np.allclose(masked_peaks(mask, heat, 0.5, 2), extract_peaks(heat, 0.5, 2), atol=1e-6)
