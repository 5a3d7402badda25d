"""Shift and lot counters: counted from the records at start, followed in memory, reset only by a person, audited."""
from __future__ import annotations

import pytest

from inspector import audit
from inspector.line.shift_counters import FIRST_REASON, ShiftCounters, reset_counters
from inspector.permissions import PermissionDenied
from inspector.store import Store
from inspector.store.schema import MIGRATIONS
from inspector.store.counters import NAME
from inspector.users import UserDirectory
from tests.store.conftest import make_record

OPERATOR, TECHNICIAN = ("olga", "482107"), ("tess", "604319")


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "inspector.db") as store:
        yield store


@pytest.fixture
def people(store):
    users = UserDirectory(store)
    users.add(None, "adam", "admin", "715493", reason="installed")
    admin = users.login("adam", "715493")
    users.add(admin, *OPERATOR[:1], "operator", OPERATOR[1], reason="line operator")
    users.add(admin, TECHNICIAN[0], "technician", TECHNICIAN[1], reason="line technician")
    return {"operator": users.login(*OPERATOR), "technician": users.login(*TECHNICIAN), "admin": admin}


class Lot:
    """The lot in force on the line, as ``Line.lot`` holds it."""

    def __init__(self, lot=None):
        self.lot = lot

    def __call__(self):
        return self.lot


def record(part_id, outcome="pass", lot=None):
    return make_record(part_id, outcome, lot=lot, wall_time=f"2026-12-06T08:00:{part_id % 60:02d}.000+00:00")


def test_the_counter_periods_are_a_schema_step_of_their_own():
    assert NAME in [m.name for m in MIGRATIONS]


def test_a_station_that_keeps_counters_for_the_first_time_starts_its_shift_now_not_with_its_history(store):
    for n, outcome in enumerate(["pass", "reject", "pass"], start=1):
        store.insert(record(n, outcome))
    counters = ShiftCounters(store)
    assert counters.snapshot()["shift"]["inspected"] == 0
    counters.add(record(4, "uncertain"))
    counters.add(record(5, "fail_safe"))
    shift = counters.snapshot()["shift"]
    assert {k: shift[k] for k in ("inspected", "passed", "rejected", "check", "fail_safe")} == \
        {"inspected": 2, "passed": 0, "rejected": 0, "check": 1, "fail_safe": 1}
    assert audit.entries(store) == []  # the first period is the station's, not a person's act
    assert store.query("SELECT by, reason FROM counter_periods") == [{"by": "station", "reason": FIRST_REASON}]


def test_a_restarted_runtime_counts_the_same_shift_from_the_records(store):
    counters = ShiftCounters(store)
    for n, outcome in enumerate(["pass", "reject", "uncertain", "pass", "fail_safe"], start=1):
        counters.add(record(n, outcome))
        store.insert(record(n, outcome))
    before = counters.snapshot()
    again = ShiftCounters(store)  # a new process on the same database
    assert again.snapshot() == before
    assert before["shift"]["inspected"] == 5 and before["shift"]["passed"] == 2


def test_the_lot_counters_are_the_lot_in_force_and_span_restarts_and_other_lots(store):
    lot = Lot("4711")
    counters = ShiftCounters(store, lot_now=lot)
    for n in range(1, 4):
        counters.add(record(n, "pass", "4711"))
        store.insert(record(n, "pass", "4711"))
    lot.lot = "4712"  # a lot change while the line is stopped: the new lot's counters at once
    assert counters.snapshot()["lot"] == {"lot": "4712", "started": None, "inspected": 0, "passed": 0,
                                          "rejected": 0, "check": 0, "fail_safe": 0}
    counters.add(record(4, "reject", "4712"))
    store.insert(record(4, "reject", "4712"))
    lot.lot = "4711"  # back to the first lot: its earlier parts come from the records
    counters.add(record(5, "pass", "4711"))
    store.insert(record(5, "pass", "4711"))
    snapshot = counters.snapshot()
    assert (snapshot["lot"]["lot"], snapshot["lot"]["inspected"], snapshot["lot"]["passed"]) == ("4711", 4, 4)
    assert snapshot["lot"]["started"] == record(1).wall_time  # the lot's first part
    assert snapshot["shift"]["inspected"] == 5
    assert ShiftCounters(store, lot_now=lot).snapshot() == snapshot


def test_the_operator_ends_the_shift_audited_with_the_counters_it_ended(store, people):
    counters = ShiftCounters(store)
    for n, outcome in enumerate(["pass", "reject", "pass"], start=1):
        counters.add(record(n, outcome))
        store.insert(record(n, outcome))
    new = reset_counters(people["operator"], counters, "shift", "end of the early shift", store=store)
    assert new["inspected"] == 0
    counters.add(record(4, "pass"))
    store.insert(record(4, "pass"))
    entry = audit.entries(store)[-1]
    assert (entry.user, entry.role, entry.action, entry.target, entry.reason) == \
        ("olga", "operator", "counters.shift", "counters:shift", "end of the early shift")
    assert '"inspected":3' in entry.before and '"rejected":1' in entry.before
    assert ShiftCounters(store).snapshot()["shift"]["inspected"] == 1 == counters.snapshot()["shift"]["inspected"]
    assert audit.verify(store).ok


def test_an_operator_may_not_restart_a_lots_counters_and_nothing_changes(store, people):
    counters = ShiftCounters(store, lot_now=Lot("4711"))
    counters.add(record(1, "reject", "4711"))
    before = counters.snapshot()
    with pytest.raises(PermissionDenied, match="counters.lot"):
        reset_counters(people["operator"], counters, "lot", "sorted again", store=store)
    assert counters.snapshot() == before and audit.entries(store, newest_first=True, limit=1)[0].action != \
        "counters.lot"
    assert reset_counters(people["technician"], counters, "lot", "lot sorted again by hand", store=store)[
        "inspected"] == 0


def test_a_reset_needs_a_reason_and_a_lot_in_force(store, people):
    counters = ShiftCounters(store)
    with pytest.raises(audit.AuditError, match="reason is required"):
        reset_counters(people["operator"], counters, "shift", "  ", store=store)
    with pytest.raises(ValueError, match="no lot is in force"):
        reset_counters(people["technician"], counters, "lot", "sorted again", store=store)
    with pytest.raises(ValueError, match="scope = 'day'"):
        reset_counters(people["technician"], counters, "day", "why not", store=store)
    assert store.query("SELECT count(*) AS n FROM counter_periods")[0]["n"] == 1  # only the station's first


def test_parts_recorded_while_a_reset_is_written_count_in_the_new_shift(store, people):
    counters = ShiftCounters(store)
    counters.add(record(1, "pass"))
    original = counters.reset

    def racing_reset(scope, who, reason):  # the line records part 2 between the boundary and the new period
        real_append = audit.append

        def append(*args, **kwargs):
            counters.add(record(2, "reject"))
            return real_append(*args, **kwargs)

        audit.append = append
        try:
            return original(scope, who, reason)
        finally:
            audit.append = real_append

    counters.reset = racing_reset
    new = reset_counters(people["operator"], counters, "shift", "shift change", store=store)
    assert (new["inspected"], new["rejected"]) == (1, 1)
