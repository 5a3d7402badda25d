"""The station's digital I/O through gpiozero: break-beam input, pusher output, stack light.

The pin factory comes from the station settings ('mock' for the simulated line and tests, a gpiozero factory name such
as 'lgpio' on a Raspberry Pi 5, 'jetson' on a Jetson (``hardware.jetson_pins``), or '' to let gpiozero read
GPIOZERO_PIN_FACTORY).
"""
from __future__ import annotations

from typing import Callable

from gpiozero import DigitalInputDevice, DigitalOutputDevice, TrafficLights
from gpiozero.pins import Factory

from inspector.config import ConfigError, GpioSettings


def make_pin_factory(name: str) -> Factory | None:
    """A gpiozero pin factory by name; None lets gpiozero choose (it honours GPIOZERO_PIN_FACTORY)."""
    if not name:
        return None
    if name == "mock":
        from gpiozero.pins.mock import MockFactory

        return MockFactory(pin_class=_recent_states_pin())
    try:
        if name == "jetson":  # also a gpiozero_pin_factories entry point once the package declares it
            from hardware.jetson_pins import JetsonGPIOFactory

            return JetsonGPIOFactory()
        return _entry_point(name)
    except Exception as e:  # gpiozero raises several kinds; the cause matters more than the type
        raise RuntimeError(f"GPIO pin factory {name!r} cannot start: {e}") from e


MOCK_PIN_HISTORY = 1024  # state changes a mock pin keeps: its newest, so a simulated line runs for days in flat memory


def _recent_states_pin() -> type:
    """gpiozero's MockPin, keeping only its newest state changes (the stock one logs every change forever: about
    200 bytes per simulated part)."""
    from gpiozero.pins.mock import MockPin

    class RecentStatesMockPin(MockPin):
        def _change_state(self, value):
            changed = super()._change_state(value)
            if len(self.states) > MOCK_PIN_HISTORY:
                del self.states[: len(self.states) - MOCK_PIN_HISTORY // 2]
            return changed

    return RecentStatesMockPin


def _entry_point(name: str) -> Factory:
    from importlib.metadata import entry_points

    for ep in entry_points(group="gpiozero_pin_factories"):
        if ep.name == name:
            return ep.load()()
    known = sorted({ep.name for ep in entry_points(group="gpiozero_pin_factories")})
    raise RuntimeError(f"no gpiozero pin factory named {name!r}; installed: {known}")


class BreakBeam:
    """Debounced break-beam input; ``when_broken`` runs on gpiozero's thread at each arriving part."""

    def __init__(self, pin, *, active_low: bool = True, bounce_s: float = 0.005, pin_factory: Factory | None = None):
        self.device = DigitalInputDevice(
            pin, pull_up=active_low, bounce_time=bounce_s or None, pin_factory=pin_factory
        )
        self.when_broken: Callable[[], None] | None = None
        self.device.when_activated = self._fire

    @property
    def pin(self):
        return self.device.pin

    @property
    def broken(self) -> bool:
        return bool(self.device.is_active)

    def _fire(self) -> None:
        callback = self.when_broken
        if callback is not None:
            callback()

    def close(self) -> None:
        self.device.close()


class Pusher:
    """The reject pusher: the line switches it on at a part's deadline and off after the pulse."""

    def __init__(self, pin, *, pin_factory: Factory | None = None):
        self.device = DigitalOutputDevice(pin, active_high=True, initial_value=False, pin_factory=pin_factory)

    @property
    def pin(self):
        return self.device.pin

    def on(self) -> None:
        self.device.on()

    def off(self) -> None:
        self.device.off()

    def close(self) -> None:
        self.device.close()


class StackLight:
    """Green running, amber attention, red stopped or fail-safe."""

    STATES = ("green", "amber", "red", "off")

    def __init__(self, red, amber, green, *, pin_factory: Factory | None = None):
        self.lights = TrafficLights(red=red, amber=amber, green=green, pin_factory=pin_factory)
        self.state = "off"

    def show(self, state: str) -> None:
        if state not in self.STATES:
            raise ValueError(f"stack light state {state!r}; allowed: {self.STATES}")
        self.state = state
        self.lights.value = (state == "red", state == "amber", state == "green")

    def close(self) -> None:
        self.lights.close()


class StationIO:
    """All of the station's pins, opened together from the settings and closed together."""

    def __init__(self, settings: GpioSettings, *, pin_factory: Factory | None = None):
        factory = pin_factory if pin_factory is not None else make_pin_factory(settings.pin_factory)
        self.pin_factory = factory
        opened = []
        try:
            with _named("beam_pin", settings.beam_pin):
                self.beam = BreakBeam(settings.beam_pin, active_low=settings.beam_active_low,
                                      bounce_s=settings.beam_bounce_s, pin_factory=factory)
            opened.append(self.beam)
            with _named("pusher_pin", settings.pusher_pin):
                self.pusher = Pusher(settings.pusher_pin, pin_factory=factory)
            opened.append(self.pusher)
            pins = (settings.light_red_pin, settings.light_amber_pin, settings.light_green_pin)
            with _named("light_red_pin/light_amber_pin/light_green_pin", pins):
                self.light = StackLight(*pins, pin_factory=factory)
        except BaseException:
            for device in opened:  # a refused pin leaves none of the others claimed
                device.close()
            raise

    def close(self) -> None:
        for device in (self.beam, self.pusher, self.light):
            device.close()


class _named:
    """Turns gpiozero's refusal of a pin (busy, not on this board, no permission) into "gpio.key = value: why"."""

    def __init__(self, key: str, value: object) -> None:
        self.key, self.value = key, value

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> bool:
        from gpiozero.exc import GPIOZeroError

        if error is not None and isinstance(error, (GPIOZeroError, OSError, ValueError)):
            raise ConfigError(f"gpio.{self.key} = {self.value!r}: the pin factory refused it: {error}") from error
        return False
