"""The shipped packages (trained, or the analytic baselines): they load (golden cases pass) and judge rendered line
items correctly; the baseline builder still builds packages that load."""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.postprocess import extract_peaks
from inspector.manifest import read_manifest
from inspector.runtime import load_package

synthetic = pytest.importorskip("hardware.synthetic")
MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture(scope="module")
def counter():
    return load_package(MODELS / "cartridge_counter", threads=2)


@pytest.fixture(scope="module")
def classifier():
    return load_package(MODELS / "surface_classifier", threads=2)


def rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([31337, *key])


def test_packages_load_with_their_golden_cases(counter, classifier):
    assert counter.task == "count" and classifier.task == "classify"
    for model in (counter, classifier):
        kind = model.manifest.kind
        assert kind in ("trained", "analytic-baseline") and len(model.manifest.golden) >= 3
        assert model.manifest.lineage["trained"] is (kind == "trained")


@pytest.mark.parametrize("index", range(3))
def test_full_box_counts_24_at_the_caps(counter, index):
    item = synthetic.render_box(rng(1, index))
    result = counter.infer(item.image)
    assert result.count == 24 and result.occlusion < 0.5
    centres = np.asarray(item.truth["centers"])
    for x, y, score in result.points:
        assert np.min(np.hypot(*(centres - (x, y)).T)) < 6 and score > 0.5


def test_missing_cartridges_are_not_counted(counter):
    item = synthetic.render_box(rng(2), empty=[(0, 0), (2, 3), (3, 5)])
    result = counter.infer(item.image)
    assert result.count == 21 and result.occlusion < 0.5


@pytest.mark.parametrize("kind", ["glove", "hand", "tool", "label"])
def test_covered_box_is_flagged_or_miscounted(counter, kind):
    item = synthetic.render_box(rng(3, synthetic.OCCLUDER_KINDS.index(kind)), occluder=kind)
    result = counter.infer(item.image)
    assert item.truth["occluded"]
    assert result.occlusion >= 0.5 or result.count != 24  # never a pass


def test_good_part_passes(classifier):
    result = classifier.infer(synthetic.render_part(rng(4)).image)
    assert result.label == "good" and result.p_defect < 0.2 and result.defect_box is None


@pytest.mark.parametrize("view", ["empty_belt", "black"])
def test_a_view_without_a_part_is_not_a_good_part(classifier, view):
    image = synthetic.render_empty().image if view == "empty_belt" else np.zeros((480, 640, 3), np.uint8)
    assert classifier.infer(image).p_defect >= 0.5


def test_a_view_without_a_box_counts_nothing(counter):
    assert counter.infer(synthetic.render_empty().image).count == 0


@pytest.mark.parametrize("defect", ["scratch", "crack", "spot", "dent"])
def test_defect_is_found_where_it_is(classifier, defect):
    item = synthetic.render_part(rng(5, synthetic.DEFECT_KINDS.index(defect)), defect=defect)
    result = classifier.infer(item.image)
    assert result.label == "defect" and result.p_defect >= 0.5
    x, y, w, h = result.defect_box
    tx, ty, tw, th = item.truth["defect_box"]
    assert x < tx + tw and tx < x + w and y < ty + th and ty < y + h
    assert len(result.defect_outline) >= 3


def test_packages_take_the_camera_frame_as_it_comes(counter, classifier):
    frame = synthetic.render_box(rng(6)).image
    for model in (counter, classifier):
        spec = model.manifest.input
        assert (spec.preprocessing, spec.layout, spec.dtype) == ("in_graph", "NHWC", "uint8")
        assert spec.shape == (1, 480, 640, 3)
        assert np.shares_memory(model.preprocess(frame), frame)


@pytest.mark.parametrize("index", range(4))
def test_counter_peaks_from_the_graph_are_those_of_its_heat_map(counter, index):
    item = synthetic.render_box(rng(7, index), empty=[(index, index)])
    result, raw = counter.infer_with_raw(item.image)
    post = counter.manifest.postprocess
    want = extract_peaks(raw["heatmap"], post.peak_threshold, post.min_peak_distance)
    assert result.count == len(want) == 23
    assert np.allclose(np.asarray(result.points)[:, 2], want[:, 2], atol=1e-6)


def test_a_roi_crop_counts_like_the_frame_it_came_from(counter):
    item = synthetic.render_box(rng(8))
    wide = np.zeros((600, 800, 3), np.uint8)
    wide[50:530, 70:710] = item.image
    direct, cropped = counter.infer(item.image), counter.infer(wide[50:530, 70:710])  # a view, not contiguous
    assert cropped.count == direct.count == 24
    assert np.allclose(np.asarray(cropped.points), np.asarray(direct.points), atol=1e-5)


def test_a_frame_of_another_size_is_resized_and_points_come_back_in_its_pixels(counter):
    item = synthetic.render_box(rng(9))
    big = cv2.resize(item.image, (800, 600), interpolation=cv2.INTER_LINEAR)
    result = counter.infer(big)
    assert result.count == 24 and result.occlusion < 0.5
    centres = np.asarray(item.truth["centers"]) * 1.25
    for x, y, _ in result.points:
        assert np.min(np.hypot(*(centres - (x, y)).T)) < 6 * 1.25


def test_a_clean_part_leaves_the_defect_map_unread(classifier):
    frame = synthetic.render_part(rng(10)).image
    outputs = classifier.run_raw(classifier.preprocess(frame))
    unreadable = object()  # defect_region would fail on it
    outputs[classifier.output_names.index("defect_map")] = unreadable
    result = classifier.postprocess(outputs, frame.shape[:2])
    assert result.label == "good" and result.defect_box is None and result.defect_outline == []


def test_shipped_graphs_are_what_the_builder_builds(counter, classifier):
    spec = importlib.util.spec_from_file_location("baseline_graphs", MODELS / "baseline_graphs.py")
    graphs = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("baseline_graphs", graphs)  # dataclasses look their module up there
    spec.loader.exec_module(graphs)
    for model, graph in ((counter, graphs.counter_graph), (classifier, graphs.classifier_graph)):
        if model.manifest.kind == "analytic-baseline":
            assert hashlib.sha256(graph()).hexdigest() == model.sha256


def test_rebuild_gives_the_shipped_model_and_golden_bytes(tmp_path):
    import subprocess

    from tests.signing import key_file

    subprocess.run([sys.executable, str(MODELS / "build_baseline.py"), "--out", str(tmp_path), "--items", "24",
                    "--sign-key", str(key_file())], check=True, capture_output=True, timeout=120)
    for name in ("cartridge_counter", "surface_classifier"):
        shipped, rebuilt = MODELS / name, tmp_path / name
        assert load_package(rebuilt).manifest.kind == "analytic-baseline"  # its golden cases pass
        if read_manifest(shipped).kind != "analytic-baseline":
            continue  # a trained package ships instead (tests/models)
        files = sorted(p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file() and p.name not in ("manifest.json", "manifest.sig"))
        assert files == sorted(p.relative_to(rebuilt) for p in rebuilt.rglob("*")
                               if p.is_file() and p.name not in ("manifest.json", "manifest.sig"))
        for rel in files:
            assert (shipped / rel).read_bytes() == (rebuilt / rel).read_bytes(), rel
