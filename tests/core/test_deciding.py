"""The line marks each part from trigger to decision, so the window can keep out of its way."""
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
