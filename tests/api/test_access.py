"""Nothing without a login over the network; roles checked by the runtime; the traffic is TLS to a pinned station."""
from __future__ import annotations

import json
import socket
import ssl

import pytest
from websockets.sync.client import connect

from inspector import audit
from inspector.actions import submit_label
from inspector.api.client import Client
from inspector.api.protocol import ApiError
from inspector.api.tls import FingerprintMismatch, pinned_socket
from inspector.review import Review
from inspector.users import UserDirectory
from tests.api.conftest import PINS

VIEWING = [("counters", {}), ("alarms", {}), ("recipe", {}), ("parts", {"after": 0}), ("part_image", {"part_id": 1}),
           ("subscribe", {"frames_fps": 5}), ("review_queue", {}), ("report", {"kind": "reviewers"}),
           ("report", {"kind": "agreement"}), ("audit", {}), ("start", {}), ("stop", {}), ("alarm_ack", {"kind": "x"}),
           ("review_submit", {"part_id": 1, "verdict": "confirm"})]


def tls_client(server) -> Client:
    return Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint, timeout=10)


def kept_image_part(station) -> int:
    return next(r.part_id for r in station.store.records(limit=None) if r.image_path)


@pytest.mark.parametrize("op, args", VIEWING, ids=[f"{op}-{i}" for i, (op, _) in enumerate(VIEWING)])
def test_without_a_login_the_network_gets_nothing(served_for_reading, op, args):
    station, server = served_for_reading
    if op == "part_image":
        args = {"part_id": kept_image_part(station)}
    with tls_client(server) as client:
        with pytest.raises(ApiError) as refused:
            client.call(op, **args)
        assert refused.value.code == "unauthorized"
        client.token = "made-up-token"
        with pytest.raises(ApiError) as refused:
            client.call(op, **args)
        assert refused.value.code == "unauthorized"
        assert client.next_event(timeout=0.5) is None  # not a count, not a frame


def test_a_wrong_pin_gives_no_token(served_for_reading):
    _, server = served_for_reading
    with tls_client(server) as client:
        with pytest.raises(ApiError, match="wrong PIN") as refused:
            client.login("ana", "1111")
        assert refused.value.code == "unauthorized" and client.token is None


def test_roles_are_enforced_by_the_runtime(served_for_reading):
    _, server = served_for_reading
    with tls_client(server) as operator:
        operator.login("otto", PINS["otto"])
        assert operator.counters()["recorded"] == 12  # any login may view
        for op, args in (("review_queue", {}), ("audit", {}), ("review_submit", {"part_id": 1, "verdict": "confirm"})):
            with pytest.raises(ApiError) as refused:
                operator.call(op, **args)
            assert refused.value.code == "forbidden", op
    with tls_client(server) as qa:
        qa.login("ana", PINS["ana"])
        with pytest.raises(ApiError) as refused:
            qa.stop()
        assert refused.value.code == "forbidden"


def test_after_logout_the_token_opens_nothing(served):
    _, server = served
    with tls_client(server) as client:
        client.login("ana", PINS["ana"])
        token = client.token
        client.logout()
        client.token = token
        with pytest.raises(ApiError) as refused:
            client.counters()
        assert refused.value.code == "unauthorized"


def test_a_qa_verdict_lands_exactly_as_from_the_line_screen(served):
    station, server = served
    with tls_client(server) as client:
        client.login("ana", PINS["ana"])
        queue = client.review_queue(state="all", limit=50)
        assert queue["items"], "the simulated line gave parts to review"
        by_api, by_screen = queue["items"][0]["part"]["part_id"], queue["items"][1]["part"]["part_id"]
        trail_before = len(audit.entries(station.store))
        label = client.submit_verdict(by_api, "correct", label="scratch", comment="seen at the desk",
                                      seconds_spent=4.5, pin=PINS["ana"], reason="scratch visible")
    users = UserDirectory(station.store)
    session = users.login("ana", PINS["ana"])
    screen = submit_label(session, Review(station.store), by_screen, "correct", label="scratch",
                          comment="seen at the desk", seconds_spent=4.5, pin=PINS["ana"], reason="scratch visible")
    rows = {r["part_id"]: r for r in station.store.query("SELECT * FROM labels WHERE part_id IN (?, ?)",
                                                          [by_api, by_screen])}
    assert label["id"] == rows[by_api]["id"]
    same = ("reviewer", "verdict", "label", "defect_box", "comment", "seconds_spent")
    assert {k: rows[by_api][k] for k in same} == {k: rows[by_screen][k] for k in same}
    for part_id in (by_api, by_screen):  # the count stays the model's, as "before" says, for both alike
        before = json.loads(rows[part_id]["before"])
        assert before["source"] == "model" and before["count"] == rows[part_id]["count"]
    assert screen.reviewer == "ana"
    entries = audit.entries(station.store)[trail_before:]
    api_entry, screen_entry = [e for e in entries if e.action == "review.label"]
    assert api_entry.target == f"part:{by_api}" and screen_entry.target == f"part:{by_screen}"
    for key in ("user", "role", "action", "reason", "signed"):
        assert getattr(api_entry, key) == getattr(screen_entry, key), key
    assert api_entry.signed == 1 and audit.verify(station.store).ok


def test_a_correction_without_the_pin_again_writes_nothing(served):
    station, server = served
    with tls_client(server) as client:
        client.login("ana", PINS["ana"])
        part_id = client.review_queue(state="all")["items"][0]["part"]["part_id"]
        with pytest.raises(ApiError) as refused:
            client.submit_verdict(part_id, "correct", label="scratch")
        assert refused.value.code == "forbidden"
    assert station.store.query("SELECT count(*) AS n FROM labels")[0]["n"] == 0


def test_a_logged_in_client_reads_images_reports_and_the_trail(served_for_reading):
    station, server = served_for_reading
    part_id = kept_image_part(station)
    with tls_client(server) as client:
        client.login("ana", PINS["ana"])
        image = client.part_image(part_id)
        assert image == station.store.image_file(station.store.record(part_id)).read_bytes()
        assert client.audit(limit=5)[0]["action"]
        assert client.call("audit", verify=True)["ok"] is True
        assert "days" in client.report("reviewers")
        recipe = client.recipe()
        assert recipe["name"] == station.recipe.name and recipe["sha256"] == station.recipe.sha256
        first = client.parts(after=0, limit=5)
        assert [p["part_id"] for p in first] == [r.part_id for r in station.store.records(limit=5, newest_first=False)]
        with pytest.raises(ApiError) as refused:
            client.parts(after=0, limit=501)
        assert refused.value.code == "bad_request"
        with pytest.raises(ApiError) as refused:
            client.call("drop_tables")
        assert refused.value.code == "bad_request"


def test_plain_tcp_to_the_tls_port_gets_no_api(served_for_reading):
    _, server = served_for_reading
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"GET /v1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        try:
            answer = raw.recv(4096)
        except (ConnectionResetError, socket.timeout):
            answer = b""
    assert b"HTTP/1.1 101" not in answer and b"{" not in answer
    with pytest.raises(Exception):
        with connect(f"ws://127.0.0.1:{server.port}/v1", open_timeout=5, proxy=None):
            pass


def test_a_station_with_another_certificate_is_refused_before_anything_is_sent(served_for_reading):
    _, server = served_for_reading
    with pytest.raises(FingerprintMismatch):
        pinned_socket("127.0.0.1", server.port, "sha256:" + "0" * 64)
    with pytest.raises(ssl.SSLError):
        Client.tls("127.0.0.1", server.port, fingerprint="sha256:" + "ab" * 32)


def test_the_key_file_is_the_services_alone_and_the_api_lives_at_v1_only(served_for_reading):
    station, server = served_for_reading
    key = station.data_dir / "api" / "station.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert server.socket_path.stat().st_mode & 0o777 == 0o660
    sock = pinned_socket("127.0.0.1", server.port, server.fingerprint)
    with pytest.raises(Exception, match="404"):
        with connect(f"ws://127.0.0.1:{server.port}/v2", sock=sock, proxy=None):
            pass


def test_the_local_socket_shows_the_line_without_login_but_acts_only_with_one(served):
    station, server = served
    with Client.local(server.socket_path) as screen:
        assert screen.counters()["recorded"] == 12
        with pytest.raises(ApiError) as refused:
            screen.start()
        assert refused.value.code == "unauthorized"
        screen.login("otto", PINS["otto"])
        assert screen.start()["running"] is True
    assert audit.entries(station.store, newest_first=True, limit=1)[0].action == "line.start"


def test_a_stream_stops_when_its_login_ends(served):
    station, server = served
    with tls_client(server) as watcher, tls_client(server) as other:
        watcher.login("ana", PINS["ana"])
        watcher.subscribe()
        station.line.alarms.raise_("camera_lost", "before the logout")
        assert watcher.next_event(timeout=5)["event"] == "alarms"
        other.token = watcher.token
        other.logout()  # the same login ended from elsewhere (or by the idle time-out)
        station.line.alarms.raise_("no_frame", "after the logout")
        event = watcher.next_event(timeout=5)
        assert event == {"event": "logged_out", "why": "the login has ended"}
        station.line.alarms.raise_("model_error", "later still")
        assert watcher.next_event(timeout=1) is None
