"""Acceptance: two lots on the simulated line, then someone with sqlite3 and file access edits what was recorded.

The append-only triggers are dropped first, as anyone with the file can; the audit trail's own chain is rewritten
with its later hashes recomputed, so it alone says "intact". ``inspector audit verify`` names every change.
"""
import json
import shutil
import sqlite3

from hardware.synthetic import ItemStream
from inspector import actions, audit
from inspector.assemble import build_station
from inspector.cli import main
from inspector.config import StationConfig, load_recipe
from inspector.review import Review
from inspector.store import Store
from inspector.users import UserDirectory

PINS = {"adam": "715493", "olga": "482107", "quinn": "593268"}
DROP_GUARDS = ("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; "
               "DROP TRIGGER chain_no_update; DROP TRIGGER chain_no_delete;")


def simulated_run(data_dir, seed, lot, parts=30):
    """One run of lot ``lot``: ``parts`` boxes, half of them short of a cartridge (rejects with kept images)."""
    config = StationConfig(recipe="cartridge-box", data_dir=data_dir)
    recipe = load_recipe(config.recipe, config.recipes_dir)
    items = ItemStream(recipe.product, seed=seed, style="line", layout=recipe.layout, missing_rate=0.5)
    station = build_station(config, simulate=True, rate_hz=10, items=items, lot=lot)
    try:
        station.start(parts=parts)
        station.simulator.join(30)
        assert station.line.wait_recorded(parts, timeout=10)
    finally:
        assert station.close()


def people_and_a_label(db_path):
    """An admin adds an operator and a QA user; QA corrects the count of the first reject (signed)."""
    with Store.open(db_path) as store:
        users = UserDirectory(store)
        users.add(None, "adam", "admin", PINS["adam"], reason="first admin, at install")
        adam = users.login("adam", PINS["adam"])
        users.add(adam, "olga", "operator", PINS["olga"], reason="new at the line")
        users.add(adam, "quinn", "qa", PINS["quinn"], reason="new in QA")
        reject = store.db.execute("SELECT part_id FROM parts WHERE outcome != 'pass' AND image_path IS NOT NULL "
                                  "ORDER BY part_id LIMIT 1").fetchone()[0]
        quinn = users.login("quinn", PINS["quinn"])
        label = actions.submit_label(quinn, Review(store), reject, "correct", count=3, pin=PINS["quinn"],
                                     reason="two boxes hidden by a hand")
        return label.id


def recompute_audit_from(conn, first_id):
    """What a careful forger does after editing entry ``first_id``: every later hash made to fit again."""
    previous = conn.execute("SELECT hash FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1", [first_id]).fetchone()
    previous = previous[0] if previous else audit.GENESIS
    rows = conn.execute(f"SELECT {', '.join(audit.COLUMNS)} FROM audit WHERE id >= ? ORDER BY id",
                        [first_id]).fetchall()
    for row in rows:
        fields = dict(zip(audit.COLUMNS, row))
        fields["prev_hash"] = previous
        fields["hash"] = previous = audit.entry_hash(fields)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
                     [fields["prev_hash"], fields["hash"], fields["id"]])


def test_audit_verify_names_each_edit_made_with_sqlite3(tmp_path, capsys):
    data = tmp_path / "data"
    db_path = data / "inspector.db"
    simulated_run(data, seed=7, lot="L-4711")
    label_id = people_and_a_label(db_path)  # QA corrects a box of the first lot
    simulated_run(data, seed=8, lot="L-4712")  # its start and end seal what the people did and the run recorded
    assert main(["audit", "verify", "--data-dir", str(data)]) == 0
    intact = capsys.readouterr().out
    assert "records intact" in intact and "60 parts" in intact

    with sqlite3.connect(db_path) as conn:
        rejects = [r[0] for r in conn.execute("SELECT part_id FROM parts WHERE outcome != 'pass' "
                                              "AND image_path IS NOT NULL ORDER BY part_id")]
        edited, swapped, source = rejects[-1], rejects[-2], rejects[-3]
        deleted = conn.execute("SELECT max(part_id) FROM parts WHERE outcome = 'pass'").fetchone()[0]
        images = dict(conn.execute("SELECT part_id, image_path FROM parts WHERE image_path IS NOT NULL"))
        entry = conn.execute("SELECT id FROM audit WHERE action = 'user.add' AND target = 'user:olga'").fetchone()[0]
        conn.executescript(DROP_GUARDS)
        conn.execute("UPDATE parts SET outcome = 'pass', actuated = 0 WHERE part_id = ?", [edited])
        conn.execute("DELETE FROM parts WHERE part_id = ?", [deleted])
        conn.execute("UPDATE labels SET count = 5 WHERE id = ?", [label_id])
        conn.execute("UPDATE users SET role = 'admin' WHERE name = 'olga'")
        conn.execute("UPDATE audit SET after = ? WHERE id = ?",
                     [json.dumps({"role": "admin", "active": True, "pin_set": True}), entry])
        recompute_audit_from(conn, entry)
    shutil.copyfile(data / images[source], data / images[swapped])  # another part's picture under this one's name

    with Store.open(db_path) as store:
        assert audit.verify(store).ok  # the trail's own chain was made to fit again: only the records chain sees it
    assert main(["audit", "verify", "--data-dir", str(data)]) == 1
    lines = capsys.readouterr().out.splitlines()
    named = {line.split(":")[0] for line in lines if ":" in line}
    assert f"part {edited}" in named and f"part {deleted}" in named and f"part {swapped}" in named
    assert f"label {label_id}" in named and "user olga" in named and f"audit entry {entry}" in named
    text = "\n".join(lines)
    assert f"part {edited}: outcome, actuated changed" in text
    assert f"part {deleted}: deleted" in text
    assert f"label {label_id}: count changed" in text
    assert "user olga: role changed" in text and "role now 'admin'" in text
    assert f"audit entry {entry}: after changed" in text
    assert f"part {swapped}: image {images[swapped]} changed" in text
    assert "records NOT as sealed (all records): 6 finding(s)" in text  # each edit once, nothing else

    assert main(["audit", "verify", "--data-dir", str(data), "--lot", "L-4711"]) == 1  # the first lot's own check
    first_lot = capsys.readouterr().out
    assert f"label {label_id}: count changed" in first_lot and "user olga: role changed" in first_lot
    assert f"part {edited}:" not in first_lot and f"part {swapped}:" not in first_lot  # parts of the second lot
