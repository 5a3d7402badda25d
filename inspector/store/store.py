"""The station's database: runs, one row per part, alarms. Local SQLite in WAL mode, through sqlite-utils."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from sqlite_utils import Database

from inspector import __version__
from inspector.record import PartRecord
from inspector.store.chain import chain_rows
from inspector.store.rows import INSERT_PART_SQL, canonical_json, record_to_json, record_to_row, row_to_record
from inspector.store.schema import MIGRATIONS, Migration, migrate, schema_version

MEMORY = ":memory:"
_INSERT_ALARM_SQL = "INSERT INTO alarms (part_id, wall_time, kind, message) VALUES (?, ?, ?, ?)"
_INSERT_QUARANTINE_SQL = "INSERT INTO parts_quarantine (part_id, wall_time, error, record_json) VALUES (?, ?, ?, ?)"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def is_transient(error: BaseException) -> bool:
    """A write that failed for the database's sake (disk full, locked, I/O, read-only), not for the row's."""
    return isinstance(error, sqlite3.OperationalError)


@dataclass
class PendingPart:
    """A record on its way into ``parts``: its row values, or why it has none."""

    record: PartRecord
    values: tuple[Any, ...] | None
    error: str | None = None


@dataclass
class WriteResult:
    stored: list[int] = field(default_factory=list)  # part ids now in ``parts``
    quarantined: list[int] = field(default_factory=list)  # part ids now in ``parts_quarantine``



@contextmanager
def immediate_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error; the write lock is taken up front, so two WAL connections
    never deadlock upgrading a read to a write."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class Store:
    """One connection to the station database; safe to share between threads (calls are serialised).

    Open with ``Store.open``. A file database gets WAL and ``synchronous=NORMAL``: a commit survives the
    process being killed; a power cut may lose the last commits but never corrupts the file.
    """

    def __init__(self, db: Database, *, path: Path | None, images_dir: Path | None, busy_timeout_s: float) -> None:
        self.db = db
        self.path = path
        self.images_dir = images_dir
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        path: str | Path = MEMORY,
        *,
        images_dir: str | Path | None = None,
        migrations: Sequence[Migration] = MIGRATIONS,
        busy_timeout_s: float = 5.0,
    ) -> Store:
        """Opens (creating if needed) and migrates the database; ``images_dir`` defaults to ``images/`` beside it.

        An in-memory store keeps images only when given an ``images_dir``.
        """
        memory = str(path) == MEMORY
        file_path = None if memory else Path(path)
        if file_path is not None:
            file_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(MEMORY if memory else str(file_path), timeout=busy_timeout_s, check_same_thread=False)
        db = Database(conn)
        try:
            if not memory:
                db.enable_wal()
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db, migrations, name=str(path))
        except BaseException:
            conn.close()
            raise
        if images_dir is None and file_path is not None:
            images_dir = file_path.parent / "images"
        images = Path(images_dir) if images_dir is not None else None
        return cls(db, path=file_path, images_dir=images, busy_timeout_s=busy_timeout_s)

    def reopen(self) -> Store:
        """A second connection to the same file (an in-memory store returns itself)."""
        if self.path is None:
            return self
        return Store.open(self.path, images_dir=self.images_dir, busy_timeout_s=self.busy_timeout_s)

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self.db)

    @property
    def journal_mode(self) -> str:
        with self._lock:
            return self.db.journal_mode

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on this store's connection (immediate, under the store's lock): for writes that must
        land together with their chain entries, e.g. a QA verdict and its label row."""
        with self._lock, immediate_transaction(self.db.conn) as conn:
            yield conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a read query as dicts, under the store's lock: how the review queue, the exports and the
        reports read what the store wrote (a write goes through the store's own methods)."""
        with self._lock:
            return list(self.db.query(sql, params))

    def query_tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """As ``query``, rows as plain tuples: for reports that read tens of thousands of rows per refresh."""
        with self._lock:
            return self.db.execute(sql, params).fetchall()

    # Runs

    def start_run(
        self,
        run_id: str,
        *,
        recipe: str,
        recipe_json: Any = None,
        recipe_hash: str | None = None,
        station_config: Any = None,
        software_version: str = __version__,
        started: str | None = None,
        lot: str | None = None,
    ) -> None:
        """Records a run (with the lot it starts with); ``recipe_hash`` defaults to the sha256 of the canonical recipe
        JSON.

        A run id is never reused: a second start of the same id raises ValueError.
        """
        recipe_text = canonical_json(recipe_json) if recipe_json is not None else None
        if recipe_hash is None:
            recipe_hash = hashlib.sha256((recipe_text or "").encode()).hexdigest()
        config_text = canonical_json(station_config) if station_config is not None else None
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO runs (run_id, started, software_version, station_config, recipe, recipe_json,"
                    " recipe_hash, lot) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, started or utc_now(), software_version, config_text, recipe, recipe_text, recipe_hash,
                     lot],
                )
        except sqlite3.IntegrityError as e:
            raise ValueError(f"run {run_id!r} is already recorded; a run id is never reused") from e

    def run(self, run_id: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM runs WHERE run_id = ?", [run_id])
        return rows[0] if rows else None

    def runs(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM runs ORDER BY started, run_id")

    def end_run(self, run_id: str, state: str, *, note: str | None = None, ended: str | None = None) -> bool:
        """Records how a run ended ('clean' or 'crash'); False when it was ended already or does not exist."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE runs SET ended = ?, end_state = ?, end_note = ? WHERE run_id = ? AND end_state IS NULL",
                [ended or utc_now(), state, note, run_id],
            )
            return cursor.rowcount == 1

    def unended_runs(self) -> list[str]:
        """Runs with no recorded end: still running, or ended by a crash."""
        return [r["run_id"] for r in self.query("SELECT run_id FROM runs WHERE end_state IS NULL ORDER BY started")]

    # Parts

    def record(self, part_id: int) -> PartRecord | None:
        rows = self.query("SELECT * FROM parts WHERE part_id = ?", [part_id])
        return row_to_record(rows[0]) if rows else None

    def records(
        self,
        run_id: str | None = None,
        *,
        outcome: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[PartRecord]:
        where, params = _part_filter(run_id, outcome)
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT * FROM parts{where} ORDER BY part_id {order} LIMIT ? OFFSET ?"
        return [row_to_record(r) for r in self.query(sql, [*params, -1 if limit is None else limit, offset])]

    def count(self, run_id: str | None = None, *, outcome: str | None = None) -> int:
        where, params = _part_filter(run_id, outcome)
        return self.query(f"SELECT count(*) AS n FROM parts{where}", params)[0]["n"]

    def outcomes(self, run_id: str | None = None) -> dict[str, int]:
        where, params = _part_filter(run_id, None)
        rows = self.query(f"SELECT outcome, count(*) AS n FROM parts{where} GROUP BY outcome ORDER BY outcome", params)
        return {r["outcome"]: r["n"] for r in rows}

    def next_part_id(self) -> int:
        """One more than any part id ever recorded (stored or quarantined): ids keep rising across runs."""
        row = self.query(
            "SELECT max(m) AS m FROM (SELECT max(part_id) AS m FROM parts"
            " UNION ALL SELECT max(part_id) FROM parts_quarantine)"
        )[0]
        return (row["m"] or 0) + 1

    def known_part_ids(self, part_ids: Sequence[int]) -> set[int]:
        """Which of ``part_ids`` the database holds already (stored or quarantined)."""
        known: set[int] = set()
        ids = list(part_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.query(f"SELECT part_id FROM parts WHERE part_id IN ({marks}) UNION "
                              f"SELECT part_id FROM parts_quarantine WHERE part_id IN ({marks})", [*chunk, *chunk])
            known.update(r["part_id"] for r in rows)
        return known

    def recorded_part_ids(self, first: int, last: int) -> set[int]:
        """Ids in ``first..last`` that have a record (stored or quarantined)."""
        rows = self.query(
            "SELECT part_id FROM parts WHERE part_id BETWEEN ? AND ?"
            " UNION SELECT part_id FROM parts_quarantine WHERE part_id BETWEEN ? AND ?", [first, last, first, last]
        )
        return {r["part_id"] for r in rows}

    def insert(self, record: PartRecord) -> None:
        """Writes one record now, on the caller's thread (the line uses ``RecordWriter`` instead)."""
        with self.transaction() as conn:
            values = record_to_row(record)
            conn.execute(INSERT_PART_SQL, values)
            chain_rows(conn, "parts", [values[0]], "insert")

    def write_parts(self, parts: Sequence[PendingPart], alarms: Sequence[tuple[Any, ...]] = ()) -> WriteResult:
        """Stores ``parts`` and ``alarms`` in one transaction.

        A row the database refuses (a duplicate id, a value it cannot hold) goes to ``parts_quarantine`` with the
        reason, and the others are stored. A failure of the database itself (``is_transient``) raises, and nothing
        of the batch is written: the caller keeps it and retries.
        """
        if not any(p.values is None for p in parts):
            try:
                with self.transaction() as conn:
                    conn.executemany(INSERT_PART_SQL, [p.values for p in parts])
                    chain_rows(conn, "parts", [p.values[0] for p in parts], "insert")
                    conn.executemany(_INSERT_ALARM_SQL, alarms)
                return WriteResult(stored=[p.values[0] for p in parts])
            except Exception as e:  # noqa: BLE001
                if is_transient(e):
                    raise
        return self._write_one_by_one(parts, alarms)

    def _write_one_by_one(self, parts: Sequence[PendingPart], alarms: Sequence[tuple[Any, ...]]) -> WriteResult:
        result = WriteResult()
        now = utc_now()
        with self.transaction() as conn:
            for part in parts:
                error = part.error
                if part.values is not None:
                    conn.execute("SAVEPOINT part")
                    try:
                        conn.execute(INSERT_PART_SQL, part.values)
                        conn.execute("RELEASE part")
                        result.stored.append(part.values[0])
                        continue
                    except Exception as e:  # noqa: BLE001
                        conn.execute("ROLLBACK TO part")
                        conn.execute("RELEASE part")
                        if is_transient(e):
                            raise
                        error = f"{type(e).__name__}: {e}"
                conn.execute(_INSERT_QUARANTINE_SQL, [_int_or_none(part.record.part_id), now, error,
                                                      record_to_json(part.record)])
                result.quarantined.append(part.record.part_id)
            chain_rows(conn, "parts", result.stored, "insert")
            conn.executemany(_INSERT_ALARM_SQL, alarms)
        return result

    def quarantined(self, limit: int = 100) -> list[dict[str, Any]]:
        """Records the database refused, with the reason: to be resolved by a person, never silently dropped."""
        return self.query("SELECT * FROM parts_quarantine ORDER BY id DESC LIMIT ?", [limit])

    def image_file(self, record: PartRecord) -> Path | None:
        """Where the kept image of ``record`` lies on this machine."""
        if record.image_path is None or self.images_dir is None:
            return None
        return self.images_dir.parent / record.image_path

    # Alarms

    def add_alarm(self, kind: str, message: str, *, part_id: int | None = None, wall_time: str | None = None) -> int:
        with self.transaction() as conn:
            cursor = conn.execute(_INSERT_ALARM_SQL, [part_id, wall_time or utc_now(), kind, message])
            return int(cursor.lastrowid)

    def has_alarm(self, part_id: int | None, wall_time: str, kind: str, message: str) -> bool:
        rows = self.query("SELECT 1 AS x FROM alarms WHERE wall_time = ? AND kind = ? AND message = ?"
                          " AND part_id IS ? LIMIT 1", [wall_time, kind, message, part_id])
        return bool(rows)

    def acknowledge_alarm(self, alarm_id: int, by: str, *, at: str | None = None) -> bool:
        """Marks an alarm seen by a person; False when it does not exist or was acknowledged already."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE alarms SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
                [by, at or utc_now(), alarm_id],
            )
            return cursor.rowcount == 1

    def alarms(self, *, unacknowledged: bool = False, limit: int = 100) -> list[dict[str, Any]]:
        where = " WHERE acknowledged_at IS NULL" if unacknowledged else ""
        return self.query(f"SELECT * FROM alarms{where} ORDER BY id DESC LIMIT ?", [limit])


def _part_filter(run_id: str | None, outcome: str | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if run_id is not None:
        clauses.append("run_id = ?")
        params.append(run_id)
    if outcome is not None:
        clauses.append("outcome = ?")
        params.append(getattr(outcome, "value", outcome))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
