"""REVIEW and REPORTS as a client of the runtime: the review screen over a real ``ApiServer`` (the line's unix socket,
and TLS with a QA login as on a reviewer's desk PC). The window opens no database: what it shows is what the runtime
reads, and its verdicts land exactly as the line screen's do."""
import dataclasses
import json
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QWidget

from inspector import audit, review_reports
from inspector.api import ops_review
from inspector.api.client import Client
from inspector.api.protocol import ApiError
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import ApiSettings, StationConfig
from inspector.permissions import PermissionDenied
from inspector.qa.audits import ReviewAudits
from inspector.qa.risk import is_covered
from inspector.review import QueueFilter, Review
from inspector.store import Store
from inspector.users import UserDirectory
from tests.api.conftest import PINS, add_users
from tests.ui.review_data import StepClock
from ui.review.remote import ApiSession, RemoteAudits, RemoteReview
from ui.review.screen import ReviewScreen
from ui.review.switch import ReviewSwitch

QUINN = "3851"  # a second QA reviewer, for the blind second look
LOT = "L-2026-117"


@pytest.fixture
def runtime(tmp_path):
    """A simulated station with users, 12 recorded parts of lot LOT (images kept), every verdict sampled for an
    audit; its API on the local socket and on TLS."""
    yield from served(tmp_path, users=True)


@pytest.fixture
def runtime_without_users(tmp_path):
    """As ``runtime``, on a station where no user was set up (a fresh simulated line)."""
    yield from served(tmp_path, users=False)


def served(tmp_path, *, users: bool):
    sockets = Path(tempfile.mkdtemp(prefix="api", dir="/tmp"))  # unix socket paths are limited to 107 bytes
    api = ApiSettings(tls=True, host="127.0.0.1", port=0, socket_path=sockets / "api.sock")
    config = StationConfig(data_dir=tmp_path / "station", api=api, review={"audit_fraction": 1.0},
                           images={"keep_pass_fraction": 1.0})  # every part kept: all 12 in the queue
    station = build_station(config, simulate=True, rate_hz=20.0, seed=3, lot=LOT)
    if users:
        add_users(station.store)
        directory = UserDirectory(station.store)
        directory.add(directory.login("root", PINS["root"]), "quinn", "qa", QUINN, reason="second reviewer")
    server = ApiServer(station).start()
    try:
        station.start(parts=12)
        assert station.line.wait_recorded(12, timeout=30)
        deadline = time.monotonic() + 10
        while station.store.count() < 12 and time.monotonic() < deadline:
            time.sleep(0.05)
        station.line.stop()
        yield station, server
    finally:
        server.stop()
        station.close()
        shutil.rmtree(sockets, ignore_errors=True)


def local_client(server) -> Client:
    return Client.local(server.socket_path, timeout=20)


def desk_client(server) -> Client:
    return Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint, timeout=20)


def open_screen(qtbot, review, session, export_dir=None, **kw):
    screen = ReviewScreen(review, session=session, audits=kw.pop("audits", RemoteAudits(review))
                          if isinstance(review, RemoteReview) else kw.pop("audits", None),
                          export_dir=export_dir, clock=StepClock(), **kw)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def shown_ids(screen):
    return [i.record.part_id for i in screen.model.items]


def labels(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM labels ORDER BY id")]


def sampled(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM review_audits ORDER BY id")]


def test_the_queue_images_and_filters_are_the_runtimes_over_the_local_socket(qtbot, runtime, monkeypatch):
    station, server = runtime
    monkeypatch.setattr(ops_review, "CHUNK_BYTES", 8192)  # a picture comes in chunks, as a large one would
    with local_client(server) as client:
        screen = open_screen(qtbot, RemoteReview(client), ApiSession.login(client, "ana", PINS["ana"]))
        model, here = screen.model, Review(station.store)
        assert shown_ids(screen) == [i.record.part_id for i in here.queue(QueueFilter(), sort="risk").items]
        assert model.items and screen.counter.text().startswith(f"{here.count()} to review")
        first = model.items[0].record
        assert first == dataclasses.replace(station.store.record(first.part_id), truth=None)

        outcome = first.outcome
        screen.filters.apply(outcomes=[outcome])
        assert {i.record.outcome for i in model.items} == {outcome}
        assert len(model.items) == here.count(QueueFilter(outcomes=[outcome]))
        screen.filters.apply(outcomes=None)
        assert screen.filters.choices("recipe")[0] == ["ALL", station.recipe.name]
        assert screen.filters.choices("model")[0] == ["ALL", *here.model_keys()]

        everything = shown_ids(screen)
        model.page_size = 5  # page by page with the runtime's keyset cursor, risk first
        model.reload()
        while model.load_more():
            pass
        assert shown_ids(screen) == everything and len(everything) == 12
        model.page_size = 50
        model.set_filters(lot=LOT)
        assert len(model.items) == 12
        model.set_filters(lot="another-lot")
        assert model.items == [] and screen.counter.text().startswith("0 to review")
        model.set_filters(lot=None)

        with_image = next(i for i, item in enumerate(model.items) if item.record.image_path)
        model.go(with_image)
        kept = station.store.image_file(model.current.record)
        assert kept.stat().st_size > 8192 and screen.item.image is not None and np.array_equal(screen.item.image, cv2.imread(str(kept)))


def test_a_verdict_from_the_client_lands_exactly_as_from_the_line_screen(qtbot, runtime):
    station, server = runtime
    db = station.store.path
    counted = [i for i in Review(station.store).queue(QueueFilter(), sort="risk").items
               if i.record.count is not None and not is_covered(i.record)]
    assert len(counted) >= 4, "the simulated boxes were counted"
    remote_ids, line_ids = [i.record.part_id for i in counted[:2]], [i.record.part_id for i in counted[2:4]]

    def review_two(screen, confirm_id, correct_id):
        """Confirm one box after 4 s, correct another's count by +1 after 7 s, signed."""
        model = screen.model
        model.go(shown_ids(screen).index(confirm_id))
        model.timer.clock.advance(4.0)
        model.confirm()
        model.go(shown_ids(screen).index(correct_id))
        model.step_count(+1)
        model.set_comment("one more at the edge")
        model.timer.clock.advance(7.0)
        model.confirm()
        assert model.pending is not None  # a correction waits for its signature
        model.finish_signed(PINS["ana"], "Count was wrong")

    trail = len(audit.entries(station.store))
    with local_client(server) as client:
        review_two(open_screen(qtbot, RemoteReview(client), ApiSession.login(client, "ana", PINS["ana"])), *remote_ids)
    with Store.open(db) as store:  # the line screen as it was: in the runtime's process, over the database
        review = Review(store)
        line = open_screen(qtbot, review, UserDirectory(store).login("ana", PINS["ana"]),
                           audits=ReviewAudits(review, station.config.review.audit_fraction))
        review_two(line, *line_ids)

    rows = {r["part_id"]: r for r in labels(db)}
    assert sorted(rows) == sorted(remote_ids + line_ids)
    same = ("reviewer", "verdict", "label", "defect_box", "comment", "seconds_spent")
    for by_client, by_line in zip(remote_ids, line_ids):
        assert {k: rows[by_client][k] for k in same} == {k: rows[by_line][k] for k in same}
    for part_id, verdict in zip(remote_ids + line_ids, ("confirm", "correct") * 2):
        row, before = rows[part_id], json.loads(rows[part_id]["before"])
        assert before["source"] == "model" and before["count"] == station.store.record(part_id).count
        if verdict == "confirm":  # the model's value, points and all
            assert (row["count"], json.loads(row["points"])) == (before["count"], before["points"])
        else:  # the count set with +, no points
            assert (row["count"], row["points"]) == (before["count"] + 1, None)
    assert rows[remote_ids[1]]["seconds_spent"] == 7.0 and rows[remote_ids[1]]["comment"] == "one more at the edge"

    entries = [e for e in audit.entries(station.store)[trail:] if e.action == "review.label"]
    assert [e.target for e in entries] == [f"part:{i}" for i in remote_ids + line_ids]
    for by_client, by_line in zip(entries[:2], entries[2:]):
        for key in ("user", "role", "action", "reason", "signed"):
            assert getattr(by_client, key) == getattr(by_line, key), key
    for entry, part_id in zip(entries, remote_ids + line_ids):  # each entry tells its label row's before and after
        row = rows[part_id]
        assert json.loads(entry.before) == json.loads(row["before"])
        assert json.loads(entry.after)["label_id"] == row["id"] and json.loads(entry.after)["count"] == row["count"]
    assert [e.signed for e in entries] == [0, 1, 0, 1] and audit.verify(station.store).ok
    assert [(a["part_id"], a["first_reviewer"]) for a in sampled(db)] == [(i, "ana") for i in remote_ids + line_ids]


def test_a_correction_is_written_only_with_the_signature(qtbot, runtime):
    station, server = runtime
    db = station.store.path
    with local_client(server) as client:
        session = ApiSession.login(client, "ana", PINS["ana"])
        screen = open_screen(qtbot, RemoteReview(client), session)
        model = screen.model
        model.go(next(i for i, item in enumerate(model.items) if item.record.count is not None))
        part_id = model.current.record.part_id
        asked, failed = [], []
        model.signature_needed.connect(asked.append)
        model.failed.connect(failed.append)

        model.step_count(-1)
        model.confirm()
        assert asked and asked[-1].startswith(f"Correct part #{part_id}") and labels(db) == []
        model.finish_signed(None, None)  # cancelled
        model.confirm()
        model.finish_signed("0000", "Count was wrong")  # a wrong PIN
        assert labels(db) == [] and "PIN" in failed[-1]
        with pytest.raises(PermissionDenied, match="signed"):
            screen.review.submit_as(session, part_id, "correct", count=3)  # straight to the runtime, unsigned
        assert labels(db) == []

        model.confirm()  # signed on the screen's dialog: a reason tapped, the PIN on the pad
        dialog = screen.signing
        next(b for b in dialog.reason_buttons if b.text() == "Count was wrong").click()
        dialog.pad.submitted.emit(PINS["ana"])
    [row] = labels(db)
    assert (row["part_id"], row["verdict"], row["reviewer"]) == (part_id, "correct", "ana")
    entry = audit.entries(station.store, newest_first=True, limit=1)[0]
    assert (entry.signed, entry.reason, entry.target) == (1, "Count was wrong", f"part:{part_id}")


def test_a_second_reviewer_audits_blind_and_a_disagreement_comes_back_disputed(qtbot, runtime):
    station, server = runtime
    with local_client(server) as ana_client, local_client(server) as quinn_client:
        ana = open_screen(qtbot, RemoteReview(ana_client), ApiSession.login(ana_client, "ana", PINS["ana"]))
        boxes = [i.record.part_id for i in ana.model.items if i.record.count is not None and not is_covered(i.record)]
        agreed, disputed = boxes[:2]
        ana.model.go(shown_ids(ana).index(agreed))
        ana.model.confirm()
        ana.model.go(shown_ids(ana).index(disputed))
        ana.model.step_count(+1)  # ana adds a cartridge to the second box, signed
        ana.model.confirm()
        ana.model.finish_signed(PINS["ana"], "Count was wrong")
        assert ana.audits_button.text() == "AUDITS"  # one's own verdicts are not one's audits

        quinn = open_screen(qtbot, RemoteReview(quinn_client), ApiSession.login(quinn_client, "quinn", QUINN))
        assert quinn.audits_button.text() == "AUDITS 2"
        quinn.toggle_audits()
        assert shown_ids(quinn) == [agreed, disputed]
        assert all(i.label is None for i in quinn.model.items)  # blind: ana's verdicts are not handed over
        quinn.model.confirm()  # as the model counted: as ana said, the audit passes
        quinn.model.confirm()  # the model's count, not ana's +1: it fails
        assert shown_ids(quinn) == [] and quinn.model.pending_audits() == 0
        assert quinn.review.history(disputed) == Review(station.store).history(disputed)  # ana's, then quinn's
        assert [label.reviewer for label in quinn.review.history(disputed)] == ["ana", "quinn"]
        assert quinn.review.reviewers() == ["ana", "quinn"]  # the QA users, then whoever reviewed

        ana.model.reload()
        assert disputed in shown_ids(ana) and ana.model.disputed == {disputed}  # back for a third look
        row = shown_ids(ana).index(disputed)
        assert ana.queue.item(row).text().endswith("· DISPUTED")
        ana.toggle_reports()
        table = ana.reports.reviewers
        mine = [r for r in range(table.rowCount()) if table.item(r, 0).text() == "ana"][0]
        assert (table.item(mine, 6).text(), table.item(mine, 7).text()) == ("2", "50%")  # audits, pass rate
    results = {a["part_id"]: (a["auditor"], a["result"]) for a in sampled(station.store.path)}
    assert results[agreed] == ("quinn", "pass") and results[disputed] == ("quinn", "fail")
    assert [r["reviewer"] for r in labels(station.store.path)] == ["ana", "ana", "quinn", "quinn"]


def test_reports_show_the_reviewer_report_and_exports_download_to_this_machine(qtbot, runtime, tmp_path,
                                                                               monkeypatch):
    station, server = runtime
    monkeypatch.setattr(ops_review, "CHUNK_BYTES", 4096)  # files come in several chunks
    desk = tmp_path / "desk-pc"
    with local_client(server) as client:
        screen = open_screen(qtbot, RemoteReview(client), ApiSession.login(client, "ana", PINS["ana"]), desk)
        for _ in range(3):
            screen.model.timer.clock.advance(5.0)
            screen.model.confirm()
        screen.toggle_reports()
        view = screen.reports
        assert view.isVisible() and view.totals == review_reports.reviewer_totals(station.store)
        assert view.totals["ana"]["items"] == 3 and view.totals["ana"]["median_seconds"] == 5.0
        assert view.reviewers.item(0, 0).text() == "ana" and view.bars == {"ana": [3]}

        exported = view.export()
        assert sorted(p.name for p in exported) == sorted(["reviewers.csv", "reviewer_totals.csv", "agreement.csv",
                                                           "confusion.csv", "count_errors.csv"])
        assert all(p.parent.parent == desk for p in exported)
        [on_station] = (station.data_dir / "reports").glob("review-*-ana")  # the runtime keeps what it handed out
        for path in exported:  # the runtime wrote them; the desk PC has the same bytes
            assert path.read_bytes() == (on_station / path.name).read_bytes()

        pdf = view.batch_report(LOT)
        assert pdf is not None and pdf.parent == desk and pdf.read_bytes().startswith(b"%PDF")
        [written] = (station.data_dir / "reports").glob("batch-*.pdf")
        assert pdf.read_bytes() == written.read_bytes() and len(pdf.read_bytes()) > 4096
        assert "records intact" in view.message.text() and "12 parts" in view.message.text()
        assert view.batch_report("no-such-lot") is None and "no part of this lot" in view.message.text()


def test_the_desk_pc_over_tls_reviews_with_a_qa_login_and_gets_nothing_without_one(qtbot, runtime):
    station, server = runtime
    part = next(r for r in station.store.records(limit=None) if r.image_path)
    with desk_client(server) as client:
        review = RemoteReview(client)
        for ask in (review.count, review.queue, review.choices, RemoteAudits(review).pending,
                    lambda: review.store.image_bytes(part.part_id), lambda: review.reports.lots(),
                    lambda: review.reports.reviewer_report()):
            with pytest.raises(PermissionDenied):
                ask()
        for op, args in (("part_image", {"part_id": part.part_id}), ("review_count", {}), ("review_queue", {}),
                         ("review_export", {}), ("batch_report", {"lot": LOT}), ("download", {"download": "x"})):
            with pytest.raises(ApiError) as refused:
                client.call(op, **args)
            assert refused.value.code == "unauthorized", op
        assert review.store.image_file(part) is None and not any(review.store.folder.iterdir())

        session = ApiSession.login(client, "ana", PINS["ana"])
        assert (session.user.name, session.role.value) == ("ana", "qa")
        screen = open_screen(qtbot, review, session)
        assert shown_ids(screen) == [i.record.part_id for i in Review(station.store).queue(QueueFilter()).items]
        screen.model.go(shown_ids(screen).index(part.part_id))
        assert np.array_equal(screen.item.image, cv2.imread(str(station.store.image_file(part))))
        screen.model.confirm()
    [row] = labels(station.store.path)
    assert (row["part_id"], row["reviewer"], row["verdict"]) == (part.part_id, "ana", "confirm")
    entry = audit.entries(station.store, newest_first=True, limit=1)[0]
    assert (entry.user, entry.role, entry.action, entry.target) == ("ana", "qa", "review.label", f"part:{part.part_id}")
    with desk_client(server) as operator:
        operator.login("otto", PINS["otto"])
        with pytest.raises(PermissionDenied):
            RemoteReview(operator).count()


def test_review_from_the_window_asks_the_runtime_through_the_windows_client(qtbot, runtime):
    station, server = runtime
    with local_client(server) as client:
        window = QMainWindow()
        line_screen, header = QWidget(), QHBoxLayout()
        header.addWidget(QLabel("the line"))
        window.setCentralWidget(line_screen)
        qtbot.addWidget(window)
        switch = ReviewSwitch(window, header, controller=None, client=client)
        window.resize(1280, 800)
        window.show()
        assert not switch.open() and switch.screen is None  # nobody logged in at the window: the runtime refuses
        client.login("ana", PINS["ana"])
        assert switch.open() and switch.showing
        assert isinstance(switch.screen.review, RemoteReview) and switch.store is None  # no database opened
        assert shown_ids(switch.screen) == [i.record.part_id for i in Review(station.store).queue(QueueFilter()).items]
        pictures = switch.remote.store.folder
        switch.screen.model.go(next(i for i, it in enumerate(switch.screen.model.items) if it.record.image_path))
        assert any(pictures.iterdir())
        switch.close()
        assert not switch.showing and window.centralWidget().currentWidget() is line_screen
        window.close()
        assert not pictures.exists()  # the part pictures fetched for the review go with the window


def test_a_station_without_users_reviews_on_its_own_screen_by_name_and_over_tls_not_at_all(qtbot,
                                                                                           runtime_without_users):
    station, server = runtime_without_users
    with desk_client(server) as desk:
        with pytest.raises(PermissionDenied, match="login"):
            RemoteReview(desk).count()
    with local_client(server) as client:
        window = QMainWindow()
        window.setCentralWidget(QWidget())
        qtbot.addWidget(window)
        switch = ReviewSwitch(window, QHBoxLayout(), controller=None, client=client)
        window.resize(1280, 800)
        window.show()
        assert switch.open()
        screen = switch.screen
        qtbot.waitUntil(lambda: screen.picker is not None)  # nobody can log in: the reviewer names themselves
        screen.picker.new.setText("erin")
        screen.picker.new.returnPressed.emit()
        first = screen.model.current.record.part_id
        screen.model.confirm()
        assert screen.model.pending_audits() == 0  # erin's own verdict
        screen.toggle_reports()
        assert screen.reports.totals["erin"]["items"] == 1
        window.close()
    [row] = labels(station.store.path)
    assert (row["part_id"], row["reviewer"], row["verdict"]) == (first, "erin", "confirm")
    entry = audit.entries(station.store, newest_first=True, limit=1)[0]
    assert (entry.user, entry.action, entry.target) == ("local, no users configured", "review.label", f"part:{first}")
    assert [(a["part_id"], a["first_reviewer"]) for a in sampled(station.store.path)] == [(first, "erin")]


def test_the_review_follows_the_windows_link_when_it_reconnects(qtbot, runtime):
    station, server = runtime
    first, second = local_client(server), local_client(server)
    try:
        first.login("ana", PINS["ana"])
        link = SimpleNamespace(client=first)  # what the window's controller offers: controller.link.client
        window = QMainWindow()
        window.setCentralWidget(QWidget())
        qtbot.addWidget(window)
        switch = ReviewSwitch(window, QHBoxLayout(), SimpleNamespace(link=link))
        window.show()
        assert switch.open()
        first.close()  # the connection dropped; the link reconnected with a client of its own
        second.login("ana", PINS["ana"])
        link.client = second
        switch.screen.model.confirm()
        assert [r["reviewer"] for r in labels(station.store.path)] == ["ana"]
        window.close()
    finally:
        second.close()
