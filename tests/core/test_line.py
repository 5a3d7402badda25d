"""The part loop, specified: one record per part, the pusher on the right part at the right time, fail-safe always."""
import threading
import time

import pytest

from inspector.clock import ManualClock
from inspector.ports import CameraError
from tests.core.conftest import BAD, GOOD, Rig


def pusher_edges(rig):
    return rig.line.transit.timeline.edges


def test_one_record_per_part_and_only_rejects_push_exactly_at_trigger_plus_travel(manual_rig):
    rig = manual_rig
    rig.part(GOOD, at=100.0)
    rig.part(BAD, at=100.1)
    rig.part(GOOD, at=100.2)
    rig.run_until_idle()
    records = sorted(rig.sink.records, key=lambda r: r.part_id)
    assert [r.outcome for r in records] == ["pass", "reject", "pass"]
    assert [r.actuated for r in records] == [False, True, False]
    assert pusher_edges(rig) == [(100.1 + rig.travel, True), (100.1 + rig.travel + rig.pulse, False)]
    assert [s.state for s in rig.io.pusher.pin.states] == [False, True, False]
    assert records[1].models == {"tiny_classifier": f"1.0.0 {rig.model.sha256[:12]}"}
    assert records[1].truth == {"kind": "part", "should_pass": False}


def test_two_parts_in_transit_at_once_are_never_confused(manual_rig):
    rig = manual_rig
    first = rig.part(BAD, at=100.0)
    second = rig.part(GOOD, at=100.3)  # both between sensor and pusher
    third = rig.part(BAD, at=100.45)
    assert rig.line.in_transit() == 3
    rig.run_until_idle()
    assert rig.sink.by_id(first).actuated and not rig.sink.by_id(second).actuated and rig.sink.by_id(third).actuated
    ons = [t for t, state in pusher_edges(rig) if state]
    assert ons == [pytest.approx(100.0 + rig.travel), pytest.approx(100.45 + rig.travel)]


def test_late_result_rejects_its_own_part_and_never_the_next(manual_rig):
    rig = manual_rig
    rig.model.advance_clock_by = rig.travel * 2  # the model takes twice the travel time
    late = rig.part(GOOD, at=100.0)
    rig.line.wait_inspected(2)
    rig.model.advance_clock_by = 0
    nxt = rig.part(GOOD, at=101.5)
    rig.run_until_idle()
    record = rig.sink.by_id(late)
    assert record.outcome == "fail_safe" and record.fail_safe_cause == "late" and record.late and record.actuated
    assert "the result came later: good" in record.reason
    assert pusher_edges(rig)[0] == (100.0 + rig.travel, True)
    assert rig.sink.by_id(nxt).outcome == "pass" and not rig.sink.by_id(nxt).actuated
    assert [s.state for s in rig.io.pusher.pin.states] == [False, True, False]
    assert "late_decision" in {a.kind for a in rig.line.alarms.active}


def test_model_error_rejects_that_part_alarms_and_records_the_cause(manual_rig):
    rig = manual_rig
    rig.model.raise_on_next = RuntimeError("ORT: bad alloc")
    broken = rig.part(GOOD, at=100.0)
    fine = rig.part(GOOD, at=100.2)
    rig.run_until_idle()
    record = rig.sink.by_id(broken)
    assert (record.outcome, record.fail_safe_cause, record.actuated) == ("fail_safe", "model_error", True)
    assert "bad alloc" in record.reason
    assert rig.sink.by_id(fine).outcome == "pass"
    assert "model_error" in {a.kind for a in rig.line.alarms.active}
    assert rig.io.light.state == "amber"


def test_no_frame_rejects_that_part_alarms_and_records_the_cause(manual_rig):
    rig = manual_rig
    rig.camera.unplug()
    time.sleep(0.05)  # frames older than frame_max_age are not this part; the manual clock moves on below
    blind = rig.part(None, at=101.0)
    rig.run_until_idle()
    record = rig.sink.by_id(blind)
    assert (record.outcome, record.fail_safe_cause, record.actuated) == ("fail_safe", "no_frame", True)
    assert record.image_path is None and record.frame_t is None
    assert {"camera_lost", "no_frame"} <= {a.kind for a in rig.line.alarms.active}


def test_full_queue_rejects_the_part_that_found_it_full(tiny_classifier):
    from inspector.clock import ManualClock
    from tests.core.conftest import Rig

    rig = Rig(ManualClock(100.0), tiny_classifier, queue_size=1)
    try:
        rig.model.gate.clear()  # the model hangs on the first part
        taken = rig.part(GOOD, at=100.0)
        while rig.model.calls == 0:
            time.sleep(0.001)
        waiting = rig.part(GOOD, at=100.01)  # fills the queue
        refused = rig.part(GOOD, at=100.02)  # finds it full
        rig.model.gate.set()
        rig.run_until_idle()
        assert rig.sink.by_id(refused).fail_safe_cause == "queue_full" and rig.sink.by_id(refused).actuated
        assert rig.sink.by_id(taken).outcome == rig.sink.by_id(waiting).outcome == "pass"
        assert "queue_full" in {a.kind for a in rig.line.alarms.active}
    finally:
        rig.close()


def test_stopped_line_rejects_arriving_parts_instead_of_passing_them(manual_rig):
    rig = manual_rig
    rig.line.stop()
    assert rig.io.light.state == "red"
    part = rig.part(GOOD, at=100.0)
    rig.run_until_idle()
    record = rig.sink.by_id(part)
    assert (record.outcome, record.fail_safe_cause, record.actuated) == ("fail_safe", "stopped", True)


def test_reject_and_stop_recipe_halts_after_a_fail_safe(tiny_classifier):
    from inspector.clock import ManualClock
    from tests.core.conftest import Rig

    rig = Rig(ManualClock(100.0), tiny_classifier, fail_safe="reject_and_stop")
    try:
        rig.model.raise_on_next = RuntimeError("boom")
        rig.part(GOOD, at=100.0)
        rig.line.wait_inspected(2)
        after = rig.part(GOOD, at=100.2)
        rig.run_until_idle()
        assert rig.line.halted and rig.io.light.state == "red"
        assert rig.sink.by_id(after).fail_safe_cause == "stopped"
    finally:
        rig.close()


def test_alarm_acknowledged_turns_the_light_back_green(manual_rig):
    rig = manual_rig
    rig.line.alarms.raise_("disk_low", "1 GiB left")
    assert rig.io.light.state == "amber"
    rig.line.alarms.acknowledge("disk_low", by="operator")
    assert rig.io.light.state == "green" and not rig.line.alarms.active


def test_close_with_parts_in_transit_records_them_all_within_two_seconds(realtime_rig):
    rig = realtime_rig
    ids = [rig.part(BAD if i % 2 else GOOD) for i in range(4)]
    pusher_pin = rig.io.pusher.pin
    started = time.monotonic()
    assert rig.close()
    assert time.monotonic() - started < 2.0
    assert sorted(r.part_id for r in rig.sink.records) == ids
    assert [r.actuated for r in sorted(rig.sink.records, key=lambda r: r.part_id)] == [False, True, False, True]
    assert [s.state for s in pusher_pin.states][-1] is False  # left off


def absolute_times(pin):
    """gpiozero MockPin keeps deltas between changes; rebuild monotonic times from the last change."""
    times, t = [], pin._last_change
    for state in reversed(pin.states):
        times.append((t, state.state))
        t -= state.timestamp
    return list(reversed(times))


@pytest.mark.realtime
def test_pusher_fires_within_10ms_of_trigger_plus_travel_on_real_time(realtime_rig):
    rig = realtime_rig
    ids = []
    for i in range(3):
        ids.append(rig.part(BAD))
        time.sleep(0.12)
    rig.run_until_idle()
    ons = [t for t, state in absolute_times(rig.io.pusher.pin)[1:] if state]
    triggers = [rig.sink.by_id(i).t_trigger for i in ids]
    assert len(ons) == 3
    for on, trig in zip(ons, triggers):
        assert abs(on - (trig + rig.travel)) < 0.010, (on - trig - rig.travel)


def test_camera_error_message_names_the_camera():
    from hardware.cameras import SyntheticCamera

    camera = SyntheticCamera(fps=100.0)
    camera.open()
    camera.unplug()
    with pytest.raises(CameraError, match="synthetic"):
        camera.read(0.1)


def test_closing_before_a_deadline_records_the_part_as_not_pushed(manual_rig):
    rig = manual_rig
    part = rig.part(BAD, at=100.0)
    rig.line.wait_inspected(2)
    assert not rig.close()  # the manual clock never reaches the deadline: close gives up on it
    record = rig.sink.by_id(part)
    assert (record.outcome, record.fail_safe_cause, record.actuated) == ("fail_safe", "stopped", False)
    assert "NOT pushed" in record.reason and "count" not in record.reason


def test_two_inspectors_decide_out_of_order_and_the_pusher_still_finds_the_right_part(tiny_classifier):
    rig = Rig(ManualClock(100.0), tiny_classifier, workers=2)
    try:
        release, decided = threading.Event(), []
        plain = rig.model.infer

        def infer(image):
            bad = image.mean() > 128
            if bad:  # the bad part is held until the good one behind it has been decided
                release.wait(5)
            result = plain(image)
            decided.append("bad" if bad else "good")
            return result

        rig.model.infer = infer
        bad = rig.part(BAD, at=100.0)
        good = rig.part(GOOD, at=100.1)
        deadline = time.monotonic() + 5
        while not decided and time.monotonic() < deadline:
            time.sleep(0.002)
        assert decided == ["good"]
        assert {t.name for t in threading.enumerate()} >= {"inspect", "inspect-2"}
        release.set()
        rig.run_until_idle()
        assert decided == ["good", "bad"]
        assert rig.sink.by_id(bad).actuated and rig.sink.by_id(bad).outcome == "reject"
        assert not rig.sink.by_id(good).actuated and rig.sink.by_id(good).outcome == "pass"
        assert [t for t, on in pusher_edges(rig) if on] == [pytest.approx(100.0 + rig.travel)]
    finally:
        assert rig.close()
    assert not any(t.name.startswith("inspect") for t in threading.enumerate())
