"""The QA traps of the touchscreen (#21), with real gestures on the review screen over a real station database: a
tap only looks (zoom and pan) until POINT is chosen, the crosses follow COUNT ±, a saved verdict can be undone (a
new label row, audited), and names, comments and reasons are typed on an on-screen keyboard or picked."""
import json
import math
import sqlite3

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from inspector.actions import NO_USERS, REVIEW_UNDO
from inspector.review import Review
from inspector.users import UserDirectory
from tests.api.conftest import served, socket_dir  # noqa: F401 (fixtures: a served station for the client test)
from tests.ui.review_data import StepClock, label_rows, review_store
from ui.keyboard import Keyboard
from ui.review.screen import ReviewScreen


@pytest.fixture
def store(tmp_path, boxes, parts):
    store = review_store(tmp_path, boxes, parts)
    yield store
    store.close()


def open_screen(qtbot, store, size=(800, 480), **kw):
    kw.setdefault("clock", StepClock())
    screen = ReviewScreen(Review(store), **kw)
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.isActiveWindow())
    screen.setFocus()
    return screen


def show_box(screen, count):
    screen.model.set_filters(recipe="cartridge-box")
    screen.model.go(next(n for n, i in enumerate(screen.model.items) if i.record.count == count))
    return screen.model.current


class Finger:
    """Touches on a widget through Qt's own touch events (one or two fingers)."""

    def __init__(self, qtbot, widget):
        self.qtbot, self.widget, self.device = qtbot, widget, QTest.createTouchDevice()

    def tap(self, at: QPoint) -> None:
        QTest.touchEvent(self.widget, self.device).press(0, at, self.widget).commit()
        QTest.touchEvent(self.widget, self.device).release(0, at, self.widget).commit()

    def drag(self, start: QPoint, end: QPoint, steps: int = 5) -> None:
        QTest.touchEvent(self.widget, self.device).press(0, start, self.widget).commit()
        for k in range(1, steps + 1):
            at = start + (end - start) * k / steps
            QTest.touchEvent(self.widget, self.device).move(0, at, self.widget).commit()
        QTest.touchEvent(self.widget, self.device).release(0, end, self.widget).commit()

    def pinch(self, centre: QPoint, spread0: int, spread1: int, steps: int = 5) -> None:
        def at(spread):
            return centre - QPoint(spread // 2, 0), centre + QPoint(spread // 2, 0)

        a, b = at(spread0)
        QTest.touchEvent(self.widget, self.device).press(0, a, self.widget).press(1, b, self.widget).commit()
        for k in range(1, steps + 1):
            a, b = at(round(spread0 + (spread1 - spread0) * k / steps))
            QTest.touchEvent(self.widget, self.device).move(0, a, self.widget).move(1, b, self.widget).commit()
        QTest.touchEvent(self.widget, self.device).release(0, a, self.widget).release(1, b, self.widget).commit()


def picture(view) -> np.ndarray:
    image = view.grab().toImage().convertToFormat(view.grab().toImage().Format.Format_RGB32)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)[
        :, :image.width(), :3].copy()


def around(view, frame_xy, r=6) -> np.ndarray:
    p = view.frame_to_widget(*frame_xy).toPoint()
    return picture(view)[p.y() - r:p.y() + r, p.x() - r:p.x() + r].astype(int)


# -- a tap only looks; POINT edits ----------------------------------------------------------------------------------
def test_a_tap_to_look_closer_adds_no_point_and_says_how_to_edit(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 24)
    view, model = screen.item, screen.model
    assert model.tool == "look" and not screen.point_button.isChecked()
    centre = view.frame_to_widget(*model.points[0][:2]).toPoint()
    Finger(qtbot, view).tap(centre)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.frame_to_widget(30, 30).toPoint())
    assert model.count == 24 and not model.draft.edited
    assert "POINT" in screen.message.text()
    qtbot.mouseClick(screen.point_button, Qt.MouseButton.LeftButton)
    assert model.tool == "point" and "POINT" in view.badge_texts()[1][0]
    Finger(qtbot, view).tap(centre)
    assert model.count == 23


def test_pinch_zooms_about_the_fingers_a_drag_pans_and_a_point_lands_where_the_finger_is(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 23)
    view, model, finger = screen.item, screen.model, Finger(qtbot, screen.item)
    middle = view.image_rect().center()
    under = view.widget_to_frame(middle.x(), middle.y())
    finger.pinch(middle, 60, 180)
    assert view.zoom == pytest.approx(3.0, rel=0.05)
    kept = view.frame_to_widget(*under)
    assert math.dist((kept.x(), kept.y()), (middle.x(), middle.y())) < 3  # the spot between the fingers stays
    assert model.count == 23 and not model.draft.edited  # a pinch edits nothing

    before = view.view_centre()
    finger.drag(middle, middle + QPoint(60, 0))
    after = view.view_centre()
    assert after[0] == pytest.approx(before[0] - 60 / view.scale(), abs=0.5) and after[1] == before[1]
    assert model.count == 23

    model.set_tool("point")
    slot = view.overlay().empty_slots[0]
    at = view.frame_to_widget(*slot).toPoint()
    if not view.rect().contains(at):  # bring the empty slot into the zoomed view
        view.set_zoom(view.zoom, QPointF(at))
        view.centre = view._clamped(*slot)
        at = view.frame_to_widget(*slot).toPoint()
    finger.tap(at)
    assert model.count == 24
    added = model.points[-1]
    assert math.dist(added, slot) < 2 / view.scale() + 1  # where the finger was, through the zoom


def test_double_tap_and_double_click_zoom_in_and_back_out_the_wheel_zooms_at_the_cursor(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 24)
    view = screen.item
    spot = view.frame_to_widget(200, 150).toPoint()
    finger = Finger(qtbot, view)
    finger.tap(spot)
    finger.tap(spot)
    assert view.zoom == 3.0
    assert math.dist(view.widget_to_frame(spot.x(), spot.y()), (200, 150)) < 1
    finger.tap(spot)
    finger.tap(spot)
    assert view.zoom == 1.0 and view.centre is None
    QTest.mouseDClick(view, Qt.MouseButton.LeftButton, pos=spot)
    assert view.zoom == 3.0 and not screen.model.draft.edited
    view.reset_zoom()
    wheel = QWheelEvent(QPointF(spot), QPointF(view.mapToGlobal(spot)), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, wheel)
    assert view.zoom == pytest.approx(1.25 ** 2)
    assert math.dist(view.widget_to_frame(spot.x(), spot.y()), (200, 150)) < 1
    assert "ZOOM" in view.badge_texts()[-1][0]
    screen.model.go(0 if screen.model.index else 1)
    assert view.zoom == 1.0  # another part is shown whole


# -- the crosses follow the count -----------------------------------------------------------------------------------
def test_count_plus_and_minus_take_crosses_off_and_put_them_back_on_the_picture(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 22)
    view, plus, minus = screen.item, screen.verdicts.buttons["plus"], screen.verdicts.buttons["minus"]
    first, second = view.overlay().empty_slots
    crossed = around(view, second)
    qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    assert screen.model.count == 23 and view.overlay().empty_slots == (first,)
    assert view.badge_texts()[0] == ("COUNT 23 / 24", "#ef4444")
    assert np.abs(around(view, second) - crossed).mean() > 20  # the drawn cross is gone from the picture
    qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    assert view.overlay().empty_slots == () and view.badge_texts()[0] == ("COUNT 24 / 24", "#22c55e")
    for _ in range(3):
        qtbot.mouseClick(minus, Qt.MouseButton.LeftButton)
    assert view.overlay().empty_slots == (first, second) and view.unplaced() == 1
    assert view.badge_texts()[0][0] == "COUNT 21 / 24 · 1 missing not marked"
    assert np.abs(around(view, second) - crossed).mean() < 8  # the cross is drawn again


def test_tapping_a_cartridge_into_an_empty_slot_takes_its_cross_away(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 23)
    view = screen.item
    (slot,) = view.overlay().empty_slots
    qtbot.keyClick(screen, Qt.Key.Key_P)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.frame_to_widget(*slot).toPoint())
    assert screen.model.count == 24 and view.overlay().empty_slots == ()
    gone = view.overlay().items[0]
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.frame_to_widget(*gone).toPoint())
    assert screen.model.count == 23
    (cross,) = view.overlay().empty_slots  # the slot of the cartridge removed is crossed now
    assert math.dist(cross, gone) < view.overlay().slot_radius


# -- undo of a saved verdict ----------------------------------------------------------------------------------------
def audit_rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT user, action, target, signed, reason, before, after FROM audit "
                            "WHERE action = ?", [REVIEW_UNDO]).fetchall()


def test_a_confirm_given_by_mistake_is_undone_with_a_reason_and_both_rows_stay(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    item = show_box(screen, 24)
    part_id = item.record.part_id
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert part_id not in [i.record.part_id for i in screen.model.items]
    undo = screen.verdicts.buttons["undo"]
    assert undo.isEnabled() and undo.text() == "UNDO LAST" and f"#{part_id}" in undo.toolTip()
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    sheet = screen.signing
    assert sheet is not None and not sheet.ok_button.isEnabled()  # nothing happens without a reason
    qtbot.mouseClick(sheet.reason_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(sheet.ok_button, Qt.MouseButton.LeftButton)
    rows = label_rows(store.path)
    assert [(r["verdict"], r["undoes"], r["reviewer"]) for r in rows] == [("confirm", None, "alice"),
                                                                       ("inconclusive", rows[0]["id"], "alice")]
    assert rows[1]["comment"] == "Tapped the wrong verdict"
    assert screen.model.current.record.part_id == part_id  # back on show, with the model's value again
    assert screen.model.count == 24 and screen.info.row("Reviewed").endswith("(an undo)")
    assert part_id in [i.record.part_id for i in Review(store).queue().items]  # open again
    ((user, action, target, signed, reason, before, after),) = audit_rows(store.path)
    assert (user, target, signed, reason) == (NO_USERS.name, f"part:{part_id}", 0, "Tapped the wrong verdict")
    assert json.loads(before)["label_id"] == rows[0]["id"] and json.loads(after)["label_id"] == rows[1]["id"]
    assert "undone" in screen.message.text()


def test_unsaved_edits_are_undone_first_and_a_cancelled_undo_writes_nothing(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 23)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    qtbot.keyClick(screen, Qt.Key.Key_Plus)  # on the next part: an unsaved edit
    assert screen.verdicts.buttons["undo"].text() == "UNDO EDIT"
    qtbot.keyClick(screen, Qt.Key.Key_Z)
    assert not screen.model.draft.edited and screen.signing is None
    qtbot.keyClick(screen, Qt.Key.Key_Z)
    screen.signing.reject()
    assert len(label_rows(store.path)) == 1 and audit_rows(store.path) == []


def test_a_logged_in_reviewers_undo_is_signed_with_the_pin(qtbot, store):
    users = UserDirectory(store)
    users.add(None, "root", "admin", "482913", reason="install")
    users.add(users.login("root", "482913"), "quinn", "qa", "771204", reason="new QA")
    screen = open_screen(qtbot, store, session=users.login("quinn", "771204"))
    item = show_box(screen, 24)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    qtbot.keyClick(screen, Qt.Key.Key_Z)
    sheet = screen.signing
    sheet.reason_buttons[2].click()
    sheet.pad.submitted.emit("771204")
    rows = label_rows(store.path)
    assert [(r["reviewer"], r["undoes"]) for r in rows] == [("quinn", None), ("quinn", rows[0]["id"])]
    ((user, _, target, signed, reason, _, _),) = audit_rows(store.path)
    assert (user, target, signed, reason) == ("quinn", f"part:{item.record.part_id}", 1, "Miscounted")


# -- the on-screen keyboard -----------------------------------------------------------------------------------------
def keyboard(screen) -> Keyboard:
    return screen.window().findChild(Keyboard)


def test_a_tap_on_the_comment_opens_a_keyboard_that_fits_and_types_like_keys(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    qtbot.mouseClick(screen.comment, Qt.MouseButton.LeftButton)
    board = keyboard(screen)
    assert board is not None and board.isVisible() and board.target is screen.comment
    assert screen.rect().contains(board.geometry())
    for button in [*board.keys.values(), *board.phrases.values()]:
        assert button.height() >= 48 and button.width() >= 48, button.text()
        assert board.rect().contains(button.geometry().translated(0, 0)), button.text()
    for key in ("shift", "g", "l", "a", "r", "e", "space"):
        qtbot.mouseClick(board.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.keys["backspace"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.phrases["partly covered"], Qt.MouseButton.LeftButton)
    assert screen.comment.text() == "Glare, partly covered"
    assert screen.model.draft.comment == "Glare, partly covered"  # textEdited reached the model, as from keys
    assert "Glare, partly covered" in board.echo.text()
    qtbot.keyClicks(screen.comment, " x")  # the physical keyboard still types, and the echo follows
    assert screen.comment.text().endswith(" x") and board.echo.text().startswith("Glare, partly covered x")
    qtbot.mouseClick(board.keys["done"], Qt.MouseButton.LeftButton)
    assert not board.isVisible()
    qtbot.mouseClick(screen.verdicts.buttons["inconclusive"], Qt.MouseButton.LeftButton)
    assert label_rows(store.path)[0]["comment"] == "Glare, partly covered x"


def test_the_first_reviewer_types_their_name_on_the_screen_keyboard(qtbot, store):
    screen = open_screen(qtbot, store)
    picker = screen.picker
    qtbot.mouseClick(picker.new, Qt.MouseButton.LeftButton)
    board = picker.findChild(Keyboard)
    assert board is not None and board.isVisible() and picker.rect().contains(board.geometry())
    for key in ("d", "a", "n", "a"):
        qtbot.mouseClick(board.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.keys["done"], Qt.MouseButton.LeftButton)
    assert screen.model.reviewer == "dana"


def test_an_undo_reason_gets_details_from_the_keyboard(qtbot, store):
    screen = open_screen(qtbot, store, reviewer="alice")
    show_box(screen, 24)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    qtbot.keyClick(screen, Qt.Key.Key_Z)
    sheet = screen.signing
    sheet.reason_buttons[3].click()
    qtbot.mouseClick(sheet.details, Qt.MouseButton.LeftButton)
    board = sheet.findChild(Keyboard)
    for key in ("b", "o", "x"):
        qtbot.mouseClick(board.keys[key], Qt.MouseButton.LeftButton)
    board.close_keyboard()
    qtbot.mouseClick(sheet.ok_button, Qt.MouseButton.LeftButton)
    assert label_rows(store.path)[-1]["comment"] == "Other: see the details: box"


# -- a client's screen: the undo goes to the runtime's op review_undo ------------------------------------------------
def test_a_client_screens_undo_goes_through_the_runtimes_review_undo(qtbot, served):  # noqa: F811
    from inspector.api.client import Client
    from inspector.review import Label, QueueFilter
    from tests.api.conftest import PINS

    station, server = served
    client = Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint, timeout=10)
    client.login("ana", PINS["ana"])

    class OverTheApi(Review):  # what a client's adapter offers the screen for the undo
        def undo_verdict(self, part_id, **args):
            args = {k: v for k, v in args.items() if v is not None}
            return Label(**client.call("review_undo", part_id=part_id, **args))

    part_id = client.review_queue(state="open")["items"][0]["part"]["part_id"]
    first = client.submit_verdict(part_id, "confirm")
    from ui.review.model import ReviewModel

    model = ReviewModel(OverTheApi(station.store), reviewer="ana")
    model.set_filters(state="reviewed")
    model.go(next(n for n, i in enumerate(model.items) if i.record.part_id == part_id))
    asked = []
    model.undo_needed.connect(asked.append)
    assert model.undo_verdict() and f"#{part_id}" in asked[0]
    undo = model.finish_undo(PINS["ana"], "Wrong part on show")
    client.close()
    assert undo is not None and (undo.undoes, undo.reviewer) == (first["id"], "ana")
    assert part_id in [i.record.part_id for i in Review(station.store).queue(QueueFilter(), limit=100).items]
    entries = station.store.query("SELECT user, action, signed FROM audit WHERE action = 'review.undo'")
    assert [(e["user"], e["signed"]) for e in entries] == [("ana", 1)]
