"""The shipped trained cartridge counter: it loads (golden cases pass), counts boxes it never saw, flags covered ones,
its INT8 variant is what the manifest says, and the export is the trained network."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from hardware.synthetic import render_box
from inspector.manifest import PackageError, read_manifest, write_package
from inspector.runtime import load_package
from tests.signing import sign

PACKAGE = Path(__file__).resolve().parents[2] / "models" / "cartridge_counter"


@pytest.fixture(scope="module")
def counter():
    return load_package(PACKAGE, threads=2)


def rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([4242, *key])  # neither the training seeds nor the test split


def test_the_shipped_package_is_the_trained_one(counter):
    m = counter.manifest
    assert (m.kind, m.version, m.task) == ("trained", "1.4.0", "count")
    assert len(m.golden) >= 4 and m.lineage["trained"] is True and m.lineage["torch"]
    seeds = {s["seed"] for s in m.lineage["generator"]["train_splits"] + m.lineage["generator"]["validation_splits"]}
    assert m.lineage["test_seed"] == 2026 and 2026 not in seeds
    assert m.metrics["test_line"]["split"]["seed"] == 2026
    assert sum(p.stat().st_size for p in PACKAGE.rglob("*") if p.is_file()) <= 20 * 2**20


@pytest.mark.parametrize("index", range(3))
def test_a_full_line_box_counts_24_at_the_caps(counter, index):
    item = render_box(rng(1, index))
    result = counter.infer(item.image)
    assert result.count == 24 and result.occlusion < 0.5
    centres = np.asarray(item.truth["centers"])
    for x, y, _ in result.points:
        assert np.min(np.hypot(*(centres - (x, y)).T)) < 6


@pytest.mark.parametrize("layout", [(3, 4), (5, 8), (6, 4)])
def test_other_layouts_and_looks_with_empty_slots(counter, layout):
    item = render_box(rng(2, *layout), style="wide", layout=layout, empty=[(0, 1), (layout[0] - 1, 2)])
    result = counter.infer(item.image)
    assert result.count == item.truth["count"] == layout[0] * layout[1] - 2
    assert result.occlusion < 0.5


@pytest.mark.parametrize("kind", ["glove", "hand", "label", "tool"])
def test_a_covered_box_goes_to_review(counter, kind):
    item = next(it for it in (render_box(rng(3, i), occluder=kind) for i in range(20)) if it.truth["occluded"])
    assert counter.infer(item.image).occlusion >= 0.5


def test_a_view_without_a_box_counts_nothing(counter):
    from hardware.synthetic import render_empty

    result = counter.infer(render_empty().image)
    assert result.count == 0


def test_the_int8_variant_is_the_one_the_manifest_describes(tmp_path, counter):
    int8 = counter.manifest.metrics["int8"]
    path = PACKAGE / "model.int8.onnx"
    if not int8["shipped"]:
        assert not path.exists()
        return
    import hashlib

    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == int8["sha256"]
    # swapped in as the manifest says, it passes the same golden cases
    folder = tmp_path / "cartridge_counter"
    shutil.copytree(PACKAGE / "golden", folder / "golden")
    manifest = json.loads((PACKAGE / "manifest.json").read_text())
    write_package(folder, data, manifest)
    sign(folder)  # a plant that swaps the INT8 graph in signs the package again with its own key
    model = load_package(folder, threads=2)
    item = render_box(rng(4))
    assert model.infer(item.image).count == counter.infer(item.image).count == 24


def test_a_tampered_model_is_refused(tmp_path):
    folder = tmp_path / "cartridge_counter"
    shutil.copytree(PACKAGE, folder)
    data = bytearray((folder / "model.onnx").read_bytes())
    data[-100] ^= 0xFF
    (folder / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(PackageError, match="sha256"):
        load_package(folder)
    assert read_manifest(PACKAGE).sha256 != ""


def test_the_export_computes_what_the_network_computes():
    torch = pytest.importorskip("torch")
    from models.training.counter_export import core_model, occlusion_affine, package_graph, torch_reference
    from models.training.counter_net import CounterNet
    from models.training.data import half_size_rgb
    import onnxruntime as ort

    torch.manual_seed(0)
    net = CounterNet().train()
    with torch.no_grad():  # BN statistics other than the identity, so folding them is tested
        for _ in range(2):
            net(torch.rand(2, 3, 240, 320) * 0.5 + 0.2)
    net.occ_bias.data.fill_(0.3)
    frame = render_box(rng(5)).image
    graph = package_graph(core_model(net), occlusion_affine(net), peak_threshold=0.5, min_distance=2, doc="test")
    heat, occlusion = ort.InferenceSession(graph, providers=["CPUExecutionProvider"]).run(
        ["heatmap", "occlusion"], {"frame": frame[None]})
    want_heat, want_occ = torch_reference(net, half_size_rgb(frame).astype(np.float32) / 255.0)
    assert np.abs(heat[0, 0] - want_heat).max() < 2e-3  # the reference rounds the half-size image to uint8
    assert abs(float(occlusion[0]) - want_occ) < 2e-3


def test_training_data_refuses_the_test_seed():
    from models.training.data import TEST_SEED, counter_split

    with pytest.raises(ValueError, match="test split"):
        counter_split(style="wide", seed=TEST_SEED, items=1, missing_rate=0.0, occlusion_rate=0.0)


def test_the_baseline_builder_leaves_the_shipped_package_alone():
    import importlib.util
    import sys

    path = PACKAGE.parent / "build_baseline.py"
    spec = importlib.util.spec_from_file_location("build_baseline_defaults", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(PACKAGE.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(PACKAGE.parent))
    calls = []
    module.build = lambda folder, *a, **k: calls.append(folder)
    module.main([])
    assert calls and all(PACKAGE not in (f, *f.parents) and f.parent != PACKAGE.parent for f in calls)
