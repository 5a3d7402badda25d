"""Verdicts: each one a labels row with reviewer, time, seconds spent and the value before; parts rows never change."""
import pytest

from inspector.review import ItemTimer, ReviewError


def part_row(store, part_id):
    return dict(next(store.db.query("SELECT * FROM parts WHERE part_id = ?", [part_id])))


def test_a_correction_is_a_label_row_and_the_models_output_stays_as_it_was(store, review):
    before = part_row(store, 4)
    taps = [[10.0 * i, 20.0] for i in range(24)]  # the reviewer tapped the missed cartridge
    label = review.submit(4, "qa-anna", "correct", points=taps, comment="one hidden under glare", seconds_spent=12.5)
    assert part_row(store, 4) == before
    assert (label.verdict, label.reviewer, label.count, label.seconds_spent) == ("correct", "qa-anna", 24, 12.5)
    assert label.created_at == "2026-11-23T09:00:00.000+00:00" and label.comment == "one hidden under glare"
    assert label.before["source"] == "model" and label.before["count"] == 23
    assert review.latest_label(4) == label
    row = dict(next(store.db.query("SELECT * FROM labels WHERE id = ?", [label.id])))
    assert (row["part_id"], row["count"], row["seconds_spent"]) == (4, 24, 12.5)


def test_the_latest_label_is_the_truth_and_older_ones_stay(store, review):
    first = review.submit(7, "qa-anna", "correct", label="good", seconds_spent=4)
    second = review.submit(7, "qa-ben", "correct", label="defect", defect_box=[1, 2, 30, 40])
    third = review.submit(7, "qa-cleo", "confirm")
    assert [x.id for x in review.history(7)] == [first.id, second.id, third.id]
    assert second.before == {"source": "qa", "label_id": first.id, "label": "good", "count": None, "points": None,
                             "defect_box": None}
    assert (third.label, third.defect_box) == ("defect", [1, 2, 30, 40])  # confirm takes the value shown
    assert review.latest_label(7) == third
    assert store.record(7).label == "defect" and store.record(7).defect_box == [10, 10, 20, 20]


def test_a_class_correction_drops_the_box_drawn_for_the_old_class(review):
    label = review.submit(6, "qa-anna", "correct", label="good")
    assert (label.label, label.defect_box) == ("good", None)
    assert label.before["defect_box"] == [10, 10, 20, 20]


def test_inconclusive_gives_no_value_and_a_later_confirm_takes_the_last_value(review):
    review.submit(3, "qa-anna", "correct", count=22)
    unsure = review.submit(3, "qa-ben", "inconclusive", comment="blurred")
    assert (unsure.label, unsure.count, unsure.points) == (None, None, None) and not unsure.is_truth
    confirm = review.submit(3, "qa-cleo", "confirm")
    assert confirm.count == 22 and confirm.before["source"] == "qa"


@pytest.mark.parametrize("args, kwargs, message", [
    ((99, "qa", "confirm"), {}, "part 99 is not in the database"),
    ((4, " ", "confirm"), {}, "needs the reviewer's name"),
    ((4, "qa", "approve"), {}, "verdict 'approve' is not one of"),
    ((4, "qa", "correct"), {}, "needs a class"),
    ((4, "qa", "confirm"), {"count": 3}, "a confirm verdict takes no value"),
    ((4, "qa", "correct"), {"count": 3, "points": [[1, 2]]}, "count 3 does not match the 1 points"),
    ((4, "qa", "correct"), {"count": -1}, "count -1"),
    ((4, "qa", "correct"), {"points": [[1]]}, "needs x and y"),
    ((6, "qa", "correct"), {"defect_box": [1, 2, 0, 5]}, "defect box"),
    ((4, "qa", "confirm"), {"seconds_spent": -2}, "seconds_spent -2"),
])
def test_bad_verdicts_are_refused_and_nothing_is_written(store, review, args, kwargs, message):
    with pytest.raises(ReviewError, match=message):
        review.submit(*args, **kwargs)
    assert store.db["labels"].count == 0


def test_listeners_run_in_the_labels_transaction_and_can_refuse_it(store, review):
    seen = []

    def audit(conn, label, record):
        seen.append((conn.in_transaction, conn.execute("SELECT count(*) FROM labels").fetchone()[0], record.part_id))

    review.on_submit.append(audit)
    review.submit(4, "qa-anna", "confirm")
    assert seen == [(True, 1, 4)]

    def refuse(conn, label, record):
        raise PermissionError(f"{label.reviewer} is not QA")

    review.on_submit.append(refuse)
    with pytest.raises(PermissionError, match="qa-zed is not QA"):
        review.submit(5, "qa-zed", "confirm")
    assert store.db["labels"].count == 1 and review.latest_label(5) is None


def test_the_item_timer_measures_the_seconds_on_one_item():
    now = [100.0]
    timer = ItemTimer(clock=lambda: now[0])
    now[0] = 112.25
    assert timer.seconds == 12.25
    timer.restart()
    assert timer.seconds == 0.0
