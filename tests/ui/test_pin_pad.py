"""The PIN pad and login screen over a real user directory; the window's taps that need a logged-in role."""
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from inspector import audit
from inspector.clock import ManualClock
from inspector.store import Store
from inspector.users import UserDirectory
from ui.login import LoginDialog, SessionButton, SessionKeeper, SignDialog, open_users
from ui.pin_pad import PinPad

PEOPLE = {"adam": ("admin", "715493"), "olga": ("operator", "482107"), "quinn": ("qa", "593268")}


def add_people(users):
    users.add(None, "adam", "admin", PEOPLE["adam"][1], reason="install")
    admin = users.login("adam", PEOPLE["adam"][1])
    for name, (role, pin) in PEOPLE.items():
        if name != "adam":
            users.add(admin, name, role, pin, reason="new")
    admin.end()


@pytest.fixture
def clock():
    return ManualClock(50.0)


@pytest.fixture
def users(tmp_path, clock):
    with Store.open(tmp_path / "inspector.db") as store:
        users = UserDirectory(store, clock=clock, max_failures=3, lockout_s=90, idle_timeout_s=60)
        add_people(users)
        yield users


def tap(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_pin(qtbot, pad, pin, enter=True):
    for digit in pin:
        tap(qtbot, pad.keys[digit])
    if enter:
        tap(qtbot, pad.enter_button)


def test_the_pad_masks_digits_edits_and_submits(qtbot):
    pad = PinPad()
    qtbot.addWidget(pad)
    pad.show()
    type_pin(qtbot, pad, "4821", enter=False)
    assert pad.dots.text() == "●●●●" and not any(c.isdigit() for c in pad.dots.text())
    tap(qtbot, pad.back_button)
    assert pad.length == 3 and not pad.enter_button.isEnabled()  # at least 4 digits
    type_pin(qtbot, pad, "9", enter=False)
    with qtbot.waitSignal(pad.submitted) as sent:
        tap(qtbot, pad.enter_button)
    assert sent.args == ["4829"] and pad.length == 0
    type_pin(qtbot, pad, "12", enter=False)
    tap(qtbot, pad.clear_button)
    assert pad.length == 0 and pad.dots.text() == "○○○○"


def test_the_login_screen_fits_800x480_with_48_px_targets(qtbot, users):
    dialog = LoginDialog(users, scale=1.0)
    qtbot.addWidget(dialog)
    dialog.resize(800, 480)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert (dialog.width(), dialog.height()) == (800, 480)
    buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) >= 12 + 1 + len(PEOPLE)
    for button in buttons:
        corner = button.mapTo(dialog, QPoint(button.width() - 1, button.height() - 1))
        assert button.height() >= 48 and button.width() >= 48 and dialog.rect().contains(corner), button.text()
    assert set(dialog.user_buttons) == set(PEOPLE)
    assert dialog.palette().window().color().lightness() < 40  # the dark theme


def test_the_right_pin_logs_in(qtbot, users):
    dialog = LoginDialog(users, scale=1.0)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.pad.isEnabled() and "Tap your name" in dialog.message.text()
    tap(qtbot, dialog.user_buttons["olga"])
    with qtbot.waitSignal(dialog.accepted):
        type_pin(qtbot, dialog.pad, PEOPLE["olga"][1])
    assert dialog.session.user.name == "olga" and dialog.session.role.value == "operator"


def test_wrong_pins_say_so_then_lock_out_with_a_countdown(qtbot, users, clock):
    dialog = LoginDialog(users, scale=1.0)
    qtbot.addWidget(dialog)
    dialog.show()
    tap(qtbot, dialog.user_buttons["quinn"])
    type_pin(qtbot, dialog.pad, "111111")
    assert "Wrong PIN — 2 tries left" in dialog.message.text() and dialog.session is None
    type_pin(qtbot, dialog.pad, "111111")
    type_pin(qtbot, dialog.pad, "111111")
    assert "locked out" in dialog.message.text() and "1:30" in dialog.message.text()
    assert not dialog.pad.isEnabled()
    clock.advance(61)
    qtbot.waitUntil(lambda: "0:29" in dialog.message.text(), timeout=2000)
    tap(qtbot, dialog.user_buttons["olga"])  # somebody else may log in meanwhile
    assert dialog.pad.isEnabled()
    tap(qtbot, dialog.user_buttons["quinn"])
    clock.advance(29)
    qtbot.waitUntil(dialog.pad.isEnabled, timeout=2000)
    with qtbot.waitSignal(dialog.accepted):
        type_pin(qtbot, dialog.pad, PEOPLE["quinn"][1])


def test_a_session_is_logged_out_after_idle_time_and_taps_keep_it(qtbot, users, clock):
    keeper = SessionKeeper(users, tick_ms=20)
    pad = PinPad()
    qtbot.addWidget(pad)
    pad.show()
    keeper.set(users.login("olga", PEOPLE["olga"][1]))
    clock.advance(50)
    tap(qtbot, pad.keys["1"])  # any tap on the screen is activity
    clock.advance(50)
    qtbot.wait(60)
    assert keeper.session is not None
    with qtbot.waitSignal(keeper.changed, timeout=2000) as gone:
        clock.advance(10)
    assert gone.args == [None] and keeper.last_end == "idle"


def test_a_signature_asks_for_a_reason_before_the_pin(qtbot, users):
    session = users.login("olga", PEOPLE["olga"][1])
    dialog = SignDialog(session, "reject_at 0.50 → 0.65", ["Fewer false rejects", "New supplier lot"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.pad.isEnabled()
    tap(qtbot, dialog.reason_buttons[1])
    with qtbot.waitSignal(dialog.accepted):
        type_pin(qtbot, dialog.pad, PEOPLE["olga"][1])
    assert (dialog.reason, dialog.pin) == ("New supplier lot", PEOPLE["olga"][1])


def test_the_window_asks_for_a_login_before_stop_and_checks_the_role_in_the_core(qtbot, station_factory):
    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.model import StationModel

    station = station_factory("cartridge-box")
    assert open_users(station) is None  # nobody set up yet: the window works without logins, as before
    with Store.open(station.store.path) as setup:
        add_people(UserDirectory(setup))
    users = open_users(station)
    model = StationModel()
    controller = StationController(model, station)
    window = StationWindow(model, controller, recipes=["cartridge-box"], users=users)
    qtbot.addWidget(window)
    window.resize(800, 480)
    window.show()
    qtbot.waitExposed(window)
    controller.start()  # the automatic start at launch needs nobody
    assert window.login.button.text() == "LOG IN" and window.login.button.height() >= 48

    tap(qtbot, window.controls.run_button)  # STOP, nobody logged in
    dialog = window.login.dialog
    assert dialog.isVisible() and "STOP needs: operator, technician" in dialog.message.text()
    assert station.line.running
    tap(qtbot, dialog.user_buttons["quinn"])
    type_pin(qtbot, dialog.pad, PEOPLE["quinn"][1])  # QA may not stop the line: asked again
    qtbot.waitUntil(lambda: window.login.dialog is not dialog and window.login.dialog.isVisible(), timeout=2000)
    assert "quinn (qa) may not do that" in window.login.dialog.message.text() and station.line.running
    dialog = window.login.dialog
    tap(qtbot, dialog.user_buttons["olga"])
    type_pin(qtbot, dialog.pad, PEOPLE["olga"][1])
    qtbot.waitUntil(lambda: not station.line.running, timeout=2000)
    assert window.login.button.text().startswith("olga")
    last = audit.entries(users.store)[-1]
    assert (last.user, last.action, last.target) == ("olga", "line.stop", f"line:{station.line.run_id}")
    tap(qtbot, window.login.button)  # log out
    assert window.login.keeper.session is None and window.login.button.text() == "LOG IN"
    window.close()


def test_a_signature_takes_details_after_the_reason_and_a_keypad_still_types_the_pin(qtbot, users):
    session = users.login("quinn", PEOPLE["quinn"][1])
    dialog = SignDialog(session, "count 23 → 24", ["Miscounted", "Other"])
    qtbot.addWidget(dialog)
    dialog.show()
    tap(qtbot, dialog.reason_buttons[0])
    dialog.details.setText("slot 7 hidden by glare")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClicks(dialog.pad, PEOPLE["quinn"][1])  # a USB keypad: digits reach the pad, not the details
        qtbot.keyClick(dialog.pad, Qt.Key.Key_Return)
    assert (dialog.reason, dialog.pin) == ("Miscounted: slot 7 hidden by glare", PEOPLE["quinn"][1])
    assert dialog.details.text() == "slot 7 hidden by glare"


def test_a_pin_shorter_than_the_station_asks_is_flagged_beside_the_logged_in_name(qtbot, users):
    strict = UserDirectory(users.store, min_pin_length=8)
    keeper = SessionKeeper(strict)
    button = SessionButton(keeper)
    qtbot.addWidget(button)
    keeper.set(strict.login("olga", PEOPLE["olga"][1]))
    assert button.text() == "olga\n⚠ PIN TOO SHORT · Operator · LOG OUT" and "8 digits" in button.toolTip()
    keeper.set(UserDirectory(users.store, min_pin_length=6).login("olga", PEOPLE["olga"][1]))
    assert button.text() == "olga\nOperator · LOG OUT" and button.toolTip() == ""
