"""Guided measurement of the sensor-to-pusher travel time, and the pusher's single test pulse.

A trial starts at the break-beam edge of a part and ends when the part reaches the pusher: either the technician
confirms it (:meth:`TravelMeasurement.confirm_arrival`) or a second sensor at the pusher reports it (``arrival``, any
object with ``when_broken`` such as ``hardware.gpio.BreakBeam``). Parts between the two are matched first in, first
out. After ``trials`` trials the median is the travel time, accepted only when the trials agree (spread check).

The measurement borrows the beam's ``when_broken`` while it runs (the line must be stopped) and gives it back on
:meth:`close`.
"""
from __future__ import annotations

import collections
import statistics
import threading
from dataclasses import dataclass
from typing import Any, Callable

from inspector.calibration import CalibrationError, check_pulse, check_travel
from inspector.clock import Clock, MonotonicClock

SPREAD_ABS_S = 0.02
SPREAD_REL = 0.1


@dataclass(frozen=True)
class TravelResult:
    trials: tuple[float, ...]
    median_s: float
    spread_s: float
    limit_s: float
    part_gap_s: float | None  # shortest time between two parts at the beam during the measurement

    @property
    def ok(self) -> bool:
        return self.spread_s <= self.limit_s

    @property
    def message(self) -> str:
        text = (f"travel {self.median_s:.3f} s (median of {len(self.trials)}), spread {self.spread_s:.3f} s, "
                f"limit {self.limit_s:.3f} s")
        if not self.ok:
            text += ": the trials disagree (uneven belt, late confirmations); measure again"
        return text

    def accepted(self, budget_s: float) -> float:
        """The travel time to save; ``CalibrationError`` when the trials disagree or it is within ``budget_s``."""
        if not self.ok:
            raise CalibrationError(f"travel spread {self.spread_s:.3f} s over {len(self.trials)} trials is above "
                                   f"the limit {self.limit_s:.3f} s: measure again")
        return check_travel(round(self.median_s, 4), budget_s)


def spread_limit(median_s: float) -> float:
    return max(SPREAD_ABS_S, SPREAD_REL * median_s)


class TravelMeasurement:
    """Trials of beam edge → arrival at the pusher; ``on_change`` runs (on the sensor's thread) after each event."""

    def __init__(self, beam: Any, *, trials: int = 5, arrival: Any = None, clock: Clock | None = None,
                 on_change: Callable[[], None] | None = None, max_s: float = 60.0) -> None:
        if trials < 1:
            raise ValueError(f"trials {trials} must be at least 1")
        self.beam, self.arrival, self.wanted = beam, arrival, trials
        self.clock = clock or MonotonicClock()
        self.on_change, self.max_s = on_change, max_s
        self.trials: list[float] = []
        self.edges: list[float] = []
        self.missed = 0  # parts that were never confirmed within max_s
        self._pending: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        self._saved = (beam.when_broken, arrival.when_broken if arrival is not None else None)
        self._open = True
        beam.when_broken = self._edge
        if arrival is not None:
            arrival.when_broken = self.confirm_arrival

    @property
    def done(self) -> bool:
        return len(self.trials) >= self.wanted

    @property
    def waiting(self) -> int:
        """Parts past the beam and not yet at the pusher."""
        return len(self._pending)

    def _edge(self) -> None:
        with self._lock:
            if not self._open or self.done:
                return
            now = self.clock.now()
            self.edges.append(now)
            while self._pending and now - self._pending[0] > self.max_s:
                self._pending.popleft()
                self.missed += 1
            self._pending.append(now)
        self._changed()

    def confirm_arrival(self) -> float | None:
        """The part first in line reached the pusher now; its travel time, or None when no part was on its way."""
        with self._lock:
            if not self._open or self.done or not self._pending:
                return None
            travel = self.clock.now() - self._pending.popleft()
            self.trials.append(travel)
        self._changed()
        return travel

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def result(self) -> TravelResult:
        with self._lock:
            trials = tuple(self.trials)
            edges = list(self.edges)
        if not trials:
            raise CalibrationError("no travel trial yet: let a part pass the beam and reach the pusher")
        median = statistics.median(trials)
        gaps = [b - a for a, b in zip(edges, edges[1:])]
        return TravelResult(trials, median, max(trials) - min(trials), spread_limit(median),
                            min(gaps) if gaps else None)

    def close(self) -> None:
        """Give the beam (and the arrival sensor) back their own callbacks."""
        with self._lock:
            if not self._open:
                return
            self._open = False
        self.beam.when_broken = self._saved[0]
        if self.arrival is not None:
            self.arrival.when_broken = self._saved[1]

    def __enter__(self) -> "TravelMeasurement":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fire_pulse(pusher: Any, pulse_s: float, travel_s: float) -> threading.Timer:
    """Switch ``pusher`` on once for ``pulse_s`` (validated against ``travel_s``); returns the timer that ends it."""
    check_pulse(pulse_s, travel_s)
    def off() -> None:
        try:
            pusher.off()
        except Exception:  # closed meanwhile (the station shut down): closing switched it off already
            pass

    pusher.on()
    timer = threading.Timer(pulse_s, off)
    timer.name = "pusher-test-pulse"
    timer.daemon = True
    timer.start()
    return timer
