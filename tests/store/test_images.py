"""Which images are kept, what they are called, how they are encoded."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspector.store import ImageFiles, ImagePolicy, pass_sample_point


def test_every_part_that_is_not_a_pass_keeps_its_image(record):
    policy = ImagePolicy(keep_pass_fraction=0.0)
    assert all(policy.keeps(record(i, outcome=o)) for i, o in enumerate(["reject", "uncertain", "fail_safe"]))
    assert not any(policy.keeps(record(i)) for i in range(1, 1000))


@pytest.mark.parametrize("fraction", [0.01, 0.1, 0.5])
def test_the_kept_fraction_of_passes_is_close_to_the_setting(record, fraction):
    policy = ImagePolicy(keep_pass_fraction=fraction)
    kept = sum(policy.keeps(record(i)) for i in range(1, 10_001))
    assert kept == pytest.approx(10_000 * fraction, rel=0.05)


def test_the_choice_depends_on_the_part_id_only(record):
    a, b = ImagePolicy(keep_pass_fraction=0.1), ImagePolicy(keep_pass_fraction=0.1)
    chosen = [i for i in range(1, 2001) if a.keeps(record(i))]
    assert chosen == [i for i in range(1, 2001) if b.keeps(record(i, run_id="another", confidence=0.5))]
    assert all(0.0 <= pass_sample_point(i) < 1.0 for i in chosen)


def test_a_file_is_named_by_day_and_part_id(record):
    policy = ImagePolicy(format="png")
    assert str(policy.relative_path(record(123))) == "images/2026-11-22/00000123.png"
    assert str(ImagePolicy().relative_path(record(7), "img")) == "img/2026-11-22/00000007.jpg"


def test_settings_out_of_range_are_refused():
    with pytest.raises(ValueError):
        ImagePolicy(keep_pass_fraction=1.5)
    with pytest.raises(ValueError):
        ImagePolicy(format="bmp")


def _scene() -> np.ndarray:
    image = np.zeros((120, 160, 3), np.uint8)
    cv2.circle(image, (80, 60), 30, (40, 200, 90), -1)
    return image + np.random.default_rng(0).integers(0, 20, image.shape, dtype=np.uint8)


def test_jpeg_quality_sets_the_size_and_png_is_lossless(tmp_path, record):
    image = _scene()
    small = len(ImagePolicy(jpeg_quality=30).encode(image))
    large = len(ImagePolicy(jpeg_quality=95).encode(image))
    assert small < large
    files = ImageFiles(tmp_path / "images", ImagePolicy(format="png"))
    relative = files.write(record(5), image)
    assert np.array_equal(cv2.imread(str(tmp_path / relative)), image)
    assert [p.name for p in (tmp_path / "images" / "2026-11-22").iterdir()] == ["00000005.png"]
