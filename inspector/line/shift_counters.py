"""The line screen's counters per shift and per lot, owned by the runtime so every window shows the same figures.

A shift runs from one audited reset to the next (``reset_counters``: the operator ends the shift); the lot counters
are those of the lot in force on the line, from its first part (or from its last audited reset) on, across runs,
recipe switches and restarts. Where each period starts is a row of ``counter_periods``; the counts are read from the
records once (at start, or when another lot comes into force) and then follow the line's record listener in memory:
a restarted runtime shows the same counters because they come from what was recorded.

The record listener runs on the line's thread: it only adds under a lock. Database reads happen at start and in
``snapshot`` (the API's thread), never on the line's thread.
"""
from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from inspector import audit
from inspector.permissions import COUNTERS_LOT, COUNTERS_SHIFT, role_name
from inspector.store.counters import (add_period, first_part_time, highest_part_id, latest_period,
                                      outcome_counts)

FIELDS = ("started", "inspected", "passed", "rejected", "check", "fail_safe")
_FIELD_OF = {"pass": "passed", "reject": "rejected", "uncertain": "check"}  # any other outcome is a fail-safe
RECENT = 4096  # parts remembered for a reset that races the line (their ids may fall in the new period)
FIRST_REASON = "the station's counters start"


def tally(outcomes: dict[str, int], started: str | None) -> dict[str, Any]:
    """``{started, inspected, passed, rejected, check, fail_safe}`` of per-outcome counts."""
    out: dict[str, Any] = {"started": started, "inspected": 0, "passed": 0, "rejected": 0, "check": 0,
                           "fail_safe": 0}
    for outcome, n in outcomes.items():
        out[_FIELD_OF.get(outcome, "fail_safe")] += n
        out["inspected"] += n
    return out


@dataclass
class _Period:
    """One period's counts: ``base`` read from the records (parts below ``boundary``), ``live`` from the listener
    (parts from ``boundary`` on)."""

    first_part_id: int
    boundary: int
    started: str | None
    lot: str | None = None
    loaded: bool = False
    base: dict[str, int] = field(default_factory=dict)
    live: collections.Counter = field(default_factory=collections.Counter)

    def counts(self) -> dict[str, int]:
        merged = collections.Counter(self.base)
        merged.update(self.live)
        return dict(merged)


class ShiftCounters:
    """Shift and lot counters of one station's records; ``add`` is a ``Line`` record listener."""

    def __init__(self, store: Any, *, lot_now: Callable[[], str | None] = lambda: None) -> None:
        self.store, self.lot_now = store, lot_now
        self._lock = threading.Lock()
        self._recent: collections.deque[tuple[int, str, str | None]] = collections.deque(maxlen=RECENT)
        self._high = highest_part_id(store)
        self.on_reset: list[Callable[[], None]] = []  # told after a reset (the API sends every client the counters)
        row = latest_period(store, "shift")
        if row is None:  # the first start that keeps counters: the shift starts now, not with the station's history
            with audit.transaction(store) as conn:
                row = add_period(conn, "shift", self._high + 1, lot=None, by="station", role="system",
                                 reason=FIRST_REASON)
        self._shift = _Period(row["first_part_id"], self._high + 1, row["started"])
        self._lot = self._lot_period(lot_now(), self._high + 1)
        self._load(self._shift, None, of_lot=False)
        self._load(self._lot, self._lot.lot, of_lot=True)

    # -- the line's thread -----------------------------------------------------------------------------------
    def add(self, record: Any, frame: Any = None, results: Any = None) -> None:
        """Count one recorded part (a ``Line`` listener: never touches the database)."""
        part_id, outcome, lot = record.part_id, record.outcome, record.lot
        in_force = self.lot_now()
        with self._lock:
            self._high = max(self._high, part_id)
            self._recent.append((part_id, outcome, lot))
            if part_id >= self._shift.boundary:
                self._shift.live[outcome] += 1
            if in_force != self._lot.lot:
                self._lot = self._lot_period(in_force, part_id)  # loaded from the records at the next snapshot
            if lot is not None and lot == self._lot.lot and part_id >= self._lot.boundary:
                self._lot.live[outcome] += 1
                if self._lot.started is None:
                    self._lot.started = record.wall_time

    # -- readers ---------------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, dict[str, Any]]:
        """``{"shift": {...}, "lot": {..., "lot": id}}``, each with ``FIELDS``."""
        in_force = self.lot_now()
        with self._lock:
            if in_force != self._lot.lot:  # a lot change while no part came: its counters show at once
                self._lot = self._lot_period(in_force, self._high + 1)
            lot = self._lot
        if not lot.loaded:
            self._load(lot, lot.lot, of_lot=True)
        with self._lock:
            shift = tally(self._shift.counts(), self._shift.started)
            lot = self._lot
            lot_tally = {**tally(lot.counts(), lot.started), "lot": lot.lot}
        return {"shift": shift, "lot": lot_tally}

    # -- resets ----------------------------------------------------------------------------------------------
    def reset(self, scope: str, who: Any, reason: str) -> dict[str, Any]:
        """Start a new ``scope`` period from the next part on, audited as ``who`` in the same transaction as its row;
        returns the new period's counters. The caller checked ``who`` may (``reset_counters`` does)."""
        if scope not in ("shift", "lot"):
            raise ValueError(f"scope = {scope!r}: one of shift, lot")
        before = self.snapshot()[scope]
        with self._lock:
            first = self._high + 1
            lot = self._lot.lot if scope == "lot" else None
        if scope == "lot" and lot is None:
            raise ValueError("scope = lot: no lot is in force on the line, so there are no lot counters to restart")
        user = getattr(who, "user", who)
        action = COUNTERS_SHIFT if scope == "shift" else COUNTERS_LOT
        target = "counters:shift" if scope == "shift" else f"counters:lot:{lot}"
        with audit.transaction(self.store) as conn:
            row = add_period(conn, scope, first, lot=lot, by=user.name, role=role_name(user.role), reason=reason)
            audit.append(conn, who, action, target, before, {"started": row["started"], "first_part_id": first},
                         reason)
        with self._lock:
            period = _Period(first, first, row["started"], lot, loaded=True)
            for part_id, outcome, part_lot in self._recent:  # parts recorded while the reset was being written
                if part_id >= first and (scope == "shift" or part_lot == lot):
                    period.live[outcome] += 1
            if scope == "shift":
                self._shift = period
            elif self._lot.lot == lot:
                self._lot = period
        for listener in list(self.on_reset):
            listener()
        return self.snapshot()[scope]

    # -- inside ----------------------------------------------------------------------------------------------
    def _lot_period(self, lot: str | None, boundary: int) -> _Period:
        """The counters of ``lot`` (first part id and start come with ``_load``); none without a lot."""
        return _Period(0, boundary, None, lot, loaded=lot is None)

    def _load(self, period: _Period, lot: str | None, *, of_lot: bool) -> None:
        """Read the counts below ``period.boundary`` from the records (off the lock), then merge them in."""
        if period.loaded:
            return
        first, started = period.first_part_id, period.started
        if of_lot:
            row = latest_period(self.store, "lot", lot)
            first = row["first_part_id"] if row else 0
            started = row["started"] if row else first_part_time(self.store, lot, 0)
        base = outcome_counts(self.store, first_part_id=first, below=period.boundary, lot=lot, of_lot=of_lot)
        with self._lock:
            if period.loaded:
                return
            period.first_part_id, period.base, period.loaded = first, base, True
            period.started = started or period.started


def reset_counters(session: Any, counters: ShiftCounters, scope: str, reason: str, *, store: Any) -> dict[str, Any]:
    """End the shift (``scope="shift"``: operator, technician) or restart the lot in force's counters (``"lot"``:
    technician, admin) as the session's user, audited with the counters before and the reason."""
    from inspector.actions import actor

    if scope not in ("shift", "lot"):
        raise ValueError(f"scope = {scope!r}: one of shift, lot")
    who = actor(session, store, COUNTERS_SHIFT if scope == "shift" else COUNTERS_LOT)
    return counters.reset(scope, who, reason)
