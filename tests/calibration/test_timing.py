"""The guided travel-time measurement on gpiozero mock pins: technician confirmations on a manual clock, a second
sensor on the simulated line, the spread check, and the pusher's single test pulse."""
import time

import pytest
from gpiozero.pins.mock import MockFactory

from hardware.cameras import SyntheticCamera
from hardware.gpio import BreakBeam, Pusher
from hardware.pusher_sensor import SimulatedPusherSensor
from hardware.simline import SimulatedLine
from inspector.calibration import CalibrationError
from inspector.clock import ManualClock
from inspector.timing import TravelMeasurement, fire_pulse


@pytest.fixture
def pins():
    return MockFactory()


@pytest.fixture
def beam(pins):
    beam = BreakBeam(17, bounce_s=0, pin_factory=pins)
    beam.pin.drive_high()
    yield beam
    beam.close()


def part_passes(beam):
    beam.pin.drive_low()
    beam.pin.drive_high()


def test_technician_confirmations_give_the_median_travel(beam):
    clock = ManualClock(100.0)
    with TravelMeasurement(beam, trials=5, clock=clock) as m:
        for travel in (0.41, 0.40, 0.42, 0.39, 0.40):
            part_passes(beam)
            clock.advance(travel)
            assert m.confirm_arrival() == pytest.approx(travel)
            clock.advance(1.0)
        assert m.done and m.confirm_arrival() is None
        result = m.result()
    assert result.median_s == pytest.approx(0.40) and result.spread_s == pytest.approx(0.03)
    assert result.ok and result.accepted(budget_s=0.2) == pytest.approx(0.40)
    assert result.part_gap_s == pytest.approx(1.39)


def test_parts_on_their_way_are_matched_first_in_first_out(beam):
    clock = ManualClock(0.0)
    with TravelMeasurement(beam, trials=2, clock=clock) as m:
        part_passes(beam)
        clock.advance(0.2)
        part_passes(beam)  # the second part passes the beam before the first reaches the pusher
        assert m.waiting == 2
        clock.advance(0.3)
        m.confirm_arrival()
        clock.advance(0.2)
        m.confirm_arrival()
    assert m.trials == pytest.approx([0.5, 0.5])
    assert m.result().part_gap_s == pytest.approx(0.2)


def test_trials_that_disagree_are_refused_with_the_spread_and_limit(beam):
    clock = ManualClock(0.0)
    with TravelMeasurement(beam, trials=3, clock=clock) as m:
        for travel in (0.4, 0.6, 0.45):
            part_passes(beam)
            clock.advance(travel)
            m.confirm_arrival()
    result = m.result()
    assert not result.ok and "measure again" in result.message
    with pytest.raises(CalibrationError, match=r"spread 0\.200 s over 3 trials is above the limit 0\.045 s"):
        result.accepted(budget_s=0.2)


def test_a_travel_within_the_inference_budget_is_refused_naming_both(beam):
    clock = ManualClock(0.0)
    with TravelMeasurement(beam, trials=1, clock=clock) as m:
        part_passes(beam)
        clock.advance(0.15)
        m.confirm_arrival()
    with pytest.raises(CalibrationError, match=r"travel time 0\.150 s .*inference budget 0\.200 s"):
        m.result().accepted(budget_s=0.2)


def test_no_trial_yet_and_a_confirmation_without_a_part(beam):
    with TravelMeasurement(beam, trials=3, clock=ManualClock(0.0)) as m:
        assert m.confirm_arrival() is None
        with pytest.raises(CalibrationError, match="no travel trial yet"):
            m.result()


def test_the_beam_gets_its_own_callback_back(beam):
    calls = []
    beam.when_broken = lambda: calls.append("line")
    with TravelMeasurement(beam, trials=3, clock=ManualClock(0.0)) as m:
        part_passes(beam)
        assert calls == [] and m.waiting == 1
    part_passes(beam)
    assert calls == ["line"]


@pytest.mark.realtime
def test_a_second_sensor_on_the_simulated_line_measures_the_true_travel(beam, pins):
    sensor = SimulatedPusherSensor(beam, travel_s=0.3, pin=5, jitter_s=0.002, pin_factory=pins)
    line = SimulatedLine(camera=SyntheticCamera(paced=False), beam_pin=beam.pin, items=[None] * 7, rate_hz=4.0)
    try:
        with TravelMeasurement(beam, trials=5, arrival=sensor) as m:
            line.start(7)
            deadline = time.monotonic() + 10
            while not m.done and time.monotonic() < deadline:
                time.sleep(0.02)
            result = m.result()
    finally:
        line.stop()
        sensor.close()
    assert len(result.trials) == 5 and result.ok
    assert result.median_s == pytest.approx(0.3, abs=0.03)
    assert result.part_gap_s == pytest.approx(0.25, abs=0.05)
    assert result.accepted(budget_s=0.2) == pytest.approx(0.3, abs=0.03)


def test_fire_once_switches_the_pusher_on_for_one_pulse(pins):
    pusher = Pusher(27, pin_factory=pins)
    try:
        started = time.monotonic()
        timer = fire_pulse(pusher, 0.05, travel_s=0.5)
        assert pusher.device.value == 1
        timer.join(2.0)
        assert pusher.device.value == 0 and time.monotonic() - started >= 0.05
        pusher.pin.assert_states([False, True, False])
        with pytest.raises(CalibrationError, match="shorter than the travel time"):
            fire_pulse(pusher, 0.6, travel_s=0.5)
        pusher.pin.assert_states([False, True, False])  # a refused pulse never fires
    finally:
        pusher.close()
