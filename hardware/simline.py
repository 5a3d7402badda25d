"""The simulated line: a conveyor that carries rendered items past the camera and breaks the beam for each one.

It drives gpiozero ``MockFactory`` pins exactly as a real break-beam would, so the station under simulation runs the
same code as at the line.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import Iterable, Iterator

log = logging.getLogger(__name__)


class SimulatedLine:
    """Parts arrive every ``1/rate_hz`` s: in view ``lead_s`` before the beam, out of view after ``dwell_s``."""

    def __init__(
        self,
        *,
        camera,
        beam_pin,
        items: Iterable,
        rate_hz: float,
        beam_blocked_s: float | None = None,
        lead_s: float | None = None,
        dwell_s: float | None = None,
        active_low: bool = True,
    ):
        if rate_hz <= 0:
            raise ValueError(f"rate_hz {rate_hz} must be > 0")
        period = 1.0 / rate_hz
        self.camera, self.pin, self.period = camera, beam_pin, period
        self._items: Iterator = iter(items)
        self.beam_blocked_s = beam_blocked_s if beam_blocked_s is not None else min(0.02, period * 0.3)
        self.lead_s = lead_s if lead_s is not None else min(0.06, period * 0.45)
        self.dwell_s = dwell_s if dwell_s is not None else min(0.06, period * 0.45)
        self._broken, self._clear = (self.pin.drive_low, self.pin.drive_high) if active_low else (self.pin.drive_high, self.pin.drive_low)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0
        self.slipped = 0  # parts that came later than the rate because the simulator was slow to render them

    def start(self, parts: int | None = None) -> None:
        self._clear()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(parts,), name="conveyor", daemon=True)
        self._thread.start()

    def _sleep_until(self, t: float) -> bool:
        while not self._stop.is_set():
            remaining = t - time.monotonic()
            if remaining <= 0:
                return True
            self._stop.wait(remaining)  # no spinning: it would take a core from the station it simulates for
        return False

    def _run(self, parts: int | None) -> None:
        t0: float | None = None
        for k in itertools.count() if parts is None else range(parts):
            try:
                item = next(self._items)  # rendering may take a while: the schedule waits for it, never the part
            except StopIteration:
                break
            if t0 is None:
                t0 = time.monotonic() + self.lead_s
            show_at = max(t0 + k * self.period - self.lead_s, time.monotonic())
            if not self._sleep_until(show_at):
                break
            self.camera.show(item)
            arrive = max(t0 + k * self.period, show_at + self.lead_s)  # in view lead_s before the beam, always
            if arrive > t0 + k * self.period:
                self.slipped += 1
                t0 = arrive - k * self.period
            if not self._sleep_until(arrive):
                break
            self._broken()
            self.sent += 1
            if not self._sleep_until(arrive + self.beam_blocked_s):
                break
            self._clear()
            if not self._sleep_until(arrive + self.dwell_s):
                break
            self.camera.show(None)
        self._clear()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self, timeout: float = 1.0) -> bool:
        self._stop.set()
        return self.join(timeout)
