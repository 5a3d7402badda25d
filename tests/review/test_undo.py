"""Undo of a saved verdict: a new label row that restores the value before it; the history keeps both, the audit trail
names who undid what and why, and nothing is deleted or rewritten."""
import json
import sqlite3

import pytest

from inspector import audit
from inspector.actions import NO_USERS, REVIEW_UNDO, guard_review, submit_label, undo_label
from inspector.permissions import PermissionDenied
from inspector.review import QueueFilter, Review, ReviewError
from inspector.store import MIGRATIONS, Store
from inspector.store.chain import chain_rows
from inspector.store.integrity import verify_records
from inspector.users import UserDirectory
from tests.review.conftest import RECORDS


def label_rows(store):
    with sqlite3.connect(store.path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM labels ORDER BY id")]


def open_ids(review):
    return {i.record.part_id for i in review.queue(QueueFilter(), limit=50).items}


@pytest.fixture
def qa(store):
    users = UserDirectory(store)
    users.add(None, "root", "admin", "482913", reason="install")
    users.add(users.login("root", "482913"), "quinn", "qa", "771204", reason="new QA")
    return users.login("quinn", "771204")


def test_undo_of_a_first_verdict_brings_the_model_value_back_and_reopens_the_part(review):
    confirm = review.submit(4, "qa-anna", "confirm")
    assert 4 not in open_ids(review)
    undo = review.undo(4, "qa-anna", reason="tapped CONFIRM by mistake")
    assert (undo.verdict, undo.undoes, undo.comment) == ("inconclusive", confirm.id, "tapped CONFIRM by mistake")
    assert (undo.label, undo.count, undo.points) == (None, None, None) and not undo.is_truth
    assert undo.before == {"source": "qa", "label_id": confirm.id, **confirm.value}
    assert 4 in open_ids(review)  # no QA value any more: it needs a person again
    assert [label.id for label in review.history(4)] == [confirm.id, undo.id]  # both kept
    again = review.submit(4, "qa-ben", "correct", count=24)
    assert again.before["source"] == "model" and again.before["count"] == 23  # the undone confirm is no "before"


def test_undo_of_a_correction_restores_the_earlier_qa_value(review):
    first = review.submit(3, "qa-anna", "correct", count=22)
    second = review.submit(3, "qa-ben", "correct", count=20)
    undo = review.undo(3, "qa-ben", reason="miscounted", label_id=second.id)
    assert (undo.verdict, undo.count, undo.undoes) == ("correct", 22, second.id) and undo.is_truth
    assert review.latest_label(3) == undo and 3 not in open_ids(review)
    assert [label.id for label in review.history(3)] == [first.id, second.id, undo.id]
    redo = review.undo(3, "qa-ben", reason="it was 20 after all")  # an undo can itself be undone
    assert (redo.count, redo.undoes) == (20, undo.id)
    assert [r["count"] for r in label_rows(review.store)] == [22, 20, 22, 20]


@pytest.mark.parametrize("part_id, kwargs, message", [
    (4, {"reason": "x"}, "part 4 has no verdict to undo"),
    (99, {"reason": "x"}, "part 99 is not in the database"),
    (3, {"reason": "  "}, "a reason is required"),
    (3, {"reason": "x", "label_id": 1}, "label 1 is not the latest verdict on part 3"),
])
def test_an_undo_it_cannot_do_is_refused_and_writes_nothing(review, part_id, kwargs, message):
    if part_id == 3:
        review.submit(3, "qa-anna", "confirm")
        review.submit(3, "qa-anna", "inconclusive")
    before = label_rows(review.store)
    with pytest.raises(ReviewError, match=message):
        review.undo(part_id, "qa-anna", **kwargs)
    assert label_rows(review.store) == before


def test_a_logged_in_users_undo_is_signed_and_audited_in_the_same_transaction(store, review, qa):
    label = submit_label(qa, review, 6, "correct", label="good", pin="771204", reason="no defect under glare")
    with pytest.raises(PermissionDenied, match="PIN again"):
        undo_label(qa, review, 6, reason="wrong part")
    undo = undo_label(qa, review, 6, reason="wrong part", pin="771204", label_id=label.id)
    assert (undo.reviewer, undo.undoes) == ("quinn", label.id)
    assert (undo.verdict, undo.label) == ("inconclusive", None)  # no QA value: the model's "defect" is on show again
    entry = [e for e in audit.entries(store) if e.action == REVIEW_UNDO]
    assert len(entry) == 1 and (entry[0].user, entry[0].target, entry[0].signed) == ("quinn", "part:6", 1)
    assert json.loads(entry[0].before) == {"label_id": label.id, "verdict": "correct", "label": "good", "count": None,
                                           "points": None, "defect_box": None}
    assert json.loads(entry[0].after)["label_id"] == undo.id and json.loads(entry[0].after)["restored"] == "model"
    assert entry[0].reason == "wrong part" and audit.verify(store).ok
    assert verify_records(store, images=False).ok  # the undo row is in the record chain


def test_a_guarded_review_refuses_an_undo_that_bypasses_the_audit(review, qa):
    guard_review(review)
    submit_label(qa, review, 8, "confirm")
    with pytest.raises(PermissionDenied, match="undo_label"):
        review.undo(8, "quinn", reason="no trail")
    assert len(label_rows(review.store)) == 1


@pytest.mark.parametrize("session", [None, NO_USERS], ids=["no session", "NO_USERS (the API's local socket)"])
def test_without_users_the_undo_names_the_reviewer_and_the_trail_says_no_users(store, review, session):
    review.submit(2, "dana", "confirm")
    undo = undo_label(session, review, 2, reason="wrong box", reviewer="dana")
    assert undo.reviewer == "dana"
    (entry,) = [e for e in audit.entries(store) if e.action == REVIEW_UNDO]
    assert (entry.user, entry.role) == (NO_USERS.name, NO_USERS.role)


def test_the_undo_column_comes_with_a_migration_and_older_labels_keep_their_chain(tmp_path):
    step = next(m for m in MIGRATIONS if "undoes" in m.name)
    path = tmp_path / "old.db"
    with Store.open(path, migrations=MIGRATIONS[:step.version - 1]) as old:
        old.insert(RECORDS[3])
        with old.transaction() as conn:  # a verdict as the software before the step wrote it (no undoes column)
            cursor = conn.execute("INSERT INTO labels (part_id, reviewer, created_at, verdict, count, before) VALUES "
                                  "(4, 'qa-anna', '2026-11-22T10:00:00.000+00:00', 'confirm', 23, ?)",
                                  ['{"source": "model"}'])
            chain_rows(conn, "labels", [cursor.lastrowid], "insert")
    with Store.open(path) as new:
        assert verify_records(new, images=False).ok
        review = Review(new)
        assert review.latest_label(4).undoes is None
        review.undo(4, "qa-anna", reason="late second thought")
        assert verify_records(new, images=False).ok  # old label rows hash as before the new column


def test_a_shadow_model_is_no_longer_compared_with_a_qa_value_that_was_undone(store, review):
    from inspector.store.model_tables import ModelTables

    tables = ModelTables(store)
    tables.add_shadow_results([("pkg", 6, "reject", "reject", {"p_defect": 0.9})])
    review.submit(6, "qa-anna", "correct", label="good")
    assert tables.shadow_agreement("pkg")["reject"]["qa"] == 1
    review.undo(6, "qa-anna", reason="wrong part")
    assert tables.shadow_agreement("pkg")["reject"]["qa"] == 0  # no QA value any more
