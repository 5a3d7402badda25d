"""The record chain: rows as the station writes them verify; each edit made behind its back is named."""
from __future__ import annotations

import json
import shutil
import sqlite3

import numpy as np
import pytest

from inspector.line.journal import TriggerJournal
from inspector.line.recovery import recover
from inspector.review import Review
from inspector.store import MIGRATIONS, ImagePolicy, Reserve, Retention, RetentionPolicy, Store, reimport_rescued
from inspector.store.chain import chain_rows
from inspector.store.integrity import verify_records
from inspector.store.seals import Sealer, default_key_path, head_file, seal, seal_at_start, station_key
from inspector.store.writer import write_all
from inspector.users import UserDirectory
from tests.store.conftest import make_record

GUARDS = ("DROP TRIGGER IF EXISTS chain_no_update; DROP TRIGGER IF EXISTS chain_no_delete; "
          "DROP TRIGGER IF EXISTS seals_no_update; DROP TRIGGER IF EXISTS seals_no_delete; "
          "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;")


@pytest.fixture
def station(tmp_path):
    """A file store with 20 parts of two runs (every part keeps its image), two users, a label, sealed. Ledger:
    parts 1-20, adam 21 and his audit entry 22, olga 23 / 24, the label 25 and its audit entry 26."""
    store = Store.open(tmp_path / "inspector.db")
    key = default_key_path(tmp_path)
    sealer = Sealer.for_station(key)
    for run in ("run-a", "run-b"):
        store.start_run(run, recipe="blister-10")
    records = [make_record(i, "reject" if i % 4 == 0 else "pass", run_id="run-a" if i <= 10 else "run-b")
               for i in range(1, 21)]
    writer_stats = _write_with_images(store, records)
    assert writer_stats.written == 20 and writer_stats.images_written == 20
    users = UserDirectory(store)
    users.add(None, "adam", "admin", "715493", reason="first admin")
    users.add(users.login("adam", "715493"), "olga", "operator", "482107", reason="new")
    Review(store).submit(4, "quinn", "correct", count=8)
    sealer.seal(store, "run end")
    yield store, key, sealer
    store.close()


def _write_with_images(store, records):
    from inspector.store.writer import RecordWriter

    writer = RecordWriter(store, policy=ImagePolicy(keep_pass_fraction=1.0, format="png")).start()
    for record in records:  # each part its own picture
        assert writer.submit(record, np.full((48, 64, 3), record.part_id * 7 % 256, np.uint8))
    writer.close()
    return writer.stats()


def tamper(store, *statements):
    with sqlite3.connect(store.path) as conn:
        conn.executescript(GUARDS)
        for sql, *params in statements:
            conn.execute(sql, *params)


def lines(verdict):
    return [str(f) for f in verdict.findings]


def test_rows_written_by_the_station_verify_intact_images_included(station):
    store, key, _ = station
    verdict = verify_records(store, key_path=key)
    assert verdict.ok, lines(verdict)
    assert verdict.checked["parts"] == 20 and verdict.checked["images"] == 20 and verdict.checked["labels"] == 1
    assert verdict.checked["users"] == 2 and verdict.checked["seals"] == 1 and verdict.notes == []
    assert all(r.image_sha256 and len(r.image_sha256) == 64 for r in store.records(limit=None))


def test_each_edit_is_named_with_the_column_that_changed(station):
    store, key, _ = station
    tamper(store, ("UPDATE parts SET outcome = 'pass' WHERE part_id = 8",), ("DELETE FROM parts WHERE part_id = 3",),
           ("UPDATE labels SET count = 10 WHERE id = 1",), ("UPDATE users SET active = 0 WHERE name = 'adam'",),
           ("INSERT INTO parts (part_id, run_id, outcome, wall_time) VALUES (99, 'run-b', 'pass', 'x')",))
    found = lines(verify_records(store, key_path=key))
    assert found == [
        "user adam: active changed since it was chained (entry 21; active now 0)",
        "part 8: outcome changed since it was chained (entry 8; outcome now 'pass')",
        "part 99: not on the chain: inserted outside the station",
        "part 3: deleted (chained at entry 3)",
        "label 1: count changed since it was chained (entry 25; count now 10)",
    ]


def test_a_check_of_one_run_names_only_that_runs_parts(station):
    store, key, _ = station
    tamper(store, ("UPDATE parts SET reason = 'edited' WHERE part_id = 2",), ("DELETE FROM parts WHERE part_id = 15",))
    run_a = verify_records(store, key_path=key, run_id="run-a")
    run_b = verify_records(store, key_path=key, run_id="run-b")
    assert lines(run_a) == ["part 2: reason changed since it was chained (entry 2; reason now 'edited')"]
    assert lines(run_b) == ["part 15: deleted (chained at entry 15)"]
    assert run_a.checked["parts"] == 10 and run_b.checked["parts"] == 9
    with pytest.raises(ValueError, match="lot = 'L1': no part or run of this lot in the database"):
        verify_records(store, key_path=key, lot="L1")


def test_a_pruned_image_is_legitimate_only_when_its_prune_is_on_the_chain(station):
    store, key, _ = station
    report = Retention(store, RetentionPolicy(max_age_days=1)).run()  # the passes' images are old: pruned, chained
    pruned = [p.part_id for p in report.pruned]
    assert pruned and verify_records(store, key_path=key).ok
    kept = [r for r in store.records(limit=None, newest_first=False) if r.image_path]
    (store.images_dir.parent / kept[0].image_path).unlink()  # gone without a prune
    tamper(store, ("UPDATE parts SET image_path = NULL WHERE part_id = ?", [kept[1].part_id]))  # a prune by hand
    shutil.copyfile(store.images_dir.parent / kept[3].image_path, store.images_dir.parent / kept[2].image_path)
    found = lines(verify_records(store, key_path=key))
    assert found[0] == f"part {kept[0].part_id}: image {kept[0].image_path} missing (no prune on the chain)"
    assert found[1].startswith(f"part {kept[1].part_id}: image_path changed since it was chained")
    assert found[2].startswith(f"part {kept[2].part_id}: image {kept[2].image_path} changed since it was recorded")
    assert len(found) == 3


def test_a_ledger_rewritten_with_its_hashes_recomputed_fails_the_signed_seal(station):
    store, key, _ = station
    from inspector.store.chain import RowShape, entry_hash

    tamper(store, ("UPDATE parts SET outcome = 'pass' WHERE part_id = 8",))
    with sqlite3.connect(store.path) as conn:  # the forger re-chains from part 8 on, without the station key
        cursor = conn.execute("SELECT * FROM parts WHERE part_id = 8")
        shape = RowShape("parts", [d[0] for d in cursor.description])
        row = cursor.fetchone()
        conn.execute("UPDATE chain SET row_hash = ?, columns = ? WHERE tbl = 'parts' AND row_key = 8",
                     [shape.digest(row), shape.fingerprint(row)])
        previous = conn.execute("SELECT hash FROM chain WHERE seq = 7").fetchone()[0]
        for seq, *fields in conn.execute("SELECT seq, tbl, row_key, op, run_id, row_hash, columns FROM chain "
                                         "WHERE seq >= 8 ORDER BY seq").fetchall():
            previous = entry_hash(previous, *fields)
            conn.execute("UPDATE chain SET hash = ? WHERE seq = ?", [previous, seq])
    found = lines(verify_records(store, key_path=key))
    assert len(found) == 1 and found[0].startswith("seal 1 (run end, ")  # part 8 now fits the forged ledger
    assert found[0].endswith("chain entry 26 is not the one signed: the ledger was rewritten after sealing")


def test_a_truncated_audit_tail_is_named_even_with_sqlite_sequence_lowered(station):
    store, key, _ = station
    last = store.db.execute("SELECT max(id) FROM audit").fetchone()[0]
    tamper(store, ("DELETE FROM audit WHERE id >= ?", [last - 1]),
           ("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", [last - 2]))
    assert lines(verify_records(store, key_path=key)) == [f"audit entry {last - 1}: deleted (chained at entry 24)",
                                                           f"audit entry {last}: deleted (chained at entry 26)"]


def test_the_chain_cut_back_with_its_last_seals_shows_against_the_head_the_station_remembers(station):
    store, key, sealer = station
    store.insert(make_record(21, "reject", run_id="run-b"))
    sealer.seal(store, "run end")
    tamper(store, ("DELETE FROM parts WHERE part_id = 21",), ("DELETE FROM chain WHERE seq > 26",),
           ("DELETE FROM seals WHERE id = 2",), ("UPDATE sqlite_sequence SET seq = 26 WHERE name = 'chain'",),
           ("UPDATE sqlite_sequence SET seq = 1 WHERE name = 'seals'",))
    found = lines(verify_records(store, key_path=key))
    assert found == ["seal 2 (run end, " + json.loads(head_file(key).read_text())["sealed_at"] + "), the last the "
                     "station made, is not in the database: seals and the records under them were deleted or replaced"]


def test_a_seal_made_with_another_key_is_refused(station, tmp_path):
    store, key, _ = station
    store.insert(make_record(21))
    seal(store, station_key(tmp_path / "other" / "station.key"), "forged")
    found = lines(verify_records(store, key_path=key))
    assert len(found) == 1 and found[0].startswith("seal 2 (forged,") and "bad signature" in found[0]


def test_an_existing_database_is_adopted_once_and_its_first_seal_says_so(tmp_path):
    path = tmp_path / "inspector.db"
    with Store.open(path, migrations=MIGRATIONS[:next(i for i, m in enumerate(MIGRATIONS) if "record chain" in m.name)]) as old:
        old.start_run("run-a", recipe="r")
        old.db.conn.execute("INSERT INTO parts (part_id, run_id, outcome, wall_time) VALUES (1, 'run-a', 'pass', 't')")
        old.db.conn.commit()
        UserDirectory(old).add(None, "adam", "admin", "715493", reason="before the chain")
    with Store.open(path) as store:
        adopted = store.db.execute("SELECT tbl, row_key, op FROM chain ORDER BY seq").fetchall()
        assert adopted == [("users", "adam", "adopt"), ("audit", 1, "adopt"), ("parts", 1, "adopt")]
        first = seal_at_start(store, Sealer.for_station(default_key_path(tmp_path)))
        assert first["reason"] == "adopted: rows from before the chain"
    with Store.open(path) as again:  # opening again adopts nothing twice
        assert again.db.execute("SELECT count(*) FROM chain").fetchone()[0] == 3
        assert verify_records(again, key_path=default_key_path(tmp_path)).ok


def test_a_column_added_later_is_covered_without_code_changes(station):
    store, key, _ = station
    with sqlite3.connect(store.path) as conn:
        conn.execute("ALTER TABLE parts ADD COLUMN shift TEXT")  # as a later migration would
    assert verify_records(store, key_path=key).ok  # old rows: the new column is NULL, their hashes hold
    store.insert(make_record(21, run_id="run-b"))
    with store.transaction() as conn:  # a writer that knows the column sets it and chains the row
        conn.execute("UPDATE parts SET shift = 'B' WHERE part_id = 21")
        chain_rows(conn, "parts", [21], "update")
    assert verify_records(store, key_path=key).ok
    tamper(store, ("UPDATE parts SET shift = 'A' WHERE part_id = 21",),
           ("UPDATE parts SET shift = 'A' WHERE part_id = 5",))
    assert lines(verify_records(store, key_path=key)) == [
        "part 5: shift changed since it was chained (entry 5; shift now 'A')",
        "part 21: shift changed since it was chained (entry 28; shift now 'A')"]


def test_records_of_a_crash_and_of_a_rescue_are_chained(tmp_path):
    store = Store.open(tmp_path / "inspector.db")
    store.start_run("run-1", recipe="r")
    journal = TriggerJournal.open(tmp_path / "journal", run_id="run-1", first_id=1)
    ids = [journal.book(100.0 + i, f"2026-01-01T00:00:0{i}.000+00:00") for i in range(4)]
    store.insert(make_record(ids[0]))
    assert recover(tmp_path / "journal", store).lost == ids[1:]  # the process died; the next start recovers
    reserve = Reserve(tmp_path, 64 * 1024)
    reserve.make()
    reserve.rescue([make_record(i) for i in range(10, 15)])  # the database was full at the last close
    assert reimport_rescued(store, reserve.rescued_files(store.path)).imported == 5
    key = default_key_path(tmp_path)
    seal_at_start(store, Sealer.for_station(key))
    verdict = verify_records(store, key_path=key)
    assert verdict.ok and verdict.checked["parts"] == 9
    ops = store.db.execute("SELECT row_key FROM chain WHERE tbl = 'parts' ORDER BY seq").fetchall()
    assert [k for (k,) in ops] == [*ids, 10, 11, 12, 13, 14]
    store.close()


def test_the_writer_seals_every_n_records(tmp_path):
    store = Store.open(tmp_path / "inspector.db")
    sealer = Sealer.for_station(default_key_path(tmp_path), every_records=100, every_s=3600)
    write_all(store, [make_record(i) for i in range(1, 351)], sealer=sealer, batch_rows=50)
    sealed = [s for (s,) in store.db.execute("SELECT seq FROM seals ORDER BY id")]
    assert len(sealed) == 3 and all(s % 100 < 50 for s in sealed)  # after the batch that passed each 100
    assert verify_records(store, key_path=default_key_path(tmp_path)).notes == [
        f"{350 - sealed[-1]} chain entries not yet sealed since seal 3 "
        f"({store.db.execute('SELECT sealed_at FROM seals WHERE id = 3').fetchone()[0]}); sealed at the next run end "
        "or interval"]
    store.close()


def test_cli_verify_per_run_exits_0_intact_1_naming_each_finding_2_for_a_lot_the_database_lacks(station, capsys):
    from inspector.cli import main

    store, _, _ = station
    data_dir = str(store.path.parent)
    assert main(["audit", "verify", "--data-dir", data_dir, "--run", "run-a"]) == 0
    assert "records intact (run run-a)" in capsys.readouterr().out
    tamper(store, ("UPDATE parts SET confidence = 0.2 WHERE part_id = 6",))
    assert main(["audit", "verify", "--data-dir", data_dir, "--run", "run-b"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--data-dir", data_dir, "--run", "run-a"]) == 1
    assert "part 6: confidence changed since it was chained (entry 6; confidence now 0.2)" in capsys.readouterr().out
    assert main(["audit", "verify", "--data-dir", data_dir, "--lot", "L1"]) == 2
    assert "lot = 'L1': no part or run of this lot in the database" in capsys.readouterr().err


def test_the_audit_tail_cut_with_its_chain_entries_shows_against_the_signed_head(station):
    store, key, _ = station
    last = store.db.execute("SELECT max(id) FROM audit").fetchone()[0]
    tamper(store, ("DELETE FROM audit WHERE id >= ?", [last - 1]), ("DELETE FROM labels",),
           ("DELETE FROM chain WHERE seq >= 24",), ("UPDATE sqlite_sequence SET seq = 23 WHERE name = 'chain'",),
           ("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", [last - 2]))
    found = lines(verify_records(store, key_path=key))
    assert len(found) == 1 and found[0].startswith("seal 1 (run end, ")
    assert found[0].endswith("signed chain entry 26, but the chain ends at entry 23: its last entries were deleted")
