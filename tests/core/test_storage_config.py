"""The station file's [storage] section and the recipe's record_not_durable: sizes in words, every bad value named."""
from __future__ import annotations

import pytest

from inspector.config import ConfigError, parse_recipe, parse_station


def test_sizes_may_be_bytes_or_words_with_units():
    storage = parse_station({"storage": {"image_quota": "20 GB", "disk_warn_free": "2 GiB", "reserve": "8 MiB",
                                         "disk_critical_free": 1_000_000, "max_image_age_days": 90}}).storage
    assert storage.image_quota == 20 * 10**9 and storage.disk_warn_free == 2 << 30
    assert storage.reserve == 8 << 20 and storage.disk_critical_free == 1_000_000
    assert storage.max_image_age_days == 90


def test_defaults_keep_a_reserve_and_watch_the_disk_but_prune_nothing():
    storage = parse_station({}).storage
    assert storage.image_quota is None and storage.max_image_age_days is None
    assert storage.reserve > 0 and storage.disk_critical_free < storage.disk_warn_free


@pytest.mark.parametrize("values, said", [
    ({"image_quota": "lots"}, "station.toml: storage.image_quota = 'lots': a size is a number of bytes"),
    ({"image_quota": True}, "station.toml: storage.image_quota = True: a size is"),
    ({"image_quota": -5}, "station.toml: storage.image_quota = -5: Input should be greater than or equal to 0"),
    ({"max_image_age_days": 0}, "station.toml: storage.max_image_age_days = 0: Input should be greater than 0"),
    ({"reserve": "2 GiB"}, "station.toml: storage.reserve = '2 GiB': Input should be less than or equal to"),
    ({"disk_warn_free": "1 MB", "disk_critical_free": "2 MB"},
     "station.toml: storage: disk_critical_free 2000000 must not exceed disk_warn_free 1000000"),
    ({"max_commit_lag_s": 0}, "station.toml: storage.max_commit_lag_s = 0: Input should be greater than 0"),
    ({"quota": "1 GB"}, "station.toml: storage.quota = '1 GB': Extra inputs are not permitted"),
])
def test_every_bad_storage_value_is_refused_with_key_value_and_rule(values, said):
    with pytest.raises(ConfigError) as refused:
        parse_station({"storage": values}, "station.toml")
    assert said in str(refused.value)


def test_the_recipe_says_whether_the_line_rejects_or_stops_while_records_are_not_durable():
    base = {"name": "t", "product": "part", "models": ["m"]}
    assert parse_recipe(base).record_not_durable == "reject"
    assert parse_recipe({**base, "record_not_durable": "stop"}).record_not_durable == "stop"
    with pytest.raises(ConfigError, match="r.toml: record_not_durable = 'pass': Input should be 'reject' or 'stop'"):
        parse_recipe({**base, "record_not_durable": "pass"}, "r.toml")
