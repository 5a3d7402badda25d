"""The ready-pin supervisor: high only while a runtime that said READY=1 keeps sending heartbeats."""
from __future__ import annotations

import socket

from inspector.line.interlock import Interlock
from inspector.sd_notify import message
from tests.interlock.conftest import wait_until


def runtime(interlock: Interlock) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.connect(str(interlock.path))
    return sock


def test_the_pin_is_low_until_a_ready_runtime_beats(interlock, ready_pin):
    assert ready_pin.value == 0
    peer = runtime(interlock)
    peer.send(message(WATCHDOG=1))  # a heartbeat without READY=1 raises nothing
    assert not wait_until(lambda: ready_pin.value == 1, timeout=0.2)
    peer.send(message(READY=1, WATCHDOG=1))
    assert wait_until(lambda: ready_pin.value == 1)
    peer.close()


def test_silence_longer_than_the_timeout_drops_the_pin_and_a_heartbeat_raises_it_again(interlock, ready_pin):
    peer = runtime(interlock)
    peer.send(message(READY=1, WATCHDOG=1))
    assert wait_until(lambda: ready_pin.value == 1)
    assert wait_until(lambda: ready_pin.value == 0, timeout=1.0)  # no more heartbeats
    drop = interlock.events[-1]
    assert not drop.ready and "no heartbeat" in drop.cause
    peer.send(message(WATCHDOG=1))
    assert wait_until(lambda: ready_pin.value == 1)
    peer.close()


def test_a_closed_connection_drops_the_pin_at_once(interlock, ready_pin):
    peer = runtime(interlock)
    peer.send(message(READY=1, WATCHDOG=1))
    assert wait_until(lambda: ready_pin.value == 1)
    peer.close()
    assert wait_until(lambda: ready_pin.value == 0, timeout=1.0)
    assert "runtime gone" in interlock.events[-1].cause


def test_stopping_drops_the_pin_and_heartbeats_after_it_raise_nothing(interlock, ready_pin):
    peer = runtime(interlock)
    peer.send(message(READY=1, WATCHDOG=1))
    assert wait_until(lambda: ready_pin.value == 1)
    peer.send(message(STOPPING=1, STATUS="stopping"))
    assert wait_until(lambda: ready_pin.value == 0, timeout=1.0)
    assert "runtime stopping" in interlock.events[-1].cause
    peer.send(message(WATCHDOG=1))
    assert not wait_until(lambda: ready_pin.value == 1, timeout=0.2)
    peer.close()


def test_a_new_runtime_replaces_the_old_one_and_must_say_ready_itself(interlock, ready_pin):
    old = runtime(interlock)
    old.send(message(READY=1, WATCHDOG=1))
    assert wait_until(lambda: ready_pin.value == 1)
    new = runtime(interlock)
    assert wait_until(lambda: interlock.connections == 2 and ready_pin.value == 0, timeout=1.0)
    new.send(message(READY=1, WATCHDOG=1))
    assert wait_until(lambda: ready_pin.value == 1)
    old.close()
    new.close()


def test_a_stale_socket_of_a_dead_supervisor_is_replaced(short_dir, ready_pin):
    path = short_dir / "interlock.sock"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    stale.bind(str(path))
    stale.close()  # the file stays, as after kill -9
    supervisor = Interlock(path, ready_pin).start()
    try:
        peer = runtime(supervisor)
        peer.send(message(READY=1, WATCHDOG=1))
        assert wait_until(lambda: ready_pin.value == 1)
        peer.close()
    finally:
        assert supervisor.stop()
    assert ready_pin.value == 0 and not path.exists()


def test_the_command_refuses_a_station_without_a_ready_pin_and_says_so(tmp_path, capsys):
    from inspector.cli import main

    station = tmp_path / "station.toml"
    station.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    assert main(["interlock", "--config", str(station)]) == 2
    assert "gpio.ready_pin = None" in capsys.readouterr().err
    assert main(["interlock", "--configured", "--config", str(station)]) == 1
    assert main(["interlock", "--release", "--config", str(station)]) == 0  # ExecStopPost of a skipped unit
    station.write_text(f'data_dir = "{tmp_path / "data"}"\n[gpio]\nready_pin = 5\npin_factory = "mock"\n')
    assert main(["interlock", "--configured", "--config", str(station)]) == 0
    assert main(["interlock", "--release", "--config", str(station)]) == 0


def test_the_ready_pin_needs_a_pin_of_its_own_and_heartbeats_that_fit_the_timeout():
    import pytest

    from inspector.config import ConfigError, parse_station

    with pytest.raises(ConfigError, match="ready_pin = 27: the same pin as pusher_pin"):
        parse_station({"gpio": {"ready_pin": 27}}, "station.toml")
    with pytest.raises(ConfigError, match="timeout_ms 40 must be at least 3 x beat_ms 15"):
        parse_station({"interlock": {"timeout_ms": 40}}, "station.toml")
    assert parse_station({"gpio": {"ready_pin": "GPIO5"}}).gpio.ready_pin == "GPIO5"
