"""Holds: parts whose images retention must keep (a lot under investigation, an export someone relies on).

A hold covers the parts that match every condition it gives: a wall-time range (``since`` ≤ t < ``until``), a run,
a range of part ids. ``reference`` names what is held for people ("lot 2026-48", "export 3fa2…"). Placing and
releasing a hold are audited with who, when and why; a released hold stays in the table.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any

from inspector.store.store import Store, utc_now


class HoldError(ValueError):
    """A hold that cannot be placed or released; the message says which value and why."""


@dataclass(frozen=True)
class Hold:
    id: int
    reference: str
    since: str | None
    until: str | None
    run_id: str | None
    part_from: int | None
    part_to: int | None
    reason: str
    created_by: str
    created_at: str
    released_by: str | None = None
    released_at: str | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None

    def conditions(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("since", "until", "run_id", "part_from", "part_to")
                if getattr(self, k) is not None}


HOLD_MATCHES_PART = (
    "h.released_at IS NULL"
    " AND (h.since IS NULL OR p.wall_time >= h.since) AND (h.until IS NULL OR p.wall_time < h.until)"
    " AND (h.run_id IS NULL OR p.run_id = h.run_id)"
    " AND (h.part_from IS NULL OR p.part_id >= h.part_from) AND (h.part_to IS NULL OR p.part_id <= h.part_to)"
)
"""SQL: the active hold ``h`` covers the part ``p`` (for ``EXISTS (SELECT 1 FROM holds h WHERE …)``)."""


def utc_iso(value: str | datetime | None, name: str) -> str | None:
    """A time as the part rows write it (ISO 8601 UTC, milliseconds), so text order is time order."""
    if value is None:
        return None
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise HoldError(f"{name} = {value!r}: not an ISO 8601 time (e.g. 2026-11-22T10:00 or 2026-11-22)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def add_hold(store: Store, user: Any, *, reference: str, reason: str, since: str | datetime | None = None,
             until: str | datetime | None = None, run_id: str | None = None, part_from: int | None = None,
             part_to: int | None = None) -> Hold:
    """Places a hold and audits it (``hold.add``); ``user`` as ``inspector.audit.append`` takes it."""
    from inspector import audit

    since_text, until_text = utc_iso(since, "since"), utc_iso(until, "until")
    if not (reference or "").strip():
        raise HoldError("reference = '': name what is held (a lot, an export id)")
    if not (reason or "").strip():
        raise HoldError("reason = '': a hold needs a reason for the audit trail")
    if all(v is None for v in (since_text, until_text, run_id, part_from, part_to)):
        raise HoldError("a hold needs at least one of since, until, run, part range: it would hold every part")
    if since_text and until_text and since_text >= until_text:
        raise HoldError(f"since = {since_text}: must be before until = {until_text}")
    if part_from is not None and part_to is not None and part_from > part_to:
        raise HoldError(f"parts = {part_from}-{part_to}: the first id must not exceed the last")
    actor = getattr(getattr(user, "user", user), "name", str(user))
    with audit.transaction(store) as conn:
        cursor = conn.execute(
            "INSERT INTO holds (reference, since, until, run_id, part_from, part_to, reason, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [reference.strip(), since_text, until_text, run_id, part_from, part_to, reason.strip(), actor, utc_now()])
        hold = _hold(conn, int(cursor.lastrowid))
        audit.append(conn, user, "hold.add", f"hold:{hold.id}", None,
                     {"reference": hold.reference, **hold.conditions()}, reason)
    return hold


def release_hold(store: Store, user: Any, hold_id: int, *, reason: str) -> Hold:
    """Ends a hold (its images become prunable again) and audits it (``hold.release``)."""
    from inspector import audit

    actor = getattr(getattr(user, "user", user), "name", str(user))
    with audit.transaction(store) as conn:
        hold = _hold(conn, hold_id)
        if hold is None:
            raise HoldError(f"hold {hold_id}: no such hold")
        if not hold.active:
            raise HoldError(f"hold {hold_id}: released already by {hold.released_by} at {hold.released_at}")
        conn.execute("UPDATE holds SET released_by = ?, released_at = ? WHERE id = ?", [actor, utc_now(), hold_id])
        audit.append(conn, user, "hold.release", f"hold:{hold_id}", {"reference": hold.reference, "active": True},
                     {"reference": hold.reference, "active": False}, reason)
        return _hold(conn, hold_id)


def holds(store: Store, *, include_released: bool = False) -> list[Hold]:
    where = "" if include_released else " WHERE released_at IS NULL"
    return [Hold(**row) for row in store.query(f"SELECT * FROM holds{where} ORDER BY id")]


def _hold(conn: Any, hold_id: int) -> Hold | None:
    names = [f.name for f in fields(Hold)]
    row = conn.execute(f"SELECT {', '.join(names)} FROM holds WHERE id = ?", [hold_id]).fetchone()
    return Hold(*row) if row else None
