"""A simulated second break-beam at the pusher: on the simulated line it sees each part ``travel_s`` (± jitter) after
the first beam did, so the travel-time measurement can run without a technician."""
from __future__ import annotations

import threading

import numpy as np

from hardware.gpio import BreakBeam


class SimulatedPusherSensor:
    """Watches ``beam`` (a ``BreakBeam`` on mock pins) and breaks its own beam on ``pin`` a travel time later."""

    def __init__(self, beam: BreakBeam, *, travel_s: float, pin=5, jitter_s: float = 0.0, blocked_s: float = 0.01,
                 seed: int = 0, pin_factory=None) -> None:
        if travel_s <= 0:
            raise ValueError(f"travel_s {travel_s} must be > 0")
        self.travel_s, self.jitter_s, self.blocked_s = travel_s, jitter_s, blocked_s
        self.sensor = BreakBeam(pin, active_low=True, bounce_s=0, pin_factory=pin_factory or beam.device.pin_factory)
        self._rng = np.random.default_rng(seed)
        self._beam_device = beam.device
        self._previous = beam.device.when_activated
        self._timers: set[threading.Timer] = set()
        self._lock = threading.Lock()
        self.sensor.pin.drive_high()  # beam clear
        beam.device.when_activated = self._part_at_first_beam

    @property
    def when_broken(self):
        return self.sensor.when_broken

    @when_broken.setter
    def when_broken(self, callback) -> None:
        self.sensor.when_broken = callback

    def _part_at_first_beam(self, *args) -> None:
        if self._previous is not None:
            self._previous(*args) if args else self._previous()
        delay = max(0.0, self.travel_s + float(self._rng.normal(0.0, self.jitter_s)) if self.jitter_s else self.travel_s)
        timer = threading.Timer(delay, self._arrive)
        timer.daemon = True
        with self._lock:
            self._timers.add(timer)
        timer.start()

    def _arrive(self) -> None:
        with self._lock:
            self._timers = {t for t in self._timers if t.is_alive() and t is not threading.current_thread()}
        try:
            self.sensor.pin.drive_low()
            threading.Event().wait(self.blocked_s)
            self.sensor.pin.drive_high()
        except Exception:  # closed meanwhile
            pass

    def close(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()
        if self._beam_device.when_activated == self._part_at_first_beam:
            self._beam_device.when_activated = self._previous
        self.sensor.close()
