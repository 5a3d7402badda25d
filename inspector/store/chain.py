"""The record chain: every part record, label, user change and audit entry, hashed and linked in one ledger.

Each change to a chained row appends one entry to ``chain``: which table and row (its key), what happened
(``insert``, ``update``, ``prune``, ``adopt``), the sha256 of the row's canonical content as stored, a one-byte
fingerprint per column (so a later check can say *which* column changed), and ``hash`` = sha256 of all of that and
the previous entry's hash. The entry is written in the same transaction as the row, by the code that writes the row.

A row's canonical content is generic: every column of the table as SQLite returns it but the chain's own (the audit
trail's ``prev_hash``/``hash``), as a JSON array in the table's column order, trailing NULLs left out. A column added
later (``ALTER TABLE ... ADD COLUMN``, NULL in old rows) is covered from then on without code changes and leaves the
hashes of older rows as they were. (A migration that rebuilds a chained table in another column order must chain its
rows again, op ``adopt``.)

The ledger's head is signed by the station key (``inspector.store.seals``); ``inspector.store.integrity`` checks it.
"""
from __future__ import annotations

import json
import sqlite3
from hashlib import sha256
from operator import itemgetter
from typing import Any, Iterable, Sequence
from zlib import crc32

GENESIS = "0" * 64
CHAINED = ("users", "audit", "parts", "labels")  # the order an existing database's rows are adopted in
KEY_OF = {"parts": "part_id", "labels": "id", "users": "name", "audit": "id"}
OWN_COLUMNS = {"audit": frozenset({"prev_hash", "hash"})}  # a chain of its own: not part of the row's content
NOUN = {"parts": "part", "labels": "label", "users": "user", "audit": "audit entry"}
_CHUNK = 500

CREATE_SQL = (
    """
    CREATE TABLE IF NOT EXISTS chain (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tbl TEXT NOT NULL,
        row_key NOT NULL,
        op TEXT NOT NULL,
        run_id TEXT,
        row_hash TEXT,
        columns TEXT,
        hash TEXT NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS chain_row ON chain (tbl, row_key, seq)",
    "CREATE TRIGGER IF NOT EXISTS chain_no_update BEFORE UPDATE ON chain BEGIN SELECT RAISE(ABORT, 'the chain is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS chain_no_delete BEFORE DELETE ON chain BEGIN SELECT RAISE(ABORT, 'the chain is append-only'); END",
)


def _blob(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"blob": bytes(value).hex()}
    raise TypeError(f"cannot hash a {type(value).__name__}")


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_blob).encode


class RowShape:
    """How the rows of one ``SELECT *`` are hashed: which columns count, in which order.

    Content: the JSON array of the counted columns' values in table order, trailing NULLs left out (so a column added
    later, NULL in the old rows, leaves their hashes as they were). Fingerprint: the low byte of the crc32 of each
    counted value's ``repr`` (NULL included, so positions stay put): which column changed.
    """

    def __init__(self, table: str, names: Sequence[str]) -> None:
        own = OWN_COLUMNS.get(table, frozenset())
        self.table = table
        self.names = tuple(names)
        self.counted = tuple(i for i, name in enumerate(self.names) if name not in own)
        getter = itemgetter(*self.counted)
        self._values = getter if len(self.counted) > 1 else (lambda row: (getter(row),))
        self.key_index = self.names.index(KEY_OF[table])
        self.run_index = self.names.index("run_id") if "run_id" in self.names else None

    def values(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return self._values(row)

    def digest(self, row: Sequence[Any], values: tuple[Any, ...] | None = None) -> str:
        values = self._values(row) if values is None else values
        n = len(values)
        while n and values[n - 1] is None:
            n -= 1
        return sha256(_encode(values[:n]).encode()).hexdigest()

    def fingerprint(self, row: Sequence[Any], values: tuple[Any, ...] | None = None) -> str:
        values = self._values(row) if values is None else values
        return bytes([crc32(repr(v).encode()) & 0xFF for v in values]).hex()

    def changed_columns(self, row: Sequence[Any], fingerprint: str | None) -> list[str]:
        """The columns whose fingerprint byte differs from ``fingerprint`` (written when the row was chained)."""
        if not fingerprint:
            return []
        now = bytes.fromhex(self.fingerprint(row))
        then = bytes.fromhex(fingerprint)
        return [self.names[i] for k, i in enumerate(self.counted)
                if (k >= len(then) and row[i] is not None) or (k < len(then) and now[k] != then[k])]


def entry_hash(previous: str, tbl: str, row_key: Any, op: str, run_id: str | None, row_hash: str | None,
               columns: str | None) -> str:
    text = _encode([previous, tbl, row_key, op, run_id, row_hash, columns])
    return sha256(text.encode()).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The last entry's ``(seq, hash)``; ``(0, GENESIS)`` for an empty chain."""
    row = conn.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def has_chain(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain'").fetchone() is not None


def chain_rows(conn: sqlite3.Connection, table: str, keys: Iterable[Any], op: str) -> int:
    """Appends one entry per row of ``table`` named by ``keys`` (as stored now), inside the caller's transaction.

    Returns the entries written. A database from before the chain (no ``chain`` table) is left as it is.
    """
    keys = list(keys)
    if not keys:
        return 0
    try:
        previous = head(conn)[1]
    except sqlite3.OperationalError as e:
        if "no such table: chain" in str(e):
            return 0
        raise
    key = KEY_OF[table]
    scope = _scope_of(conn, table)
    entries = []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        cursor = conn.execute(f'SELECT * FROM "{table}" WHERE "{key}" IN ({", ".join("?" * len(chunk))})', chunk)
        shape = RowShape(table, [d[0] for d in cursor.description])
        by_key = {row[shape.key_index]: row for row in cursor.fetchall()}
        runs = scope(by_key) if scope else {}
        for k in chunk:
            row = by_key.get(k)
            if row is None:
                continue
            run_id = runs.get(k) if scope else (row[shape.run_index] if shape.run_index is not None else None)
            values = shape.values(row)
            row_hash, columns = shape.digest(row, values), shape.fingerprint(row, values)
            previous = entry_hash(previous, table, k, op, run_id, row_hash, columns)
            entries.append((table, k, op, run_id, row_hash, columns, previous))
    conn.executemany("INSERT INTO chain (tbl, row_key, op, run_id, row_hash, columns, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     entries)
    return len(entries)


def _scope_of(conn: sqlite3.Connection, table: str):
    """Labels belong to their part's run: the ledger keeps it, so a run's check finds its deleted labels too."""
    if table != "labels":
        return None

    def runs(rows: dict[Any, Sequence[Any]]) -> dict[Any, str | None]:
        out = {}
        for label_id in rows:
            found = conn.execute("SELECT p.run_id FROM labels l JOIN parts p ON p.part_id = l.part_id WHERE l.id = ?",
                                 [label_id]).fetchone()
            out[label_id] = found[0] if found else None
        return out
    return runs


def adopt_existing(conn: sqlite3.Connection) -> int:
    """Chains every row already in the chained tables (op ``adopt``): for a database from before the chain."""
    total = 0
    for table in CHAINED:
        key = KEY_OF[table]
        known = {r[0] for r in conn.execute("SELECT row_key FROM chain WHERE tbl = ?", [table])}
        keys = [r[0] for r in conn.execute(f'SELECT "{key}" FROM "{table}" ORDER BY rowid') if r[0] not in known]
        total += chain_rows(conn, table, keys, "adopt")
    return total


def create_chain_tables(db: Any) -> None:
    """Migration step: the ledger, the seals, ``parts.image_sha256``; rows already there are adopted."""
    from inspector.store.seals import SEALS_SQL

    conn = db.conn
    for sql in (*CREATE_SQL, *SEALS_SQL):
        conn.execute(sql)
    if "image_sha256" not in {r[1] for r in conn.execute("PRAGMA table_info(parts)")}:
        conn.execute("ALTER TABLE parts ADD COLUMN image_sha256 TEXT")
    adopt_existing(conn)
