"""No part passes while its record may not become durable: the line asks the store's health before each decision."""
from __future__ import annotations

from tests.core.conftest import BAD, GOOD


def test_while_records_are_not_durable_every_part_is_rejected_fail_safe_with_the_cause(manual_rig):
    rig = manual_rig
    health = {"why": None}
    rig.line.record_health = lambda: health["why"]
    before = rig.part(GOOD, at=100.0)
    rig.run_until_idle()
    health["why"] = "the database cannot commit (OperationalError: database or disk is full)"
    good, bad = rig.part(GOOD, at=101.0), rig.part(BAD, at=101.2)
    rig.run_until_idle()
    assert rig.sink.by_id(before).outcome == "pass"
    for part_id in (good, bad):
        record = rig.sink.by_id(part_id)
        assert (record.outcome, record.fail_safe_cause, record.actuated) == ("fail_safe", "record_not_durable", True)
        assert "database or disk is full" in record.reason
    assert "inspection said: good" in rig.sink.by_id(good).reason
    alarm = next(a for a in rig.line.alarms.active if a.kind == "record_not_durable")
    assert alarm.count == 1 and f"from part {good}" in alarm.message  # raised once, not once per part
    assert rig.line.running and not rig.line.halted  # the recipe's default: reject, keep running

    health["why"] = None  # space came back, the writer committed
    after = rig.part(GOOD, at=102.0)
    rig.run_until_idle()
    assert rig.sink.by_id(after).outcome == "pass"
    assert "record_not_durable" not in {a.kind for a in rig.line.alarms.active}


def test_a_recipe_may_stop_the_line_instead_and_it_says_why(manual_rig):
    rig = manual_rig
    rig.line.recipe = rig.line.recipe.model_copy(update={"record_not_durable": "stop"})
    rig.line.record_health = lambda: "records have waited 3.2 s for a commit (limit 3.0 s)"
    first = rig.part(GOOD, at=100.0)
    rig.run_until_idle()
    second = rig.part(GOOD, at=101.0)
    rig.run_until_idle()
    assert rig.sink.by_id(first).fail_safe_cause == "record_not_durable"
    assert rig.line.halted and rig.io.light.state == "red"
    assert rig.sink.by_id(second).outcome == "fail_safe" and rig.sink.by_id(second).actuated
    alarm = next(a for a in rig.line.alarms.active if a.kind == "record_not_durable")
    assert "waited 3.2 s" in alarm.message and "line stopped" in alarm.message


def test_a_part_already_fail_safe_keeps_its_own_cause(manual_rig):
    rig = manual_rig
    rig.line.record_health = lambda: "disk critical"
    rig.model.raise_on_next = RuntimeError("ORT: bad alloc")
    broken = rig.part(GOOD, at=100.0)
    rig.run_until_idle()
    assert rig.sink.by_id(broken).fail_safe_cause == "model_error"
