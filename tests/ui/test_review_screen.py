"""The QA review screen over a real station database: a reviewer works through the queue with keys and taps, and the
database ends with one attributed label row per verdict while the parts rows stay exactly as the line wrote them."""
import json
import sqlite3
import math
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from inspector.qa.risk import risk_rank
from inspector.review import Review
from inspector.users import UserDirectory
from tests.ui.review_data import StepClock, label_rows, parts_rows, review_store
from ui.review.queue_panel import since_for
from ui.review.screen import ReviewScreen


@pytest.fixture
def store(tmp_path, boxes, parts):
    store = review_store(tmp_path, boxes, parts)
    yield store
    store.close()


def open_screen(qtbot, store, size=(1280, 800), **kw):
    kw.setdefault("clock", StepClock())
    screen = ReviewScreen(Review(store), **kw)
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.isActiveWindow())
    screen.setFocus()  # keys go to the screen's shortcuts, as on the station once the review is opened
    return screen


def tap_frame(qtbot, screen, x, y):
    """A tap on the part's picture at frame pixel (x, y)."""
    qtbot.mouseClick(screen.item, Qt.MouseButton.LeftButton, pos=screen.item.frame_to_widget(x, y).toPoint())


def shown_ids(screen):
    return [i.record.part_id for i in screen.model.items]


def test_queue_is_risk_first_and_every_filter_narrows_it(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    model = screen.model
    confidences = [i.record.confidence for i in model.items]
    keys = [(risk_rank(i.record), i.record.confidence) for i in model.items]
    assert len(keys) == 9 and keys == sorted(keys) and model.items[0].record.outcome == "fail_safe"
    assert screen.queue.count() == 9 and screen.queue.item(0).text().startswith(f"{confidences[0]:.3f}")
    assert model.current.record.part_id == model.items[0].record.part_id  # the riskiest part is on show first
    assert "RISK FIRST" in screen.filters.pickers["sort"].text()

    qtbot.mouseClick(screen.filters.chips["reject"], Qt.MouseButton.LeftButton)
    assert {i.record.outcome for i in model.items} == {"reject"} and len(model.items) == 5
    qtbot.mouseClick(screen.filters.chips["fail_safe"], Qt.MouseButton.LeftButton)
    assert {i.record.outcome for i in model.items} == {"reject", "fail_safe"}
    for chip in ("reject", "fail_safe"):
        qtbot.mouseClick(screen.filters.chips[chip], Qt.MouseButton.LeftButton)
    assert len(model.items) == 9

    picker = screen.filters.pick("recipe")  # a dialog of big buttons, one per recipe
    qtbot.mouseClick(picker.buttons["surface-part"], Qt.MouseButton.LeftButton)
    assert {i.record.recipe for i in model.items} == {"surface-part"} and len(model.items) == 5
    assert "surface-part" in screen.filters.pickers["recipe"].text()
    screen.filters.choose("recipe", "ALL")

    keys = screen.filters.choices("model")[0]
    counter_key = next(k for k in keys if k.startswith("cartridge_counter"))
    screen.filters.choose("model", counter_key)
    assert {i.record.recipe for i in model.items} == {"cartridge-box"} and len(model.items) == 3  # not the fail-safe
    screen.filters.choose("model", "ALL")

    below = sum(c < 0.95 for c in confidences)  # the shipped models' own confidences decide the split
    assert 0 < below < 9
    screen.filters.choose("confidence", "BELOW 0.95")
    assert all(i.record.confidence < 0.95 for i in model.items) and len(model.items) == below
    screen.filters.choose("confidence", "0.95 AND UP")
    assert all(i.record.confidence >= 0.95 for i in model.items) and len(model.items) == 9 - below
    screen.filters.choose("confidence", "ALL")

    model.set_filters(since="2026-03-02T08:30:00Z")  # what the time picker sets: only the fail-safe came after
    assert [i.record.outcome for i in model.items] == ["fail_safe"]
    screen.filters.choose("time", "ALL")
    assert len(model.items) == 9

    screen.filters.choose("sort", "LOWEST FIRST")
    confidences = [i.record.confidence for i in model.items]
    assert confidences == sorted(confidences)
    screen.filters.choose("sort", "HIGHEST FIRST")
    confidences = [i.record.confidence for i in model.items]
    assert confidences == sorted(confidences, reverse=True)


def test_time_ranges_start_where_their_names_say():
    now = datetime(2026, 3, 2, 12, 30, tzinfo=timezone.utc)
    assert since_for("ALL", now) is None
    assert since_for("LAST HOUR", now) == datetime(2026, 3, 2, 11, 30, tzinfo=timezone.utc)
    assert since_for("LAST 7 DAYS", now) == datetime(2026, 2, 23, 12, 30, tzinfo=timezone.utc)
    today = since_for("TODAY", now).astimezone()
    assert (today.hour, today.minute) == (0, 0) and since_for("TODAY", now) <= now


def test_a_reviewer_confirms_corrects_classes_and_counts_and_the_model_rows_stay_untouched(qtbot, store):
    db = store.path
    before_parts = parts_rows(db)
    screen = open_screen(qtbot, store, reviewer="alice")
    model, clock = screen.model, screen.model.timer.clock
    model.set_filters(recipe="cartridge-box")  # the boxes first: full (24), one empty slot (23), two empty (22)
    full, one_empty, two_empty = sorted((i for i in model.items if i.record.count), key=lambda i: -i.record.count)
    model.go(model.items.index(full))

    # 1. Enter confirms the full box; the seconds on the item come from the monotonic clock.
    clock.advance(4.25)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert full.record.part_id not in shown_ids(screen)  # reviewed: it left the open queue

    # 2. The box with one empty slot: remove a cartridge point by tapping it, add two by tapping the empty slot and
    #    the place of the removed one, then save the correction with the big button.
    model.go(shown_ids(screen).index(one_empty.record.part_id))
    points = [p[:2] for p in one_empty.record.points]
    empty_slot = screen.item.overlay().empty_slots[0]
    assert model.count == 23
    qtbot.mouseClick(screen.point_button, Qt.MouseButton.LeftButton)  # the POINT tool: now a tap edits points
    tap_frame(qtbot, screen, *points[5])
    assert model.count == 22 and all(math.dist(p, points[5]) > 1 for p in model.points)
    tap_frame(qtbot, screen, *empty_slot)
    tap_frame(qtbot, screen, *points[5])
    assert model.count == 24
    assert screen.verdicts.buttons["confirm"].text() == "SAVE CORRECTION"
    assert screen.info.row("Your edit") == "count → 24"
    clock.advance(9.5)
    qtbot.mouseClick(screen.verdicts.buttons["confirm"], Qt.MouseButton.LeftButton)

    # 3. The box with two empty slots: the count set with + (key) and COUNT + (tap), without points.
    model.go(shown_ids(screen).index(two_empty.record.part_id))
    qtbot.keyClick(screen, Qt.Key.Key_Plus)
    qtbot.mouseClick(screen.verdicts.buttons["plus"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.verdicts.buttons["minus"], Qt.MouseButton.LeftButton)
    qtbot.keyClick(screen, Qt.Key.Key_Plus)
    assert model.count == 24
    clock.advance(3.0)
    qtbot.keyClick(screen, Qt.Key.Key_Enter)

    # 4. Surface parts: D corrects a "good" to defect, GOOD (tap) corrects a defect to good.
    model.set_filters(recipe="surface-part")
    good = next(i for i in model.items if i.record.label == "good")
    model.go(model.items.index(good))
    taps_before = list(model.points)
    tap_frame(qtbot, screen, 20, 20)  # nothing is counted on a surface part: a tap edits nothing
    assert model.points == taps_before and not model.draft.edited
    qtbot.keyClick(screen, Qt.Key.Key_O)
    assert not screen.item.overlays and not screen.overlays_button.isChecked()
    qtbot.keyClick(screen, Qt.Key.Key_O)
    assert screen.item.overlays
    clock.advance(2.0)
    qtbot.keyClick(screen, Qt.Key.Key_D)
    defect = next(i for i in model.items if i.record.label == "defect")
    model.go(model.items.index(defect))
    clock.advance(6.0)
    qtbot.mouseClick(screen.verdicts.buttons["good"], Qt.MouseButton.LeftButton)

    # 5. Arrows move through the queue; an unsure verdict with a comment, by touch.
    at = model.index
    qtbot.keyClick(screen, Qt.Key.Key_Right)
    assert model.index == at + 1
    qtbot.keyClick(screen, Qt.Key.Key_Left)
    assert model.index == at
    unsure_id = model.current.record.part_id
    qtbot.keyClicks(screen.comment, "glare over the rim")
    clock.advance(1.5)
    qtbot.mouseClick(screen.verdicts.buttons["inconclusive"], Qt.MouseButton.LeftButton)
    assert screen.comment.text() == ""

    labels = {row["part_id"]: row for row in label_rows(db)}
    assert len(labels) == 6
    assert all(r["reviewer"] == "alice" and r["created_at"].startswith("20") for r in labels.values())
    confirm = labels[full.record.part_id]
    assert (confirm["verdict"], confirm["count"], confirm["seconds_spent"]) == ("confirm", 24, 4.25)
    assert json.loads(confirm["before"])["source"] == "model"

    corrected = labels[one_empty.record.part_id]
    assert (corrected["verdict"], corrected["count"], corrected["seconds_spent"]) == ("correct", 24, 9.5)
    stored_points = json.loads(corrected["points"])
    assert any(math.dist(p, empty_slot) < 1 for p in stored_points) and len(stored_points) == 24
    was = json.loads(corrected["before"])
    assert was["count"] == 23 and [p[:2] for p in was["points"]] == points

    counted = labels[two_empty.record.part_id]
    assert (counted["verdict"], counted["count"], counted["points"]) == ("correct", 24, None)
    assert json.loads(counted["before"])["count"] == 22

    to_defect, to_good = labels[good.record.part_id], labels[defect.record.part_id]
    assert (to_defect["verdict"], to_defect["label"], json.loads(to_defect["before"])["label"]) == \
        ("correct", "defect", "good")
    assert (to_good["verdict"], to_good["label"], to_good["seconds_spent"]) == ("correct", "good", 6.0)
    unsure = labels[unsure_id]
    assert (unsure["verdict"], unsure["comment"], unsure["label"]) == ("inconclusive", "glare over the rim", None)

    assert parts_rows(db) == before_parts  # the model's output is never overwritten


def test_a_second_review_keeps_the_first_and_records_it_as_the_value_before(qtbot, store):
    first = Review(store).submit(store.records(limit=None)[-1].part_id, "alice", "correct", count=21)
    screen = open_screen(qtbot, store, reviewer="bob")
    screen.filters.choose("state", "REVIEWED")
    assert [i.record.part_id for i in screen.model.items] == [first.part_id]
    assert screen.info.row("QA said") == "21"
    qtbot.keyClick(screen, Qt.Key.Key_Minus)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    rows = label_rows(store.path)
    assert [(r["reviewer"], r["count"]) for r in rows] == [("alice", 21), ("bob", 20)]
    assert json.loads(rows[1]["before"]) == {"source": "qa", "label_id": first.id, "label": None, "count": 21,
                                             "points": None, "defect_box": None}


def test_without_a_session_the_reviewer_picks_their_name_from_big_buttons(qtbot, store):
    screen = open_screen(qtbot, store, reviewers=["bob", "carol"])
    picker = screen.picker
    assert picker is not None and picker.isVisible() and set(picker.buttons) == {"bob", "carol"}
    assert all(b.height() >= 48 for b in picker.buttons.values())
    qtbot.mouseClick(picker.buttons["carol"], Qt.MouseButton.LeftButton)
    assert screen.model.reviewer == "carol" and "carol" in screen.reviewer_button.text()
    qtbot.keyClick(screen, Qt.Key.Key_I)
    assert [r["reviewer"] for r in label_rows(store.path)] == ["carol"]


def test_no_verdict_is_written_without_a_reviewer_and_the_first_one_types_their_name(qtbot, store):
    screen = open_screen(qtbot, store)
    assert screen.picker.buttons == {} and screen.picker.new is not None  # nobody has reviewed on this station yet
    screen.picker.reject()
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert label_rows(store.path) == [] and "reviewer" in screen.message.text()
    picker = screen.pick_reviewer()
    picker.activateWindow()
    qtbot.waitUntil(picker.isActiveWindow)
    picker.new.setFocus()
    qtbot.keyClicks(picker.new, "dana")
    qtbot.keyClick(picker.new, Qt.Key.Key_Return)
    assert screen.model.reviewer == "dana"
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert [r["reviewer"] for r in label_rows(store.path)] == ["dana"]


def test_a_logged_in_qa_user_reviews_under_their_own_name(qtbot, store):
    users = UserDirectory(store)
    users.add(None, "root", "admin", "482913", reason="install")
    users.add(users.login("root", "482913"), "quinn", "qa", "771204", reason="new QA")
    screen = open_screen(qtbot, store, session=users.login("quinn", "771204"), reviewer="someone else")
    assert screen.model.reviewer == "quinn" and screen.pick_reviewer() is None
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert [r["reviewer"] for r in label_rows(store.path)] == ["quinn"]


@pytest.mark.parametrize("size", [(800, 480), (1920, 1080)])
def test_review_screen_fits_and_every_touch_target_is_at_least_48_px(qtbot, store, size):
    screen = open_screen(qtbot, store, size=size, reviewer="alice")
    qtbot.wait(50)
    assert (screen.width(), screen.height()) == size

    def check():
        for widget in (screen.queue, screen.item, screen.info, screen.verdicts, screen.comment):
            if widget.isVisible():
                corner = widget.mapTo(screen, QPoint(widget.width() - 1, widget.height() - 1))
                assert screen.rect().contains(corner), type(widget).__name__
        for button in screen.findChildren(QPushButton):
            if button.isVisible():
                assert button.height() >= 48 and button.width() >= 48, button.text()
                corner = button.mapTo(screen, QPoint(button.width() - 1, button.height() - 1))
                assert screen.rect().contains(corner), button.text()

    check()
    assert screen.item.height() >= 0.4 * size[1]
    assert screen.filters.isVisible() == (size[0] >= 1280)  # on the small screen, behind FILTERS
    if size[0] < 1280:
        qtbot.mouseClick(screen.filters_button, Qt.MouseButton.LeftButton)
        assert screen.filters.isVisible() and not screen.item.isVisible()
        check()
        qtbot.mouseClick(screen.filters_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.reports_button, Qt.MouseButton.LeftButton)
    assert screen.reports.isVisible()
    check()


def test_a_logged_in_qa_users_correction_is_signed_and_audited(qtbot, store):
    users = UserDirectory(store)
    users.add(None, "root", "admin", "482913", reason="install")
    users.add(users.login("root", "482913"), "quinn", "qa", "771204", reason="new QA")
    screen = open_screen(qtbot, store, session=users.login("quinn", "771204"))
    model = screen.model
    model.set_filters(recipe="surface-part")
    part_id = model.current.record.part_id
    wanted = "good" if model.current.record.label == "defect" else "defect"
    qtbot.keyClick(screen, Qt.Key.Key_D if wanted == "defect" else Qt.Key.Key_G)
    assert screen.signing is not None and label_rows(store.path) == []  # nothing written before the signature
    screen.signing.reason_buttons[0].click()
    screen.signing.pad.submitted.emit("000000")  # a wrong PIN: refused, nothing written
    assert label_rows(store.path) == [] and model.current.record.part_id == part_id
    assert "PIN" in screen.message.text() or "wrong" in screen.message.text().lower()
    qtbot.keyClick(screen, Qt.Key.Key_D if wanted == "defect" else Qt.Key.Key_G)
    screen.signing.reason_buttons[0].click()
    screen.signing.pad.submitted.emit("771204")
    rows = label_rows(store.path)
    assert [(r["part_id"], r["reviewer"], r["verdict"], r["label"]) for r in rows] == [(part_id, "quinn", "correct",
                                                                                        wanted)]
    with sqlite3.connect(store.path) as conn:
        audit = conn.execute("SELECT user, action, target, signed, reason FROM audit WHERE action = 'review.label'")
        assert audit.fetchall() == [("quinn", "review.label", f"part:{part_id}", 1, screen.signing.reason)]


def test_a_finger_on_the_picture_removes_and_adds_cartridge_points(qtbot, store):
    from PySide6.QtTest import QTest

    screen = open_screen(qtbot, store, reviewer="alice")
    screen.model.set_filters(recipe="cartridge-box")
    screen.model.go(next(n for n, i in enumerate(screen.model.items) if i.record.count == 24))
    finger = QTest.createTouchDevice()
    qtbot.keyClick(screen, Qt.Key.Key_P)  # the POINT tool: now a tap edits points

    def touch(x, y):
        at = screen.item.frame_to_widget(x, y).toPoint()
        QTest.touchEvent(screen.item, finger).press(0, at, screen.item).commit()
        QTest.touchEvent(screen.item, finger).release(0, at, screen.item).commit()
        qtbot.wait(10)

    first = screen.model.points[0][:2]
    touch(*first)
    assert screen.model.count == 23
    touch(*first)
    assert screen.model.count == 24 and screen.model.draft.points is not None


def test_the_header_counts_what_is_left_to_review_under_the_filters(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    screen.model.page_size = 3  # more parts than one page holds: the count is of all of them
    screen.model.reload()
    assert len(screen.model.items) == 3 and screen.counter.text() == "9 to review · 0 done here"
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert screen.counter.text() == "8 to review · 1 done here"
    qtbot.mouseClick(screen.filters.chips["reject"], Qt.MouseButton.LeftButton)
    assert screen.counter.text().startswith(f"{screen.review.count(screen.model.filters)} to review")


@pytest.mark.parametrize("size", [(800, 480), (1920, 1080)])
def test_the_comment_box_shows_its_whole_placeholder(qtbot, store, size):
    screen = open_screen(qtbot, store, size=size, reviewer="alice")
    qtbot.wait(50)
    box = screen.comment
    margins = box.textMargins()
    needed = box.fontMetrics().horizontalAdvance(box.placeholderText()) + margins.left() + margins.right()
    assert box.isVisible() and box.contentsRect().width() - 8 >= needed, (box.width(), needed)
    corner = box.mapTo(screen, QPoint(box.width() - 1, box.height() - 1))
    assert screen.rect().contains(corner) and box.height() >= 40
