"""The model lifecycle's tables: every package the station holds, re-scores of the archive, shadow results.

A migration step (``MIGRATIONS`` in ``schema.py``) and the queries over these tables; no SQL lives outside the store.
Re-scores and shadow results sit beside the parts they score and never change a part's own row.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from sqlite_utils import Database

if TYPE_CHECKING:
    from inspector.store.store import Store

STATES = ("candidate", "shadow", "live", "retired")
PACKAGE_COLUMNS = ("package_id", "name", "version", "task", "folder", "signer", "state", "imported_at",
                   "imported_by", "test_metrics", "evaluation", "approved_by", "approved_at", "reason",
                   "previous_live")


def create_model_tables(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE model_packages (
            package_id TEXT PRIMARY KEY,      -- sha256 of the signed manifest
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            task TEXT NOT NULL,
            folder TEXT NOT NULL,             -- the station's own copy
            signer TEXT,                      -- key id of the signature it was trusted by
            state TEXT NOT NULL CHECK (state IN ('candidate', 'shadow', 'live', 'retired')),
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            test_metrics TEXT,                -- JSON, from the manifest
            evaluation TEXT,                  -- JSON, the last evaluation on this station's QA data
            approved_by TEXT,
            approved_at TEXT,
            reason TEXT,
            previous_live TEXT                -- the package it replaced when promoted (rollback goes there)
        )
        """
    )
    db.execute("CREATE INDEX model_packages_name_state ON model_packages (name, state)")
    db.execute(
        """
        CREATE TABLE rescores (
            rescore_id TEXT PRIMARY KEY,
            package_id TEXT NOT NULL,
            purpose TEXT NOT NULL,            -- evaluate | rescore
            selection TEXT NOT NULL,          -- JSON: since, until, verified_only, lot
            started_at TEXT NOT NULL,
            finished_at TEXT,
            parts INTEGER NOT NULL DEFAULT 0,
            summary TEXT                      -- JSON
        )
        """
    )
    db.execute(
        """
        CREATE TABLE rescore_results (
            rescore_id TEXT NOT NULL,
            part_id INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            result TEXT NOT NULL,             -- JSON: p_defect or count, covered
            PRIMARY KEY (rescore_id, part_id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE shadow_results (
            package_id TEXT NOT NULL,
            part_id INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            live_outcome TEXT NOT NULL,
            result TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (package_id, part_id)
        ) WITHOUT ROWID
        """
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("test_metrics", "evaluation", "selection", "summary", "result"):
        if row.get(key) is not None:
            row[key] = json.loads(row[key])
    return row


class ModelTables:
    """The lifecycle's queries over one :class:`Store`."""

    def __init__(self, store: "Store"):
        self.store = store

    # packages
    def add_package(self, *, package_id: str, name: str, version: str, task: str, folder: str, signer: str | None,
                    state: str, imported_by: str, test_metrics: dict[str, Any] | None) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO model_packages (package_id, name, version, task, folder, signer, state, imported_at, "
                "imported_by, test_metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (package_id, name, version, task, folder, signer, state, _now(), imported_by,
                 json.dumps(test_metrics) if test_metrics is not None else None))

    def package(self, package_id: str) -> dict[str, Any] | None:
        rows = self.store.query("SELECT * FROM model_packages WHERE package_id = ?", (package_id,))
        return _decode(rows[0]) if rows else None

    def packages(self, name: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM model_packages" + (" WHERE name = ?" if name else "") + " ORDER BY name, imported_at"
        return [_decode(r) for r in self.store.query(sql, (name,) if name else ())]

    def in_state(self, state: str, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
        rows = [_decode(r) for r in self.store.query("SELECT * FROM model_packages WHERE state = ? ORDER BY name",
                                                     (state,))]
        wanted = None if names is None else set(names)
        return [r for r in rows if wanted is None or r["name"] in wanted]

    def set_states(self, changes: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        """(package_id, new state, other columns) for several packages in one transaction."""
        with self.store.transaction() as conn:
            for package_id, state, fields in changes:
                sets = ", ".join(f"{k} = ?" for k in ("state", *fields))
                conn.execute(f"UPDATE model_packages SET {sets} WHERE package_id = ?",
                             (state, *fields.values(), package_id))

    def set_evaluation(self, package_id: str, evaluation: dict[str, Any]) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE model_packages SET evaluation = ? WHERE package_id = ?",
                         (json.dumps(evaluation), package_id))

    # re-scores
    def start_rescore(self, rescore_id: str, package_id: str, purpose: str, selection: dict[str, Any]) -> None:
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO rescores (rescore_id, package_id, purpose, selection, started_at) "
                         "VALUES (?, ?, ?, ?, ?)", (rescore_id, package_id, purpose, json.dumps(selection), _now()))

    def add_rescore_results(self, rescore_id: str, results: Sequence[tuple[int, str, dict[str, Any]]]) -> None:
        with self.store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO rescore_results (rescore_id, part_id, outcome, result) "
                             "VALUES (?, ?, ?, ?)", [(rescore_id, p, o, json.dumps(r)) for p, o, r in results])

    def finish_rescore(self, rescore_id: str, parts: int, summary: dict[str, Any]) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE rescores SET finished_at = ?, parts = ?, summary = ? WHERE rescore_id = ?",
                         (_now(), parts, json.dumps(summary), rescore_id))

    def rescore(self, rescore_id: str) -> dict[str, Any] | None:
        rows = self.store.query("SELECT * FROM rescores WHERE rescore_id = ?", (rescore_id,))
        return _decode(rows[0]) if rows else None

    def rescore_results(self, rescore_id: str) -> list[dict[str, Any]]:
        return [_decode(r) for r in self.store.query(
            "SELECT part_id, outcome, result FROM rescore_results WHERE rescore_id = ? ORDER BY part_id",
            (rescore_id,))]

    # shadow
    def add_shadow_results(self, results: Sequence[tuple[str, int, str, str, dict[str, Any]]]) -> None:
        """(package_id, part_id, outcome, live outcome, result) rows."""
        at = _now()
        with self.store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO shadow_results (package_id, part_id, outcome, live_outcome, "
                             "result, at) VALUES (?, ?, ?, ?, ?, ?)",
                             [(pkg, part, o, live, json.dumps(r), at) for pkg, part, o, live, r in results])

    def shadow_agreement(self, package_id: str) -> dict[str, dict[str, int]]:
        """Per live outcome: parts seen, shadow agreeing with the live model, and with QA's class where QA gave one."""
        rows = self.store.query(
            """
            SELECT s.live_outcome AS live, count(*) AS parts,
                   sum(s.outcome = s.live_outcome) AS agree_live,
                   sum(l.label IS NOT NULL OR l.count IS NOT NULL) AS qa,
                   sum(CASE WHEN l.label IS NOT NULL THEN (l.label = 'defect') = (s.outcome != 'pass')
                            WHEN l.count IS NOT NULL THEN json_extract(s.result, '$.count') = l.count END) AS agree_qa
            FROM shadow_results s
            LEFT JOIN labels l ON l.id = (SELECT max(id) FROM labels WHERE part_id = s.part_id
                                          AND (verdict IN ('confirm', 'correct') OR undoes IS NOT NULL))
            WHERE s.package_id = ? GROUP BY s.live_outcome ORDER BY s.live_outcome
            """, (package_id,))
        return {r["live"]: {"parts": r["parts"], "agree_live": r["agree_live"] or 0, "qa": r["qa"] or 0,
                            "agree_qa": r["agree_qa"] or 0} for r in rows}
