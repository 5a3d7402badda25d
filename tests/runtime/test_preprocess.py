"""The input tensor follows the manifest: size, colour order, scale, mean/std, dtype, NCHW."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspector.manifest import InputSpec
from inspector.preprocess import Preprocessor


def spec(**overrides) -> InputSpec:
    base = dict(name="image", shape=[1, 3, 4, 6], color_order="RGB", resize="area", scale=1 / 255,
                mean=[0, 0, 0], std=[1, 1, 1], dtype="float32")
    return InputSpec(**{**base, **overrides})


def flat_bgr(b: int, g: int, r: int, hw=(4, 6)) -> np.ndarray:
    image = np.empty((*hw, 3), np.uint8)
    image[:] = (b, g, r)
    return image


def test_rgb_order_puts_red_first():
    tensor = Preprocessor(spec())(flat_bgr(10, 20, 30))
    assert tensor.shape == (1, 3, 4, 6) and tensor.dtype == np.float32
    assert tensor[0, :, 0, 0] == pytest.approx([30 / 255, 20 / 255, 10 / 255])


def test_bgr_order_keeps_blue_first():
    tensor = Preprocessor(spec(color_order="BGR"))(flat_bgr(10, 20, 30))
    assert tensor[0, :, 2, 3] == pytest.approx([10 / 255, 20 / 255, 30 / 255])


def test_scale_mean_and_std_per_channel():
    s = spec(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    tensor = Preprocessor(s)(flat_bgr(0, 128, 255))
    rgb = np.array([255, 128, 0]) / 255
    assert tensor[0, :, 1, 1] == pytest.approx((rgb - s.mean) / np.array(s.std), rel=1e-5)


def test_resize_to_manifest_size_with_its_interpolation():
    frame = np.random.default_rng(0).integers(0, 256, (40, 60, 3), np.uint8)
    for method, flag in (("area", cv2.INTER_AREA), ("linear", cv2.INTER_LINEAR)):
        tensor = Preprocessor(spec(resize=method, color_order="BGR", scale=1.0))(frame)
        want = cv2.resize(frame, (6, 4), interpolation=flag).transpose(2, 0, 1)
        assert np.array_equal(tensor[0], want.astype(np.float32))


def test_uint8_input_is_fed_raw():
    tensor = Preprocessor(spec(dtype="uint8", scale=1.0))(flat_bgr(1, 2, 3))
    assert tensor.dtype == np.uint8 and tensor[0, :, 0, 0].tolist() == [3, 2, 1]


def test_uint8_input_with_scaling_is_a_manifest_error():
    with pytest.raises(ValueError, match="uint8 feeds raw pixels"):
        spec(dtype="uint8")


def test_grey_and_bgra_frames_are_accepted_other_shapes_refused():
    p = Preprocessor(spec())
    assert p(np.full((4, 6), 51, np.uint8))[0, :, 0, 0] == pytest.approx([0.2] * 3)
    assert p(np.zeros((4, 6, 4), np.uint8)).shape == (1, 3, 4, 6)
    with pytest.raises(ValueError, match="H x W x 3"):
        p(np.zeros((4, 6, 2), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        p(np.zeros((4, 6, 3), np.float32))


def test_a_cropped_view_of_a_larger_frame_works():
    frame = flat_bgr(0, 0, 255, hw=(50, 50))
    tensor = Preprocessor(spec())(frame[10:30, 5:35])
    assert tensor[0, 0] == pytest.approx(np.ones((4, 6)))
