"""The window on the Pi's 7" display and on a full-HD screen: everything fits, every target takes a gloved finger, and
no word in the header or its menu is cut, with and without users, logged in or not."""
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QPushButton, QStyle, QStyleOptionButton

from inspector.alarms import Alarm
from inspector.store import Store
from inspector.users import UserDirectory
from tests.ui.conftest import connect_window
from ui.login import RemoteSession

SIZES = [(800, 480), (1920, 1080)]
LONG_NAME = "alexandra-marie-louise"  # 22 of the 32 characters a name may have, with the longest role word


def add_users(store) -> None:
    with Store.open(store.path) as setup:
        directory = UserDirectory(setup)
        directory.add(None, "adam", "admin", "715493", reason="first admin")
        directory.add(directory.login("adam", "715493"), LONG_NAME, "technician", "482107", reason="new")


def make_window(qtbot, served, size, *, users=False):
    served.serve("cartridge-box", users=add_users if users else None)
    return connect_window(qtbot, served.socket, size=size, recipes=["cartridge-box", "surface-part"])


def on_window(window, widget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def text_room(button: QPushButton) -> QRect:
    """Where the style sheet lets the button's text go: its contentsRect less the border and the padding."""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    return room.intersected(button.contentsRect())


def assert_words_whole_and_fingers_fit(window, buttons):
    """Each button at least 48 x 48 px, every line of its text within its contents, inside the window, no overlap."""
    rects = []
    for button in buttons:
        inside = text_room(button)
        metrics = QFontMetrics(button.font())
        lines = button.text().split("\n")
        assert button.height() >= 48 and button.width() >= 48, button.text()
        for line in lines:
            assert metrics.horizontalAdvance(line) <= inside.width(), (line, metrics.horizontalAdvance(line), inside)
        assert metrics.lineSpacing() * len(lines) <= inside.height(), (button.text(), inside)
        rect = on_window(window, button)
        assert window.rect().contains(rect), (button.text(), rect)
        rects.append((button.text(), rect))
    for i, (text, rect) in enumerate(rects):
        for other, other_rect in rects[i + 1:]:
            assert not rect.intersects(other_rect), (text, other)


@pytest.mark.parametrize("size", SIZES)
def test_everything_fits_and_every_touch_target_is_at_least_48_px(qtbot, served, size):
    window = make_window(qtbot, served, size)
    model = window.model
    model.set_alarms([Alarm("camera_lost", "synthetic camera unplugged", "2026-01-01T08:00:00.000+00:00")])
    qtbot.wait(100)
    assert (window.width(), window.height()) == size
    for widget in (window.alarms, window.controls, window.live, window.verdict, window.preview, window.counters,
                   window.strip, window.status):
        corner = widget.mapTo(window, QPoint(widget.width() - 1, widget.height() - 1))
        assert widget.isVisible() and window.rect().contains(corner), type(widget).__name__
    for button in window.findChildren(QPushButton):
        if button.isVisible():
            assert button.height() >= 48 and button.width() >= 48, button.text()
    assert window.strip.tile_rect(0).height() >= 48
    assert QFontMetrics(window.verdict.word_font).height() >= 48
    assert window.charts.isVisible() == (size[0] >= 1280)  # on the small screen, behind MENU > CHARTS
    window.pick_recipe()
    assert all(b.height() >= 48 for b in window.picker.buttons.values())
    window.picker.reject()
    window.close()


@pytest.mark.parametrize("users", [False, True], ids=["no-users", "users"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_header_keeps_every_word_whole_logged_in_or_not(qtbot, served, size, users):
    window = make_window(qtbot, served, size, users=users)
    header = window.header
    expected = ["START", "RECIPE", "LOG IN", "MENU"] if users else ["START", "RECIPE", "MENU"]
    qtbot.waitUntil(lambda: len(header.buttons()) == len(expected), timeout=2000)
    assert [next(w for w in expected if w in b.text()) for b in header.buttons()] == expected
    assert_words_whole_and_fingers_fit(window, header.buttons())

    window.model.set_running(True)  # STOP, and someone with a long name logged in
    if users:
        link = window.controller.link
        window.login.keeper.set(RemoteSession(link, link.login(LONG_NAME, "482107")))
        assert window.login.button.text() == f"{LONG_NAME}\nTechnician · LOG OUT"
    qtbot.wait(50)
    assert "STOP" in header.buttons()[0].text()
    assert_words_whole_and_fingers_fit(window, header.buttons())

    window.model.set_busy("switching to surface-part…")  # the busy words squeeze in beside the buttons, not over them
    qtbot.wait(50)
    busy, run = window.controls.busy, window.controls.run_button
    assert busy.isVisible() and not run.isVisible()  # in START/STOP's place: it is disabled while busy anyway
    assert busy.heightForWidth(busy.width()) <= busy.height()
    assert all(busy.fontMetrics().horizontalAdvance(w) <= busy.contentsRect().width() for w in busy.text().split())
    assert_words_whole_and_fingers_fit(window, header.buttons())
    assert not any(on_window(window, busy).intersects(on_window(window, b)) for b in header.buttons())
    window.model.set_busy("")
    qtbot.wait(50)
    assert run.isVisible() and not busy.isVisible()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_menu_opens_a_panel_of_big_buttons_that_closes_on_a_tap(qtbot, served, size):
    window = make_window(qtbot, served, size)
    small = size[0] < 1280
    qtbot.mouseClick(window.menu_button, Qt.MouseButton.LeftButton)
    panel = window.menu
    assert panel.isVisible() and on_window(window, panel) == window.rect()  # over everything: nothing else to hit
    names = [b.objectName() for b in panel.shown_items()]
    assert names == (["charts"] if small else []) + ["review", "calibrate", "audit", "models", "users",
                                                       "endShift", "restartLot"]
    assert all(b.isVisible() and b.height() >= 72 for b in panel.shown_items())
    assert_words_whole_and_fingers_fit(window, panel.shown_items() + [panel.close_button])
    assert all(panel.captions[b].isVisible() for b in panel.shown_items())

    qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()
    if small:  # CHARTS from the menu takes the camera's place; the same button, now LIVE VIEW, brings it back
        qtbot.mouseClick(window.menu_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(window.controls.charts_button, Qt.MouseButton.LeftButton)
        assert not panel.isVisible() and window.charts.isVisible() and not window.live.isVisible()
        qtbot.mouseClick(window.menu_button, Qt.MouseButton.LeftButton)
        assert "LIVE VIEW" in window.controls.charts_button.text()
        qtbot.mouseClick(window.controls.charts_button, Qt.MouseButton.LeftButton)
        assert window.live.isVisible() and not window.charts.isVisible()
        assert window.controls.charts_button.text() == "CHARTS"
    window.close()
