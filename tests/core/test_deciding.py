"""The line marks each part from trigger to decision, so the window can keep out of its way."""
import math
import threading
import time

from inspector.clock import ManualClock
from inspector.deciding import Deciding
from tests.core.conftest import GOOD, Rig


def test_a_part_is_marked_deciding_from_trigger_until_its_decision(tiny_classifier):
    rig = Rig(ManualClock(100.0), tiny_classifier)
    try:
        rig.model.gate.clear()  # inference held: the part stays between trigger and decision
        assert not rig.line.deciding.busy
        rig.part(GOOD)
        assert rig.line.deciding.busy
        assert not rig.line.deciding.wait_idle(0.05)
        rig.model.gate.set()
        assert rig.line.deciding.wait_idle(2.0)
        rig.run_until_idle()
        assert rig.line.recorded == 1
    finally:
        assert rig.close()


def test_parts_given_up_at_close_no_longer_count_as_deciding(tiny_classifier):
    rig = Rig(ManualClock(100.0), tiny_classifier)
    rig.model.gate.clear()
    rig.part(GOOD)
    assert rig.line.deciding.busy
    try:
        rig.close()  # the inference is still held: close gives the part up, fail-safe
        assert not rig.line.deciding.busy
        assert rig.sink.records[0].outcome == "fail_safe"
    finally:
        rig.model.gate.set()


def test_wait_idle_returns_as_soon_as_the_last_part_is_decided():
    deciding = Deciding()
    deciding.begin(1)
    deciding.begin(2)
    deciding.end(1)
    assert deciding.busy
    threading.Timer(0.05, deciding.end, args=(2,)).start()
    t = time.monotonic()
    assert deciding.wait_idle(2.0)
    assert time.monotonic() - t < 1.0
    deciding.end(2)  # twice: harmless
    assert not deciding.busy


def test_waiting_for_the_moment_after_a_decision_wakes_at_the_decision_not_before():
    deciding = Deciding()
    deciding.begin(1)
    threading.Timer(0.1, deciding.end, args=(1,)).start()
    t = time.monotonic()
    deciding.wait_after_decision(2.0, within_s=0.01, quiet_s=0.25)
    waited = time.monotonic() - t
    assert 0.09 <= waited < 1.0
    assert not deciding.busy


def test_right_after_a_decision_or_on_a_quiet_line_there_is_no_wait():
    deciding = Deciding()
    deciding.begin(1)
    deciding.end(1)
    t = time.monotonic()
    deciding.wait_after_decision(2.0, within_s=0.05, quiet_s=0.25)  # decided just now
    assert time.monotonic() - t < 0.04
    deciding.idle_since = time.monotonic() - 1.0  # nothing decided for a second: the line is quiet
    t = time.monotonic()
    deciding.wait_after_decision(2.0, within_s=0.01, quiet_s=0.25)
    assert time.monotonic() - t < 0.05


def test_between_decisions_the_wait_ends_when_the_line_turns_quiet_or_at_its_bound():
    deciding = Deciding()
    deciding.idle_since = time.monotonic() - 0.05  # decided 50 ms ago: wait for the next decision
    t = time.monotonic()
    deciding.wait_after_decision(2.0, within_s=0.01, quiet_s=0.25)
    assert 0.15 <= time.monotonic() - t < 1.0  # none came: the line turned quiet at 250 ms
    deciding.begin(2)  # a part that takes long: the wait is bounded
    t = time.monotonic()
    deciding.wait_after_decision(0.1, within_s=0.01, quiet_s=0.25)
    assert 0.09 <= time.monotonic() - t < 1.0


def test_work_asked_after_a_decision_runs_at_its_end_and_at_once_when_none_is_under_way():
    deciding = Deciding()
    ran = []
    assert deciding.after(lambda: ran.append("now")) is None and ran == []  # idle: the caller goes on itself
    deciding.begin(1)
    deciding.begin(2)
    assert deciding.after(lambda: ran.append("after 1")) == math.inf
    deciding.end(1)  # each decision's end runs what waits: a saturated line never leaves it waiting
    assert ran == ["after 1"]
    assert deciding.after(lambda: ran.append("after clear")) is not None
    deciding.clear()
    assert ran == ["after 1", "after clear"]
    assert deciding.after(ran.append, within_s=0.05, quiet_s=0.25) is None  # right after a decision: now
    deciding.idle_since = time.monotonic() - 0.1
    bound = deciding.after(lambda: ran.append("next"), within_s=0.05, quiet_s=0.25)  # between parts: the next one
    assert 0.1 < bound <= 0.15
    deciding.idle_since = time.monotonic() - 1.0
    assert deciding.after(ran.append, within_s=0.05, quiet_s=0.25) is None  # a quiet line: now


def test_a_failing_waiter_never_reaches_the_line():
    deciding = Deciding()
    deciding.begin(1)
    deciding.after(lambda: 1 / 0)
    deciding.end(1)  # logged, not raised
    assert not deciding.busy
