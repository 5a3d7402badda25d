"""API operations on the line screen's shift and lot counters (a mixin of ``inspector.api.operations.Operations``).

The counters live in the runtime (:class:`inspector.line.shift_counters.ShiftCounters`, fed by the server's record
listener), so every window, and a window restarted, shows the same figures; ``counters`` and the ``counters`` event
carry them as ``shift`` and ``lot``. A reset is an act of a person: it needs a login whose role may
(``counters.shift``: operator, technician; ``counters.lot``: technician, admin) and a reason, and it is audited with
the counters it ended.
"""
from __future__ import annotations

from typing import Any

from inspector.api.protocol import ApiError
from inspector.line.shift_counters import ShiftCounters, reset_counters
from inspector.permissions import COUNTERS_LOT, COUNTERS_SHIFT

SCOPES = {"shift": COUNTERS_SHIFT, "lot": COUNTERS_LOT}


class CounterOps:
    @property
    def shift_counters(self) -> ShiftCounters:
        """The station's shift and lot counters, made at the server's start (before the line records a part)."""
        counters = self.__dict__.get("_shift_counters")
        if counters is None:
            counters = self.__dict__["_shift_counters"] = ShiftCounters(self.store, lot_now=self._lot_in_force)
        return counters

    def _lot_in_force(self) -> str | None:
        """The current station's lot (a switch replaces the station and keeps the lot); while there is none (a
        switch under way), the lot last seen."""
        station = self.host.station
        if station is not None:
            self.__dict__["_last_lot"] = station.line.lot
        return self.__dict__.get("_last_lot")

    def op_counters_reset(self, args: dict, caller: Any) -> dict:
        """``{scope: shift|lot, reason}`` -> the new period's counters ``{started, inspected, ...}``."""
        scope, reason = args.get("scope"), args.get("reason")
        if scope not in SCOPES:
            raise ApiError("bad_request", f"scope = {scope!r}: one of shift, lot")
        if not isinstance(reason, str) or not reason.strip():
            raise ApiError("bad_request", "reason: a counters reset needs a reason for the audit trail")
        from inspector import actions

        who = self.actor(caller, SCOPES[scope])
        if who is actions.NO_USERS:  # the local screen of a station without users: the trail says so
            return self.shift_counters.reset(scope, who, reason.strip())
        return reset_counters(who, self.shift_counters, scope, reason.strip(), store=self.store)
