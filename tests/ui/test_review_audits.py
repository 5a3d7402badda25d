"""The review screen with a covered box and the second-reviewer audit: the hand over the box is first after the
fail-safes and reads "covered: recount"; AUDITS hands another reviewer's verdicts over blind; REPORTS shows the result."""
import dataclasses

import pytest

from inspector.qa.audits import ReviewAudits
from inspector.qa.risk import is_covered
from inspector.review import Review
from inspector.store.images import ImageFiles, ImagePolicy
from tests.ui.conftest import box
from tests.ui.review_data import StepClock, review_store
from ui.review.screen import ReviewScreen
from ui.review.verdict_bar import item_rows


@pytest.fixture
def store(tmp_path, boxes, parts):
    store = review_store(tmp_path, boxes, parts)
    record, frame, _ = boxes(box(seed=31, occluder="hand"))
    assert is_covered(record), record.reason  # the shipped counter flags the hand
    record = dataclasses.replace(record, part_id=500, run_id="review-test", wall_time="2026-03-02T08:30:00.000+00:00")
    record.image_path = ImageFiles(store.images_dir, ImagePolicy(keep_pass_fraction=1.0, format="png")).write(
        record, frame.image)
    store.insert(record)
    yield store
    store.close()


def open_screen(qtbot, store, **kw):
    screen = ReviewScreen(Review(store), clock=StepClock(), **kw)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    return screen


def test_the_covered_box_comes_right_after_the_fail_safe_as_covered_recount(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    model = screen.model
    assert [i.record.outcome for i in model.items[:2]] == ["fail_safe", "uncertain"]
    assert model.items[1].record.part_id == 500
    assert screen.queue.item(1).text() == "COVERED: RECOUNT"  # no confidence, no count
    model.go(1)
    rows = dict(item_rows(model))
    assert rows["Model said"] == "covered: recount (count unknown, 24 expected)" and rows["Confidence"] == "–"
    assert model.count is None and model.points == []  # what was found under the hand is not offered
    label = model.confirm()
    assert (label.label, label.count) == ("covered", None)


def test_audits_are_blind_and_a_disagreement_comes_back_disputed(qtbot, store):
    review = Review(store)
    audits = ReviewAudits(review, 1.0)  # every verdict is audited here
    screen = ReviewScreen(review, reviewer="alice", clock=StepClock(), audits=audits)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    model = screen.model
    boxes = [i for i in model.items if i.record.count is not None and not is_covered(i.record)][:2]
    model.go(model.items.index(boxes[0]))
    model.confirm()
    model.go(model.items.index(boxes[1]))
    model.step_count(+1)  # alice adds a cartridge to the second box
    model.confirm()
    assert screen.audits_button.isVisible() and screen.audits_button.text() == "AUDITS"  # none for alice herself

    model.set_reviewer("bob")
    assert screen.audits_button.text() == "AUDITS 2"
    screen.toggle_audits()
    assert model.auditing and [i.record.part_id for i in model.items] == [b.record.part_id for b in boxes]
    assert all(i.label is None for i in model.items)  # alice's verdicts are not handed over
    rows = dict(item_rows(model))
    assert "Audit" in rows and "Reviewed" not in rows and "QA said" not in rows
    model.confirm()  # the first box as the model counted it: as alice said, the audit passes
    model.confirm()  # the second: the model's count, not alice's +1: it fails
    assert model.items == [] and audits.pending_count() == 0

    screen.toggle_audits()
    assert not model.auditing
    disputed = boxes[1].record.part_id
    row = [model.items.index(i) for i in model.items if i.record.part_id == disputed][0]
    assert screen.queue.item(row).text().endswith("· DISPUTED")
    model.go(row)
    assert "Disputed" in dict(item_rows(model))

    screen.toggle_reports()
    table = screen.reports.reviewers
    alice = [r for r in range(table.rowCount()) if table.item(r, 0).text() == "alice"][0]
    assert (table.item(alice, 6).text(), table.item(alice, 7).text()) == ("2", "50%")  # audits, pass rate
