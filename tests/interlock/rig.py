"""The runtime as the unit starts it (``inspector run --headless``), in a child process, with the ready-pin supervisor
in this process on gpiozero's MockFactory: what the acceptance tests and ``benchmarks/bench_interlock.py`` drive."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from gpiozero import DigitalOutputDevice
from gpiozero.pins.mock import MockFactory

from inspector.line.interlock import Interlock

ROOT = Path(__file__).resolve().parents[2]
READY_PIN = 5
START_TIMEOUT_S = 120.0  # models verified and warmed up, camera, pins, database: slow on a busy small machine


def station_file(folder: Path, *, stall_s: float = 2.5, timeout_ms: float = 60.0) -> Path:
    path = folder / "station.toml"
    path.write_text(
        f'data_dir = "{folder / "data"}"\n'
        f"[gpio]\nready_pin = {READY_PIN}\n"
        f'[interlock]\nsocket = "{folder / "interlock.sock"}"\nstall_s = {stall_s}\ntimeout_ms = {timeout_ms}\n'
    )
    return path


class Rig:
    """``start()`` the runtime; ``signal()`` it and measure how long the pin took to drop (``drop_after``)."""

    def __init__(self, folder: Path, *, env: dict[str, str] | None = None, rate: float = 10.0):
        self.folder = folder
        self.station = station_file(folder)
        self.pin = DigitalOutputDevice(READY_PIN, initial_value=False, pin_factory=MockFactory())
        self.interlock = Interlock(folder / "interlock.sock", self.pin, timeout_ms=60.0).start()
        self.env, self.rate = env or {}, rate
        self.child: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.log = open(self.folder / "runtime.log", "ab")
        self.child = subprocess.Popen(
            [sys.executable, "-m", "inspector", "run", "--headless", "--simulate", "--config", str(self.station),
             "--rate", str(self.rate)], cwd=self.folder, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        if not self.wait_pin(True, START_TIMEOUT_S):
            raise AssertionError(f"the ready pin never rose; runtime log:\n{self.log_text()}")
        return self.child

    def log_text(self) -> str:
        return (self.folder / "runtime.log").read_text(errors="replace")[-4000:]

    def wait_pin(self, high: bool, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if bool(self.pin.value) == high:
                return True
            if self.child is not None and self.child.poll() is not None and high:
                return False
            time.sleep(0.002)
        return bool(self.pin.value) == high

    def drop_after(self, sig: int, timeout: float = 2.0) -> float | None:
        """Send ``sig`` to the runtime; seconds until the pin went low (from the supervisor's own event), or None."""
        assert self.pin.value == 1, "the pin must be high before the runtime is signalled"
        t0 = time.monotonic()
        os.kill(self.child.pid, sig)
        if not self.wait_pin(False, timeout):
            return None
        drop = next(e for e in reversed(self.interlock.events) if not e.ready)
        return drop.at - t0

    def close(self) -> None:
        if self.child is not None and self.child.poll() is None:
            os.kill(self.child.pid, signal.SIGCONT)
            self.child.kill()
            self.child.wait(10)
        self.interlock.stop()
        self.pin.close()
        if getattr(self, "log", None):
            self.log.close()
