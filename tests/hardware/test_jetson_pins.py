"""The station's pins on a Jetson: gpiozero's own devices (break-beam, pusher, stack light) over the Jetson.GPIO
pin factory, driven through a fake Jetson.GPIO with an Orin Nano's header."""
import logging
import sys
import time

import pytest
from gpiozero.exc import PinInvalidPin

from hardware.gpio import StationIO, make_pin_factory
from hardware.jetson_pins import JetsonGPIOFactory, board_pin
from inspector.config import ConfigError, GpioSettings, parse_station
from tests.hardware.fakes import jetson_gpio as fake


@pytest.fixture
def GPIO(monkeypatch):
    return fake.install(monkeypatch)


@pytest.fixture
def io(GPIO):
    station_io = StationIO(GpioSettings(pin_factory="jetson", beam_bounce_s=0.005))
    yield station_io
    station_io.close()


def test_the_station_file_chooses_the_jetson_factory(GPIO):
    config = parse_station({"gpio": {"pin_factory": "jetson"}})
    factory = make_pin_factory(config.gpio.pin_factory)
    assert isinstance(factory, JetsonGPIOFactory) and GPIO.state.mode == GPIO.BOARD
    assert factory.board_info.model == "JETSON_ORIN_NANO"


@pytest.mark.realtime
def test_the_beam_calls_back_once_per_part_and_jetson_gpio_debounces(GPIO, io):
    arrivals = []
    io.beam.when_broken = lambda: arrivals.append(io.beam.broken)
    edge, callback, bounce_ms = GPIO.state.events[11]  # BCM 17 is header pin 11, as on a Pi
    assert edge == GPIO.BOTH and bounce_ms == 5  # beam_bounce_s in Jetson.GPIO's ms
    GPIO.drive(11, 0)  # beam broken: the receiver pulls the line low
    time.sleep(0.01)
    GPIO.drive(11, 1)
    time.sleep(0.01)
    GPIO.drive(11, 0)  # the second part, its contact bouncing:
    GPIO.drive(11, 1)
    GPIO.drive(11, 0)
    assert arrivals == [True, True]


def test_pusher_and_stack_light_drive_their_header_pins(GPIO, io):
    io.pusher.on()
    assert GPIO.state.level[13] == 1  # BCM 27
    io.pusher.off()
    assert GPIO.state.level[13] == 0
    io.light.show("amber")
    assert [GPIO.state.level[p] for p in (15, 16, 18)] == [0, 1, 0]  # red, amber, green: BCM 22, 23, 24
    io.light.show("red")
    assert [GPIO.state.level[p] for p in (15, 16, 18)] == [1, 0, 0]


def test_board_names_work_as_well_and_closing_releases_every_pin(GPIO):
    settings = GpioSettings(pin_factory="jetson", beam_pin="BOARD7", pusher_pin="BOARD29", light_red_pin="BOARD31",
                            light_amber_pin="BOARD32", light_green_pin="BOARD33")
    io = StationIO(settings)
    io.pusher.on()
    assert GPIO.state.level[29] == 1 and 7 in GPIO.state.events
    io.close()
    assert set(GPIO.state.cleaned) >= {7, 29, 31, 32, 33} and not GPIO.state.events


def test_the_pull_up_is_the_wiring_s_and_said_once(GPIO, caplog):
    with caplog.at_level(logging.WARNING):
        io = StationIO(GpioSettings(pin_factory="jetson"))
    try:
        assert io.beam.device.pin.pull == "up" and "external pull-up (4.7–10 kΩ to 3.3 V)" in caplog.text
    finally:
        io.close()


@pytest.mark.parametrize("spec, words", [
    ("BOARD2", "BOARD2 is 5 V power, not a GPIO pin"),
    ("BOARD6", "BOARD6 is ground"),
    ("BOARD41", "the 40-pin header has pins BOARD1–BOARD40"),
    ("GPIO30", "GPIO30 is not a header pin"),
    ("BOARD8", "BOARD8 (GPIO14) refused by Jetson.GPIO on JETSON_ORIN_NANO: Channel 8 is invalid"),
])
def test_the_factory_refuses_a_pin_that_cannot_be_used_by_name(GPIO, spec, words):
    """gpiozero's own devices on the factory, as a script outside the station would use them."""
    from gpiozero import OutputDevice

    with pytest.raises(PinInvalidPin, match=words.replace("(", r"\(").replace(")", r"\)")):
        OutputDevice(spec, pin_factory=JetsonGPIOFactory())


@pytest.mark.parametrize("spec", ["BOARD2", "BOARD6", "BOARD41", "GPIO30"])
def test_the_station_file_refuses_the_same_pins_before_the_board_is_touched(GPIO, spec):
    with pytest.raises(ConfigError, match=f"pusher_pin = '{spec}'"):
        parse_station({"gpio": {"pin_factory": "jetson", "pusher_pin": spec}}, source="station.toml")


def test_bcm_names_map_to_the_pi_compatible_header_pins():
    assert [board_pin(s) for s in (17, "GPIO27", "BCM22", "board40")] == [11, 13, 15, 40]


def test_without_jetson_gpio_the_factory_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "Jetson.GPIO", None)
    monkeypatch.setitem(sys.modules, "Jetson", None)
    with pytest.raises(RuntimeError, match="'jetson' cannot start: Jetson.GPIO is not installed"):
        make_pin_factory("jetson")
