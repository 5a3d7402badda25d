"""The second-reviewer audit and the reviewer report: a sample of each reviewer's verdicts goes to another reviewer,
blind; agreement passes the audit, disagreement sends the part back as disputed; the report's figures per reviewer
(items, min / mean / median / max seconds, audit pass rate, agreement with the model) on data written here."""
import random
import statistics

import pytest

from inspector.config import ConfigError, load_station
from inspector.qa.audits import ReviewAudits
from inspector.review import QueueFilter, Review, ReviewError
from inspector.review_reports import reviewer_totals, write_csv
from tests.review.conftest import box

SAMPLE, SKIP = 0.0, 0.99  # draws: below the fraction samples the verdict


def draws(*values):
    values = iter(values)
    return lambda: next(values)


def ids(page):
    return [item.record.part_id for item in page.items]


@pytest.fixture
def audited(store):
    """anna and ben review; anna's parts 4 and 9 and ben's part 6 are sampled; ben audits 4 (agrees) and 9 (the
    model's 23, not anna's 21: fails), anna audits 6 (agrees); carl gives part 9 its third look."""
    review = Review(store)
    audits = ReviewAudits(review, 0.5, draw=draws(SAMPLE, SKIP, SAMPLE, SAMPLE, SKIP))
    review.submit(4, "anna", "correct", count=24, seconds_spent=10)  # model 23: sampled
    review.submit(3, "anna", "confirm", seconds_spent=4)  # model 23 of 24
    review.submit(9, "anna", "correct", count=21, seconds_spent=7)  # model 23: sampled
    review.submit(6, "ben", "confirm", seconds_spent=3)  # model: defect; sampled
    review.submit(7, "ben", "correct", label="good", seconds_spent=9)  # model: defect
    review.submit(8, "ben", "inconclusive", seconds_spent=30)  # gives no value: never sampled
    return review, audits


def test_sampled_verdicts_wait_for_another_reviewer_who_does_not_see_them(audited):
    review, audits = audited
    for_ben = audits.pending("ben")
    assert [(a.part_id, a.first_reviewer) for a, _ in for_ben] == [(4, "anna"), (9, "anna")]
    assert all(item.label is None for _, item in for_ben)  # blind: the first verdict is not handed over
    assert [(a.part_id, a.first_reviewer) for a, _ in audits.pending("anna")] == [(6, "ben")]
    assert audits.pending_count() == 3
    with pytest.raises(ReviewError, match="anna gave the first verdict on part 4; another reviewer must give"):
        audits.submit(for_ben[0][0].id, "anna", "confirm")


def test_agreement_passes_and_disagreement_sends_the_part_back_disputed(audited):
    review, audits = audited
    (four, _), (nine, _) = audits.pending("ben")
    label, decided = audits.submit(four.id, "ben", "correct", count=24, seconds_spent=6)
    assert decided.result == "pass" and decided.auditor == "ben" and label.before["source"] == "model"
    label, decided = audits.submit(nine.id, "ben", "confirm", seconds_spent=5)  # confirms what the model said: 23
    assert (decided.result, label.count) == ("fail", 23)
    assert 9 in ids(review.queue()) and audits.disputed([9, 4]) == {9}
    with pytest.raises(ReviewError, match="already decided"):
        audits.submit(nine.id, "carl", "confirm")
    review.submit(9, "carl", "correct", count=21, seconds_spent=12)  # the third look: not sampled again
    assert 9 not in ids(review.queue()) and audits.disputed([9]) == set() and audits.pending_count("carl") == 1


def test_the_reviewer_report_figures_on_known_data(audited, tmp_path):
    review, audits = audited
    (four, _), (nine, _) = audits.pending("ben")
    audits.submit(four.id, "ben", "correct", count=24, seconds_spent=6)  # pass
    audits.submit(nine.id, "ben", "confirm", seconds_spent=5)  # fail
    (six, _), = audits.pending("anna")
    audits.submit(six.id, "anna", "confirm", seconds_spent=8)  # pass
    review.submit(9, "carl", "correct", count=21, seconds_spent=12)
    seconds = {"anna": [10, 4, 7, 8], "ben": [3, 9, 30, 6, 5], "carl": [12]}  # as given above
    totals = reviewer_totals(review.store)
    for name, spent in seconds.items():
        got = totals[name]
        assert got["items"] == len(spent)
        assert (got["min_seconds"], got["max_seconds"]) == (min(spent), max(spent))
        assert got["mean_seconds"] == round(statistics.fmean(spent), 2)
        assert got["median_seconds"] == statistics.median(spent)
    # by hand: anna 4 items, 4 / 7.25 / 7.5 / 10 s; ben 5 items, 3 / 10.6 / 6 / 30 s
    assert [totals["anna"][k] for k in ("min_seconds", "mean_seconds", "median_seconds", "max_seconds")] == \
        [4, 7.25, 7.5, 10]
    assert [totals["ben"][k] for k in ("min_seconds", "mean_seconds", "median_seconds", "max_seconds")] == \
        [3, 10.6, 6, 30]
    # audits of each one's verdicts: anna's 4 passed and 9 failed; ben's 6 passed; carl's were not sampled
    assert [totals["anna"][k] for k in ("audited", "audit_passed", "audit_pass_rate")] == [2, 1, 0.5]
    assert [totals["ben"][k] for k in ("audited", "audit_passed", "audit_pass_rate")] == [1, 1, 1.0]
    assert totals["carl"]["audit_pass_rate"] is None and totals["carl"]["audits_pending"] == 0
    # with the model (same class and count), over verdicts giving a value: anna agreed on 3 (23) and 6 (defect)
    # of 4, 3, 9, 6; ben on 6 (defect) and 9 (23) of 6, 7, 4, 9; carl's 21 on 9 is not the model's 23
    assert [totals["anna"][k] for k in ("model_compared", "model_agreed", "model_agreement")] == [4, 2, 0.5]
    assert [totals["ben"][k] for k in ("model_compared", "model_agreed", "model_agreement")] == [4, 2, 0.5]
    assert totals["carl"]["model_agreement"] == 0.0
    write_csv(review.store, tmp_path)
    assert (tmp_path / "reviewer_totals.csv").read_text().splitlines()[1].startswith("anna,4,4.0,7.25,7.5,10.0,2,1,0.5,0")


def test_a_covered_box_confirmed_as_covered_agrees_with_the_model(tmp_path):
    from inspector.store import Store
    with Store.open(tmp_path / "station.db") as store:
        store.insert(box(1, "uncertain", 1.0, count=17, reason="box covered, cannot count (occlusion 1.00)"))
        Review(store).submit(1, "anna", "confirm", seconds_spent=2)
        assert reviewer_totals(store)["anna"]["model_agreement"] == 1.0


def test_each_reviewer_gets_about_the_fraction_asked(tmp_path):
    from inspector.store import Store
    with Store.open(tmp_path / "station.db") as store:
        for part_id in range(1, 1201):
            store.insert(box(part_id, "reject", 0.6, count=22))
        review = Review(store)
        audits = ReviewAudits(review, 0.1, draw=random.Random(7).random)
        for part_id in range(1, 1201):
            review.submit(part_id, ("anna", "ben")[part_id % 2], "confirm")
        for name in ("anna", "ben"):
            sampled = store.query("SELECT count(*) AS n FROM review_audits WHERE first_reviewer = ?", [name])[0]["n"]
            assert 0.07 * 600 <= sampled <= 0.13 * 600, (name, sampled)
        assert audits.pending_count("anna") == store.query(
            "SELECT count(*) AS n FROM review_audits WHERE first_reviewer = 'ben'")[0]["n"]


def test_the_fraction_is_set_in_the_station_file(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text("[review]\naudit_fraction = 0.25\n")
    assert load_station(path).review.audit_fraction == 0.25
    path.write_text("[review]\naudit_fraction = 1.5\n")
    with pytest.raises(ConfigError, match="audit_fraction"):
        load_station(path)
    with pytest.raises(ReviewError, match="audit_fraction 2 is outside 0..1"):
        ReviewAudits(Review.__new__(Review), 2)


def test_one_sampler_per_review_the_latest_wins(store):
    review = Review(store)
    ReviewAudits(review, 1.0)
    ReviewAudits(review, 1.0)
    review.submit(4, "anna", "confirm")
    assert store.query("SELECT count(*) AS n FROM review_audits")[0]["n"] == 1


def test_the_queue_of_others_is_unchanged_by_an_audit_pass(audited):
    review, audits = audited
    (four, _), _ = audits.pending("ben")
    before = review.count(QueueFilter())
    audits.submit(four.id, "ben", "correct", count=24)
    assert review.count(QueueFilter()) == before
