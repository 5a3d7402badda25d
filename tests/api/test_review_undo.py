"""op review_undo: a QA reviewer at a desk PC undoes a saved verdict; it lands as from the line's screen (a new label
row, signed, audited as review.undo), and nobody else may."""
import pytest

from inspector import audit
from inspector.api.client import ApiError, Client
from tests.api.conftest import PINS


def tls_client(server) -> Client:
    return Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint, timeout=10)


def test_a_qa_reviewer_undoes_a_verdict_over_the_network(served):
    station, server = served
    with tls_client(server) as client:
        client.login("ana", PINS["ana"])
        part_id = client.review_queue(state="open")["items"][0]["part"]["part_id"]
        label = client.submit_verdict(part_id, "confirm")
        assert part_id not in [i["part"]["part_id"] for i in client.review_queue(state="open", limit=50)["items"]]
        with pytest.raises(ApiError) as refused:  # signed like a correction
            client.call("review_undo", part_id=part_id, reason="wrong part")
        assert refused.value.code == "forbidden"
        undo = client.call("review_undo", part_id=part_id, reason="wrong part", pin=PINS["ana"], label_id=label["id"])
        assert (undo["undoes"], undo["verdict"], undo["reviewer"]) == (label["id"], "inconclusive", "ana")
        assert part_id in [i["part"]["part_id"] for i in client.review_queue(state="open", limit=50)["items"]]
        with pytest.raises(ApiError) as stale:  # the client showed a verdict that is no longer the latest
            client.call("review_undo", part_id=part_id, reason="again", pin=PINS["ana"], label_id=label["id"])
        assert stale.value.code == "bad_request" and "not the latest" in stale.value.message
    rows = station.store.query("SELECT id, undoes FROM labels WHERE part_id = ? ORDER BY id", [part_id])
    assert [(r["id"], r["undoes"]) for r in rows] == [(label["id"], None), (undo["id"], label["id"])]
    (entry,) = [e for e in audit.entries(station.store) if e.action == "review.undo"]
    assert (entry.user, entry.target, entry.signed, entry.reason) == ("ana", f"part:{part_id}", 1, "wrong part")


def test_an_operator_may_not_undo_and_nothing_is_written(served):
    station, server = served
    with tls_client(server) as client:
        client.login("otto", PINS["otto"])
        with pytest.raises(ApiError) as refused:
            client.call("review_undo", part_id=1, reason="x", pin=PINS["otto"])
        assert refused.value.code == "forbidden"
    assert station.store.query("SELECT count(*) AS n FROM labels")[0]["n"] == 0
