"""Packages that take the camera frame as it comes (``preprocessing: in_graph``): uint8 NHWC BGR, fed without a copy,
resized by the station only when the frame is not the size the package expects; and clear refusals of bad specs."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from pydantic import ValidationError

from inspector.manifest import InputSpec
from inspector.preprocess import Preprocessor
from inspector.runtime import PackageError, load_package

from .tiny_packages import (
    FRAME_INPUT,
    H,
    W,
    blobs_image,
    edit_manifest,
    tiny_count_model,
)

TWO_BLOBS = [(40, 40), (160, 100)]


def frame_spec(**overrides) -> InputSpec:
    return InputSpec(**{**FRAME_INPUT, **overrides})


def noise(hw=(H, W)) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (*hw, 3), np.uint8)


def test_a_contiguous_frame_of_the_expected_size_is_fed_without_a_copy():
    frame = noise()
    tensor = Preprocessor(frame_spec())(frame)
    assert tensor.shape == (1, H, W, 3) and tensor.dtype == np.uint8 and tensor.flags.c_contiguous
    assert np.shares_memory(tensor, frame) and np.array_equal(tensor[0], frame)


def test_a_read_only_frame_is_fed_as_it_is(make_package):
    model = load_package(make_package("frame_count"))
    frame = noise()
    frame.flags.writeable = False  # as the synthetic camera hands them out
    assert np.shares_memory(model.preprocess(frame), frame)
    assert model.infer(frame).occlusion == pytest.approx(frame[..., 2].mean() / 255, abs=1e-5)


def test_a_roi_crop_is_made_contiguous_and_infers_like_the_same_pixels_copied(make_package):
    model = load_package(make_package("frame_count"))
    big = noise((H + 20, W + 30))
    crop = big[7 : 7 + H, 11 : 11 + W]
    assert not crop.flags.c_contiguous
    tensor = model.preprocess(crop)
    assert tensor.flags.c_contiguous and np.array_equal(tensor[0], crop)
    _, raw_crop = model.infer_with_raw(crop)
    _, raw_copy = model.infer_with_raw(crop.copy())
    for name in raw_copy:
        assert np.array_equal(raw_crop[name], raw_copy[name])


def test_a_frame_of_another_size_is_resized_by_the_station_with_the_manifest_interpolation():
    frame = noise((H * 5, W * 5))
    for method, flag in (("area", cv2.INTER_AREA), ("linear", cv2.INTER_LINEAR)):
        tensor = Preprocessor(frame_spec(resize=method))(frame)
        assert np.array_equal(tensor[0], cv2.resize(frame, (W, H), interpolation=flag))


def test_grey_and_bgra_frames_become_bgr():
    p = Preprocessor(frame_spec())
    assert p(np.full((H, W), 7, np.uint8))[0, 0, 0].tolist() == [7, 7, 7]
    assert p(np.zeros((H, W, 4), np.uint8)).shape == (1, H, W, 3)


def test_in_graph_package_counts_and_maps_points_like_the_station_preprocessed_one(make_package):
    image = blobs_image(TWO_BLOBS, radius=12)  # 5 x the package's size: resized by the station first
    in_graph = load_package(make_package("frame_count", "in_graph"))
    station = load_package(make_package("count", "station"))
    a, b = in_graph.infer(image), station.infer(image)
    assert a.count == b.count == 2
    assert np.allclose(np.asarray(a.points), np.asarray(b.points), atol=1e-4)
    # colour order: the station's package reads red from RGB channel 0, the graph from BGR channel 2
    assert a.occlusion == pytest.approx(b.occlusion, abs=1e-6)


def test_in_graph_package_golden_cases_are_checked(make_package):
    image = blobs_image(TWO_BLOBS, radius=12)
    good = {"count": 2, "points": [[40, 40], [160, 100]]}
    load_package(make_package("frame_count", "ok", golden=[(image, good, {"pixels": 3})]))
    with pytest.raises(PackageError, match="count is 2, expected 3"):
        load_package(make_package("frame_count", "bad", golden=[(image, {"count": 3}, {})]))


def refusal(folder) -> str:
    with pytest.raises(PackageError) as info:
        load_package(folder)
    return str(info.value)


def test_in_graph_needs_uint8(make_package):
    folder = make_package("frame_count")
    edit_manifest(folder, lambda m: m["input"].update(dtype="float32"))
    message = refusal(folder)
    assert "preprocessing 'in_graph' takes the camera frame as it comes" in message
    assert "dtype must be 'uint8'" in message and "got dtype 'float32'" in message


def test_in_graph_needs_nhwc(make_package):
    folder = make_package("frame_count")
    edit_manifest(folder, lambda m: m["input"].update(layout="NCHW", shape=[1, 3, H, W]))
    assert "layout 'NHWC'" in refusal(folder) and "got dtype 'uint8' and layout 'NCHW'" in refusal(folder)


def test_nhwc_shape_with_channels_first_is_refused_naming_the_shape_wanted(make_package):
    folder = make_package("frame_count")
    edit_manifest(folder, lambda m: m["input"].update(shape=[1, 3, H, W]))
    assert f"layout NHWC needs shape [1, H, W, 3] (3 colour channels), got [1, 3, {H}, {W}]" in refusal(folder)


def test_unknown_layout_and_preprocessing_name_the_allowed_values(make_package):
    folder = make_package("frame_count")
    edit_manifest(folder, lambda m: m["input"].update(layout="HWC", preprocessing="graph"))
    message = refusal(folder)
    assert "input.layout = 'HWC'" in message and "'NCHW' or 'NHWC'" in message
    assert "input.preprocessing = 'graph'" in message and "'station' or 'in_graph'" in message


def test_a_graph_that_still_wants_a_float_tensor_is_refused_for_an_in_graph_manifest(make_package):
    folder = make_package("frame_count", model=tiny_count_model(), input={**FRAME_INPUT, "name": "image"})
    assert f"wrong input shape: graph 'image' has [1, 3, {H}, {W}], manifest says [1, {H}, {W}, 3]" in refusal(folder)


def test_a_frame_graph_is_refused_for_a_float_manifest(make_package):
    folder = make_package("frame_count", input={**FRAME_INPUT, "preprocessing": "station", "dtype": "float32"})
    assert "input 'frame' of the graph is tensor(uint8), manifest says float32" in refusal(folder)


def test_resize_to_belongs_to_in_graph_preprocessing():
    with pytest.raises(ValidationError, match="resize_to documents a resize inside the graph"):
        InputSpec(name="image", shape=[1, 3, 4, 6], color_order="RGB", resize="area", resize_to=[2, 3])
    assert frame_spec(resize_to=[H // 4, W // 4]).resize_to == (H // 4, W // 4)


def test_station_uint8_still_means_raw_pixels():
    with pytest.raises(ValidationError, match="uint8 feeds raw pixels"):
        InputSpec(name="image", shape=[1, 3, 4, 6], color_order="RGB", resize="area", dtype="uint8")


def test_station_preprocessing_into_nhwc_float():
    spec = InputSpec(name="image", shape=[1, 4, 6, 3], layout="NHWC", color_order="RGB", resize="area",
                     mean=[0.5, 0.5, 0.5], std=[0.5, 0.25, 0.5])
    assert (spec.height, spec.width) == (4, 6)
    frame = np.empty((4, 6, 3), np.uint8)
    frame[:] = (0, 51, 255)  # B, G, R
    tensor = Preprocessor(spec)(frame)
    assert tensor.shape == (1, 4, 6, 3) and tensor.dtype == np.float32
    assert tensor[0, 2, 3] == pytest.approx([(1 - 0.5) / 0.5, (0.2 - 0.5) / 0.25, (0 - 0.5) / 0.5])
