"""Migrations: numbered steps tracked by user_version, each in one transaction; newer databases refused."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import fields

import pytest

from inspector.record import PartRecord
from inspector.store import LATEST_VERSION, MIGRATIONS, Migration, SchemaError, SchemaTooNewError, Store


def test_an_empty_database_is_migrated_to_the_latest_version(tmp_path):
    with Store.open(tmp_path / "station.db") as store:
        assert store.schema_version == LATEST_VERSION
        assert {"runs", "parts", "alarms", "parts_quarantine", "schema_migrations"} <= set(store.db.table_names())
        applied = list(store.db["schema_migrations"].rows)
        assert [row["version"] for row in applied] == [m.version for m in MIGRATIONS]


def test_reopening_migrates_nothing_and_keeps_the_data(tmp_path, record):
    path = tmp_path / "station.db"
    with Store.open(path) as store:
        store.insert(record(1))
    with Store.open(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert store.db["schema_migrations"].count == len(MIGRATIONS)
        assert store.record(1) == record(1)


def test_a_database_from_newer_software_is_refused_unchanged(tmp_path):
    path = tmp_path / "station.db"
    with Store.open(path) as store:
        store.db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaTooNewError, match=f"schema version {LATEST_VERSION + 1}.*newer"):
        Store.open(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1


def test_a_later_step_upgrades_an_existing_database(tmp_path, record):
    path = tmp_path / "station.db"
    with Store.open(path) as store:
        store.insert(record(7))

    def add_operator(db):
        db["parts"].add_column("operator", str)

    steps = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "parts.operator", add_operator))
    with Store.open(path, migrations=steps) as store:
        assert store.schema_version == LATEST_VERSION + 1
        assert "operator" in store.db["parts"].columns_dict
        assert store.record(7) == record(7)


def test_a_failing_step_leaves_the_previous_version_whole(tmp_path):
    path = tmp_path / "station.db"
    Store.open(path).close()

    def half_done(db):
        db["half_done"].create({"id": int, "what": str}, pk="id")
        raise RuntimeError("disk pulled")

    steps = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "half_done", half_done))
    with pytest.raises(RuntimeError, match="disk pulled"):
        Store.open(path, migrations=steps)
    with Store.open(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert "half_done" not in store.db.table_names()


def test_migration_numbers_must_run_one_to_n():
    bad = (*MIGRATIONS, Migration(LATEST_VERSION + 2, "skips one", lambda db: None))
    with pytest.raises(SchemaError, match="1..n"):
        Store.open(":memory:", migrations=bad)


def test_a_file_database_runs_in_wal_mode_with_normal_sync(file_store):
    assert file_store.journal_mode == "wal"
    assert file_store.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_parts_has_a_column_for_every_record_field(store):
    assert {f.name for f in fields(PartRecord)} <= set(store.db["parts"].columns_dict)


def test_the_review_queue_has_its_indexes(store):
    indexed = {tuple(index.columns) for index in store.db["parts"].indexes}
    assert {("outcome", "wall_time"), ("outcome", "confidence"), ("wall_time",), ("recipe", "wall_time"),
            ("confidence",), ("run_id", "outcome")} <= indexed
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM parts WHERE outcome = 'uncertain' ORDER BY confidence LIMIT 50"
    ).fetchall()
    assert "USING INDEX" in " ".join(str(row[-1]) for row in plan)
