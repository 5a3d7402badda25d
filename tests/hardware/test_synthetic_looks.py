"""The box look families of domain randomisation: they vary surfaces, trays, slots, caps and light, keep the truth
consistent, and never touch the line's renders."""
from __future__ import annotations

import numpy as np
import pytest

from hardware.synthetic import LINE, WIDE, render_box
from hardware.synthetic import looks as lk

ALL_ON = dict(surfaces=WIDE.surfaces, slot_shapes=WIDE.slot_shapes, cap_styles=WIDE.cap_styles, dividers=1.0,
              tray_texture=(0.1, 0.1), light_tint=0.2, box_rotation_deg=None)


def test_look_families_stay_off_without_box_looks():
    inert = LINE.with_(**ALL_ON)  # families listed, box_looks 0: the line's renders, draw for draw
    for seed in range(3):
        a, b = render_box(seed, style=LINE, empty=[(1, 1)]), render_box(seed, style=inert, empty=[(1, 1)])
        assert a.truth == {**b.truth, "style": "line"}
        assert np.abs(a.image.astype(int) - b.image.astype(int)).max() <= 1


@pytest.mark.parametrize("family", WIDE.surfaces)
def test_each_surface_is_a_textured_frame(family):
    img = lk.surface(np.random.default_rng(1), family, WIDE, (640, 480))
    assert img.shape == (480, 640, 3) and img.dtype == np.uint8
    assert img.astype(np.float32).std(axis=(0, 1)).max() > 1.0  # texture, not a flat fill


def test_an_unknown_surface_is_named():
    with pytest.raises(ValueError, match="'marble'.*allowed"):
        lk.surface(np.random.default_rng(0), "marble", WIDE, (640, 480))


@pytest.mark.parametrize("kind", WIDE.cap_styles[1:])
def test_cap_styles_are_round_opaque_discs_with_their_own_shading(kind):
    style = lk.CapStyle(kind=kind, base=(40, 120, 220), accent=(200, 200, 200), shine=0.6, band=(0.4, 0.55),
                        dot=0.1, dome=0.8)
    sprite = lk.cap_sprite(20.0, style, 225)
    n = sprite.alpha.shape[0]
    assert sprite.alpha[n // 2, n // 2] == pytest.approx(1.0) and sprite.alpha[0, 0] == 0.0
    assert sprite.alpha.sum() == pytest.approx(np.pi * 20.0**2, rel=0.05)
    flat = lk.cap_sprite(20.0, lk.CapStyle("flat", (40, 120, 220), (40, 120, 220), 0.0, (0, 0), 0.0, 0.8), 225)
    if kind != "flat":
        assert not np.array_equal(sprite.color, flat.color)


@pytest.mark.parametrize("shape", ["square", "ring", "flat"])
def test_slot_shapes_darken_the_slot_or_leave_the_tray(shape):
    look = lk.draw_look(np.random.default_rng(3), WIDE.with_(slot_shapes=(shape,)))
    gain = lk.slot_gain(look, 20.0, 0.3, 225)
    assert gain is not None and gain.ndim == 3 and gain.max() <= 1.0 + 1e-6
    c = gain.shape[0] // 2
    assert (gain[c, c, 0] < 1.0) == (shape != "flat")


@pytest.mark.parametrize("seed", range(12))
def test_every_wide_look_keeps_the_truth_consistent(seed):
    knobs = WIDE.with_(box_looks=1.0)
    item = render_box(seed, style=knobs, empty=[(0, 0)], occluder=("tape", None, "glove", "tool")[seed % 4])
    t = item.truth
    rows, cols = t["layout"]
    assert t["expected"] == rows * cols == t["count"] + 1
    pts = np.array(t["centers"] + t["empty"])
    assert (pts >= 0).all() and (pts[:, 0] < 640).all() and (pts[:, 1] < 480).all()
    assert t["occluded"] == (t["occlusion"] >= 0.3)
    assert (item.mask is None) == (t["occluder"] is None)


def test_wide_looks_differ_from_box_to_box():
    knobs = WIDE.with_(box_looks=1.0)
    means = [render_box(s, style=knobs, layout=(4, 6)).image.reshape(-1, 3).mean(0) for s in range(6)]
    assert np.ptp(np.array(means), axis=0).max() > 30


def test_random_colours_come_from_the_whole_hue_circle():
    rng = np.random.default_rng(0)
    cols = np.array([lk.random_bgr(rng, (0.8, 1.0), (0.8, 1.0)) for _ in range(200)])
    assert (cols.argmax(axis=1)[:, None] == np.arange(3)).any(axis=0).all()  # blue, green and red dominant ones


def test_an_empty_slot_can_show_a_floor_of_its_own():
    knobs = WIDE.with_(box_looks=1.0, perspective=0.0)
    looks = [lk.draw_look(np.random.default_rng(s), knobs) for s in range(40)]
    floors = [look.floor for look in looks if look.floor is not None]
    assert 5 < len(floors) < 35  # some looks do, some keep the shaded tray
    assert sum(max(f) < 90 for f in floors) > len(floors) / 2  # mostly dark: foam, card in shadow
    sprite = lk.floor_sprite(10.0, (5, 6, 7))
    c = sprite.alpha.shape[0] // 2
    assert sprite.alpha[c, c] == 1.0 and sprite.alpha[0, 0] == 0.0 and tuple(sprite.color[c, c]) == (5, 6, 7)
