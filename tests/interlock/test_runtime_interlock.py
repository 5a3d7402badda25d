"""Acceptance: the runtime in a real child process running the simulated line, the ready pin on MockFactory in the
supervisor, systemd played by a fake notify socket. A killed, hung or stopping runtime drops the pin within 100 ms."""
from __future__ import annotations

import signal
import time

import pytest

from tests.interlock.rig import Rig

DROP_LIMIT_S = 0.100  # the acceptance: ready pin low within 100 ms


@pytest.fixture
def rig(short_dir, fake_systemd):
    rig = Rig(short_dir, env=fake_systemd.env())
    yield rig
    rig.close()


def test_runtime_says_ready_pets_systemd_and_kill_9_drops_the_pin_within_100_ms(rig, fake_systemd):
    child = rig.start()
    ready = fake_systemd.wait_for("READY", "1", timeout=5)
    assert ready is not None
    time.sleep(0.5)
    pets = fake_systemd.with_key("WATCHDOG", "1", since=ready.at)
    assert len(pets) >= 3  # WatchdogSec 0.2 s: a pet every 0.1 s
    latency = rig.drop_after(signal.SIGKILL)
    assert latency is not None and latency <= DROP_LIMIT_S, f"pin dropped after {latency}"
    # the end of the connection, or the missing heartbeats when the kernel's teardown of the process takes longer
    assert any(why in rig.interlock.events[-1].cause for why in ("runtime gone", "no heartbeat"))
    child.wait(10)
    assert child.returncode == -signal.SIGKILL


def test_sigstop_drops_the_pin_within_100_ms_and_sigcont_raises_it_again(rig):
    child = rig.start()
    latency = rig.drop_after(signal.SIGSTOP)
    assert latency is not None and latency <= DROP_LIMIT_S, f"pin dropped after {latency}"
    assert "no heartbeat" in rig.interlock.events[-1].cause
    assert not rig.wait_pin(True, 0.3)  # stays low while the runtime is stopped
    signal_sent = time.monotonic()
    child.send_signal(signal.SIGCONT)
    assert rig.wait_pin(True, 5.0)
    assert rig.interlock.events[-1].at > signal_sent


def test_sigterm_says_stopping_to_both_and_the_pin_is_low_before_the_runtime_exits(rig, fake_systemd):
    child = rig.start()
    sent = time.monotonic()
    child.send_signal(signal.SIGTERM)
    assert child.wait(30) == 0, rig.log_text()
    assert rig.pin.value == 0
    drop = next(e for e in reversed(rig.interlock.events) if not e.ready)
    assert "runtime stopping" in drop.cause and drop.at >= sent
    assert fake_systemd.with_key("STOPPING", "1", since=sent)
