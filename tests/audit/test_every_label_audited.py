"""Every label write is in the audit trail, with or without users: a label made on a station without users names
the reviewer as typed (no login checked it); a logged-in QA user's names the session; the chain stays intact."""
from inspector import actions, audit
from inspector.review import TYPED_ROLE, Review
from inspector.store import Store
from inspector.users import UserDirectory
from tests.review.conftest import RECORDS


def recorded(store):
    for part in RECORDS:
        store.insert(part)


def test_a_label_without_users_names_the_reviewer_as_typed_in_the_trail(tmp_path):
    with Store.open(tmp_path / "inspector.db") as store:
        recorded(store)
        label = Review(store).submit(2, "quinn", "correct", label="defect", comment="scratch at the edge")
        [entry] = audit.entries(store)
        assert (entry.user, entry.role, entry.action, entry.target) == ("quinn", TYPED_ROLE, "review.label", "part:2")
        assert entry.reason == "scratch at the edge" and '"label_id":%d' % label.id in entry.after
        assert audit.verify(store).ok


def test_a_logged_in_reviewer_is_named_by_the_session_and_written_once(tmp_path):
    with Store.open(tmp_path / "inspector.db") as store:
        recorded(store)
        users = UserDirectory(store)
        users.add(None, "adam", "admin", "246810", reason="installed")
        users.add(users.login("adam", "246810"), "quinn", "qa", "135790", reason="QA")
        review = actions.guard_review(Review(store))
        actions.submit_label(users.login("quinn", "135790"), review, 1, "confirm")
        labels = [e for e in audit.entries(store) if e.action == "review.label"]
        assert [(e.user, e.role) for e in labels] == [("quinn", "qa")]


def test_the_upgrade_adds_the_missing_entries_of_labels_written_before_once(tmp_path):
    from inspector.store import MIGRATIONS
    from inspector.store.integrity import verify_records
    from inspector.store.label_audit import NAME, unaudited_labels

    path = tmp_path / "inspector.db"
    before = MIGRATIONS[:next(i for i, step in enumerate(MIGRATIONS) if step.name == NAME)]
    with Store.open(path, migrations=before) as old:  # as the station wrote labels before the step
        recorded(old)
        unaudited = Review(old)
        unaudited.audit_label = lambda conn, label, record: None
        unaudited.submit(1, "quinn", "confirm")
        unaudited.submit(2, "  kim ", "correct", label="defect")
        users = UserDirectory(old)
        users.add(None, "adam", "admin", "246810", reason="installed")
        users.add(users.login("adam", "246810"), "ana", "qa", "135790", reason="QA")
        actions.submit_label(users.login("ana", "135790"), actions.guard_review(Review(old)), 3, "confirm")
        assert [row["part_id"] for row in unaudited_labels(old.db.conn)] == [1, 2]
    with Store.open(path) as store:
        added = [e for e in audit.entries(store) if e.action == "review.label"]
        assert [(e.user, e.role, e.target) for e in added] == [("ana", "qa", "part:3"), ("quinn", TYPED_ROLE, "part:1"),
                                                               ("kim", TYPED_ROLE, "part:2")]
        assert "before every label was audited" in added[1].reason and '"created_at"' in added[1].after
        assert unaudited_labels(store.db.conn) == [] and audit.verify(store).ok
        chained = [str(f) for f in verify_records(store).findings if f.kind != "image_missing"]  # records, no files
        assert chained == []
    with Store.open(path) as again:  # once: a later start adds nothing
        assert len([e for e in audit.entries(again) if e.action == "review.label"]) == 3
