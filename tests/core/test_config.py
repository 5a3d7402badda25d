import pytest

from inspector.config import ConfigError, load_recipe, load_station, parse_recipe, parse_station


def test_no_station_file_means_the_simulated_line():
    station = load_station(None)
    assert station.simulated
    assert station.camera.backend == "synthetic" and station.gpio.pin_factory == "mock"


def test_station_file_round_trip(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text('recipe = "surface-part"\n[timing]\ntravel_s = 0.8\npulse_s = 0.1\n[camera]\nroi = [10, 20, 300, 200]\n')
    station = load_station(path)
    assert station.timing.travel_s == 0.8 and station.camera.roi == (10, 20, 300, 200)


@pytest.mark.parametrize(
    "data, names",
    [
        ({"timing": {"travel_s": -1}}, ["timing.travel_s", "-1", "greater than 0"]),
        ({"camera": {"backend": "usb"}}, ["camera.backend", "'usb'", "'synthetic', 'opencv', 'folder', 'picamera2', 'gstreamer' or 'genicam'"]),
        ({"camera": {"roi": [600, 0, 100, 100]}}, ["camera", "roi [600, 0, 100, 100]", "640x480"]),
        ({"timing": {"travel_s": 0.1}}, ["travel_s 0.1", "frame_timeout_s 0.15"]),
        ({"queue_size": 0}, ["queue_size", "0", "greater than or equal to 1"]),
        ({"camara": {}}, ["camara", "Extra inputs are not permitted"]),
    ],
)
def test_a_bad_value_is_refused_naming_key_value_and_limit(data, names):
    with pytest.raises(ConfigError) as refused:
        parse_station(data, "station.toml")
    message = str(refused.value)
    assert message.startswith("station.toml: ")
    for name in names:
        assert name in message


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text("[timing\ntravel_s = 1")
    with pytest.raises(ConfigError, match="station.toml: not valid TOML"):
        load_station(path)


def test_shipped_recipes_load_and_hash_stably():
    box = load_recipe("cartridge-box")
    assert box.expected_count == 24 and box.product == "box"
    assert load_recipe("cartridge-box").sha256 == box.sha256
    assert load_recipe("surface-part").pass_below <= load_recipe("surface-part").reject_at


def test_unknown_recipe_lists_the_known_ones():
    with pytest.raises(ConfigError, match="known recipes: .*cartridge-box"):
        load_recipe("no-such-product")


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"fail_safe": "pass"}, "fail_safe"),
        ({"pass_below": 0.9, "reject_at": 0.5}, "pass_below 0.9 must not exceed reject_at 0.5"),
        ({"expected_count": None}, "a box recipe needs expected_count"),
        ({"layout": [4, 5]}, "holds 20, not expected_count 24"),
    ],
)
def test_recipe_rules_are_checked(change, fragment):
    data = {"name": "b", "product": "box", "models": ["m"], "expected_count": 24} | change
    with pytest.raises(ConfigError, match=fragment):
        parse_recipe(data)
