"""The recipe's camera reference and the warnings it gives, and the preview of trial controls drawn on a frame of the
running line (what a frame can show, and what it cannot)."""
import hashlib
import json

import numpy as np
import pytest

from inspector.calibration import Calibration, reference_for, reference_warnings
from inspector.calibration_trial import emulate
from inspector.camera_controls import CameraControls
from inspector.config import ConfigError, Recipe, load_recipe

BOX = dict(name="box-24", product="box", models=["cartridge_counter"], expected_count=24, layout=(4, 6))


def write_recipe(tmp_path, extra: str):
    path = tmp_path / "box-24.toml"
    path.write_text('name = "box-24"\nproduct = "box"\nmodels = ["cartridge_counter"]\nexpected_count = 24\n' + extra)
    return path


def test_a_recipe_without_a_reference_keeps_the_hash_it_had_before_references_existed():
    recipe = Recipe(**BOX)
    dump = recipe.model_dump(mode="json")
    dump.pop("camera_reference")
    assert recipe.sha256 == hashlib.sha256(json.dumps(dump, sort_keys=True).encode()).hexdigest()
    assert Recipe(**BOX, camera_reference={"focus": 128}).sha256 != recipe.sha256


def test_the_recipe_reference_is_read_from_toml_and_bad_values_are_named(tmp_path):
    recipe = load_recipe(write_recipe(tmp_path, "[camera_reference]\nfocus = 140\nexposure = 8.0\n"))
    assert (recipe.camera_reference.focus, recipe.camera_reference.exposure) == (140, 8.0)
    assert recipe.camera_reference.focus_tolerance == 24 and recipe.camera_reference.exposure_factor == 2
    with pytest.raises(ConfigError) as bad:
        load_recipe(write_recipe(tmp_path, "[camera_reference]\nfocus = 300\n"))
    assert "camera_reference.focus = 300" in str(bad.value) and "above the maximum 255" in str(bad.value)


def test_focus_or_exposure_far_from_the_reference_warns_and_near_it_does_not():
    recipe = Recipe(**BOX, camera_reference={"focus": 128, "exposure": 10, "focus_tolerance": 20})
    reference = reference_for(recipe, Calibration())
    assert reference.source == "recipe box-24"
    assert reference_warnings(CameraControls(focus=110, exposure=19), reference) == []
    (focus,) = reference_warnings(CameraControls(focus=0), reference)
    assert focus.startswith("focus 0 is 128 steps from the recipe box-24 reference 128 (tolerance ±20)")
    (dark,) = reference_warnings(CameraControls(exposure=2.5), reference)
    assert dark == "exposure 2.5 ms is 4.0x below the recipe box-24 reference 10 ms (limit 2x)"


def test_without_a_recipe_reference_the_last_saved_values_are_the_reference():
    saved = Calibration(CameraControls(focus=90, exposure=20))
    reference = reference_for(Recipe(**BOX), saved)
    assert reference.source == "last saved" and (reference.values.focus, reference.values.exposure) == (90, 20)
    assert reference_warnings(CameraControls(focus=90, exposure=20), reference) == []
    assert len(reference_warnings(CameraControls(focus=128, exposure=20), reference)) == 1


def test_a_trial_drawn_on_a_frame_shows_light_colour_and_size_but_not_focus():
    rng = np.random.default_rng(0)
    frame = rng.integers(40, 100, (120, 160, 3), dtype=np.uint8)
    actual = CameraControls(width=160, height=120)
    same, missing = emulate(frame, actual, actual)
    assert np.array_equal(same, frame) and missing == []
    brighter, _ = emulate(frame, actual, actual.with_(exposure=20))
    assert brighter.mean() == pytest.approx(2 * frame.mean(), rel=0.01)
    gained, _ = emulate(frame, actual, actual.with_(gain=20))  # 20 gain steps double the signal, as the sensor's
    assert gained.mean() == pytest.approx(brighter.mean(), rel=0.01)
    bluer, _ = emulate(frame, actual, actual.with_(wb_temperature=3000))
    assert bluer[..., 0].mean() > frame[..., 0].mean() + 10 and bluer[..., 2].mean() < frame[..., 2].mean() - 10
    smaller, missing = emulate(frame, actual, actual.with_(width=320, height=240, focus=60, fps=15))
    assert smaller.shape == (240, 320, 3) and missing == ["focus", "fps"]
