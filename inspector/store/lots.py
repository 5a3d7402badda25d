"""The store's reads and writes by lot: what the batch report, the lot listing and a lot change need.

Every read goes through the ``parts_lot`` / ``alarms_lot`` indexes, so a lot's report costs the size of the lot, not of
the database.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from inspector.store.store import Store

_LOT_PARTS = "SELECT part_id FROM parts WHERE lot = ?"
_LATEST_LABEL = "(SELECT max(id) FROM labels WHERE labels.part_id = parts.part_id)"


def set_run_lot(conn: sqlite3.Connection, run_id: str, lot: str | None) -> None:
    """The lot in force for ``run_id`` (inside the caller's transaction, beside its audit entry)."""
    conn.execute("UPDATE runs SET lot = ? WHERE run_id = ?", [lot, run_id])


def known_lots(store: Store, *, limit: int = 50) -> list[dict[str, Any]]:
    """Lots with parts, newest first: lot, parts, first and last wall time."""
    return store.query("SELECT lot, count(*) AS parts, min(wall_time) AS first, max(wall_time) AS last FROM parts "
                       "WHERE lot IS NOT NULL GROUP BY lot ORDER BY last DESC LIMIT ?", [limit])


def lot_span(store: Store, lot: str) -> dict[str, Any]:
    """parts, first / last wall time and part id of ``lot``."""
    return store.query("SELECT count(*) AS parts, min(wall_time) AS first, max(wall_time) AS last, "
                       "min(part_id) AS first_part, max(part_id) AS last_part FROM parts WHERE lot = ?", [lot])[0]


def lot_outcomes(store: Store, lot: str) -> dict[str, int]:
    rows = store.query("SELECT outcome, count(*) AS n FROM parts WHERE lot = ? GROUP BY outcome ORDER BY outcome",
                       [lot])
    return {r["outcome"]: r["n"] for r in rows}


def lot_reasons(store: Store, lot: str) -> list[dict[str, Any]]:
    """Why parts were not passed: outcome, fail-safe cause, reason, parts; most frequent first."""
    return store.query("SELECT outcome, fail_safe_cause, reason, count(*) AS parts FROM parts "
                       "WHERE lot = ? AND outcome != 'pass' GROUP BY outcome, fail_safe_cause, reason "
                       "ORDER BY parts DESC, outcome, reason", [lot])


def lot_fail_safes(store: Store, lot: str) -> list[dict[str, Any]]:
    """Every fail-safe part of the lot with its time, cause and reason, in part order."""
    return store.query("SELECT part_id, wall_time, fail_safe_cause, reason, actuated FROM parts "
                       "WHERE lot = ? AND outcome = 'fail_safe' ORDER BY part_id", [lot])


def lot_alarms(store: Store, lot: str) -> list[dict[str, Any]]:
    """The lot's alarm rows in time order, with who acknowledged them."""
    return store.query("SELECT id, part_id, wall_time, kind, message, acknowledged_by, acknowledged_at FROM alarms "
                       "WHERE lot = ? ORDER BY wall_time, id", [lot])


def lot_versions(store: Store, lot: str) -> list[dict[str, Any]]:
    """Which recipe (name and hash) and model versions decided the lot's parts: one row per combination, with the
    parts it decided and when it was first and last used."""
    rows = store.query("SELECT recipe, recipe_hash, model_key, models, count(*) AS parts, min(wall_time) AS first, "
                       "max(wall_time) AS last FROM parts WHERE lot = ? GROUP BY recipe, recipe_hash, model_key "
                       "ORDER BY first", [lot])
    for row in rows:
        row["models"] = json.loads(row["models"]) if row["models"] else {}
    return rows


def lot_runs(store: Store, lot: str) -> list[dict[str, Any]]:
    """The runs that made the lot's parts (or hold it as their lot), in start order."""
    return store.query("SELECT * FROM runs WHERE lot = ? OR run_id IN (SELECT DISTINCT run_id FROM parts "
                       "WHERE lot = ?) ORDER BY started, run_id", [lot, lot])


def packages_named(store: Store, names: list[str]) -> list[dict[str, Any]]:
    """Model package rows (package id, name, version, signer, state) of the given model names."""
    if not names:
        return []
    marks = ", ".join("?" for _ in names)
    return store.query(f"SELECT package_id, name, version, signer, state FROM model_packages WHERE name IN ({marks}) "
                       "ORDER BY name, imported_at", names)


def lot_dispositions(store: Store, lot: str) -> list[dict[str, Any]]:
    """The latest QA verdict on each reviewed part of the lot, with the part's outcome and the reviewer."""
    return store.query(f"SELECT parts.part_id, parts.outcome, parts.wall_time, l.id AS label_id, l.verdict, l.label, "
                       f"l.count, l.reviewer, l.created_at, l.comment FROM parts JOIN labels l ON l.id = "
                       f"{_LATEST_LABEL} WHERE parts.lot = ? ORDER BY parts.part_id", [lot])


def lot_signatures(store: Store, lot: str) -> list[dict[str, Any]]:
    """Audit entries of the verdicts on the lot's parts: who, role, when, signed (PIN given again) and why."""
    return store.query("SELECT id, time, user, role, target, after, reason, signed FROM audit "
                       "WHERE action = 'review.label' AND target IN (SELECT 'part:' || part_id FROM parts "
                       "WHERE lot = ?) ORDER BY id", [lot])


def audit_actions(store: Store, actions: tuple[str, ...], *, until: str | None = None) -> list[dict[str, Any]]:
    """Audit entries of the given actions (up to ``until``), oldest first: calibration saves, lot changes."""
    marks = ", ".join("?" for _ in actions)
    clause = " AND time <= ?" if until else ""
    return store.query(f"SELECT id, time, user, role, action, target, before, after, reason, signed FROM audit "
                       f"WHERE action IN ({marks}){clause} ORDER BY id", [*actions, *([until] if until else [])])
