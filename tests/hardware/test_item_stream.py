"""The item stream: deterministic, random-access, with the rates it was asked for."""
import time

import numpy as np
import pytest

from hardware.synthetic import ItemStream, render_empty


def test_same_seed_gives_identical_items():
    a, b = ItemStream("box", seed=5), ItemStream("box", seed=5)
    for _ in range(3):
        x, y = a.next(), b.next()
        assert np.array_equal(x.image, y.image) and x.truth == y.truth
    assert not np.array_equal(ItemStream("box", seed=6).next().image, ItemStream("box", seed=5).next().image)


def test_pool_renders_ahead_the_items_next_would_give():
    s = ItemStream("part", seed=1, defect_rate=0.5)
    pooled = s.pool(3)
    assert s.index == 3
    assert [p.truth["index"] for p in pooled] == [0, 1, 2]
    assert np.array_equal(pooled[1].image, s.render(1).image)
    assert s.next().truth["index"] == 3
    assert all(p.truth["seed"] == 1 for p in pooled)


def test_boxes_come_with_the_asked_rates():
    items = ItemStream("box", seed=2, missing_rate=0.3, occlusion_rate=0.2).pool(60)
    missing = sum(t.truth["count"] < t.truth["expected"] for t in items)
    occluded = sum(t.truth["occluder"] is not None for t in items)
    assert 8 <= missing <= 30 and 4 <= occluded <= 22
    for t in (i.truth for i in items):
        assert t["should_pass"] == (t["count"] == t["expected"] and not t["occluded"])
        assert t["layout"] == [4, 6]


def test_parts_come_with_the_asked_rate_and_kinds():
    items = ItemStream("part", seed=3, defect_rate=0.5, defects=("crack", "spot")).pool(40)
    kinds = {i.truth["defect"] for i in items}
    assert kinds == {None, "crack", "spot"}
    assert 10 <= sum(not i.truth["should_pass"] for i in items) <= 30


def test_a_clean_stream_only_passes():
    items = ItemStream("box", seed=4, missing_rate=0, occlusion_rate=0, layout=(3, 4)).pool(5)
    assert all(i.truth["should_pass"] and i.truth["expected"] == 12 for i in items)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="allowed: box, part"):
        ItemStream("bottle")
    with pytest.raises(ValueError, match="subset"):
        ItemStream("part", defects=("rust",))
    with pytest.raises(ValueError, match="allowed: line, wide"):
        ItemStream("box", style="fancy")


def test_the_empty_belt_is_cached_and_read_only():
    a = render_empty((640, 480))
    assert a is render_empty((640, 480)) and not a.image.flags.writeable and a.truth["kind"] == "empty"


def test_rendering_is_fast_enough_for_a_live_simulation():
    s = ItemStream("box", seed=7)
    s.render(0)  # sprites are cached on first use
    t0 = time.perf_counter()
    s.pool(8)
    assert (time.perf_counter() - t0) / 8 < 0.06  # ~6 ms here; loose for slow CI
