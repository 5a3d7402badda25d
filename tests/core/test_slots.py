"""The box lattice fitted to detected cartridges: which slots are empty, wherever the box lies."""
import numpy as np
import pytest

from hardware.synthetic import ItemStream, render_box
from inspector.slots import empty_slots, fit_slots


def lattice(rows=4, cols=6, *, pitch=50.0, angle_deg=0.0, centre=(320, 240), skip=(), noise=0.0, seed=0):
    """Slot centres of a rows x cols box (row-major), without the slots in ``skip``."""
    a = np.radians(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    grid = np.array([[(c - (cols - 1) / 2) * pitch, (r - (rows - 1) / 2) * pitch] for r in range(rows) for c in range(cols)])
    slots = grid @ rot.T + np.asarray(centre)
    keep = [i for i in range(rows * cols) if divmod(i, cols) not in set(skip)]
    rng = np.random.default_rng(seed)
    return slots, [[x + rng.normal(0, noise), y + rng.normal(0, noise), 0.9] for x, y in slots[keep]]


def test_a_full_box_has_no_empty_slot_and_every_centre_is_found():
    slots, points = lattice()
    fit = fit_slots(points, (4, 6))
    assert fit is not None and fit.filled.all() and not fit.ambiguous
    assert len(fit.empty) == 0
    assert np.abs(np.sort(fit.centres, axis=0) - np.sort(slots, axis=0)).max() < 0.5


@pytest.mark.parametrize("angle", [-14.0, -3.0, 0.0, 7.5, 40.0, 90.0])
@pytest.mark.parametrize("missing", [[(1, 2)], [(0, 0)], [(3, 5), (2, 1)], [(0, 3), (3, 0), (1, 1), (2, 4)]])
def test_the_empty_slots_are_where_cartridges_are_missing_at_any_angle(angle, missing):
    slots, points = lattice(angle_deg=angle, skip=missing, noise=1.5)
    found = empty_slots(points, (4, 6))
    expected = slots[[r * 6 + c for r, c in missing]]
    assert len(found) == len(missing)
    for x, y in expected:
        assert np.hypot(*(found - (x, y)).T).min() < 6


def test_a_box_turned_a_quarter_turn_still_fits_its_layout():
    slots, points = lattice(rows=6, cols=4, angle_deg=3, skip=[(5, 0)])  # 6 rows x 4 cols on screen, a 4 x 6 box
    found = empty_slots(points, (4, 6))
    assert len(found) == 1 and np.hypot(*(found[0] - slots[5 * 4 + 0])) < 3


def test_empty_slots_match_the_simulator_truth_for_rendered_boxes():
    stream = ItemStream("box", seed=5, layout=(4, 6), missing_rate=1.0, occlusion_rate=0.0)
    for _ in range(12):
        truth = stream.next().truth
        found = empty_slots([[x, y, 1.0] for x, y in truth["centers"]], (4, 6))
        assert len(found) == len(truth["empty"])
        for x, y in truth["empty"]:
            assert np.hypot(*(found - (x, y)).T).min() < truth["radius_px"] / 2


def test_a_slanted_camera_is_followed_by_the_projective_fit():
    rng = np.random.default_rng(3)
    box = render_box(rng, layout=(4, 6), empty=[(2, 3)], style="wide", size=(640, 480))
    found = empty_slots([[x, y, 1.0] for x, y in box.truth["centers"]], box.truth["layout"])
    (x, y), = box.truth["empty"]
    assert len(found) == 1 and np.hypot(found[0, 0] - x, found[0, 1] - y) < box.truth["radius_px"] / 2


def test_a_whole_empty_edge_column_is_flagged_ambiguous():
    _, points = lattice(skip=[(r, 5) for r in range(4)])
    fit = fit_slots(points, (4, 6))
    assert fit is not None and fit.ambiguous and len(fit.empty) == 4


@pytest.mark.parametrize("points", [
    [],
    [[10, 10, 1], [60, 10, 1]],                                   # too few to find a lattice
    lattice(rows=5, cols=6)[1],                                   # more items than slots
    [[x, 10, 1] for x in range(0, 300, 50)],                      # a single row: no second direction
    [[float(x), float(y), 1] for x, y in np.random.default_rng(1).uniform(0, 600, (20, 2))],  # scattered
])
def test_no_fit_when_points_cannot_be_the_box(points):
    assert fit_slots(points, (4, 6)) is None
    assert empty_slots(points, (4, 6)).shape == (0, 2)


def test_fitting_is_fast_enough_for_every_part():
    import time

    _, points = lattice(angle_deg=4, skip=[(1, 1)], noise=1.0)
    start = time.perf_counter()
    for _ in range(100):
        fit_slots(points, (4, 6))
    assert (time.perf_counter() - start) / 100 < 0.003
