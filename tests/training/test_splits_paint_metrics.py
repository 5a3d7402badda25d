"""Grouped, seeded splits; defects painted onto good images; the ranking metrics the manifest reports."""
from __future__ import annotations

import numpy as np
import pytest

from inspector.training.metrics import auroc, average_precision, platt
from inspector.training.paint import FAMILIES, paint_defect
from inspector.training.samples import Sample
from inspector.training.splits import split_samples

from .conftest import surface


def _samples(n_lots: int = 30, per_lot: int = 3) -> list[Sample]:
    out = []
    for lot in range(n_lots):
        for i in range(per_lot):
            label = "defect" if lot % 3 == 0 else "good"
            out.append(Sample(path=f"x/{lot}_{i}.png", key=f"{lot}_{i}", label=label, group=f"lot{lot}"))
    return out


def test_no_group_lands_in_two_splits_and_each_split_holds_both_outcomes():
    splits = split_samples(_samples(), seed=4)
    seen = {}
    for name in ("train", "validation", "test"):
        items = getattr(splits, name)
        assert {s.label for s in items} == {"good", "defect"}
        for s in items:
            assert seen.setdefault(s.group, name) == name
    assert sum(len(getattr(splits, n)) for n in ("train", "validation", "test")) == 90


def test_the_seed_decides_the_split_and_is_recorded():
    a, b, c = (split_samples(_samples(), seed=s) for s in (1, 1, 2))
    assert [s.key for s in a.test] == [s.key for s in b.test]
    assert [s.key for s in a.test] != [s.key for s in c.test]
    described = a.describe()
    assert described["seed"] == 1 and described["test"]["keys"] == [s.key for s in a.test]
    assert described["train"]["labels"]["good"] + described["train"]["labels"]["defect"] == len(a.train)


@pytest.mark.parametrize("family", FAMILIES)
def test_a_painted_defect_changes_the_image_where_its_mask_is(family):
    rng = np.random.default_rng(3)
    grey = np.repeat(surface(rng, (160, 200))[..., None], 3, axis=2)
    painted, mask, got = paint_defect(grey, np.random.default_rng(11), family=family, scale=80)
    assert got == family and mask.shape == (160, 200) and 0 < mask.sum() < mask.size * 0.5
    changed = np.abs(painted.astype(int) - grey.astype(int)).max(axis=2) > 8
    near = np.zeros_like(mask)
    ys, xs = np.nonzero(mask)
    near[max(ys.min() - 12, 0):ys.max() + 13, max(xs.min() - 12, 0):xs.max() + 13] = True
    assert changed[mask].mean() > 0.3  # the defect shows on its pixels ...
    assert not changed[~near].any()  # ... and nowhere far from them
    assert np.array_equal(painted[..., 0], painted[..., 2])  # a grey image stays grey


def test_auroc_and_average_precision_match_hand_counts():
    labels = [1, 0, 1, 0, 0]
    scores = [0.9, 0.8, 0.3, 0.2, 0.3]
    assert auroc(labels, scores) == pytest.approx((3 + 1.5) / 6)  # 0.9 beats 3; 0.3 beats 0.2, ties 0.3
    assert average_precision([1, 0, 1], [0.9, 0.8, 0.7]) == pytest.approx((1 + 2 / 3) / 2)
    assert auroc([1, 1], [0.1, 0.2]) is None and average_precision([0, 0], [0.1, 0.2]) is None


def test_platt_scaling_recovers_a_known_temperature_and_offset():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, 4000)
    y = rng.random(4000) < 1 / (1 + np.exp(-(z - 1.0) / 2.0))
    temperature, offset = platt(z, y)
    assert temperature == pytest.approx(2.0, rel=0.15) and offset == pytest.approx(1.0, abs=0.3)


def test_the_frame_is_the_median_image_size_to_a_multiple_of_16_and_large_images_shrink_least():
    from inspector.training.defect_net import frame_size

    assert frame_size([(600, 250), (620, 260), (100, 400)]) == (256, 608)  # (height, width)
    assert frame_size([(5000, 4000)]) == (1632, 2048)  # longest side 2048, aspect kept
    assert frame_size([(20, 10)]) == (16, 16)
