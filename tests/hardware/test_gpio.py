"""The station's pins on gpiozero's own MockFactory."""
import pytest
from gpiozero.pins.mock import MockFactory

from hardware.gpio import StationIO, make_pin_factory
from inspector.config import GpioSettings


@pytest.fixture
def io():
    station_io = StationIO(GpioSettings(), pin_factory=MockFactory())
    yield station_io
    station_io.close()


def test_beam_broken_calls_back_once_per_part(io):
    arrivals = []
    io.beam.when_broken = lambda: arrivals.append(io.beam.broken)
    io.beam.pin.drive_low()  # beam broken: receiver pulls the line low
    io.beam.pin.drive_high()
    io.beam.pin.drive_low()
    assert arrivals == [True, True]
    io.beam.pin.drive_high()
    assert not io.beam.broken


def test_active_high_sensor_is_honoured():
    io = StationIO(GpioSettings(beam_active_low=False), pin_factory=MockFactory())
    try:
        arrivals = []
        io.beam.when_broken = lambda: arrivals.append(1)
        io.beam.pin.drive_low()
        assert arrivals == []
        io.beam.pin.drive_high()
        assert arrivals == [1]
    finally:
        io.close()


def test_pusher_and_stack_light_drive_their_pins(io):
    io.pusher.on()
    assert io.pusher.pin.state == 1
    io.pusher.off()
    assert io.pusher.pin.state == 0
    io.light.show("amber")
    lights = io.light.lights
    assert (lights.red.pin.state, lights.amber.pin.state, lights.green.pin.state) == (0, 1, 0)
    io.light.show("green")
    assert (lights.red.pin.state, lights.amber.pin.state, lights.green.pin.state) == (0, 0, 1)
    with pytest.raises(ValueError, match="allowed"):
        io.light.show("blue")


def test_pins_come_from_the_settings():
    io = StationIO(GpioSettings(beam_pin=5, pusher_pin=6, light_red_pin=13, light_amber_pin=19, light_green_pin=26),
                   pin_factory=MockFactory())
    try:
        assert (io.beam.pin.info.name, io.pusher.pin.info.name) == ("GPIO5", "GPIO6")
    finally:
        io.close()


def test_unknown_pin_factory_is_named_with_the_installed_ones():
    with pytest.raises(RuntimeError, match=r"'nonesuch'.*installed: \[.*'mock'"):
        make_pin_factory("nonesuch")


def test_empty_factory_name_defers_to_gpiozero_and_its_environment_variable():
    assert make_pin_factory("") is None
