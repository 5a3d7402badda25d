"""The wide style's part families: outlines with their openings cut, where edge cracks start and which way they run,
crisp drop stains."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.synthetic.defects import _drops, crack
from hardware.synthetic.part_shapes import FAMILY_SHAPES, Form, draw_family, edge_start, rim_light

C, R = np.array([150.0, 150.0]), 100.0


def outline(shape: str, **form) -> tuple[np.ndarray, list]:
    m = np.zeros((300, 300), np.uint8)
    holes = draw_family(m, shape, C, R, 0.0, 4, Form(**{"bore": 0.3, "teeth": 20, **form}))
    for centre, r in holes:
        cv2.circle(m, tuple(int(v) for v in np.round(centre)), int(r), 0, -1)
    return m, holes


@pytest.mark.parametrize("shape", FAMILY_SHAPES)
def test_each_family_draws_a_part_inside_its_radius_with_its_holes_open(shape):
    m, holes = outline(shape, harmonics=((0.05, 0.3), (0.03, 1.0)))
    ys, xs = np.nonzero(m > 127)
    assert len(xs) > 2000 and np.hypot(xs - C[0], ys - C[1]).max() <= R + 2
    for centre, r in holes:
        assert m[int(centre[1]), int(centre[0])] == 0 and r > 0


def test_bracket_slots_are_cut_through_and_a_lever_has_two_bosses():
    m, _ = outline("bracket", aspect=0.5, bore=0.15)
    assert m[150, 150 + 55] == 0 and m[150, 150 - 55] == 0  # the slots' centres
    assert m[150, 150 + 22] == 255 and m[150 - 30, 150 + 55] == 255  # material between bore and slot, beside a slot
    lever, holes = outline("lever")
    assert len(holes) == 2 and lever[150, 150 - 50 + 30] == 255  # the big boss's ring around its hole


def test_unknown_family_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown part family 'star'"):
        draw_family(np.zeros((10, 10), np.uint8), "star", C, R, 0.0, 0, Form())


def test_an_edge_crack_starts_at_the_edge_and_runs_into_the_material():
    m, _ = outline("ring", bore=0.5)
    dist = cv2.distanceTransform((m > 127).astype(np.uint8), cv2.DIST_L2, 3)
    for seed in range(5):
        rng = np.random.default_rng(seed)
        at, heading = edge_start(dist, rng)
        assert 1.0 < dist[int(at[1]), int(at[0])] <= 2.5
        ahead = at + 8 * np.array([np.cos(heading), np.sin(heading)])
        assert dist[int(round(ahead[1])), int(round(ahead[0]))] > dist[int(at[1]), int(at[0])]
        lines = crack(m.shape, at, R, rng, varied=True, heading=heading)
        ys, xs = np.nonzero(lines > 0.25)
        along = (xs - at[0]) * np.cos(heading) + (ys - at[1]) * np.sin(heading)
        assert (along > -3).mean() > 0.9  # one way, not both ways from the start


def test_drops_are_a_compact_crisp_stain():
    for seed in range(5):
        stain = _drops((300, 300), C, R, np.random.default_rng(seed))
        ys, xs = np.nonzero(stain > 0.25)
        assert len(xs) >= 12 and np.ptp(xs) <= 60 and np.ptp(ys) <= 60
        assert stain.max() > 0.6  # opaque in its middle, unlike a faint smear


def test_rim_light_changes_only_the_band_along_the_edges():
    m, _ = outline("hex")
    solid = (m > 127).astype(np.uint8)
    gain = rim_light(solid, np.random.default_rng(1))
    dist = cv2.distanceTransform(solid, cv2.DIST_L2, 3)
    assert np.allclose(gain[dist > 15], 1.0, atol=1e-3) and np.allclose(gain[solid == 0], 1.0)
    assert np.abs(gain[(dist > 0) & (dist < 2)] - 1).mean() > 0.03


@pytest.mark.parametrize("degrees", [0, 5, 15, 45])
def test_a_turned_plate_keeps_its_corners_inside_the_render_window(degrees):
    from hardware.synthetic.part import _outline, half_extent

    radius, aspect = 60.0, 1.5
    side = 2 * int(half_extent("plate", radius, aspect)) + 9
    c = np.array([side / 2, side / 2])
    m, _ = _outline("plate", (side, side), c, radius, np.radians(degrees), aspect, 4)
    border = np.concatenate([m[0], m[-1], m[:, 0], m[:, -1]])
    assert border.max() == 0 and (m > 127).sum() > 0.9 * 4 * radius * radius * aspect
