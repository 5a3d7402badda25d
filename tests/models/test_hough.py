"""The HoughCircles baseline counts what it was tuned for: a clean box on the installed line."""
import numpy as np
import pytest

from hardware.synthetic import ItemStream
from models.hough_counter import LINE_PARAMS, count_caps


def test_counts_a_clean_line_box_within_one():
    stream = ItemStream("box", seed=77, style="line", missing_rate=0.5, occlusion_rate=0.0)
    for i in range(4):
        item = stream.render(i)
        result = count_caps(item.image)
        assert abs(result.count - item.truth["count"]) <= 1
        truth = np.array(item.truth["centers"])
        nearest = np.hypot(*(result.centres[:, None] - truth[None]).transpose(2, 0, 1)).min(axis=1)
        assert np.median(nearest) < 4.0


def test_empty_slots_are_not_counted():
    stream = ItemStream("box", seed=78, style="line", missing_rate=1.0, occlusion_rate=0.0)
    item = next(stream.render(i) for i in range(20) if stream.render(i).truth["count"] <= 22)
    assert count_caps(item.image).count < 24


def test_rejects_a_grey_image():
    with pytest.raises(ValueError, match="uint8 BGR"):
        count_caps(np.zeros((480, 640), np.uint8))


def test_tuned_radii_bracket_the_line_cap():
    radius = ItemStream("box", seed=1, style="line").render(0).truth["radius_px"]
    assert LINE_PARAMS.min_radius < radius < LINE_PARAMS.max_radius
