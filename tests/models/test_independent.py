"""The independent renderer's truth agrees with its images: counts, centres, occlusion, defect masks, determinism."""
import numpy as np
import pytest

from models.independent import render_box, render_part
from models.independent.tray import HIDDEN

SEEDS = range(12)


@pytest.fixture(scope="module")
def boxes():
    return [render_box(np.random.default_rng(s)) for s in SEEDS]


@pytest.fixture(scope="module")
def parts():
    return [render_part(np.random.default_rng(s)) for s in range(16)]


def test_box_image_is_a_camera_frame(boxes):
    for image, _ in boxes:
        assert image.shape == (480, 640, 3) and image.dtype == np.uint8
        assert 20 < image.mean() < 235


def test_box_count_is_slots_minus_empties(boxes):
    for _, truth in boxes:
        rows, cols = truth["layout"]
        assert 3 <= rows <= 6 and 4 <= cols <= 8 or 3 <= cols <= 6 and 4 <= rows <= 8
        assert truth["expected"] == rows * cols
        assert truth["count"] == len(truth["centres"]) == truth["expected"] - len(truth["empty_centres"])
    assert any(t["count"] < t["expected"] for _, t in boxes), "some boxes should have empty slots"


def test_box_centres_lie_inside_the_frame_and_apart(boxes):
    for _, truth in boxes:
        pts = np.array(truth["centres"] + truth["empty_centres"])
        assert (pts[:, 0] > 0).all() and (pts[:, 0] < 640).all() and (pts[:, 1] > 0).all() and (pts[:, 1] < 480).all()
        gaps = np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1)) + np.eye(len(pts)) * 1e9
        assert gaps.min() > 1.5 * truth["radius_px"]


def test_a_filled_slot_looks_different_from_an_empty_one():
    seed = next(s for s in range(100) if render_box(np.random.default_rng(s))[1]["empty_centres"]
                and not render_box(np.random.default_rng(s))[1]["occluded"])
    image, truth = render_box(np.random.default_rng(seed))
    grey = image.astype(np.float32).mean(axis=2)
    r = int(truth["radius_px"] * 0.7)

    def spread(x, y):  # caps have a ring, a button and a highlight; an empty slot is a plain floor
        patch = grey[int(y) - r : int(y) + r, int(x) - r : int(x) + r]
        return patch.std()

    filled = np.median([spread(x, y) for x, y in truth["centres"]])
    empty = np.median([spread(x, y) for x, y in truth["empty_centres"]])
    assert filled > empty


def test_occluded_boxes_exist_and_name_their_occluder():
    truths = [render_box(np.random.default_rng(s))[1] for s in range(40)]
    occluded = [t for t in truths if t["occluded"]]
    assert 4 <= len(occluded) <= 20
    for t in occluded:
        assert t["occluder"] in {"glove", "hand", "pen", "screwdriver", "label"} and t["hidden_slots"] >= 1
    assert all(t["hidden_slots"] == 0 for t in truths if not t["occluded"])
    assert HIDDEN == 0.3


def test_render_is_deterministic_per_seed():
    a, ta = render_box(np.random.default_rng(7))
    b, tb = render_box(np.random.default_rng(7))
    c, _ = render_box(np.random.default_rng(8))
    assert np.array_equal(a, b) and ta == tb and not np.array_equal(a, c)
    p, tp = render_part(np.random.default_rng(3))
    q, tq = render_part(np.random.default_rng(3))
    assert np.array_equal(p, q) and tp["defect"] == tq["defect"]
    assert (tp["mask"] is None and tq["mask"] is None) or np.array_equal(tp["mask"], tq["mask"])


def test_part_masks_exist_exactly_for_defects(parts):
    kinds = set()
    for image, truth in parts:
        assert image.shape == (480, 640, 3) and image.dtype == np.uint8
        if truth["defect"] is None:
            assert truth["mask"] is None
        else:
            kinds.add(truth["defect"])
            m = truth["mask"]
            assert m.dtype == bool and m.shape == (480, 640) and 10 <= m.sum() < 0.05 * m.size
    assert len(kinds) >= 3 and any(t["defect"] is None for _, t in parts)


def test_a_defect_changes_the_pixels_under_its_mask():
    """A visible defect differs from the ring of material around it (level or texture)."""
    import cv2

    checked = 0
    for s in range(40):
        image, truth = render_part(np.random.default_rng(s))
        if truth["defect"] is None:
            continue
        m = truth["mask"].astype(np.uint8)
        ring = cv2.dilate(m, np.ones((9, 9), np.uint8)) - cv2.dilate(m, np.ones((3, 3), np.uint8))
        grey = image.astype(np.float32).mean(axis=2)
        inside, around = grey[m > 0], grey[ring > 0]
        assert abs(np.median(inside) - np.median(around)) > 3 or inside.std() > around.std() + 3, (s, truth["defect"])
        checked += 1
    assert checked >= 10
