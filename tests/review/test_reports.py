"""Reviewer and quality reports: items per reviewer per day, median seconds, model vs QA per model version, CSV."""
import csv
import sqlite3
from contextlib import closing

import pytest

from inspector.review import Review, ReviewError, class_of
from inspector.review_reports import _class_sql, agreement, reviewer_days, reviewer_totals, write_csv
from inspector.store.rows import model_key
from tests.review.conftest import BOX_V1, BOX_V2, PART_V1


def at(day, second=0):
    return lambda: f"2026-11-{day}T10:00:{second:02d}.000+00:00"


def reviewed(store):
    """Two reviewers over two days: some confirmations, a count correction, a class correction, an unsure item."""
    Review(store, clock=at(23)).submit(4, "anna", "correct", count=24, seconds_spent=10)  # model said 23
    Review(store, clock=at(23)).submit(3, "anna", "confirm", seconds_spent=4)
    Review(store, clock=at(23)).submit(9, "anna", "correct", count=21, seconds_spent=7)  # model said 23
    Review(store, clock=at(23)).submit(6, "ben", "confirm", seconds_spent=3)
    Review(store, clock=at(24)).submit(7, "ben", "correct", label="good", seconds_spent=9)  # model said defect
    Review(store, clock=at(24)).submit(8, "ben", "inconclusive", seconds_spent=30)
    Review(store, clock=at(24, 5)).submit(6, "ben", "correct", label="good", seconds_spent=5)  # replaces the confirm


def test_items_and_median_seconds_per_reviewer_per_day(store):
    reviewed(store)
    days = {(r["reviewer"], r["day"]): r for r in reviewer_days(store)}
    assert set(days) == {("anna", "2026-11-23"), ("ben", "2026-11-23"), ("ben", "2026-11-24")}
    assert (days["anna", "2026-11-23"]["items"], days["anna", "2026-11-23"]["median_seconds"]) == (3, 7)
    assert (days["ben", "2026-11-24"]["items"], days["ben", "2026-11-24"]["median_seconds"]) == (3, 9)
    assert days["ben", "2026-11-24"]["inconclusive"] == 1
    assert [r["day"] for r in reviewer_days(store, since="2026-11-24")] == ["2026-11-24"]


def test_agreement_per_model_version_from_the_latest_verdicts(store):
    reviewed(store)
    report = agreement(store)
    assert set(report) == {model_key(m) for m in (BOX_V1, BOX_V2, PART_V1)}
    box_v1 = report[model_key(BOX_V1)]  # part 3 confirmed (23 of 24), part 9 corrected 23 -> 21
    assert (box_v1.reviewed, box_v1.agreed, box_v1.agreement) == (2, 1, 0.5)
    assert box_v1.count_errors == {0: 1, 2: 1}
    assert box_v1.confusion == {"missing": {"missing": 2}}
    box_v2 = report[model_key(BOX_V2)]  # part 4: the model missed one
    assert box_v2.confusion == {"missing": {"complete": 1}} and box_v2.count_errors == {-1: 1}
    parts = report[model_key(PART_V1)]  # 6 and 7 both ended "good"; 8 was inconclusive, so not counted
    assert (parts.reviewed, parts.agreed) == (2, 0)
    assert parts.confusion == {"defect": {"good": 2}} and not parts.count_errors


def test_reports_as_csv(store, tmp_path):
    reviewed(store)
    files = write_csv(store, tmp_path / "reports")
    assert [f.name for f in files] == ["reviewers.csv", "reviewer_totals.csv", "agreement.csv", "confusion.csv",
                                       "count_errors.csv"]
    rows = {name: list(csv.DictReader(open(tmp_path / "reports" / name))) for name in (f.name for f in files)}
    assert {"reviewer": "anna", "day": "2026-11-23", "items": "3", "median_seconds": "7.0"}.items() \
        <= rows["reviewers.csv"][0].items()
    assert {(r["model_key"], r["agreement"]) for r in rows["agreement.csv"]} == {
        (model_key(BOX_V1), "0.5"), (model_key(BOX_V2), "0.0"), (model_key(PART_V1), "0.0")}
    assert {"model_key": model_key(PART_V1), "model_class": "defect", "qa_class": "good", "parts": "2"} \
        in rows["confusion.csv"]
    assert {"model_key": model_key(BOX_V1), "model_minus_qa": "2", "parts": "1"} in rows["count_errors.csv"]
    assert not list((tmp_path / "reports").glob(".*partial"))


def test_reports_for_one_model_version_and_time_range(store):
    reviewed(store)
    box_v1 = model_key(BOX_V1)
    days = reviewer_days(store, model_key=box_v1)
    assert [(d["reviewer"], d["day"], d["items"], d["median_seconds"]) for d in days] == [
        ("anna", "2026-11-23", 2, 5.5)]  # parts 3 and 9; part 4 is the newer counter's
    assert set(agreement(store, model_key=box_v1)) == {box_v1}
    assert agreement(store, model_key="no such models") == {}
    ben_day1 = reviewer_days(store, model_key=model_key(PART_V1), until="2026-11-24")
    assert [(d["reviewer"], d["items"]) for d in ben_day1] == [("ben", 1)]
    # part 6's latest verdict (day 24) is outside the range, so day 23 has no truth for that model version
    assert agreement(store, model_key=model_key(PART_V1), until="2026-11-24") == {}
    assert agreement(store, model_key=model_key(PART_V1), since="2026-11-24")[model_key(PART_V1)].reviewed == 2


def test_reviewer_totals_take_the_median_over_every_day(store):
    reviewed(store)
    totals = reviewer_totals(store)
    assert {k: (t["items"], t["median_seconds"]) for k, t in totals.items()} == {"anna": (3, 7), "ben": (4, 7.0)}
    ben_day2 = reviewer_totals(store, since="2026-11-24")["ben"]
    assert (ben_day2["items"], ben_day2["min_seconds"], ben_day2["median_seconds"], ben_day2["max_seconds"]) == \
        (3, 5, 9, 30)
    assert reviewer_totals(store, since="2026-12-01") == {}


def test_csv_for_one_model_version(store, tmp_path):
    reviewed(store)
    write_csv(store, tmp_path, model_key=model_key(BOX_V2))
    rows = list(csv.DictReader(open(tmp_path / "agreement.csv")))
    assert [(r["model_key"], r["reviewed"]) for r in rows] == [(model_key(BOX_V2), "1")]
    assert [r["items"] for r in csv.DictReader(open(tmp_path / "reviewers.csv"))] == ["1"]


def test_a_bad_report_time_is_named(store):
    with pytest.raises(ReviewError, match="since 'monday' is not an ISO 8601 time"):
        reviewer_days(store, since="monday")


def test_the_grouped_sql_classes_match_class_of():
    rows = [(label, count, expected) for label in (None, "", "good", "defect") for count in (None, 0, 23, 24, 25)
            for expected in (None, 24)]
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE parts (label TEXT, count INTEGER, expected INTEGER)")
        db.executemany("INSERT INTO parts VALUES (?, ?, ?)", rows)
        got = db.execute(f"SELECT label, count, expected, {_class_sql('parts.label', 'parts.count')} FROM parts "
                         "ORDER BY rowid").fetchall()
    assert [g[3] for g in got] == [class_of(label, count, expected) or "none" for label, count, expected in rows]
