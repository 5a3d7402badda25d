"""The review queue: which parts are in it, filters, risk first (fail-safes, uncertain, rejects, passes; each lowest
confidence first), keyset pages, the index it walks."""
from datetime import datetime, timezone

import pytest

import inspector.review as review_module
from inspector.review import QueueFilter, ReviewError
from tests.review.conftest import BOX_V1, PART_V1
from inspector.store.rows import model_key


def ids(page):
    return [item.record.part_id for item in page.items]


def test_the_queue_holds_every_non_pass_and_the_kept_passes_risk_first(review):
    # fail-safe 5; uncertain 4 (0.45), 7 (0.55); rejects 9 (0.62), 3 (0.80), 6 (0.99); passes 2 (0.91), 8 (0.97)
    assert ids(review.queue()) == [5, 4, 7, 9, 3, 6, 2, 8]  # part 1 is a pass without an image


def test_lowest_confidence_first_is_still_a_sort_of_its_own(review):
    assert ids(review.queue(sort="confidence")) == [5, 4, 7, 9, 3, 2, 8, 6]


def test_several_outcomes_are_one_bounded_walk_each_merged_in_order(review):
    page = review.queue(QueueFilter(outcomes=["reject", "uncertain"], state="all"), limit=3, explain=True)
    assert ids(page) == [4, 7, 9]
    # one outcome is one range of risk ranks: each walk seeks into the risk index
    assert len(page.plan) == 4 and all("review_items_risk (reviewed=? AND risk>? AND risk<?)" in p for p in page.plan)
    assert ids(review.queue(QueueFilter(outcomes=["reject", "uncertain"]), after=page.next_after)) == [3, 6]


@pytest.mark.parametrize("filters, expected", [
    (QueueFilter(outcomes=["reject"]), [9, 3, 6]),
    (QueueFilter(outcomes=["reject", "fail_safe"]), [5, 9, 3, 6]),
    (QueueFilter(outcomes=["pass"]), [2, 8]),
    (QueueFilter(recipe="surface-part"), [7, 6, 8]),
    (QueueFilter(model_key=model_key(BOX_V1)), [9, 3]),
    (QueueFilter(model_key=model_key(PART_V1), outcomes=["uncertain"]), [7]),
    (QueueFilter(min_confidence=0.5, max_confidence=0.9), [7, 9, 3]),
    (QueueFilter(since="2026-11-21", until="2026-11-22"), [7, 9]),
    (QueueFilter(since=datetime(2026, 11, 22, tzinfo=timezone.utc)), [5, 4, 6, 2, 8]),
    (QueueFilter(until="2026-11-21T00:00"), [3]),
    (QueueFilter(recipe="cartridge-box", outcomes=["reject"], since="2026-11-21", min_confidence=0.6), [9]),
    (QueueFilter(recipe="no-such-recipe"), []),
])
def test_filters(review, filters, expected):
    assert ids(review.queue(filters)) == expected
    assert review.count(filters) == len(expected)


@pytest.mark.parametrize("probe_rows", [0, 10_000])
def test_a_time_range_gives_the_same_page_whichever_index_drives_it(review, monkeypatch, probe_rows):
    monkeypatch.setattr(review_module, "TIME_PROBE_ROWS", probe_rows)
    page = review.queue(QueueFilter(since="2026-11-21"), explain=True)
    assert ids(page) == [5, 4, 7, 9, 6, 2, 8]
    driver = "review_items_time" if probe_rows else "review_items_risk"
    assert any(driver in step for step in page.plan), page.plan


def test_keyset_pages_walk_the_whole_queue_once_in_order(review):
    seen, after = [], None
    while True:
        page = review.queue(limit=3, after=after)
        seen += ids(page)
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == [5, 4, 7, 9, 3, 6, 2, 8]


def test_other_sorts_and_their_pages(review):
    assert ids(review.queue(sort="-confidence")) == [6, 8, 2, 3, 9, 7, 4, 5]
    assert ids(review.queue(sort="newest")) == [8, 6, 5, 4, 2, 7, 9, 3]  # by trigger time
    first = review.queue(sort="newest", limit=5)
    assert ids(review.queue(sort="newest", limit=5, after=first.next_after)) == [7, 9, 3]
    first = review.queue(sort="-confidence", limit=4)
    assert ids(review.queue(sort="-confidence", after=first.next_after)) == [9, 7, 4, 5]


def test_reviewed_parts_leave_the_open_queue_and_show_under_reviewed(review):
    review.submit(5, "qa-anna", "inconclusive")
    review.submit(4, "qa-anna", "confirm")
    assert ids(review.queue()) == [7, 9, 3, 6, 2, 8]
    assert (review.count(), review.count(QueueFilter(state="reviewed")), review.count(QueueFilter(state="all"))) \
        == (6, 2, 8)
    reviewed = review.queue(QueueFilter(state="reviewed"))
    assert ids(reviewed) == [5, 4]
    assert [item.label.verdict for item in reviewed.items] == ["inconclusive", "confirm"]
    everything = review.queue(QueueFilter(state="all"), limit=3)
    assert ids(everything) == [5, 4, 7]  # open and reviewed pages merged in risk order
    assert ids(review.queue(QueueFilter(state="all"), after=everything.next_after)) == [9, 3, 6, 2, 8]


def test_the_default_queue_walks_an_index_in_risk_order_without_sorting(review):
    plan = review.queue(explain=True).plan
    assert plan == ["SEARCH r USING INDEX review_items_risk (reviewed=?)"]  # no sort, no scan
    plan = review.queue(sort="confidence", explain=True).plan
    assert plan == ["SEARCH r USING COVERING INDEX review_items_confidence (reviewed=?)"]


def test_model_keys_lists_the_versions_in_the_queue(review):
    assert review.model_keys() == sorted({model_key(m) for m in (BOX_V1, PART_V1)} | {
        "cartridge_counter 0.2.0 222222222222"})


@pytest.mark.parametrize("kwargs, message", [
    (dict(outcomes=["maybe"]), "outcome 'maybe' is not one of"),
    (dict(state="done"), "review state 'done'"),
    (dict(min_confidence=1.5), "min_confidence 1.5 is outside 0..1"),
    (dict(since="yesterday"), "since 'yesterday' is not an ISO 8601 time"),
])
def test_bad_filters_are_refused_with_the_value(kwargs, message):
    with pytest.raises(ReviewError, match=message):
        QueueFilter(**kwargs)


def test_a_bad_sort_or_page_size_is_refused(review):
    with pytest.raises(ReviewError, match="sort 'random'"):
        review.queue(sort="random")
    with pytest.raises(ReviewError, match="page size 0"):
        review.queue(limit=0)
