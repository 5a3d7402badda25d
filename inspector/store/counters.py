"""Counter periods: where the line screen's shift and lot counters start, kept so a restarted runtime shows the same.

A period is a row ``(scope, lot, first_part_id, started, by, role, reason)``: the shift counters count the parts
with ``part_id >= first_part_id`` of the newest shift row; a lot's counters count its parts from its newest lot row
on (from its first part when it has none). The counts themselves are never stored: they are read from ``parts``
(the records are the truth), so they cannot drift from what was recorded. Who reset a period, and why, is in the
audit trail as well (``inspector.line.shift_counters.reset_counters``).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database

NAME = "counter periods (shift and lot counters, audited resets)"
SCOPES = ("shift", "lot")


def create_counter_periods(db: Database) -> None:
    """Schema step ``NAME``."""
    db.execute(
        """
        CREATE TABLE counter_periods (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL CHECK (scope IN ('shift', 'lot')),
            lot TEXT,
            first_part_id INTEGER NOT NULL,
            started TEXT NOT NULL,
            by TEXT NOT NULL,
            role TEXT NOT NULL,
            reason TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX counter_periods_scope ON counter_periods (scope, lot, id)")


def latest_period(store: Any, scope: str, lot: str | None = None) -> dict[str, Any] | None:
    """The newest period of ``scope`` (of ``lot`` for a lot), or None when none was ever started."""
    if scope == "shift":
        rows = store.query("SELECT * FROM counter_periods WHERE scope = 'shift' ORDER BY id DESC LIMIT 1")
    else:
        rows = store.query("SELECT * FROM counter_periods WHERE scope = 'lot' AND lot IS ? ORDER BY id DESC LIMIT 1",
                           [lot])
    return rows[0] if rows else None


def add_period(conn: Any, scope: str, first_part_id: int, *, lot: str | None, by: str, role: str, reason: str,
               started: str | None = None) -> dict[str, Any]:
    """Insert a period row on ``conn`` (the caller's transaction, shared with its audit entry)."""
    if scope not in SCOPES:
        raise ValueError(f"scope = {scope!r}: one of {', '.join(SCOPES)}")
    row = {"scope": scope, "lot": lot, "first_part_id": int(first_part_id), "started": started or datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
           "by": by, "role": role, "reason": reason}
    cursor = conn.execute("INSERT INTO counter_periods (scope, lot, first_part_id, started, by, role, reason) "
                          "VALUES (:scope, :lot, :first_part_id, :started, :by, :role, :reason)", row)
    return {"id": cursor.lastrowid, **row}


def outcome_counts(store: Any, *, first_part_id: int = 0, below: int | None = None,
                   lot: str | None = None, of_lot: bool = False) -> dict[str, int]:
    """How many recorded parts per outcome have ``first_part_id <= part_id < below`` (and the lot ``lot`` when
    ``of_lot``); an index range either way (``parts`` by id, ``parts_lot`` by lot and id)."""
    sql = "SELECT outcome, count(*) AS n FROM parts WHERE part_id >= ?"
    params: list[Any] = [first_part_id]
    if below is not None:
        sql += " AND part_id < ?"
        params.append(below)
    if of_lot:
        sql += " AND lot IS ?"
        params.append(lot)
    return {row["outcome"]: row["n"] for row in store.query(sql + " GROUP BY outcome", params)}


def first_part_time(store: Any, lot: str | None, first_part_id: int = 0) -> str | None:
    """When the lot's first counted part was made (its wall time), or None."""
    rows = store.query("SELECT wall_time FROM parts WHERE lot IS ? AND part_id >= ? ORDER BY part_id LIMIT 1",
                       [lot, first_part_id])
    return rows[0]["wall_time"] if rows else None


def highest_part_id(store: Any) -> int:
    """The highest part id recorded (stored or quarantined), 0 for none."""
    return store.next_part_id() - 1
