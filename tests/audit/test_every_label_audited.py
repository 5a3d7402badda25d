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
