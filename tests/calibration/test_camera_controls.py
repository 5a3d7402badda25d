"""Camera controls: named ranges, refusals that name the value and the limit, and the synthetic camera answering each
control as a sensor and lens would."""
import math

import numpy as np
import pytest

from hardware.cameras import SyntheticCamera
from hardware.synthetic import render_box
from inspector.calibration import focus_score
from inspector.camera_controls import RANGES, CameraControls, ControlError, check, make_controls
from inspector.clock import ManualClock
from inspector.config import ConfigError, parse_station


@pytest.fixture
def camera():
    cam = SyntheticCamera(paced=False)
    cam.open()
    cam.show(render_box(np.random.default_rng(3), layout=(4, 6)))
    yield cam
    cam.close()


def frame(cam, **controls):
    cam.apply_controls(cam.controls.with_(**controls))
    return cam.read(0.1).image


@pytest.mark.parametrize("name, value, words", [
    ("exposure", -1, ["exposure -1 ms", "minimum 0.1 ms"]),
    ("exposure", 500, ["exposure 500 ms", "maximum 200 ms"]),
    ("gain", 101, ["gain 101", "maximum 100"]),
    ("wb_temperature", 1000, ["wb_temperature 1000 K", "minimum 2500 K"]),
    ("focus", 300, ["focus 300", "maximum 255"]),
    ("brightness", -65, ["brightness -65", "minimum -64"]),
    ("width", 100, ["width 100 px", "minimum 160 px"]),
    ("fps", 0, ["fps 0 fps", "minimum 1 fps"]),
])
def test_out_of_range_values_are_refused_naming_value_and_limit(name, value, words):
    with pytest.raises(ControlError) as refused:
        check(name, value)
    for word in words:
        assert word in str(refused.value)
    with pytest.raises(ControlError, match=name):
        CameraControls().with_(**{name: value})


def test_nan_unknown_and_non_numbers_are_refused():
    with pytest.raises(ControlError, match="exposure nan"):
        check("exposure", math.nan)
    with pytest.raises(ControlError, match="unknown camera control 'iso'"):
        make_controls({"iso": 100})
    with pytest.raises(ControlError, match="'bright' is not a number"):
        check("gain", "bright")


def test_every_default_lies_in_its_range():
    for spec in RANGES.values():
        assert spec.low <= spec.default <= spec.high, spec.name
    assert make_controls({"width": 800.4, "height": 600}).size == (800, 600)


def test_a_station_file_with_a_bad_control_names_key_value_and_limit():
    with pytest.raises(ConfigError, match=r"camera\.controls\.exposure = -2.*minimum 0.1 ms"):
        parse_station({"camera": {"controls": {"exposure": -2}}}, "station.toml")


def test_default_controls_leave_the_rendered_frame_untouched(camera):
    item = render_box(np.random.default_rng(3), layout=(4, 6))
    camera.show(item)
    assert np.shares_memory(camera.read(0.1).image, item.image)


def test_more_exposure_gain_or_brightness_gives_brighter_frames(camera):
    means = [frame(camera, exposure=e).mean() for e in (2, 5, 10, 15)]
    assert means == sorted(means) and means[-1] > means[0] + 60
    frame(camera, exposure=5)
    gains = [frame(camera, gain=g).mean() for g in (0, 10, 20)]
    assert gains == sorted(gains) and gains[-1] > gains[0] + 30
    levels = [frame(camera, brightness=b).mean() for b in (-30, 0, 30)]
    assert levels == sorted(levels) and levels[-1] > levels[0] + 60


def test_focus_is_sharpest_at_the_in_focus_setting(camera):
    scores = {f: focus_score(frame(camera, focus=f)) for f in (68, 98, 118, 128, 138, 158, 188)}
    assert max(scores, key=scores.get) == 128
    assert scores[68] < scores[98] < scores[118] < scores[128] > scores[138] > scores[158] > scores[188]
    assert scores[128] > 5 * scores[98]


def test_white_balance_shifts_the_colour(camera):
    warm_set = frame(camera, wb_temperature=3000).reshape(-1, 3).mean(0)  # balanced for warm light: bluer
    cool_set = frame(camera, wb_temperature=8000).reshape(-1, 3).mean(0)
    assert warm_set[0] - warm_set[2] > cool_set[0] - cool_set[2] + 30


def test_resolution_and_frame_rate_are_honoured():
    clock = ManualClock(0.0)
    cam = SyntheticCamera(clock=clock, fps=30)
    cam.open()
    cam.apply_controls(cam.controls.with_(width=320, height=240, fps=10))
    assert cam.fps == 10
    clock.set(0.3)
    first = cam.read(1.0)
    assert first.image.shape == (240, 320, 3)
    assert cam.dropped == 2  # exposures at 0.1 and 0.2 went unread: 10 per second, not 30
    clock.set(0.4)
    assert cam.read(1.0).t - first.t == pytest.approx(0.1)
