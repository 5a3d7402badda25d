"""Parts between the sensor and the pusher, tracked by id, and the actuator that fires at each part's deadline.

A decision counts for actuation only if it was known by the part's deadline; a result that comes later can never fire
the pusher, on its own part or any other: at the deadline the part is closed with the fail-safe outcome.
"""
from __future__ import annotations

import heapq
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from inspector.clock import Clock
from inspector.ports import Actuator
from inspector.types import Decision
from inspector.workers import Worker

log = logging.getLogger(__name__)


@dataclass
class PartInTransit:
    part_id: int
    t_trigger: float
    deadline: float
    decision: Decision | None = None
    decided_at: float | None = None
    closed: bool = False  # the deadline has passed and the pusher did what it did
    actuated: bool = False
    actuated_at: float | None = None

    @property
    def decided_in_time(self) -> bool:
        return self.decision is not None and self.decided_at is not None and self.decided_at <= self.deadline


@dataclass(order=True)
class _Due:
    deadline: float
    part_id: int
    part: PartInTransit = field(compare=False)


EDGE_HISTORY = 1024  # pusher edges kept for inspection (tests, diagnostics): the newest, so memory stays flat


class PusherTimeline:
    """Switches an actuator on at deadlines and off a pulse later; overlapping pulses merge. Logs recent edges."""

    def __init__(self, actuator: Actuator, pulse_s: float, *, history: int = EDGE_HISTORY):
        self.actuator = actuator
        self.pulse_s = pulse_s
        self.off_at: float | None = None
        self.history = history
        self.edges: list[tuple[float, bool]] = []  # (clock time, state): what the pin was told, when; the newest

    def _log(self, at: float, state: bool) -> None:
        self.edges.append((at, state))
        if len(self.edges) > self.history:
            del self.edges[: len(self.edges) - self.history // 2]  # amortised: one cut per history/2 edges

    def fire(self, at: float) -> None:
        if self.off_at is None:
            self.actuator.on()
            self._log(at, True)
        self.off_at = max(self.off_at or at, at + self.pulse_s)

    def release_due(self, now: float) -> None:
        if self.off_at is not None and now >= self.off_at:
            self.actuator.off()
            self._log(self.off_at, False)
            self.off_at = None


class Transit:
    """The FIFO of deadlines and the actuator thread that honours them."""

    def __init__(
        self,
        *,
        clock: Clock,
        pusher: Actuator,
        travel_s: float,
        pulse_s: float,
        on_closed: Callable[[PartInTransit], None],
    ):
        self.clock = clock
        self.travel_s = travel_s
        self.timeline = PusherTimeline(pusher, pulse_s)
        self._on_closed = on_closed
        self._heap: list[_Due] = []
        self._parts: dict[int, PartInTransit] = {}
        self._lock = threading.Condition()
        self._worker = Worker("actuator", self._run)
        self._stop = self._worker.stop_event

    def add(self, part_id: int, t_trigger: float) -> PartInTransit:
        part = PartInTransit(part_id, t_trigger, t_trigger + self.travel_s)
        with self._lock:
            self._parts[part_id] = part
            heapq.heappush(self._heap, _Due(part.deadline, part_id, part))
            self._lock.notify_all()
        return part

    def decide(self, part_id: int, decision: Decision, at: float) -> bool:
        """Attach a decision; True when it is in time to act on, False when the part was already closed."""
        with self._lock:
            part = self._parts.get(part_id)
            if part is None or part.closed or part.decision is not None:
                return False
            part.decision, part.decided_at = decision, at
            return at <= part.deadline

    def pending(self) -> int:
        with self._lock:
            return len(self._parts)

    def next_event(self) -> float | None:
        with self._lock:
            times = [d.deadline for d in self._heap[:1]]
            if self.timeline.off_at is not None:
                times.append(self.timeline.off_at)
            return min(times) if times else None

    def step(self, now: float) -> list[PartInTransit]:
        """Close every part whose deadline has come; fire the pusher for those that divert. Returns them."""
        closed = []
        with self._lock:
            self.timeline.release_due(now)
            while self._heap and self._heap[0].deadline <= now:
                part = heapq.heappop(self._heap).part
                self._close(part)
                closed.append(part)
            self.timeline.release_due(now)
        for part in closed:
            self._on_closed(part)
        return closed

    def _close(self, part: PartInTransit) -> None:
        part.closed = True
        del self._parts[part.part_id]
        diverts = not part.decided_in_time or part.decision.outcome.diverts
        if diverts:
            self.timeline.fire(part.deadline)
            part.actuated, part.actuated_at = True, part.deadline
        if not part.decided_in_time:
            log.warning("part %d: no decision by its deadline; fail-safe reject", part.part_id)

    # -- the actuator thread -------------------------------------------------------------------------------
    def start(self) -> None:
        self._worker.start()

    @property
    def heartbeat(self):
        """The actuator thread's: it beats at each wake-up (idle: every 50 ms; else at the next deadline)."""
        return self._worker.heartbeat

    @property
    def alive(self) -> bool:
        return self._worker.alive

    def _run(self) -> None:
        beat = self._worker.heartbeat.beat
        while not self._stop.is_set():
            beat()
            t = self.next_event()
            if t is None:
                with self._lock:
                    if not self._heap and self.timeline.off_at is None:
                        self._lock.wait(0.05)
                continue
            if self.clock.sleep_until(t, self._stop):
                self.step(self.clock.now())

    def drain(self, timeout: float) -> bool:
        """Wait until every part in transit is closed and the pusher is off (the line is stopping)."""
        end = time.monotonic() + timeout
        with self._lock:
            while (self._parts or self.timeline.off_at is not None) and self._worker.alive:
                if time.monotonic() >= end:
                    return False
                self._lock.wait(0.01)
        return not self._parts

    def stop(self, timeout: float = 1.0) -> bool:
        return self._worker.stop(timeout, wake=self._wake)

    def _wake(self) -> None:
        with self._lock:
            self._lock.notify_all()

