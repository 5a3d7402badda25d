"""The lot is part of every record, alarm and run row, and a filter of the export, the review queue and the QA
reports: "show me lot 4711" answers from the database alone."""
import json
import sqlite3

import pytest

from inspector.cli import main
from inspector.export import export_records
from inspector.export.manifest import MANIFEST
from inspector.review import QueueFilter, Review
from inspector.review_reports import reviewer_days
from inspector.store import Store
from tests.lots.conftest import LOTS


@pytest.fixture
def store(lots_data):
    with Store.open(lots_data / "inspector.db", images_dir=lots_data / "images") as store:
        yield store


def test_every_part_and_run_carries_the_lot_it_was_made_in(store):
    parts = store.records(limit=None)
    assert {lot: sum(1 for p in parts if p.lot == lot) for lot in LOTS} == LOTS
    assert len(parts) == sum(LOTS.values())  # no part without a lot
    assert [run["lot"] for run in store.runs()] == list(LOTS)
    for run in store.runs():
        assert {p.lot for p in parts if p.run_id == run["run_id"]} == {run["lot"]}


def test_lot_4711_is_found_through_its_index(store):
    plan = " ".join(r["detail"] for r in store.query("EXPLAIN QUERY PLAN SELECT count(*) FROM parts WHERE lot = ?",
                                                     ["A-4711"]))
    assert "parts_lot" in plan


def test_an_alarm_takes_its_parts_lot_else_the_running_lot(store):
    part = store.records(limit=1)[0]  # the newest part: lot B-0815
    store.start_run("later-run", recipe="cartridge-box", lot="C-9")  # now running, with lot C-9
    with_part = store.add_alarm("camera_lost", "no frame", part_id=part.part_id)
    without = store.add_alarm("disk_low", "1 GB free")
    lots = {r["id"]: r["lot"] for r in store.alarms()}
    assert lots[with_part] == part.lot == "B-0815"
    assert lots[without] == "C-9"


def test_export_with_a_lot_takes_only_that_lots_parts(store, tmp_path):
    summary = export_records(store, tmp_path / "out", "jsonl", lot="B-0815")
    manifest = json.loads((summary.out / MANIFEST).read_text())
    assert manifest["filters"]["lot"] == "B-0815"
    listed = {e["part_id"] for e in manifest["records"]} | {s["part_id"] for s in manifest["skipped"]}
    of_lot = [p for p in store.records(limit=None) if p.lot == "B-0815"]
    assert listed == {p.part_id for p in of_lot if p.outcome != "uncertain"}  # no QA verdict settled those
    everything = export_records(store, tmp_path / "all", "jsonl", lot="B-0815", include_unreviewed_uncertain=True)
    manifest = json.loads((everything.out / MANIFEST).read_text())
    assert {e["part_id"] for e in manifest["records"]} | {s["part_id"] for s in manifest["skipped"]} == {
        p.part_id for p in of_lot}


def test_export_of_an_unknown_lot_says_so(lots_data, tmp_path, capsys):
    code = main(["export", "--format", "csv", "--out", str(tmp_path / "out"), "--lot", "Z-1",
                 "--data-dir", str(lots_data)])
    assert code == 2
    assert "no part of lot 'Z-1'" in capsys.readouterr().err


def test_the_review_queue_filters_by_lot(store):
    review = Review(store)
    expected = {p.part_id for p in store.records(limit=None)
                if p.lot == "A-4711" and (p.outcome != "pass" or p.image_path)}
    page = review.queue(QueueFilter(lot="A-4711"), limit=500, explain=True)
    assert {item.record.part_id for item in page.items} == expected and expected
    assert review.count(QueueFilter(lot="A-4711")) == len(expected)
    assert any("review_items_lot" in step for step in page.plan)


def test_review_queue_cli_lists_one_lots_open_parts(lots_data, store, capsys):
    code = main(["review-queue", "--lot", "B-0815", "--limit", "500", "--data-dir", str(lots_data)])
    assert code == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and {r["lot"] for r in rows} == {"B-0815"}
    assert len(rows) == Review(store).count(QueueFilter(lot="B-0815"))


def test_review_queue_cli_refuses_a_bad_lot(lots_data, capsys):
    assert main(["review-queue", "--lot", "x" * 65, "--data-dir", str(lots_data)]) == 2
    assert "at most 64" in capsys.readouterr().err


def test_qa_reports_count_only_the_verdicts_on_the_lots_parts(store, lots_data, tmp_path):
    review = Review(store)
    a = review.queue(QueueFilter(lot="A-4711"), limit=3).items
    b = review.queue(QueueFilter(lot="B-0815"), limit=2).items
    for item in a + b:
        review.submit(item.record.part_id, "quinn", "confirm", seconds_spent=4.0)
    assert sum(d["items"] for d in reviewer_days(store, lot="A-4711")) == len(a)
    assert sum(d["items"] for d in reviewer_days(store, lot="B-0815")) == len(b)
    assert main(["review-report", "--out", str(tmp_path / "qa"), "--lot", "B-0815", "--data-dir", str(lots_data)]) == 0
    rows = (tmp_path / "qa" / "reviewers.csv").read_text().splitlines()
    assert rows[1].split(",")[2] == str(len(b))


def test_the_lots_command_lists_each_lot_with_its_parts(lots_data, capsys):
    assert main(["lots", "--data-dir", str(lots_data)]) == 0
    listed = {r["lot"]: r["parts"] for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert listed == LOTS


def test_an_older_database_gets_the_lot_columns_and_keeps_its_rows(tmp_path):
    from inspector.store.schema import MIGRATIONS

    before = MIGRATIONS[:next(i for i, m in enumerate(MIGRATIONS) if "lots" in m.name)]
    path = tmp_path / "old.db"
    Store.open(path, migrations=before).close()
    with sqlite3.connect(path) as old:
        old.execute("INSERT INTO runs (run_id, started, software_version, recipe, recipe_hash) "
                    "VALUES ('r1', '2026-12-01T08:00:00.000+00:00', '0.1.0', 'cartridge-box', 'h')")
    with Store.open(path) as store:
        assert store.run("r1")["lot"] is None
    columns = {table: {row[1] for row in sqlite3.connect(path).execute(f"PRAGMA table_info({table})")}
               for table in ("runs", "parts", "alarms", "review_items")}
    assert all("lot" in names for names in columns.values())
