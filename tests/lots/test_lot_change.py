"""Changing the lot, on a running or a stopped line, is an audited action: who, when, the lot before and after,
and why; parts triggered after it carry the new lot, parts before it keep theirs."""
import json
import time

import pytest

from inspector import audit
from inspector.assemble import build_station
from inspector.config import StationConfig
from inspector.line.lots import LOT_CHANGE, LotError, change_lot
from inspector.permissions import PermissionDenied
from inspector.store import Store


@pytest.fixture
def station(tmp_path, directory):  # the people's database is the station's: tmp_path/inspector.db
    station = build_station(StationConfig(data_dir=tmp_path, lots={"required": True}), simulate=True, rate_hz=5,
                            lot="L-1")
    yield station
    station.close()


def lot_changes(store):
    return [e for e in audit.entries(store) if e.action == LOT_CHANGE]


def test_a_lot_change_on_a_running_line_is_audited_and_taken_by_the_next_parts(station, store, sessions):
    station.start(parts=8)
    deadline = time.monotonic() + 30
    while station.line.triggered < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert change_lot(sessions["operator"], store, station.line, " L-2 ", reason="order 2 on the belt")
    assert station.line.wait_recorded(8, timeout=30)
    station.close()
    lots = [p.lot for p in store.records(limit=None, newest_first=False)]
    assert lots[0] == "L-1" and lots[-1] == "L-2"
    assert lots == sorted(lots)  # one change: every L-1 part before every L-2 part
    assert store.run(station.line.run_id)["lot"] == "L-2"
    [entry] = lot_changes(store)
    assert (entry.user, entry.role, entry.reason) == ("olga", "operator", "order 2 on the belt")
    assert json.loads(entry.before) == {"lot": "L-1", "running": True} and json.loads(entry.after) == {"lot": "L-2"}
    assert audit.verify(store).ok


def test_a_lot_change_on_a_stopped_line_is_audited_too(station, store, sessions):
    assert not station.line.running
    assert change_lot(sessions["technician"], store, station.line, "L-3", reason="next order")
    assert json.loads(lot_changes(store)[0].before) == {"lot": "L-1", "running": False}
    assert not change_lot(sessions["technician"], store, station.line, "L-3")  # already the lot: no entry
    assert len(lot_changes(store)) == 1


def test_only_roles_that_may_change_the_product_may_change_the_lot(station, store, sessions):
    with pytest.raises(PermissionDenied):
        change_lot(sessions["qa"], store, station.line, "L-9", reason="not mine to change")
    with pytest.raises(PermissionDenied):
        change_lot(None, store, station.line, "L-9", reason="nobody logged in")
    assert station.line.lot == "L-1" and lot_changes(store) == []
    assert store.run(station.line.run_id)["lot"] == "L-1"


def test_a_bad_lot_id_or_clearing_a_required_lot_is_refused_and_nothing_changes(station, store, sessions):
    with pytest.raises(LotError, match="U\\+000A"):
        change_lot(sessions["operator"], store, station.line, "L\n2", reason="scanner glitch")
    with pytest.raises(LotError, match="lots.required = true: the lot cannot be cleared"):
        change_lot(sessions["operator"], store, station.line, "", reason="end of order", required=True)
    assert station.line.lot == "L-1" and lot_changes(store) == []


def test_a_line_that_requires_a_lot_does_not_start_without_one(tmp_path):
    station = build_station(StationConfig(data_dir=tmp_path, lots={"required": True}), simulate=True)
    try:
        with pytest.raises(LotError, match="lots.required = true"):
            station.line.start()
        assert not station.line.running
    finally:
        station.close()


def test_inspector_serve_takes_the_lot_and_refuses_to_start_without_one_where_required(tmp_path, capsys):
    from inspector.cli import main

    config = tmp_path / "station.toml"
    config.write_text('recipe = "surface-part"\n[lots]\nrequired = true\n')
    common = ["serve", "--simulate", "--parts", "6", "--rate", "20", "--config", str(config),
              "--data-dir", str(tmp_path / "data")]
    assert main(common) == 2
    assert "inspector serve (no --lot given): lots.required = true" in capsys.readouterr().err
    assert main([*common, "--lot", "L-77"]) == 0
    with Store.open(tmp_path / "data" / "inspector.db") as store:
        assert {r.lot for r in store.records(limit=None)} == {"L-77"}
