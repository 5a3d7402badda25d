"""The shift and lot counters over a real ApiServer: every client sees the runtime's figures; a reset is audited."""
from __future__ import annotations

import time

import pytest

from inspector import audit
from inspector.api.client import Client
from inspector.api.protocol import ApiError
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from tests.api.conftest import PINS, station_config
from tests.api.test_station_ops import switchable  # noqa: F401  (fixture: a StationHost that switches recipes)

FIELDS = {"started", "inspected", "passed", "rejected", "check", "fail_safe"}


def local(server) -> Client:
    return Client.local(str(server.socket_path))


def test_counters_carry_the_shift_and_the_lot_as_recorded(served):
    station, server = served
    with local(server) as client:
        counters = client.counters()
    assert FIELDS <= set(counters["shift"]) and FIELDS | {"lot"} <= set(counters["lot"])
    recorded = station.store.outcomes()
    shift = counters["shift"]
    assert shift["inspected"] == 12 == sum(recorded.values())
    assert (shift["passed"], shift["rejected"], shift["check"]) == \
        (recorded.get("pass", 0), recorded.get("reject", 0), recorded.get("uncertain", 0))
    assert counters["lot"]["lot"] is None and counters["lot"]["inspected"] == 0


def test_an_operator_ends_the_shift_every_client_sees_it_and_the_trail_says_who(served):
    station, server = served
    with local(server) as watcher, local(server) as screen:
        watcher.subscribe(events=True)
        screen.login("otto", PINS["otto"])
        new = screen.call("counters_reset", scope="shift", reason="end of the early shift")
        assert new["inspected"] == 0 and FIELDS <= set(new)
        event = _next(watcher, "counters")
        assert event["shift"]["inspected"] == 0 and event["shift"]["started"] == new["started"]
    entry = audit.entries(station.store)[-1]
    assert (entry.user, entry.role, entry.action, entry.reason) == \
        ("otto", "operator", "counters.shift", "end of the early shift")
    assert '"inspected":12' in entry.before


def test_who_may_not_reset_gets_refused_and_nothing_changes(served):
    station, server = served
    trail = len(audit.entries(station.store))
    with local(server) as nobody:
        with pytest.raises(ApiError) as refused:
            nobody.call("counters_reset", scope="shift", reason="x")
        assert refused.value.code == "unauthorized"
    with local(server) as qa:
        qa.login("ana", PINS["ana"])
        with pytest.raises(ApiError) as refused:
            qa.call("counters_reset", scope="shift", reason="end of shift")
        assert refused.value.code == "forbidden"
    with local(server) as operator:
        operator.login("otto", PINS["otto"])
        with pytest.raises(ApiError) as refused:
            operator.call("counters_reset", scope="lot", reason="sorted again")
        assert refused.value.code == "forbidden"
        with pytest.raises(ApiError, match="reason"):
            operator.call("counters_reset", scope="shift", reason=" ")
        with pytest.raises(ApiError, match="scope"):
            operator.call("counters_reset", scope="week", reason="end of the week")
        assert operator.counters()["shift"]["inspected"] == 12
    assert len(audit.entries(station.store)) == trail


def test_the_lot_in_force_is_counted_and_a_restarted_runtime_shows_the_same_counters(served, socket_dir):
    station, server = served
    station.line.lot = "4711"  # as inspector.line.lots.change_lot leaves it
    with local(server) as client:
        assert client.counters()["lot"] == {"lot": "4711", "started": None, "inspected": 0, "passed": 0,
                                            "rejected": 0, "check": 0, "fail_safe": 0}
    with local(server) as watcher:
        watcher.subscribe(events=True)
        station.start(parts=6)
        assert station.line.wait_recorded(6, timeout=30)
        station.line.stop()
        _wait(lambda: station.store.count() >= 18)
        event = _next(watcher, "counters")
        while event["shift"]["inspected"] < 18:  # each part's event carries the counters with it
            event = _next(watcher, "counters")
        assert (event["shift"]["inspected"], event["lot"]["inspected"], event["lot"]["lot"]) == (18, 6, "4711")
    with local(server) as client:
        before = client.counters()
        assert (before["lot"]["inspected"], before["shift"]["inspected"]) == (6, 18)
        client.login("root", PINS["root"])  # an admin may restart a lot's counters, and not end a shift
        assert client.call("counters_reset", scope="lot", reason="lot sorted again by hand")["inspected"] == 0
        before = client.counters()
    data_dir = station.config.data_dir
    server.stop()
    station.close()
    again = build_station(station_config(data_dir, socket_dir), simulate=True, rate_hz=20.0, seed=3, lot="4711")
    restarted = ApiServer(again).start()
    try:
        with local(restarted) as client:
            after = client.counters()
        assert (after["shift"], after["lot"]) == (before["shift"], before["lot"])
    finally:
        restarted.stop()
        again.close()


def _next(client: Client, kind: str, timeout: float = 10.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        event = client.next_event(timeout=max(0.1, end - time.monotonic()))
        if event is not None and event.get("event") == kind:
            return event
    raise AssertionError(f"no {kind} event within {timeout} s")


def _wait(done, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not done() and time.monotonic() < end:
        time.sleep(0.05)


def test_the_shift_and_lot_counters_go_on_across_a_recipe_switch(switchable):  # noqa: F811
    """A switch replaces the station (a new run): the shift and the lot in force keep counting."""
    host, server = switchable
    with Client.local(str(server.socket_path), timeout=30) as operator:
        operator.login("otto", PINS["otto"])
        host.station.start(parts=5)
        assert host.station.line.wait_recorded(5, timeout=30)
        host.station.line.stop()
        _wait(lambda: host.station.store.count() >= 5)
        assert operator.call("switch_recipe", name="surface-part", reason="product change")["switched"]
        host.station.start(parts=4)
        assert host.station.line.wait_recorded(4, timeout=30)
        host.station.line.stop()
        _wait(lambda: operator.counters()["shift"]["inspected"] >= 9)
        counters = operator.counters()
    assert counters["recipe"] == "surface-part" and counters["recorded"] == 4  # the new run's own
    assert counters["shift"]["inspected"] == 9 and (counters["lot"]["lot"], counters["lot"]["inspected"]) == \
        ("L-100", 9)


def test_an_api_server_restarted_beside_a_running_line_misses_no_part_and_counts_none_twice(served):
    station, server = served  # 12 parts recorded in the shift
    server.stop()
    before = station.line.recorded
    station.start(parts=60)  # 20 parts/s, the API down
    assert station.line.wait_recorded(before + 20, timeout=30)
    again = ApiServer(station).start()  # parts recorded but not yet committed now are the ones a race would miss
    try:
        assert station.line.wait_recorded(before + 60, timeout=30)
        station.line.stop()
        assert station.writer.flush()
        with local(again) as client:
            shift = client.counters()["shift"]
        recorded = station.store.outcomes()
        assert shift["inspected"] == sum(recorded.values()) == 72
        assert shift["passed"] == recorded.get("pass", 0)
    finally:
        again.stop()
