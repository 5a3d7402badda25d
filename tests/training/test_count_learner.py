"""The count learner: the working scale follows the labelled points' spacing; a few seconds of training on tiny
images give a package the station's own loader accepts, with golden cases from the test split; the shipped counter's
weights read back from its package compute what the package computes."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.config import SHIPPED_MODELS
from inspector.runtime import load_package
from inspector.training.count_scale import MAX_SIDE, TARGET_SPACING, choose_scale, nearest_neighbour_median
from inspector.training.samples import Dataset, Sample
from tests import signing

COUNTER = SHIPPED_MODELS / "cartridge_counter"


def grid(cols: int, rows: int, pitch: float, x0: float = 20, y0: float = 20) -> np.ndarray:
    return np.array([(x0 + c * pitch, y0 + r * pitch) for r in range(rows) for c in range(cols)], float)


def test_nearest_neighbour_spacing_of_a_grid_is_its_pitch():
    assert nearest_neighbour_median(grid(8, 5, 55.0)) == pytest.approx(55.0)
    assert nearest_neighbour_median(np.zeros((1, 2))) is None


def test_small_objects_in_a_large_photo_keep_more_pixels_than_large_ones():
    small = choose_scale([(960, 1280)] * 3, [grid(8, 5, 40.0)] * 3)
    large = choose_scale([(960, 1280)] * 3, [grid(4, 3, 160.0)] * 3)
    assert small.spacing_px == pytest.approx(40.0) and large.spacing_px == pytest.approx(160.0)
    assert small.input_hw[1] > large.input_hw[1]
    for scale in (small, large):
        h, w = scale.input_hw
        assert h % 16 == 0 and w % 16 == 0 and h / w == pytest.approx(0.75, abs=0.05)
        assert scale.spacing_input_px == pytest.approx(TARGET_SPACING, rel=0.1)


def test_images_of_mixed_sizes_are_measured_relative_to_their_width():
    scale = choose_scale([(480, 640), (960, 1280)], [grid(6, 4, 30.0), grid(6, 4, 60.0)])
    assert scale.spacing_fraction == pytest.approx(30.0 / 640, abs=1e-5)


def test_objects_too_close_for_the_largest_input_are_capped_and_say_so():
    scale = choose_scale([(3000, 4000)], [grid(20, 10, 12.0)])
    assert max(scale.input_hw) == MAX_SIDE and "capped" in scale.how


def test_without_two_points_on_any_image_the_frame_size_is_kept_within_bounds():
    scale = choose_scale([(960, 1280)], [np.array([[5.0, 5.0]])])
    assert scale.spacing_px is None and scale.input_hw == (480, 640) and "no image" in scale.how


def tiny_product(folder: Path, n: int = 10) -> Dataset:
    """``n`` 128 x 96 grey or colour frames with up to 4 x 3 bright discs 16 px apart, some missing."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    samples = []
    for i in range(n):
        frame = np.full((96, 128, 3), 60, np.uint8)
        points = []
        for x, y in grid(4, 3, 16.0, x0=40, y0=32) + rng.uniform(-1, 1, (12, 2)):
            if rng.random() < 0.8:
                cv2.circle(frame, (int(round(x)), int(round(y))), 4, (40, 160, 230), -1, cv2.LINE_AA)
                points.append((float(x), float(y)))
        if i % 3 == 0:
            frame = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        path = folder / f"f{i}.png"
        cv2.imwrite(str(path), frame)
        samples.append(Sample(path=path, key=path.name, points=tuple(points), group=path.name))
    return Dataset("count", tuple(samples), "folder", str(folder), "0" * 64)


def test_split_groups_never_share_a_group_and_follow_the_seed():
    from inspector.training.count import split_groups

    samples = tuple(Sample(path=Path(f"{i}.png"), key=f"{i}.png", group=f"lot{i // 3}") for i in range(30))
    splits = split_groups(samples, seed=4)
    assert sorted(sum(splits.values(), [])) == list(range(30)) and all(splits.values())
    groups = {k: {samples[i].group for i in v} for k, v in splits.items()}
    assert not (groups["train"] & groups["test"] or groups["train"] & groups["validation"]
                or groups["validation"] & groups["test"])
    assert split_groups(samples, seed=4) == splits != split_groups(samples, seed=5)


def test_a_few_seconds_of_training_give_a_package_the_station_loads_with_golden_cases_from_the_test_split(tmp_path):
    pytest.importorskip("torch")
    from inspector.training.count import split_groups, train_count

    dataset = tiny_product(tmp_path / "frames")
    facts = train_count(dataset, tmp_path / "tiny_counter", base=COUNTER, minutes=0.1, seed=1,
                        sign_key=signing.key_file())
    model = load_package(tmp_path / "tiny_counter", threads=1)  # signature, and re-checks every golden case
    manifest = json.loads((tmp_path / "tiny_counter" / "manifest.json").read_text())
    assert model.task == "count" and manifest["input"]["shape"] == [1, *facts["scale"]["input_hw"], 3]
    assert facts["scale"]["spacing_px"] == pytest.approx(16.0, abs=1.0)
    lineage = manifest["lineage"]
    assert lineage["base"]["name"] == "cartridge_counter" and lineage["steps"] > 0
    test_keys = {dataset.samples[i].key for i in split_groups(dataset.samples, 1)["test"]}
    assert set(lineage["splits"]["test"]) == test_keys and not test_keys & set(lineage["splits"]["train"])
    assert manifest["golden"] and all(g["input"].startswith("golden/") for g in manifest["golden"])
    assert {Path(g["input"]).stem.split("_", 1)[1] for g in manifest["golden"]} <= {Path(k).stem for k in test_keys}
    case = manifest["golden"][0]
    frame = cv2.imread(str(tmp_path / "tiny_counter" / case["input"]), cv2.IMREAD_COLOR)
    assert model.infer(frame).count == case["expected"]["count"]
    assert manifest["metrics"]["test"]["images"] == len(test_keys)


def test_the_shipped_counters_weights_read_back_compute_what_its_package_computes():
    torch = pytest.importorskip("torch")
    from inspector.training.count_graph import load_package_weights
    from inspector.training.count_net import CounterNet

    model = load_package(COUNTER, threads=1)
    frame = cv2.imread(str(COUNTER / "golden" / "full_box.png"), cv2.IMREAD_COLOR)
    result, raw = model.infer_with_raw(frame)
    net = CounterNet()
    load_package_weights(net, COUNTER / "model.onnx")
    half = cv2.resize(frame, (320, 240), interpolation=cv2.INTER_AREA)[..., ::-1].astype(np.float32) / 255
    with torch.no_grad():
        heat, _, occ = net.eval()(torch.from_numpy(half.transpose(2, 0, 1)[None].copy()))
    assert np.abs(torch.sigmoid(heat)[0, 0].numpy() - raw["heatmap"][0, 0]).max() < 1e-2  # uint8 rounding apart
    assert float(torch.sigmoid(occ)) == pytest.approx(result.occlusion, abs=1e-3)


def test_a_graph_that_is_not_the_counter_network_is_refused(tmp_path):
    pytest.importorskip("torch")
    from inspector.training.count_graph import load_package_weights
    from inspector.training.count_net import CounterNet

    with pytest.raises(ValueError, match="network layers"):
        load_package_weights(CounterNet(), SHIPPED_MODELS / "surface_classifier" / "model.onnx")


def test_inspector_train_counts_from_a_points_csv_into_a_signed_package_and_a_recipe_predict_uses(tmp_path, capsys):
    pytest.importorskip("torch")
    from inspector.cli import main

    dataset = tiny_product(tmp_path / "frames", n=12)
    rows = ["file,x,y"] + [f"{s.path.name},{x:.2f},{y:.2f}" for s in dataset.samples for x, y in s.points]
    (tmp_path / "frames" / "points.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "tray_counter"
    assert main(["train", "--task", "count", "--data", str(tmp_path / "frames" / "points.csv"), "--out", str(out),
                 "--minutes", "0.15", "--sign-key", str(signing.key_file())]) == 0
    assert (out / "manifest.sig").is_file() and (out / "recipe.toml").is_file()
    capsys.readouterr()
    first = dataset.samples[0]
    assert main(["predict", str(first.path), "--recipe", str(out / "recipe.toml"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[0])
    assert "count" in result and result["expected"] == load_package(out, threads=1).manifest.lineage[
        "expected_count"]["value"]
