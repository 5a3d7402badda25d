"""Single parts: the defect mask, box and verdict must match the picture."""
import json

import cv2
import numpy as np
import pytest

from hardware.synthetic import DEFECT_KINDS, render_part


def gray(image):
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(float)


def around(mask, width=9):
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((width, width), np.uint8)) > 0
    return grown & ~mask


def test_a_good_part_passes_with_an_empty_mask():
    item = render_part(1)
    t = item.truth
    assert (t["kind"], t["defect"], t["defect_box"], t["should_pass"]) == ("part", None, None, True)
    assert item.mask.shape == (480, 640) and item.mask.dtype == bool and not item.mask.any()


@pytest.mark.parametrize("kind", DEFECT_KINDS)
@pytest.mark.parametrize("seed", [2, 3])
def test_a_defect_has_a_mask_inside_its_box_and_fails(kind, seed):
    item = render_part(seed, defect=kind)
    t = item.truth
    assert t["defect"] == kind and not t["should_pass"]
    assert item.mask.sum() >= 12
    x, y, w, h = t["defect_box"]
    inside = np.zeros_like(item.mask)
    inside[y : y + h, x : x + w] = True
    assert not (item.mask & ~inside).any()
    assert item.mask[y, x : x + w].any() and item.mask[y + h - 1, x : x + w].any()  # the box is tight
    assert item.mask[y : y + h, x].any() and item.mask[y : y + h, x + w - 1].any()


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_defects_are_visible_where_the_mask_says(seed):
    crack, spot = render_part(seed, defect="crack"), render_part(seed, defect="spot")
    for item, darker_by in ((crack, 40), (spot, 15)):
        g = gray(item.image)
        assert g[item.mask].mean() < g[around(item.mask)].mean() - darker_by, item.truth["defect"]
    scratch = render_part(seed, defect="scratch")
    g = gray(scratch.image)
    assert np.abs(g - cv2.medianBlur(g.astype(np.uint8), 9))[scratch.mask].mean() > 5
    dent, good = render_part(seed, defect="dent"), render_part(seed)
    assert gray(dent.image)[dent.mask].std() > 3 * gray(good.image)[dent.mask].std()


def test_the_defect_lies_on_the_part_not_the_belt():
    for seed in range(4):
        item = render_part(seed, defect="spot")
        g = gray(render_part(seed).image)  # the same part without the defect
        assert np.median(g[item.mask]) > 120  # the light part, not the dark belt


def test_same_seed_same_part():
    a, b = render_part(9, defect="crack"), render_part(9, defect="crack")
    assert np.array_equal(a.image, b.image) and np.array_equal(a.mask, b.mask) and a.truth == b.truth
    assert not np.array_equal(a.image, render_part(10, defect="crack").image)


def test_truth_is_plain_json():
    t = render_part(3, defect="dent").truth
    assert json.loads(json.dumps(t)) == t


def test_unknown_defects_are_refused():
    with pytest.raises(ValueError, match="allowed: scratch, crack, spot, dent"):
        render_part(0, defect="rust")


@pytest.mark.parametrize("seed", range(4))
def test_wide_style_parts_keep_masks_and_boxes_consistent(seed):
    item = render_part(seed, defect=DEFECT_KINDS[seed], style="wide")
    x, y, w, h = item.truth["defect_box"]
    assert item.mask.any() and item.mask[y : y + h, x : x + w].sum() == item.mask.sum()


def test_wide_style_draws_the_part_look_families_and_the_line_draws_none():
    from hardware.synthetic.part import PART_LOOKS

    assert "line" not in PART_LOOKS  # the line's renders stay as they were
    shapes = {render_part(seed, style="wide").truth["shape"] for seed in range(60)}
    assert {"gear", "ring", "hex", "knurl", "lever", "bracket", "blob"} <= shapes and {"disc", "plate"} <= shapes
    assert {render_part(seed).truth["shape"] for seed in range(10)} == {"disc"}


@pytest.mark.parametrize("kind", DEFECT_KINDS)
def test_varied_defect_looks_change_the_picture_inside_their_mask(kind):
    changed = 0
    for seed in range(6):
        item = render_part(100 + seed, defect=kind, style="wide")
        assert item.mask.any()
        inside, ring = gray(item.image)[item.mask], gray(item.image)[around(item.mask)]
        changed += abs(inside.mean() - ring.mean()) > 2.0
    assert changed >= 3  # dark or bright, the defect shows against its surroundings on most parts
