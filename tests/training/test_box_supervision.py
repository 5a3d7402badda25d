"""A defect QA located with a box, not a mask: its pixels are unknown to the map loss, a view holding the whole box is
a defect view, a view holding part of it has no view label."""
from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("torch")

from inspector.training.defect import (DEFECT, GOOD, UNKNOWN, WHOLE_BOX, CropSampler,  # noqa: E402
                                       crop_targets)
from inspector.training.frames import Frame, load_frame  # noqa: E402
from inspector.training.samples import Sample  # noqa: E402


def _frame(label: str, region=None) -> Frame:
    image = np.full((96, 128, 1), 120, np.uint8)
    return Frame(Sample(path=None, key=label, label=label), image, None, region)


def test_a_box_is_scaled_to_the_frame_and_grown_a_little(tmp_path):
    import cv2

    path = tmp_path / "part.png"
    cv2.imwrite(str(path), np.full((200, 400), 100, np.uint8))  # twice the frame each way
    frame = load_frame(Sample(path=path, key="p", label="defect", box=(100, 40, 20, 10)), (100, 200))
    ys, xs = np.nonzero(frame.region)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (50 - 4, 60 + 4 - 1, 20 - 4, 25 + 4 - 1)
    assert frame.mask is None


def test_crops_of_a_boxed_defect_hold_the_whole_box_as_unknown_pixels_and_are_defect_views():
    region = np.zeros((96, 128), bool)
    region[40:50, 60:80] = True
    frames = [_frame("defect", region), _frame("good")]
    sampler = CropSampler(frames, "supervised", 64, np.random.default_rng(0))
    assert sampler.boxed and not sampler.masked and not sampler.unmasked
    sampler.shares = {"real": 1.0}
    images, targets, views = sampler.batch(16)
    assert all((t == UNKNOWN).sum() == region.sum() for t in targets)  # flips move it, never cut it
    assert not (targets == DEFECT).any()
    assert (views == WHOLE_BOX).all()
    share, unknown, label, weight = crop_targets(targets, views)
    assert label.tolist() == [1.0] * 16 and weight.tolist() == [1.0] * 16
    cells = unknown.flatten(1).sum(1).tolist()  # cells the box touches, left out of the map loss: 3-4 rows x 5-6
    assert all(15 <= c <= 24 for c in cells)
    assert share.sum().item() == 0


def test_a_view_holding_part_of_a_box_has_no_view_label_and_one_without_it_is_good():
    targets = np.zeros((3, 16, 16), np.uint8)
    targets[0, :4, :4] = UNKNOWN  # part of a box (the sampler said so)
    targets[2, 4:8, 4:8] = DEFECT
    views = np.array([math.nan, -1.0, -1.0], np.float32)
    share, unknown, label, weight = crop_targets(targets, views)
    assert weight.tolist() == [0.0, 1.0, 1.0]
    assert label.tolist() == [0.0, 0.0, 1.0]
    assert unknown[0].any() and not unknown[1:].any()
    assert GOOD == 0
