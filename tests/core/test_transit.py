"""Parts in transit under an injected clock: exact deadlines, never the wrong part."""
from inspector.clock import ManualClock
from inspector.transit import Transit
from inspector.types import Decision, Outcome


class Recorder:
    def __init__(self):
        self.state, self.changes = False, 0

    def on(self):
        self.state, self.changes = True, self.changes + 1

    def off(self):
        self.state = False

    def close(self):
        pass


def make(travel=0.5, pulse=0.05):
    closed = []
    pusher = Recorder()
    transit = Transit(clock=ManualClock(), pusher=pusher, travel_s=travel, pulse_s=pulse, on_closed=closed.append)
    return transit, pusher, closed


REJECT = Decision(Outcome.REJECT, "bad", 0.9)
PASS = Decision(Outcome.PASS, "good", 0.9)


def test_reject_fires_exactly_at_trigger_plus_travel_and_releases_after_the_pulse():
    transit, pusher, closed = make()
    transit.add(1, 10.0)
    assert transit.decide(1, REJECT, 10.1)
    assert transit.step(10.49) == [] and not pusher.state
    transit.step(10.5)
    assert pusher.state and [p.part_id for p in closed] == [1]
    transit.step(10.55)
    assert not pusher.state
    assert transit.timeline.edges == [(10.5, True), (10.55, False)]


def test_pass_never_fires():
    transit, pusher, _ = make()
    transit.add(1, 0.0)
    transit.decide(1, PASS, 0.1)
    transit.step(1.0)
    assert pusher.changes == 0


def test_late_result_is_refused_and_its_part_was_rejected_at_the_deadline():
    transit, pusher, closed = make()
    transit.add(1, 0.0)
    transit.step(0.5)  # no decision yet
    assert pusher.state and closed[0].actuated and not closed[0].decided_in_time
    assert transit.decide(1, PASS, 0.7) is False


def test_late_pass_for_part_one_cannot_change_part_two():
    transit, pusher, closed = make()
    transit.add(1, 0.0)
    transit.add(2, 0.2)
    transit.decide(2, PASS, 0.3)
    transit.step(0.5)  # part 1 has no decision: rejected
    transit.step(0.56)
    assert transit.decide(1, PASS, 0.6) is False  # its late pass is ignored
    transit.step(0.7)  # part 2 passes untouched
    assert [(p.part_id, p.actuated) for p in closed] == [(1, True), (2, False)]
    assert pusher.changes == 1


def test_a_decision_after_the_deadline_but_before_the_actuator_ran_still_fails_safe():
    transit, pusher, closed = make()
    transit.add(1, 0.0)
    assert transit.decide(1, PASS, 0.6) is False  # decided after its deadline of 0.5
    transit.step(0.6)
    assert closed[0].actuated


def test_overlapping_pulses_merge():
    transit, pusher, _ = make(travel=0.5, pulse=0.1)
    for i, t in enumerate([0.0, 0.05]):
        transit.add(i, t)
        transit.decide(i, REJECT, t)
    for now in (0.5, 0.55, 0.6, 0.65):
        transit.step(now)
    assert transit.timeline.edges == [(0.5, True), (0.65, False)]
