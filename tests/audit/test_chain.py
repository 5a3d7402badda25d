"""The audit trail: an untouched chain verifies; a changed value, a deleted row or reordered rows are named."""
from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys

import pytest

from inspector import audit
from inspector.cli import main
from inspector.store import Store

TAMPER = "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;"


@pytest.fixture
def trail(store, sessions):
    """Six entries by several people, as the station writes them."""
    technician, admin = sessions["technician"], sessions["admin"]
    first = len(audit.entries(store))
    for i in range(3):
        audit.append(store, technician, "recipe.edit", "recipe:surface-part", {"reject_at": 0.5 + i / 100},
                     {"reject_at": 0.51 + i / 100}, f"step {i}", signed=True)
    audit.append(store, admin, "model.approve", "model:classify", None, {"version": "1.0.0"}, "validated")
    audit.append(store, sessions["operator"], "alarm.acknowledge", "alarm:disk_low", {"active": True},
                 {"active": False}, "seen")
    return first + 1  # the first of these entries' ids


def tampered(store, sql, params=()):
    conn = sqlite3.connect(store.path)
    conn.executescript(TAMPER)
    conn.execute(sql, params)
    conn.commit()
    conn.close()
    return audit.verify(store)


def test_an_untouched_trail_verifies(store, trail):
    verdict = audit.verify(store)
    assert verdict.ok and verdict.entries == len(audit.entries(store)) >= 9
    entries = audit.entries(store)
    assert [e.id for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))


def test_an_empty_trail_verifies(tmp_path):
    with Store.open(tmp_path / "empty.db") as store:
        assert audit.verify(store).ok and audit.verify(store).entries == 0


def test_the_software_cannot_update_or_delete_an_entry(store, trail):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE audit SET reason = 'x' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM audit WHERE id = 1")


def test_a_changed_value_names_its_entry(store, trail):
    target = trail + 1
    verdict = tampered(store, "UPDATE audit SET after = ? WHERE id = ?", ['{"reject_at":0.9}', target])
    assert not verdict.ok
    assert (verdict.broken.entry_id, verdict.broken.kind) == (target, "changed")


@pytest.mark.parametrize("column, value", [("user", "olga"), ("time", "2020-01-01T00:00:00.000+00:00"),
                                           ("reason", "nothing"), ("signed", 0), ("role", "admin")])
def test_any_changed_column_is_caught(store, trail, column, value):
    verdict = tampered(store, f"UPDATE audit SET {column} = ? WHERE id = ?", [value, trail])
    assert (verdict.broken.entry_id, verdict.broken.kind) == (trail, "changed")


def test_a_value_changed_and_rehashed_names_that_entry(store, trail):
    target = trail + 2
    row = next(e for e in audit.entries(store) if e.id == target)
    fields = {c: getattr(row, c) for c in audit.COLUMNS} | {"after": '{"reject_at":0.99}'}
    verdict = tampered(store, "UPDATE audit SET after = ?, hash = ? WHERE id = ?",
                       [fields["after"], audit.entry_hash(fields), target])
    assert (verdict.broken.entry_id, verdict.broken.kind) == (target, "changed")


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_deleted_row_is_named(store, trail, where):
    last = audit.entries(store)[-1].id
    target = {"first": 1, "middle": trail + 2, "last": last}[where]
    verdict = tampered(store, "DELETE FROM audit WHERE id = ?", [target])
    assert (verdict.broken.entry_id, verdict.broken.kind) == (target, "deleted")


def test_a_deleted_row_with_the_rest_renumbered_is_caught(store, trail):
    target = trail + 1
    conn = sqlite3.connect(store.path)
    conn.executescript(TAMPER)
    conn.execute("DELETE FROM audit WHERE id = ?", [target])
    conn.execute("UPDATE audit SET id = id - 1 WHERE id > ?", [target])
    conn.execute("UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'audit'")
    conn.commit()
    conn.close()
    verdict = audit.verify(store)
    assert verdict.broken.entry_id == target and verdict.broken.kind == "changed"


def test_reordered_rows_are_named(store, trail):
    a, b = trail + 1, trail + 2
    conn = sqlite3.connect(store.path)
    conn.executescript(TAMPER)
    conn.execute("UPDATE audit SET id = -1 WHERE id = ?", [a])
    conn.execute("UPDATE audit SET id = ? WHERE id = ?", [a, b])
    conn.execute("UPDATE audit SET id = ? WHERE id = -1", [b])
    conn.commit()
    conn.close()
    verdict = audit.verify(store)
    assert (verdict.broken.entry_id, verdict.broken.kind) == (a, "reordered")
    assert f"entry {b}" in verdict.broken.why


def test_an_entry_appended_in_a_failed_transaction_is_not_kept(store, sessions):
    before = len(audit.entries(store))
    with pytest.raises(RuntimeError):
        with audit.transaction(store) as conn:
            audit.append(conn, sessions["qa"], "review.label", "part:1", None, {"label": "good"}, "looked at it")
            raise RuntimeError("the label could not be written")
    assert len(audit.entries(store)) == before and audit.verify(store).ok


def test_an_entry_needs_a_reason(store, sessions):
    with pytest.raises(audit.AuditError, match="a reason is required"):
        audit.append(store, sessions["admin"], "model.approve", "model:x", None, {}, "  ")


def test_export_writes_every_entry_as_csv(store, trail, tmp_path):
    out = tmp_path / "out" / "trail.csv"
    assert audit.export_csv(store, out) == len(audit.entries(store))
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(audit.COLUMNS)
    assert [r["hash"] for r in rows] == [e.hash for e in audit.entries(store)]
    assert rows[trail - 1]["after"] == '{"reject_at":0.51}' and rows[trail - 1]["signed"] == "1"


def test_export_to_an_unwritable_place_names_it(store, trail, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError, match="cannot write the audit export to .*file/trail.csv"):
        audit.export_csv(store, blocker / "trail.csv")


def test_cli_verify_exits_0_on_an_intact_trail_and_1_naming_the_broken_entry(store, trail, capsys):
    data_dir = str(store.path.parent)
    assert main(["audit", "verify", "--data-dir", data_dir]) == 0
    assert "intact" in capsys.readouterr().out
    tampered(store, "UPDATE audit SET reason = 'edited' WHERE id = ?", [trail])
    assert main(["audit", "verify", "--data-dir", data_dir]) == 1
    assert f"BROKEN at entry {trail} (changed)" in capsys.readouterr().out


def test_cli_export_and_a_missing_database(store, trail, tmp_path, capsys):
    out = tmp_path / "trail.csv"
    assert main(["audit", "export", "--out", str(out), "--data-dir", str(store.path.parent)]) == 0
    assert out.read_text().count("\n") == len(audit.entries(store)) + 1
    assert main(["audit", "verify", "--data-dir", str(tmp_path / "nowhere")]) == 2
    assert "no station database at" in capsys.readouterr().err


def test_cli_users_reads_pins_from_stdin_never_argv(tmp_path):
    def inspector(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "inspector", *args, "--data-dir", str(tmp_path)], input=stdin,
                              capture_output=True, text=True, timeout=60)

    assert inspector("users", "add", "adam", "--role", "admin", stdin="715493\n715493\n").returncode == 0
    refused = inspector("users", "add", "olga", "--role", "operator", stdin="482107\n482107\n")
    assert refused.returncode == 1 and "--as" in refused.stderr
    added = inspector("users", "add", "olga", "--role", "operator", "--as", "adam", stdin="715493\n482107\n482107\n")
    assert added.returncode == 0, added.stderr
    wrong = inspector("users", "reset-pin", "olga", "--as", "adam", stdin="000000\n")
    assert wrong.returncode == 1 and "wrong PIN" in wrong.stderr and "000000" not in wrong.stderr
    listing = inspector("users", "list")
    assert listing.stdout.split() == ["adam", "admin", "active", "olga", "operator", "active"]
    assert inspector("audit", "verify").returncode == 0
    assert all("482107" not in r.stdout + r.stderr for r in (added, listing))
