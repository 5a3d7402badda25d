"""A gpiozero pin factory for the Jetson's 40-pin header over NVIDIA's Jetson.GPIO, so the break-beam, pusher and
stack light run there through the same gpiozero devices as on a Raspberry Pi. Chosen with ``pin_factory = "jetson"``.

Why Jetson.GPIO and not gpiozero's lgpio factory: lgpio reaches the gpiochip lines, but gpiozero's factory for it
assumes a Raspberry Pi board (it reads the Pi's revision to name the pins), and the mapping from header pins to the
Jetson's gpiochip lines differs per module; Jetson.GPIO carries that mapping for every Jetson.

Pins are named as in the station file for a Pi: an int or "GPIO17" / "BCM17" is the Pi-compatible BCM name of a
header pin (the Jetson header copies the Pi's layout), "BOARD11" the physical pin. Power, ground and numbers off the
header are refused by name; a pin Jetson.GPIO does not offer on this module is refused with its words.

The header has no software pull-ups (the pinmux sets them at boot): ``pull="up"`` records the external resistor the
wiring must have, and says so once. Edges come from ``add_event_detect`` on Jetson.GPIO's own thread.
"""
from __future__ import annotations

import logging
import math
import time

from gpiozero.exc import PinInvalidFunction, PinInvalidPin, PinInvalidPull, PinPWMUnsupported, PinSetInput
from gpiozero.pins import BoardInfo, Factory, HeaderInfo, PinInfo
from gpiozero.pins.pi import PiPin

log = logging.getLogger(__name__)

HEADER = "J12"  # the 40-pin expansion header (J12 on the Orin Nano developer kit, J30 on the AGX Orin)
BCM_TO_BOARD = {2: 3, 3: 5, 4: 7, 14: 8, 15: 10, 17: 11, 18: 12, 27: 13, 22: 15, 23: 16, 24: 18, 10: 19, 9: 21,
                25: 22, 11: 23, 8: 24, 7: 26, 0: 27, 1: 28, 5: 29, 6: 31, 12: 32, 13: 33, 19: 35, 16: 36, 26: 37,
                20: 38, 21: 40}
POWER = {1: "3.3 V power", 17: "3.3 V power", 2: "5 V power", 4: "5 V power",
         **{n: "ground" for n in (6, 9, 14, 20, 25, 30, 34, 39)}}


def load_library():
    try:
        import Jetson.GPIO as GPIO
    except ImportError as e:
        raise RuntimeError(f"Jetson.GPIO is not installed (pip install Jetson.GPIO; JetPack ships it) ({e})") from None
    return GPIO


def board_pin(spec) -> int:
    """The physical header pin of ``spec`` (BCM int, "GPIOn", "BCMn", "BOARDn"); PinInvalidPin naming why not."""
    text = str(spec).strip().upper()
    if text.startswith("BOARD"):
        number = text.removeprefix("BOARD")
        if not number.isdigit() or not 1 <= int(number) <= 40:
            raise PinInvalidPin(f"{spec}: the 40-pin header has pins BOARD1–BOARD40")
        pin = int(number)
        if pin in POWER:
            raise PinInvalidPin(f"{spec} is {POWER[pin]}, not a GPIO pin")
        return pin
    number = text.removeprefix("GPIO").removeprefix("BCM")
    if not number.isdigit() or int(number) not in BCM_TO_BOARD:
        raise PinInvalidPin(f"{spec} is not a header pin: name it BOARD1–BOARD40 or by its Pi BCM name GPIO0–GPIO27")
    return BCM_TO_BOARD[int(number)]


def _board_info(model: str) -> BoardInfo:
    bcm_of = {board: bcm for bcm, board in BCM_TO_BOARD.items()}
    pins = {}
    for number in range(1, 41):
        row, col = (number + 1) // 2, 2 - number % 2
        names = {f"BOARD{number}", f"{HEADER}:{number}"}
        if number in bcm_of:
            bcm = bcm_of[number]
            names |= {bcm, str(bcm), f"GPIO{bcm}", f"BCM{bcm}"}
            name, interfaces = f"GPIO{bcm}", {"gpio": f"GPIO{bcm}"}
        else:
            name, interfaces = POWER[number], {"": POWER[number]}
        pins[number] = PinInfo(number=number, name=name, names=frozenset(names), pull="", row=row, col=col,
                               interfaces=frozenset(interfaces))
    header = HeaderInfo(name=HEADER, rows=20, columns=2, pins=pins)
    return BoardInfo(revision="jetson", model=model, pcb_revision="", released="", soc="NVIDIA Tegra",
                     manufacturer="NVIDIA", memory=None, storage="", usb=None, usb3=None, ethernet=1, eth_speed=1000,
                     wifi=False, bluetooth=False, csi=2, dsi=0, headers={HEADER: header}, board="")


class JetsonGPIOFactory(Factory):
    """gpiozero pins on a Jetson through Jetson.GPIO (BOARD numbering underneath)."""

    def __init__(self) -> None:
        super().__init__()
        self.GPIO = load_library()
        self.GPIO.setwarnings(False)
        self.GPIO.setmode(self.GPIO.BOARD)
        self.model = str(getattr(self.GPIO, "model", "Jetson"))
        self._info = _board_info(self.model)
        self.pins: dict[int, JetsonGPIOPin] = {}
        self.pull_warned = False  # the wiring's pull resistors are named once per factory

    def _get_board_info(self) -> BoardInfo:
        return self._info

    def ticks(self) -> float:
        return time.monotonic()

    def ticks_diff(self, later: float, earlier: float) -> float:
        return later - earlier

    def pin(self, spec):
        number = board_pin(spec)
        if number not in self.pins:
            self.pins[number] = JetsonGPIOPin(self, self._info.headers[HEADER].pins[number])
        return self.pins[number]

    def reserve_pins(self, requester, *names):
        for name in names:  # a refused name is refused here, before gpiozero looks it up
            board_pin(name)
        super().reserve_pins(requester, *(f"BOARD{board_pin(n)}" for n in names))

    def release_pins(self, reserver, *names):
        known = []
        for name in names:  # releasing never fails: it runs while a device that could not start cleans up
            try:
                known.append(f"BOARD{board_pin(name)}")
            except PinInvalidPin:
                continue
        super().release_pins(reserver, *known)

    def close(self) -> None:
        for pin in list(self.pins.values()):
            pin.close()
        self.pins.clear()


class JetsonGPIOPin(PiPin):
    """One header pin: input with edge callbacks, or output."""

    def __init__(self, factory: JetsonGPIOFactory, info: PinInfo) -> None:
        super().__init__(factory, info)
        self.GPIO = factory.GPIO
        self.board = info.number
        self._function = "input"
        self._pull = "floating"
        self._bounce: float | None = None
        self._edges = "both"
        try:
            self.GPIO.setup(self.board, self.GPIO.IN)
        except ValueError as e:  # Jetson.GPIO: "Channel N is invalid" on a module that does not offer the pin
            raise PinInvalidPin(f"BOARD{self.board} ({info.name}) refused by Jetson.GPIO on {factory.model}: {e}") \
                from None

    def __repr__(self) -> str:
        return f"BOARD{self.board}"

    def close(self) -> None:
        self.when_changed = None
        self.GPIO.cleanup(self.board)

    def output_with_state(self, state) -> None:
        self.GPIO.setup(self.board, self.GPIO.OUT, initial=self.GPIO.HIGH if state else self.GPIO.LOW)
        self._function, self._pull = "output", "floating"

    def input_with_pull(self, pull) -> None:
        self._set_function("input")
        self._set_pull(pull)

    def _get_function(self) -> str:
        return self._function

    def _set_function(self, value) -> None:
        if value == "input":
            self.GPIO.setup(self.board, self.GPIO.IN)
        elif value == "output":
            self.GPIO.setup(self.board, self.GPIO.OUT, initial=self.GPIO.LOW)
        else:
            raise PinInvalidFunction(f"invalid function {value!r} for pin {self!r}: input or output")
        self._function = value

    def _get_state(self):
        return self.GPIO.input(self.board)

    def _set_state(self, value) -> None:
        if self._function != "output":
            raise PinSetInput(f"cannot set the state of input pin {self!r}")
        self.GPIO.output(self.board, self.GPIO.HIGH if value else self.GPIO.LOW)

    def _get_pull(self) -> str:
        return self._pull

    def _set_pull(self, value) -> None:
        if value not in ("up", "down", "floating"):
            raise PinInvalidPull(f"invalid pull {value!r} for pin {self!r}")
        if value != "floating" and not self._factory.pull_warned:
            self._factory.pull_warned = True
            log.warning("Jetson header pins have no software pull resistors: %s needs an external pull-%s "
                        "(4.7–10 kΩ to %s)", self, value, "3.3 V" if value == "up" else "ground")
        self._pull = value

    def _get_frequency(self):
        return None

    def _set_frequency(self, value) -> None:
        if value is not None:
            raise PinPWMUnsupported(f"PWM is not offered on {self!r} by this factory")

    def _get_bounce(self):
        return self._bounce

    def _set_bounce(self, value) -> None:
        callback = self.when_changed
        self.when_changed = None
        try:
            self._bounce = None if not value else float(value)
        finally:
            self.when_changed = callback

    def _get_edges(self) -> str:
        return self._edges

    def _set_edges(self, value) -> None:
        callback = self.when_changed
        self.when_changed = None
        try:
            self._edges = value
        finally:
            self.when_changed = callback

    def _enable_event_detect(self) -> None:
        edge = {"both": self.GPIO.BOTH, "rising": self.GPIO.RISING, "falling": self.GPIO.FALLING}[self._edges]
        bounce_ms = None if not self._bounce else max(1, math.ceil(self._bounce * 1000))
        self.GPIO.add_event_detect(self.board, edge, callback=self._edge, bouncetime=bounce_ms)

    def _disable_event_detect(self) -> None:
        self.GPIO.remove_event_detect(self.board)

    def _edge(self, channel) -> None:
        self._call_when_changed(self._factory.ticks(), self.GPIO.input(self.board))
