"""A lot id is what a person types or a scanner sends: printable, at most 64 characters; anything else is refused
with the rule it breaks, and the station file can require one before the line starts."""
import pytest

from inspector.cli import main
from inspector.config import parse_station
from inspector.line.lots import MAX_LOT_LENGTH, LotError, check_lot_required, validate_lot


def test_a_scanned_lot_loses_its_surrounding_spaces_and_blank_means_none():
    assert validate_lot("  LOT-2026/48 äö  ") == "LOT-2026/48 äö"
    assert validate_lot("   ") is None and validate_lot(None) is None


@pytest.mark.parametrize("bad, rule", [
    ("A" * (MAX_LOT_LENGTH + 1), f"at most {MAX_LOT_LENGTH}"),
    ("47\x0011", "U+0000"),
    ("47\t11", "U+0009"),
    ("47\x1b[2J", "U+001B"),
    ("47\u200b11", "U+200B"),
    (4711, "a lot id is text"),
])
def test_a_lot_id_that_breaks_a_rule_is_refused_naming_the_rule(bad, rule):
    with pytest.raises(LotError, match="--lot = ") as refused:
        validate_lot(bad, source="--lot")
    assert rule in str(refused.value)


def test_lots_are_optional_unless_the_station_file_requires_them():
    check_lot_required(parse_station({}), None)
    required = parse_station({"lots": {"required": True}})
    check_lot_required(required, "4711")
    with pytest.raises(LotError, match="lots.required = true"):
        check_lot_required(required, None)


def test_run_without_a_lot_is_refused_where_required_and_nothing_is_recorded(tmp_path, capsys):
    station = tmp_path / "station.toml"
    station.write_text("[lots]\nrequired = true\n")
    data = tmp_path / "data"
    code = main(["run", "--simulate", "--headless", "--parts", "3", "--config", str(station),
                 "--data-dir", str(data)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{station} (no --lot given): lots.required = true" in err
    assert not (data / "inspector.db").exists()


def test_run_with_a_bad_lot_is_refused_before_anything_opens(tmp_path, capsys):
    code = main(["run", "--simulate", "--headless", "--parts", "3", "--lot", "47\x0711",
                 "--data-dir", str(tmp_path / "data")])
    assert code == 2
    assert "--lot = '47\\x0711': holds the control or non-printable character" in capsys.readouterr().err
    assert not (tmp_path / "data" / "inspector.db").exists()


def test_the_station_file_refuses_a_lots_setting_it_does_not_know():
    with pytest.raises(ValueError, match="lots.requred"):
        parse_station({"lots": {"requred": True}}, "station.toml")
