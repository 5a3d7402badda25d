"""Wrong PINs and lock-outs, kept in the database so that every process (the service, the window, each CLI call)
counts the same tries: a new ``inspector`` command does not start again at "5 tries left".

Times are seconds on the wall clock (``time.time``): the only clock processes share. A lock-out longer than its
setting (a clock set back, a value from before a reboot on another clock) counts as ended.
Each function runs on the caller's connection inside the caller's write transaction.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

CREATE_SQL = """
CREATE TABLE login_failures (
    name TEXT PRIMARY KEY,           -- the user name tried (known or not)
    failures INTEGER NOT NULL,       -- wrong PINs in a row since the last right one or the last lock-out
    locked_until REAL,               -- wall-clock seconds until which every try is refused; NULL: not locked out
    last_failure_at TEXT NOT NULL    -- ISO 8601 UTC
)
"""


@dataclass(frozen=True)
class Tries:
    failures: int = 0
    locked_until: float | None = None

    def seconds_left(self, now: float, lockout_s: float) -> float:
        if self.locked_until is None:
            return 0.0
        left = self.locked_until - now
        return left if 0 < left <= lockout_s else 0.0


def create_table(db) -> None:
    """Migration step: the table (see ``inspector.store.schema``)."""
    db.execute(CREATE_SQL)


def read(conn: sqlite3.Connection, name: str) -> Tries:
    row = conn.execute("SELECT failures, locked_until FROM login_failures WHERE name = ?", [name]).fetchone()
    return Tries(row[0], row[1]) if row else Tries()


def add_failure(conn: sqlite3.Connection, name: str, *, now: float, max_failures: int,
                lockout_s: float) -> tuple[Tries, bool]:
    """One more wrong PIN; the ``max_failures``-th in a row locks ``name`` out until ``now + lockout_s``.
    Returns the tries now and whether this one locked; a lock-out another process set meanwhile is kept as it is."""
    before = read(conn, name)
    if before.seconds_left(now, lockout_s) > 0:
        return before, False
    failures = before.failures + 1
    locked_until = None
    if failures >= max_failures:
        failures, locked_until = 0, now + lockout_s
    conn.execute("INSERT INTO login_failures (name, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(name) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,"
                 " last_failure_at = excluded.last_failure_at",
                 [name, failures, locked_until, datetime.now(timezone.utc).isoformat(timespec="milliseconds")])
    return Tries(failures, locked_until), locked_until is not None


def clear(conn: sqlite3.Connection, name: str) -> Tries:
    """Forget ``name``'s wrong PINs and lock-out (a right PIN, an unlock, a new PIN); returns what was there."""
    before = read(conn, name)
    conn.execute("DELETE FROM login_failures WHERE name = ?", [name])
    return before
