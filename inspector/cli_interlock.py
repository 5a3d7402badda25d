"""``inspector interlock``: the "station ready" pin's supervisor, a process of its own beside the runtime.

    inspector interlock --config station.toml          hold gpio.ready_pin high while the runtime's heartbeats come
    inspector interlock --config station.toml --release   drive the pin low and exit (the unit's ExecStopPost)
    inspector interlock --config station.toml --configured   exit 0 when gpio.ready_pin is set, else 1 (ExecCondition)

The runtime (``inspector run --headless``) connects to ``interlock.socket`` when ``gpio.ready_pin`` is set
(README, "Station ready output").
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from inspector.config import ConfigError, load_station

log = logging.getLogger(__name__)


def add_command(sub) -> None:
    parser = sub.add_parser("interlock", help="hold the 'station ready' pin while the runtime is healthy")
    parser.add_argument("--config", type=Path, help="station settings (TOML) with gpio.ready_pin")
    parser.add_argument("--release", action="store_true", help="drive the pin low and exit")
    parser.add_argument("--simulate", action="store_true", help="gpiozero's mock pins, whatever the config says")
    parser.add_argument("--configured", action="store_true",
                        help="only say (exit 0 or 1) whether the station file sets gpio.ready_pin")
    parser.add_argument("-v", "--verbose", action="store_true")


def ready_output(config, *, pin_factory=None):
    """The ready pin as a gpiozero output, low until told otherwise; ConfigError naming the key when refused."""
    from gpiozero import DigitalOutputDevice
    from gpiozero.exc import GPIOZeroError

    from hardware.gpio import make_pin_factory

    pin = config.gpio.ready_pin
    factory = pin_factory if pin_factory is not None else make_pin_factory(config.gpio.pin_factory)
    try:
        return DigitalOutputDevice(pin, active_high=True, initial_value=False, pin_factory=factory)
    except (GPIOZeroError, OSError, ValueError) as e:
        raise ConfigError(f"gpio.ready_pin = {pin!r}: the pin factory refused it: {e}") from e


def cmd_interlock(args: argparse.Namespace) -> int:
    from inspector.line.interlock import Interlock
    from inspector.sd_notify import Notifier

    config = load_station(args.config)
    if args.simulate:
        config = config.model_copy(update={"gpio": config.gpio.model_copy(update={"pin_factory": "mock"})})
    if args.configured:
        return 0 if config.gpio.ready_pin is not None else 1
    if args.release and config.gpio.ready_pin is None:
        return 0  # the unit's ExecStopPost runs even when ExecCondition skipped it: nothing to release
    if config.gpio.ready_pin is None:
        raise ConfigError(f"{args.config or 'default station settings'}: gpio.ready_pin = None: the interlock needs "
                          "the pin that tells the belt's enable circuit the station is ready")
    output = ready_output(config)
    if args.release:
        output.off()
        output.close()
        print(f"inspector: gpio.ready_pin {config.gpio.ready_pin} driven low", file=sys.stderr)
        return 0
    logging.getLogger("inspector.line.interlock").setLevel(logging.INFO)  # every change of the pin, in the journal
    interlock = Interlock(config.interlock.socket, output, timeout_ms=config.interlock.timeout_ms,
                          notifier=Notifier())
    signal.signal(signal.SIGTERM, lambda *_: interlock.request_stop())
    signal.signal(signal.SIGINT, lambda *_: interlock.request_stop())
    interlock.listen()
    print(f"inspector: interlock on {config.interlock.socket}, ready pin {config.gpio.ready_pin}, "
          f"timeout {config.interlock.timeout_ms:g} ms", file=sys.stderr)
    try:
        interlock.serve_forever()
    finally:
        interlock.close()
        output.off()
        output.close()
    return 0


COMMANDS = {"interlock": cmd_interlock}
