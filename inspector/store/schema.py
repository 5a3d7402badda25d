"""The database schema as numbered migration steps, tracked by ``PRAGMA user_version``.

A step is never edited once shipped: a change to the schema is a new step at the end of ``MIGRATIONS``.
Each step runs in one ``BEGIN IMMEDIATE`` transaction together with the bump of ``user_version`` and its row in
``schema_migrations``, so a crash leaves the database at the previous version, never half-way.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Sequence

from sqlite_utils import Database

from inspector import __version__
from inspector.store.login_failures import create_table as create_login_failures
from inspector.store.chain import create_chain_tables
from inspector.store.counters import NAME as COUNTER_PERIODS, create_counter_periods
from inspector.store.label_audit import NAME as LABEL_AUDIT, audit_unaudited_labels
from inspector.qa.schema import NAME as REVIEW_RISK_AUDITS, add_review_risk_and_audits
from inspector.store.model_tables import create_model_tables
from inspector.store.rows import model_key


class SchemaError(RuntimeError):
    """The database cannot be used by this software."""


class SchemaTooNewError(SchemaError):
    """The database was written by newer software, with migrations this code does not know."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Database], None]


def _v1_runs_parts_alarms(db: Database) -> None:
    db["schema_migrations"].create(
        {"version": int, "name": str, "applied_at": str, "software_version": str},
        pk="version",
        not_null={"name", "applied_at", "software_version"},
    )
    db["runs"].create(
        {
            "run_id": str,
            "started": str,  # ISO 8601 UTC wall time
            "software_version": str,
            "station_config": str,  # JSON
            "recipe": str,
            "recipe_json": str,
            "recipe_hash": str,
        },
        pk="run_id",
        not_null={"started", "software_version", "recipe", "recipe_hash"},
    )
    # Constraints are few on purpose: a row that breaks one ends in parts_quarantine, not in the parts table.
    db["parts"].create(
        {
            "part_id": int,
            "run_id": str,
            "recipe": str,
            "recipe_hash": str,
            "t_trigger": float,
            "wall_time": str,
            "outcome": str,
            "reason": str,
            "confidence": float,
            "actuated": int,
            "fail_safe_cause": str,
            "late": int,
            "models": str,  # JSON {name: version}
            "count": int,
            "expected": int,
            "points": str,  # JSON [[x, y, score], ...]
            "occlusion": float,
            "label": str,
            "p_defect": float,
            "defect_box": str,  # JSON [x, y, w, h]
            "timings_ms": str,  # JSON {stage: ms}
            "frame_t": float,
            "image_path": str,
            "truth": str,  # JSON
        },
        pk="part_id",  # INTEGER PRIMARY KEY: unique, and max(part_id) is a single b-tree step
        not_null={"run_id", "outcome", "wall_time"},
    )
    parts = db["parts"]
    parts.create_index(["outcome", "wall_time"])
    parts.create_index(["outcome", "confidence"])
    parts.create_index(["wall_time"])
    parts.create_index(["recipe", "wall_time"])
    parts.create_index(["confidence"])
    parts.create_index(["run_id", "outcome"])
    db.execute(
        """
        CREATE TABLE alarms (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            part_id INTEGER,
            wall_time TEXT NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL,
            acknowledged_by TEXT,
            acknowledged_at TEXT
        )
        """
    )
    db["alarms"].create_index(["wall_time"])
    db["alarms"].create_index(["acknowledged_at"])
    db["alarms"].create_index(["part_id"])
    db["parts_quarantine"].create(
        {"id": int, "part_id": int, "wall_time": str, "error": str, "record_json": str},
        pk="id",
        not_null={"wall_time", "error", "record_json"},
    )


REVIEW_QUEUE_WHERE = "(outcome != 'pass' OR image_path IS NOT NULL)"
"""Parts a person may be asked to look at: every non-pass, and the passes whose image was kept (the pass sample)."""


def _v2_review_labels(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            part_id INTEGER NOT NULL,
            reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('confirm', 'correct', 'inconclusive')),
            label TEXT,
            count INTEGER,
            points TEXT,
            defect_box TEXT,
            before TEXT NOT NULL,
            comment TEXT,
            seconds_spent REAL
        )
        """
    )
    db.execute("CREATE INDEX labels_part ON labels (part_id, id)")
    db.execute("CREATE INDEX labels_created ON labels (created_at)")
    db.execute("CREATE INDEX labels_reviewer ON labels (reviewer, created_at)")
    # The models JSON cannot be indexed: one text per set of model versions can.
    db.execute("ALTER TABLE parts ADD COLUMN model_key TEXT")
    db.conn.create_function("inspector_model_key", 1, lambda text: model_key(json.loads(text) if text else {}))
    db.execute("UPDATE parts SET model_key = inspector_model_key(models)")
    # The review queue: the filter columns of the parts a person may review, and whether someone has (reviewed = 1).
    # Kept by triggers, so parts rows are never updated and the writer does nothing more; the open queue's indexes
    # start with `reviewed`, so parts already reviewed cost nothing however many there are.
    db.execute(
        """
        CREATE TABLE review_items (
            part_id INTEGER PRIMARY KEY,
            reviewed INTEGER NOT NULL DEFAULT 0,
            confidence REAL,
            outcome TEXT NOT NULL,
            recipe TEXT,
            model_key TEXT,
            wall_time TEXT NOT NULL
        )
        """
    )
    columns = "part_id, confidence, outcome, recipe, model_key, wall_time"
    db.execute(f"INSERT INTO review_items ({columns}) SELECT {columns} FROM parts WHERE {REVIEW_QUEUE_WHERE}")
    db.execute("CREATE TRIGGER review_item_of_part AFTER INSERT ON parts "
               "WHEN NEW.outcome != 'pass' OR NEW.image_path IS NOT NULL "
               f"BEGIN INSERT INTO review_items ({columns}) VALUES "
               f"({', '.join('NEW.' + c.strip() for c in columns.split(','))}); END")
    db.execute("CREATE TRIGGER review_item_reviewed AFTER INSERT ON labels BEGIN "
               "UPDATE review_items SET reviewed = 1 WHERE part_id = NEW.part_id AND reviewed = 0; END")
    for name, order in (("confidence", "confidence"), ("outcome", "outcome, confidence"),
                        ("recipe", "recipe, confidence"), ("model", "model_key, confidence"), ("time", "wall_time")):
        db.execute(f"CREATE INDEX review_items_{name} ON review_items (reviewed, {order})")


def _v3_users_audit(db: Database) -> None:
    # PIN hashes and salts are hex text; the KDF and its parameters are kept per row, so they can be raised later.
    db.execute(
        """
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            pin_hash TEXT NOT NULL,
            salt TEXT NOT NULL,
            kdf TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    # AUTOINCREMENT: ids are never reused, and sqlite_sequence remembers the last one even if it is deleted.
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            user TEXT NOT NULL,
            role TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            before TEXT,
            after TEXT,
            reason TEXT NOT NULL,
            signed INTEGER NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX audit_time ON audit (time)")
    # Append-only for the software; the hash chain is what catches someone who drops these triggers.
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def _v4_run_end(db: Database) -> None:
    # How each run ended: 'clean' (closed by the software) or 'crash' (found unended at the next start). NULL while
    # running. A crash is found by the next start, so ``ended`` is then that start's time, not the moment of the crash.
    db.execute("ALTER TABLE runs ADD COLUMN ended TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN end_state TEXT CHECK (end_state IN ('clean', 'crash'))")
    db.execute("ALTER TABLE runs ADD COLUMN end_note TEXT")


def _v5_holds_pruned_images(db: Database) -> None:
    # A hold keeps the images of the parts it covers from retention: every condition given must match (a time range,
    # a run, a range of part ids); ``reference`` names what is held (a lot, an export id) for people.
    db.execute(
        """
        CREATE TABLE holds (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            reference TEXT NOT NULL,
            since TEXT,
            until TEXT,
            run_id TEXT,
            part_from INTEGER,
            part_to INTEGER,
            reason TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            released_by TEXT,
            released_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX holds_active ON holds (released_at)")
    # Retention deletes a pass image and says so in its part row: when and why (the path it had is in the reason).
    db.execute("ALTER TABLE parts ADD COLUMN image_pruned_at TEXT")
    db.execute("ALTER TABLE parts ADD COLUMN image_pruned_reason TEXT")


def _v8_lots(db: Database) -> None:
    # The lot (batch / order id) a part was made in, stamped at its trigger; the lot in force for a run (its latest,
    # the changes are in the audit trail); alarms take their part's lot, else their run's (a trigger, so every way an
    # alarm row is written gets it). Indexed for "show me lot 4711" and the batch report.
    for table in ("runs", "parts", "alarms", "review_items"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN lot TEXT")
    db.execute("CREATE INDEX parts_lot ON parts (lot, part_id)")
    db.execute("CREATE INDEX alarms_lot ON alarms (lot, wall_time)")
    db.execute("CREATE INDEX runs_lot ON runs (lot)")
    db.execute("CREATE INDEX review_items_lot ON review_items (reviewed, lot, confidence)")
    db.execute("DROP TRIGGER review_item_of_part")
    columns = "part_id, confidence, outcome, recipe, model_key, wall_time, lot"
    db.execute("CREATE TRIGGER review_item_of_part AFTER INSERT ON parts "
               "WHEN NEW.outcome != 'pass' OR NEW.image_path IS NOT NULL "
               f"BEGIN INSERT INTO review_items ({columns}) VALUES "
               f"({', '.join('NEW.' + c.strip() for c in columns.split(','))}); END")
    db.execute("CREATE TRIGGER alarm_lot AFTER INSERT ON alarms WHEN NEW.lot IS NULL BEGIN "
               "UPDATE alarms SET lot = COALESCE((SELECT lot FROM parts WHERE part_id = NEW.part_id), "
               "(SELECT lot FROM runs WHERE end_state IS NULL ORDER BY started DESC LIMIT 1)) WHERE id = NEW.id; END")


LABEL_UNDOES = "labels.undoes (a saved verdict undone by a new label row)"


def _add_label_undoes(db: Database) -> None:
    # Added at the end and NULL in older rows: the record chain's hashes of those rows stay as they were.
    db.execute("ALTER TABLE labels ADD COLUMN undoes INTEGER")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, parts, alarms, parts_quarantine", _v1_runs_parts_alarms),
    Migration(2, "labels (QA review), parts.model_key, review queue indexes", _v2_review_labels),
    Migration(3, "users (hashed PINs), audit trail (hash chain)", _v3_users_audit),
    Migration(4, "runs.ended, runs.end_state (clean / crash), runs.end_note", _v4_run_end),
    Migration(5, "holds (retention), parts.image_pruned_at/_reason", _v5_holds_pruned_images),
    Migration(6, "model packages, re-scores, shadow results", create_model_tables),
    Migration(7, "login_failures (wrong PINs and lock-outs shared by every process)", create_login_failures),
    Migration(8, "lots: runs/parts/alarms/review_items.lot and their indexes", _v8_lots),
    Migration(9, "record chain (parts, labels, users, audit hashed and linked), seals, parts.image_sha256",
              create_chain_tables),
    Migration(10, REVIEW_RISK_AUDITS, add_review_risk_and_audits),
    Migration(11, COUNTER_PERIODS, create_counter_periods),
    Migration(12, LABEL_UNDOES, _add_label_undoes),
    Migration(13, LABEL_AUDIT, audit_unaudited_labels),
)
LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: Database, migrations: Sequence[Migration] = MIGRATIONS, *, name: str = "database") -> int:
    """Bring ``db`` up to the last step of ``migrations``; returns the version it is at.

    Raises SchemaTooNewError when the database is ahead of this code.
    """
    _check_sequence(migrations)
    latest = migrations[-1].version if migrations else 0
    current = schema_version(db)
    _refuse_newer(current, latest, name)
    if current == latest:
        return current
    for step in migrations:
        if step.version <= current:
            continue
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            current = schema_version(db)
            _refuse_newer(current, latest, name)
            if step.version <= current:
                db.conn.execute("ROLLBACK")
                continue
            step.apply(db)
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at, software_version) VALUES (?, ?, ?, ?)",
                [step.version, step.name, datetime.now(timezone.utc).isoformat(), __version__],
            )
            db.execute(f"PRAGMA user_version = {int(step.version)}")
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        current = step.version
    return current


def _refuse_newer(current: int, latest: int, name: str) -> None:
    if current > latest:
        raise SchemaTooNewError(
            f"{name} has schema version {current}, but this software ({__version__}) knows versions up to "
            f"{latest}: it was written by a newer inspector. Upgrade the software; the database was not changed."
        )


def _check_sequence(migrations: Sequence[Migration]) -> None:
    expected = list(range(1, len(migrations) + 1))
    if [m.version for m in migrations] != expected:
        raise SchemaError(f"migration versions must be 1..n in order, got {[m.version for m in migrations]}")

