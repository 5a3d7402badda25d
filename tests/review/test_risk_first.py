"""Risk first: a box covered by a hand (confidence 1.00) is what QA sees first after the fail-safes, shown as
"covered: recount" with its count unknown; confirming it says "covered", a recount replaces that."""
import json

from inspector.qa.risk import COVERED_TEXT, is_covered, model_says
from inspector.review import QueueFilter, Review
from inspector.store import MIGRATIONS, Store
from inspector.store.rows import PART_COLUMNS
from tests.review.conftest import box

COVERED = "box covered, cannot count (occlusion 1.00)"
RECORDS = [
    box(11, "pass", 0.62, count=24),
    box(12, "reject", 0.55, count=20),
    box(13, "uncertain", 1.00, count=17, reason=COVERED, occlusion=1.0),  # the hand: counted 17 under it
    box(14, "uncertain", 0.40, count=24, reason="count 24/24 but weakest item 0.40"),
]


def ids(page):
    return [item.record.part_id for item in page.items]


def test_a_covered_box_is_first_in_the_default_order(tmp_path):
    with Store.open(tmp_path / "station.db") as store:
        for record in RECORDS:
            store.insert(record)
        review = Review(store)
        assert ids(review.queue()) == [13, 14, 12, 11]
        assert ids(review.queue(sort="confidence")) == [14, 12, 11, 13]  # the old order hid it at the end
        store.insert(box(15, "fail_safe", 1.0, count=None, fail_safe_cause="no_frame"))
        assert ids(review.queue()) == [15, 13, 14, 12, 11]
        assert ids(review.queue(QueueFilter(outcomes=["uncertain"]))) == [13, 14]
        first = review.queue(limit=2)
        assert ids(review.queue(after=first.next_after)) == [14, 12, 11]


def test_a_covered_box_is_shown_as_covered_recount_with_no_count(tmp_path):
    covered, weak = RECORDS[2], RECORDS[3]
    assert is_covered(covered) and not is_covered(weak)
    assert model_says(covered) == COVERED_TEXT  # no "17/24", no confidence
    assert model_says(weak) == "count 24/24 · conf 0.40"


def test_confirming_a_covered_box_says_covered_and_a_recount_replaces_it(tmp_path):
    with Store.open(tmp_path / "station.db") as store:
        for record in RECORDS:
            store.insert(record)
        review = Review(store)
        confirmed = review.submit(13, "qa-anna", "confirm")
        assert (confirmed.label, confirmed.count, confirmed.before["source"]) == ("covered", None, "model")
        recount = review.submit(13, "qa-ben", "correct", count=21)
        assert (recount.label, recount.count) == (None, 21)


def test_the_schema_step_marks_covered_boxes_recorded_before_it(tmp_path):
    path = tmp_path / "station.db"
    step = next(m for m in MIGRATIONS if m.name.startswith("review risk order"))
    with Store.open(path, migrations=MIGRATIONS[:step.version - 1]) as old:
        for record in RECORDS:
            row = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in record.to_row().items()
                   if k in PART_COLUMNS}
            old.db["parts"].insert(row)  # its trigger of step 2 puts it in review_items
    with Store.open(path) as store:
        covered = dict(store.db.execute("SELECT part_id, covered FROM review_items").fetchall())
        assert covered == {11: 0, 12: 0, 13: 1, 14: 0}
        assert ids(Review(store).queue()) == [13, 14, 12, 11]
