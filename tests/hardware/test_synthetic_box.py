"""Boxes of cartridges: the truth must describe the picture."""
import json

import numpy as np
import pytest

from hardware.synthetic import HIDDEN_FRACTION, OCCLUDER_KINDS, render_box


def ring_bgr(image, centre, radius, frac=0.85, n=16):
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    xs = np.round(centre[0] + frac * radius * np.cos(a)).astype(int)
    ys = np.round(centre[1] + frac * radius * np.sin(a)).astype(int)
    return image[ys, xs].astype(float).mean(axis=0)


def disc_mean(image, centre, radius):
    x, y = int(round(centre[0])), int(round(centre[1]))
    r = int(radius)
    return image[y - r : y + r + 1, x - r : x + r + 1].astype(float).mean()


def test_a_full_box_counts_every_slot():
    item = render_box(1, layout=(4, 6))
    t = item.truth
    assert item.image.shape == (480, 640, 3) and item.image.dtype == np.uint8
    assert (t["kind"], t["expected"], t["count"], len(t["centers"]), t["empty"]) == ("box", 24, 24, 24, [])
    assert t["should_pass"] and not t["occluded"] and t["occluder"] is None
    assert item.mask is None


def test_empty_slots_are_listed_and_fail_the_box():
    t = render_box(2, layout=(3, 4), empty=[(0, 1), (2, 3)]).truth
    assert t["count"] == 10 == len(t["centers"])
    assert len(t["empty"]) == 2
    assert t["expected"] == t["count"] + len(t["empty"]) == 12
    assert not t["should_pass"]


@pytest.mark.parametrize("seed", [3, 4])
def test_centres_lie_on_red_caps_and_empty_slots_are_dark_holes(seed):
    item = render_box(seed, layout=(4, 6), empty=[(1, 2), (3, 0), (0, 5)])
    img, t = item.image, item.truth
    tray = np.median(img[img.mean(axis=2) > 150].reshape(-1, 3), axis=0).mean()
    for c in t["centers"]:
        b, g, r = ring_bgr(img, c, t["radius_px"])
        assert r > b + 60 and r > g + 60, f"no red cap rim around {c}"
        assert 90 < disc_mean(img, c, 0.2 * t["radius_px"]) < 220, f"no grey septum at {c}"
    for c in t["empty"]:
        b, g, r = ring_bgr(img, c, t["radius_px"], frac=0.5)
        assert abs(r - b) < 25, f"red in the empty slot at {c}"
        assert disc_mean(img, c, 0.7 * t["radius_px"]) < 0.75 * tray, f"empty slot at {c} is not a dark hole"


def test_cartridges_do_not_overlap_and_fill_a_grid():
    t = render_box(5, layout=(4, 6)).truth
    pts = np.array(t["centers"])
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1)) + np.eye(len(pts)) * 1e9
    assert d.min() > 2 * t["radius_px"]
    nearest = d.min(axis=1)
    assert nearest.max() < 1.3 * nearest.min()  # an even pitch: one grid, no strays


@pytest.mark.parametrize("kind", OCCLUDER_KINDS)
def test_an_occluder_hides_slots_and_the_box_cannot_pass(kind):
    item = render_box(7, layout=(4, 6), occluder=kind)
    t = item.truth
    assert t["occluder"] == kind and t["occluded"] and not t["should_pass"]
    assert t["occlusion"] >= HIDDEN_FRACTION
    assert item.mask is not None and item.mask.dtype == bool and item.mask.shape == (480, 640)
    slots = t["centers"] + t["empty"]
    assert any(item.mask[int(y), int(x)] for x, y in slots), "no slot centre under the occluder"
    assert t["count"] == 24  # hidden cartridges still count as present: the truth is the box, not the view


def test_occluder_pixels_differ_from_the_box_they_hide():
    plain = render_box(8, layout=(4, 6)).image.astype(int)
    item = render_box(8, layout=(4, 6), occluder="glove")
    diff = np.abs(item.image.astype(int) - plain).sum(axis=2)
    assert np.median(diff[item.mask]) > 60
    assert np.median(diff[~item.mask]) < 40


def test_same_seed_same_image_other_seed_other_image():
    a, b, c = render_box(11, occluder="hand"), render_box(11, occluder="hand"), render_box(12, occluder="hand")
    assert np.array_equal(a.image, b.image) and a.truth == b.truth
    assert not np.array_equal(a.image, c.image)


def test_truth_is_plain_json():
    t = render_box(13, empty=[(0, 0)], occluder="label").truth
    assert json.loads(json.dumps(t)) == t


def test_slots_outside_the_layout_are_refused():
    with pytest.raises(ValueError, match="outside the 3x4 layout"):
        render_box(0, layout=(3, 4), empty=[(3, 0)])


@pytest.mark.parametrize("seed", range(6))
def test_wide_style_keeps_truth_consistent(seed):
    item = render_box(seed, style="wide", empty=[(0, 0)], occluder="hand" if seed % 2 else None)
    t = item.truth
    rows, cols = t["layout"]
    assert t["expected"] == rows * cols == t["count"] + len(t["empty"])
    pts = np.array(t["centers"] + t["empty"])
    assert (pts[:, 0] >= 0).all() and (pts[:, 0] < 640).all() and (pts[:, 1] >= 0).all() and (pts[:, 1] < 480).all()
    assert t["should_pass"] is False
    assert t["occluded"] == (t["occlusion"] >= HIDDEN_FRACTION)
