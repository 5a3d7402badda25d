"""A line thread that is alive but stuck (a store write that never returns) stops the watchdog: systemd is no longer
petted and the ready pin drops; once the write returns, both come back."""
from __future__ import annotations

import threading
import time

import pytest

from inspector.assemble import build_station
from inspector.config import parse_station
from inspector.sd_notify import Notifier
from inspector.store.store import Store
from tests.interlock.conftest import wait_until
from tests.interlock.rig import READY_PIN

STALL_S = 0.5


@pytest.fixture
def blocked_store_writes(monkeypatch):
    """Set: every database write of the record writer blocks until cleared (a disk that stopped answering)."""
    blocked, released = threading.Event(), threading.Event()
    write_parts = Store.write_parts

    def stalling(self, *args, **kwargs):
        if blocked.is_set():
            released.wait(30)
        return write_parts(self, *args, **kwargs)

    monkeypatch.setattr(Store, "write_parts", stalling)
    yield blocked, released
    released.set()


def test_a_blocked_store_write_stops_the_pets_and_drops_the_pin_until_it_returns(
        short_dir, interlock, ready_pin, fake_systemd, blocked_store_writes):
    blocked, released = blocked_store_writes
    config = parse_station({"data_dir": str(short_dir / "data"), "gpio": {"ready_pin": READY_PIN},
                            "interlock": {"socket": str(interlock.path), "stall_s": STALL_S}})
    station = build_station(config, simulate=True, rate_hz=20, notifier=Notifier(fake_systemd.env()))
    try:
        watched = {w.heartbeat.name for w in station.watchdog.watched}
        assert {"trigger", "capture", "actuator", "inspect", "record-writer", "journal-sync"} <= watched
        station.start()
        assert wait_until(lambda: ready_pin.value == 1, timeout=10)
        assert wait_until(lambda: station.writer.stats().written > 0, timeout=10)
        blocked.set()
        assert wait_until(lambda: ready_pin.value == 0, timeout=STALL_S + 5)
        assert wait_until(lambda: any("record-writer has not moved" in m.fields["STATUS"]
                                      for m in fake_systemd.with_key("STATUS")), timeout=2)
        assert "no heartbeat" in interlock.events[-1].cause
        assert station.writer.alive  # alive, and still not petted: stuck is not healthy
        quiet_from = time.monotonic() + 0.05
        time.sleep(0.5)
        assert not fake_systemd.with_key("WATCHDOG", since=quiet_from)
        released.set()
        assert wait_until(lambda: ready_pin.value == 1, timeout=10)
        assert fake_systemd.wait_for("WATCHDOG", "1", timeout=5, since=time.monotonic())
    finally:
        released.set()
        assert station.close()
    assert ready_pin.value == 0


def test_without_systemd_or_a_ready_pin_the_station_runs_no_watchdog(short_dir, monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    station = build_station(parse_station({"data_dir": str(short_dir / "data")}), simulate=True)
    try:
        assert station.watchdog is None  # nothing listens: no thread, no socket
    finally:
        assert station.close()
