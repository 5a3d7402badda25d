"""The audit trail: every change to settings, recipes, labels, users and models, chained by hash.

Each entry holds who (user and role), when (UTC), what (action, target, before and after as canonical JSON), why
(reason) and whether it was signed (PIN asked again). Its ``hash`` is sha256 over the canonical JSON of all of that,
its id and the previous entry's hash, so a changed value, a deleted row or rows put in another order break the chain
at a place ``verify`` names. (Someone who rewrites the whole chain from a point on can only be caught by comparing
with a copy kept elsewhere: ``export_csv``.)
"""
from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from inspector.permissions import role_name
from inspector.store.chain import chain_rows
from inspector.store.store import immediate_transaction

GENESIS = "0" * 64
COLUMNS = ("id", "time", "user", "role", "action", "target", "before", "after", "reason", "signed", "prev_hash", "hash")
SECRET_KEYS = frozenset({"pin", "pin_hash", "salt", "hash_hex"})
MAX_REASON = 500


class AuditError(ValueError):
    """An entry the trail refuses (no reason, a secret among the values)."""


@dataclass(frozen=True)
class Entry:
    id: int
    time: str
    user: str
    role: str
    action: str
    target: str
    before: str | None  # canonical JSON
    after: str | None
    reason: str
    signed: int
    prev_hash: str
    hash: str

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


@dataclass(frozen=True)
class Broken:
    entry_id: int
    kind: str  # changed | deleted | reordered | relinked
    why: str

    def __str__(self) -> str:
        return f"entry {self.entry_id} {self.kind}: {self.why}"


@dataclass(frozen=True)
class Verdict:
    entries: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass(frozen=True)
class Signature:
    """A person's PIN given again for one change, with the reason: who, role, why, when."""

    user: str
    role: str
    reason: str
    at: str


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(fields: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of every column but ``hash`` (``prev_hash`` included)."""
    return hashlib.sha256(canonical({k: fields[k] for k in COLUMNS if k != "hash"}).encode()).hexdigest()


def _connection(db: Any) -> tuple[sqlite3.Connection, Any]:
    if isinstance(db, sqlite3.Connection):
        return db, nullcontext()
    if hasattr(db, "_lock") and hasattr(db, "db"):  # inspector.store.Store: share its lock
        return db.db.conn, db._lock
    if hasattr(db, "conn"):  # sqlite_utils.Database
        return db.conn, nullcontext()
    raise TypeError(f"not a database: {db!r}")



@contextmanager
def transaction(db: Any) -> Iterator[sqlite3.Connection]:
    """A write transaction on ``db``, or the caller's own when one is open (its change and the entry commit
    together)."""
    conn, lock = _connection(db)
    with lock:
        if conn.in_transaction:
            yield conn
            return
        with immediate_transaction(conn):
            yield conn


def _check_no_secrets(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower() in SECRET_KEYS:
                raise AuditError(f"audit {where} holds {key!r}: PINs, hashes and salts never go into the trail")
            _check_no_secrets(item, where)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_no_secrets(item, where)


def append(db: Any, user: Any, action: str, target: str, before: Any, after: Any, reason: str, *,
           signed: bool = False, at: str | None = None) -> Entry:
    """Append one entry; ``user`` is a Session, a User or anything with ``name`` and ``role``.

    Runs inside the caller's open transaction when there is one, else in its own.
    """
    user = getattr(user, "user", user)
    reason = (reason or "").strip()
    if not reason:
        raise AuditError(f"{action} on {target}: a reason is required for the audit trail")
    if len(reason) > MAX_REASON:
        raise AuditError(f"{action} on {target}: reason is {len(reason)} characters, at most {MAX_REASON}")
    _check_no_secrets(before, "before")
    _check_no_secrets(after, "after")
    fields = {
        "time": at or datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "user": user.name, "role": role_name(user.role), "action": action, "target": str(target),
        "before": None if before is None else canonical(before),
        "after": None if after is None else canonical(after),
        "reason": reason, "signed": int(bool(signed)),
    }
    with transaction(db) as conn:
        last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        fields["id"] = max(last[0] if last else 0, seq[0] if seq else 0) + 1
        fields["prev_hash"] = last[1] if last else GENESIS
        fields["hash"] = entry_hash(fields)
        conn.execute(f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                     [fields[c] for c in COLUMNS])
        chain_rows(conn, "audit", [fields["id"]], "insert")
    return Entry(**fields)


def entries(db: Any, *, limit: int | None = None, newest_first: bool = False) -> list[Entry]:
    conn, lock = _connection(db)
    order = "DESC" if newest_first else "ASC"
    with lock:
        rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY id {order} LIMIT ?",
                            [-1 if limit is None else limit]).fetchall()
    return [Entry(*row) for row in rows]


@dataclass(frozen=True)
class Page:
    """Entries newest first; ``next_before`` is the cursor of the page after (None at the first entry)."""

    entries: list[Entry]
    next_before: int | None
    total: int  # entries that match the filters
    newer: int  # of those, the ones newer than this page


def page(db: Any, *, before: int | None = None, limit: int = 100, user: str | None = None,
         action: str | None = None, target: str | None = None, since: str | None = None,
         until: str | None = None) -> Page:
    """One page of the trail, newest first, ids below ``before``. ``action`` ending in ``.`` is a prefix
    (``model.``: every model change); ``target`` too (``user:``); times are ISO 8601 UTC, ``until`` exclusive."""
    if not 1 <= int(limit) <= 1000:
        raise ValueError(f"limit = {limit}: must be 1..1000")
    where, params = [], []
    for column, value in (("user", user), ("action", action), ("target", target)):
        if value:
            if str(value).endswith((".", ":")):
                where.append(f"substr({column}, 1, ?) = ?")
                params += [len(value), value]
            else:
                where.append(f"{column} = ?")
                params.append(value)
    if since:
        where.append("time >= ?")
        params.append(since)
    if until:
        where.append("time < ?")
        params.append(until)
    matching = " AND ".join(where) or "1"
    cursor = " AND id < ?" if before is not None else ""
    conn, lock = _connection(db)
    with lock:
        total = conn.execute(f"SELECT count(*) FROM audit WHERE {matching}", params).fetchone()[0]
        newer = 0 if before is None else conn.execute(f"SELECT count(*) FROM audit WHERE {matching} AND id >= ?",
                                                      [*params, int(before)]).fetchone()[0]
        rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit WHERE {matching}{cursor} ORDER BY id DESC "
                            "LIMIT ?", [*params, *([int(before)] if before is not None else []), int(limit) + 1]
                            ).fetchall()
    found = [Entry(*row) for row in rows[:limit]]
    return Page(found, found[-1].id if len(rows) > limit else None, total, newer)


def facets(db: Any) -> dict[str, list[str]]:
    """The users and actions the trail names, for a screen's pick lists."""
    conn, lock = _connection(db)
    with lock:
        users = [r[0] for r in conn.execute("SELECT DISTINCT user FROM audit ORDER BY user COLLATE NOCASE")]
        actions = [r[0] for r in conn.execute("SELECT DISTINCT action FROM audit ORDER BY action")]
    return {"users": users, "actions": actions}


def verify(db: Any) -> Verdict:
    """Check the whole chain; the first broken entry and why, or ``broken=None`` for an intact trail."""
    rows = entries(db)
    conn, lock = _connection(db)
    with lock:
        seq_row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    by_hash = {row.hash: row for row in rows}
    previous: Entry | None = None
    for row in rows:
        broken = _check(row, previous, by_hash)
        if broken:
            return Verdict(len(rows), broken)
        previous = row
    last = previous.id if previous else 0
    if seq_row and seq_row[0] > last:
        gone = last + 1
        return Verdict(len(rows), Broken(gone, "deleted", f"the trail ends at entry {last} but entries up to "
                                                          f"{seq_row[0]} were written"))
    return Verdict(len(rows), None)


def _check(row: Entry, previous: Entry | None, by_hash: dict[str, Entry]) -> Broken | None:
    expected_id = previous.id + 1 if previous else 1
    if row.id > expected_id:
        missing = f"{expected_id}" if row.id == expected_id + 1 else f"{expected_id}..{row.id - 1}"
        return Broken(expected_id, "deleted", f"entries {missing} are missing (the trail jumps from "
                                              f"{expected_id - 1} to {row.id})")
    expected_prev = previous.hash if previous else GENESIS
    if row.prev_hash != expected_prev:
        earlier = by_hash.get(row.prev_hash)
        if earlier is not None and earlier.id > row.id:
            return Broken(row.id, "reordered", f"it follows entry {earlier.id} in the chain, which now comes after it")
    if entry_hash({c: getattr(row, c) for c in COLUMNS}) != row.hash:
        return Broken(row.id, "changed", "its contents no longer match its hash")
    if row.prev_hash != expected_prev:
        if previous is None:
            return Broken(row.id, "relinked", "the first entry does not start the chain")
        return Broken(previous.id, "changed", f"it was rewritten with a new hash; entry {row.id} recorded another")
    return None


def export_csv(db: Any, path: str | Path) -> int:
    """Write the trail to ``path`` as CSV (one header row, every column); returns the number of entries."""
    path = Path(path)
    rows = entries(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            writer.writerows(row.values() for row in rows)
        tmp.replace(path)
    except OSError as e:
        raise OSError(f"cannot write the audit export to {path}: {e.strerror or e}") from None
    return len(rows)


def sign(session: Any, pin: str, reason: str) -> Signature:
    """Ask ``session``'s user for their PIN again with a reason: an electronic signature for one change.

    A wrong PIN counts towards lock-out like at login (and a lock-out ends the session).
    """
    reason = (reason or "").strip()
    if not reason:
        raise AuditError("a signed change needs a reason")
    session.check_alive("sign")
    session.reauthenticate(pin)
    user = session.user
    return Signature(user.name, role_name(user.role), reason,
                     datetime.now(timezone.utc).isoformat(timespec="milliseconds"))
