"""The ready-pin supervisor on gpiozero's MockFactory, a fake systemd notify socket, short socket paths."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from gpiozero import DigitalOutputDevice
from gpiozero.pins.mock import MockFactory

from inspector.line.interlock import Interlock
from tests.interlock.fake_systemd import FakeNotifySocket

READY_PIN = 5


def wait_until(predicate, timeout: float = 5.0, step: float = 0.002) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


@pytest.fixture
def short_dir():
    """A folder whose socket paths fit AF_UNIX's 108 bytes (pytest's tmp_path may not)."""
    folder = Path(tempfile.mkdtemp(prefix="ilk-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def ready_pin():
    factory = MockFactory()
    device = DigitalOutputDevice(READY_PIN, initial_value=False, pin_factory=factory)
    yield device
    device.close()


@pytest.fixture
def interlock(short_dir, ready_pin):
    supervisor = Interlock(short_dir / "interlock.sock", ready_pin, timeout_ms=60).start()
    yield supervisor
    supervisor.stop()


@pytest.fixture
def fake_systemd():
    sock = FakeNotifySocket(watchdog_usec=200_000)
    yield sock
    sock.close()
