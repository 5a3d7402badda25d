"""A fake ``Jetson.GPIO`` for an Orin Nano's 40-pin header: BOARD mode, setup/input/output/cleanup, and edge
detection with debounce, refusing what the real module refuses (a pin the module does not offer, output on an
input, a mode not set). ``drive(board_pin, level)`` is the outside world on an input: it fires the callbacks at once.
"""
from __future__ import annotations

import sys
import time
import types

ORIN_GPIO_PINS = (7, 11, 12, 13, 15, 16, 18, 19, 21, 22, 23, 24, 26, 29, 31, 32, 33, 35, 36, 37, 38, 40)


def make_module(model: str = "JETSON_ORIN_NANO") -> types.ModuleType:
    GPIO = types.ModuleType("Jetson.GPIO")
    GPIO.BOARD, GPIO.BCM = 10, 11
    GPIO.IN, GPIO.OUT = 1, 0
    GPIO.LOW, GPIO.HIGH = 0, 1
    GPIO.RISING, GPIO.FALLING, GPIO.BOTH = 31, 32, 33
    GPIO.PUD_OFF, GPIO.PUD_DOWN, GPIO.PUD_UP = 20, 21, 22
    GPIO.model = model
    state = types.SimpleNamespace(mode=None, direction={}, level={}, events={}, last_edge={}, cleaned=[])
    GPIO.state = state

    def check(channel):
        if state.mode is None:
            raise RuntimeError("Please set pin numbering mode using GPIO.setmode(GPIO.BOARD), ...")
        if channel not in ORIN_GPIO_PINS:
            raise ValueError(f"Channel {channel} is invalid")

    GPIO.setwarnings = lambda flag: None
    GPIO.setmode = lambda mode: setattr(state, "mode", mode)
    GPIO.getmode = lambda: state.mode

    def setup(channel, direction, pull_up_down=GPIO.PUD_OFF, initial=None):
        check(channel)
        if pull_up_down != GPIO.PUD_OFF:
            raise AssertionError("Jetson.GPIO ignores pull_up_down (with a warning): the factory must not pass it")
        state.direction[channel] = direction
        if direction == GPIO.OUT:
            state.level[channel] = GPIO.LOW if initial is None else initial
        else:
            state.level.setdefault(channel, GPIO.HIGH)

    def input(channel):
        check(channel)
        if channel not in state.direction:
            raise RuntimeError("You must setup() the GPIO channel first")
        return state.level[channel]

    def output(channel, value):
        check(channel)
        if state.direction.get(channel) != GPIO.OUT:
            raise RuntimeError("The GPIO channel has not been set up as an OUTPUT")
        state.level[channel] = int(bool(value))

    def add_event_detect(channel, edge, callback=None, bouncetime=None):
        check(channel)
        if state.direction.get(channel) != GPIO.IN:
            raise RuntimeError("You must setup() the GPIO channel as an input first")
        if channel in state.events:
            raise RuntimeError("Conflicting edge detection already enabled for this GPIO channel")
        if bouncetime is not None and (not isinstance(bouncetime, int) or bouncetime <= 0):
            raise ValueError("bouncetime must be an integer greater than 0")
        state.events[channel] = (edge, callback, bouncetime)

    def remove_event_detect(channel):
        state.events.pop(channel, None)

    def cleanup(channel=None):
        for c in ([channel] if channel is not None else list(state.direction)):
            state.direction.pop(c, None)
            state.events.pop(c, None)
            state.cleaned.append(c)

    def drive(channel, level):
        """The wired sensor changes the level on an input pin."""
        old, state.level[channel] = state.level.get(channel), int(level)
        if channel not in state.events or old == int(level):
            return
        edge, callback, bouncetime = state.events[channel]
        rising = int(level) == 1
        if edge == GPIO.BOTH or (edge == GPIO.RISING) == rising:
            now = time.monotonic()
            last = state.last_edge.get(channel)
            if bouncetime and last is not None and (now - last) * 1000 < bouncetime:
                return
            state.last_edge[channel] = now
            callback(channel)

    for fn in (setup, input, output, add_event_detect, remove_event_detect, cleanup, drive):
        setattr(GPIO, fn.__name__, fn)
    return GPIO


def install(monkeypatch, model: str = "JETSON_ORIN_NANO") -> types.ModuleType:
    """Put the fake in ``sys.modules`` as ``Jetson.GPIO``."""
    GPIO = make_module(model)
    package = types.ModuleType("Jetson")
    package.GPIO = GPIO
    monkeypatch.setitem(sys.modules, "Jetson", package)
    monkeypatch.setitem(sys.modules, "Jetson.GPIO", GPIO)
    return GPIO
