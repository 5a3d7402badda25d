"""Loading a model package: what is accepted, and every refusal names the package and the cause."""
from __future__ import annotations

import json

import numpy as np
import pytest

from inspector.runtime import ModelOutputError, PackageError, load_package
from inspector.types import ClassifyResult, CountResult

from tests.signing import resign

from .tiny_packages import H, W, blobs_image, edit_manifest, tiny_classify_model

TWO_BLOBS = [(40, 40), (160, 100)]


def refusal(folder) -> str:
    with pytest.raises(PackageError) as info:
        load_package(folder)
    message = str(info.value)
    assert str(folder) in message
    return message


def test_valid_count_package_loads_and_counts(make_package):
    model = load_package(make_package("count"), threads=1)
    assert (model.name, model.version, model.task) == ("tiny_counter", "1.0.0", "count")
    assert model.providers[-1] == "CPUExecutionProvider"
    result = model.infer(blobs_image(TWO_BLOBS, radius=12))
    assert isinstance(result, CountResult)
    assert result.count == 2 and result.model == "tiny_counter" and result.version == "1.0.0"


def test_valid_classify_package_labels_by_threshold(make_package):
    model = load_package(make_package("classify"))
    assert model.infer(np.zeros((H, W, 3), np.uint8)).label == "good"
    result = model.infer(blobs_image([(60, 50)], radius=8))
    assert isinstance(result, ClassifyResult)
    assert result.label == "defect" and result.p_defect == pytest.approx(1.0)
    x, y, w, h = result.defect_box
    assert abs(x + w / 2 - 60) <= 3 and abs(y + h / 2 - 50) <= 3 and 12 <= w <= 24


def test_golden_cases_that_match_are_accepted(make_package):
    image = blobs_image(TWO_BLOBS, radius=12)
    expected = {"count": 2, "points": [[40, 40], [160, 100]], "occlusion": float(image[..., 2].mean() / 255)}
    load_package(make_package("count", golden=[(image, expected, {"value": 1e-3, "pixels": 3})]))


def test_missing_model_file_is_refused(make_package):
    folder = make_package("count")
    (folder / "model.onnx").unlink()
    assert "missing file model.onnx" in refusal(folder)


def test_missing_manifest_is_refused(make_package):
    folder = make_package("count")
    (folder / "manifest.json").unlink()
    assert "missing file manifest.json" in refusal(folder)


def test_manifest_that_is_not_json_is_refused(make_package):
    folder = make_package("count")
    (folder / "manifest.json").write_text("{not json")
    resign(folder)
    assert "manifest.json is not valid JSON" in refusal(folder)


def test_bad_manifest_value_names_key_value_and_what_is_allowed(make_package):
    folder = make_package("count")
    edit_manifest(folder, lambda m: m["input"].update(color_order="RBG"))
    message = refusal(folder)
    assert "input.color_order" in message and "'RBG'" in message and "'RGB' or 'BGR'" in message


def test_unknown_task_is_refused(make_package):
    folder = make_package("count")
    edit_manifest(folder, lambda m: m.update(task="segment"))
    message = refusal(folder)
    assert "'segment'" in message and "'count', 'classify'" in message


def test_postprocess_naming_an_unknown_output_is_refused(make_package):
    folder = make_package("count")
    edit_manifest(folder, lambda m: m["postprocess"].update(heatmap="heat"))
    assert "postprocess.heatmap = 'heat' is not among outputs" in refusal(folder)


def test_bad_sha256_is_refused(make_package):
    folder = make_package("count")
    edit_manifest(folder, lambda m: m.update(sha256="0" * 64))
    assert "bad sha256 of model.onnx" in refusal(folder)


def test_truncated_model_fails_its_sha256(make_package):
    folder = make_package("count")
    data = (folder / "model.onnx").read_bytes()
    (folder / "model.onnx").write_bytes(data[: len(data) // 2])
    assert "bad sha256" in refusal(folder)


def test_corrupt_model_with_matching_sha256_is_refused_by_onnx_runtime(make_package):
    folder = make_package("count", model=b"\x08\x07garbage that is not a protobuf" * 3)
    assert "ONNX Runtime refused the graph" in refusal(folder)


def test_wrong_input_shape_versus_manifest_is_refused(make_package):
    folder = make_package("count")
    edit_manifest(folder, lambda m: m["input"].update(shape=[1, 3, H * 2, W]))
    message = refusal(folder)
    assert "wrong input shape" in message and f"[1, 3, {H * 2}, {W}]" in message


def test_wrong_input_name_is_refused(make_package):
    folder = make_package("count")
    edit_manifest(folder, lambda m: m["input"].update(name="pixels"))
    assert "manifest says one input 'pixels'" in refusal(folder)


def test_output_missing_from_graph_is_refused(make_package):
    folder = make_package("classify")
    edit_manifest(folder, lambda m: (m["outputs"].append({"name": "extra"})))
    assert "output 'extra' of the manifest is not in the graph" in refusal(folder)


def test_golden_mismatch_is_refused_with_the_difference(make_package):
    image = blobs_image(TWO_BLOBS, radius=12)
    folder = make_package("count", golden=[(image, {"occlusion": 0.5}, {"value": 0.01})])
    message = refusal(folder)
    assert "golden[0] (golden/0.png)" in message and "occlusion differs by" in message and "> tolerance 0.01" in message


def test_golden_count_mismatch_is_refused(make_package):
    folder = make_package("count", golden=[(blobs_image(TWO_BLOBS, radius=12), {"count": 3}, {})])
    assert "count is 2, expected 3" in refusal(folder)


def test_golden_points_off_by_more_than_tolerance_are_refused(make_package):
    golden = [(blobs_image(TWO_BLOBS, radius=12), {"points": [[40, 40], [170, 100]]}, {"pixels": 2})]
    assert "points differ by" in refusal(make_package("count", golden=golden))


def test_missing_golden_input_is_refused(make_package):
    folder = make_package("count", golden=[(blobs_image(TWO_BLOBS), {"count": 2}, {})])
    (folder / "golden" / "0.png").unlink()
    assert "missing file golden/0.png" in refusal(folder)


def test_golden_raw_outputs_are_compared(make_package, tmp_path):
    image = blobs_image([(60, 50)], radius=8)
    folder = make_package("classify", golden=[(image, {}, {"value": 1e-4})])
    model = load_package(folder)
    _, raw = model.infer_with_raw(image)
    np.savez_compressed(folder / "golden" / "0.npz", defect_map=raw["defect_map"] + 0.25, p_defect=raw["p_defect"])
    edit_manifest(folder, lambda m: m["golden"][0].update(raw="golden/0.npz"))
    assert "defect_map differs by 0.25" in refusal(folder)


def test_providers_not_in_this_build_are_refused(make_package):
    folder = make_package("count")
    with pytest.raises(PackageError, match="not available here"):
        load_package(folder, providers=["NoSuchExecutionProvider"])


def test_manifest_round_trips_as_json(make_package):
    model = load_package(make_package("classify"))
    data = json.loads((model.folder / "manifest.json").read_text())
    assert data["sha256"] == model.sha256 and data["input"]["color_order"] == "BGR"
    assert model.tag == f"1.0.0 {model.sha256[:12]}"


def test_session_hint_is_validated_and_applied(make_package):
    folder = make_package("count")
    edit_manifest(folder, lambda m: m.update(session={"graph_optimization": "extended"}))
    assert load_package(folder).manifest.session.graph_optimization == "extended"
    edit_manifest(folder, lambda m: m.update(session={"graph_optimization": "fast"}))
    message = refusal(folder)
    assert "session.graph_optimization" in message and "'fast'" in message


def test_a_non_finite_output_is_an_error_not_a_result(make_package):
    # a graph that cannot say "defect" cannot cover its golden outcomes: loaded as its build checks it
    model = load_package(make_package("classify", model=tiny_classify_model(nan_when_bright=True)),
                         unsigned_build_check=True)
    assert model.infer(np.zeros((H, W, 3), np.uint8)).p_defect == 0.0
    with pytest.raises(ModelOutputError, match="'p_defect' is nan"):
        model.infer(blobs_image([(60, 50)]))


def test_inference_threads_do_not_spin_unless_asked(make_package):
    folder = make_package("count")
    quiet = load_package(folder, threads=2).session.get_session_options()
    spinning = load_package(folder, threads=2, spin=True).session.get_session_options()
    assert quiet.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert spinning.get_session_config_entry("session.intra_op.allow_spinning") == "1"
    assert quiet.intra_op_num_threads == 2


def test_defect_outlines_follow_the_recipe_that_runs_the_package(make_package, tmp_path):
    from inspector.assemble import load_recipe_models
    from inspector.config import Recipe, StationConfig

    folder = make_package("classify", name="dim", postprocess={
        "probability": "p_defect", "defect_map": "defect_map", "map_stride": 1, "map_threshold": 0.2},
        thresholds={"defect": 0.5, "pass_below": 0.4})
    dim_blob = blobs_image([(60, 50)], radius=8) // 3  # p_defect about 0.33, map cells above 0.2
    alone = load_package(folder).infer(dim_blob)
    assert 0.2 < alone.p_defect < 0.4 and alone.defect_box is None  # the package alone would pass it: no outline

    station = StationConfig(models_dir=tmp_path)
    recipe = Recipe(name="strict", product="part", models=["dim"], pass_below=0.25)  # this recipe sends it to QA
    (result,) = load_recipe_models(station, recipe).run(dim_blob)
    assert result.p_defect == alone.p_defect and result.defect_box is not None and len(result.defect_outline) >= 3
