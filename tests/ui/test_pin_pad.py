"""The PIN pad and login screen over a real runtime (station + API server, real user directory): the runtime checks
the PIN, counts wrong ones and checks the role of the window's taps."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from inspector import audit
from inspector.users import UserDirectory
from tests.ui.conftest import connect_window
from ui.link import StationLink
from ui.login import LoginDialog, RemoteSession, SessionButton, SessionKeeper, SignDialog
from ui.model import StationModel
from ui.pin_pad import PinPad

PEOPLE = {"adam": ("admin", "715493"), "olga": ("operator", "482107"), "quinn": ("qa", "593268")}


def add_people(store, people: dict[str, tuple[str, str]] | None = None):
    """``people`` (name: (role, PIN), an admin "adam" among them; ``PEOPLE`` by default) as the station's users."""
    people = people or PEOPLE
    users = UserDirectory(store)
    users.add(None, "adam", "admin", people["adam"][1], reason="install")
    admin = users.login("adam", people["adam"][1])
    for name, (role, pin) in people.items():
        if name != "adam":
            users.add(admin, name, role, pin, reason="new")
    admin.end()


@pytest.fixture
def link(qtbot, served):
    """A link to a runtime whose station has three users."""
    served.serve("cartridge-box", users=add_people)
    link = StationLink.local(StationModel(), served.socket).start()
    assert link.wait_connected(10)
    yield link
    link.close()


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


def test_the_login_screen_fits_800x480_with_48_px_targets(qtbot, link):
    dialog = LoginDialog(link, scale=1.0)
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


def test_the_right_pin_logs_in(qtbot, link):
    dialog = LoginDialog(link, scale=1.0)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.pad.isEnabled() and "Tap your name" in dialog.message.text()
    tap(qtbot, dialog.user_buttons["olga"])
    with qtbot.waitSignal(dialog.accepted):
        type_pin(qtbot, dialog.pad, PEOPLE["olga"][1])
    assert dialog.session.user.name == "olga" and dialog.session.role.value == "operator"


def test_wrong_pins_say_what_the_runtime_says_then_lock_out(qtbot, link):
    dialog = LoginDialog(link, scale=1.0)
    qtbot.addWidget(dialog)
    dialog.show()
    tap(qtbot, dialog.user_buttons["quinn"])
    type_pin(qtbot, dialog.pad, "111111")
    assert "wrong PIN for quinn: 4 tries left" in dialog.message.text() and dialog.session is None
    for _ in range(4):
        type_pin(qtbot, dialog.pad, "111111")
    type_pin(qtbot, dialog.pad, PEOPLE["quinn"][1])  # the right PIN, too late
    assert "locked out" in dialog.message.text() and dialog.session is None
    tap(qtbot, dialog.user_buttons["olga"])  # somebody else may log in meanwhile
    with qtbot.waitSignal(dialog.accepted):
        type_pin(qtbot, dialog.pad, PEOPLE["olga"][1])
    assert link.token == dialog.session.token


def test_a_session_is_logged_out_after_idle_time_and_taps_keep_it(qtbot, link):
    keeper = SessionKeeper(tick_ms=20)
    pad = PinPad()
    qtbot.addWidget(pad)
    pad.show()
    reply = link.login("olga", PEOPLE["olga"][1])
    assert reply["idle_timeout_s"] == 120.0  # the runtime's: the screen mirrors it
    keeper.set(RemoteSession(link, {**reply, "idle_timeout_s": 0.4}))
    for _ in range(3):
        qtbot.wait(250)
        tap(qtbot, pad.keys["1"])  # any tap on the screen is activity
    assert keeper.session is not None
    with qtbot.waitSignal(keeper.changed, timeout=2000) as gone:
        pass
    assert gone.args == [None] and keeper.last_end == "idle"
    assert link.token is None  # logged out at the runtime too


def test_a_signature_asks_for_a_reason_before_the_pin(qtbot, link):
    session = RemoteSession(link, link.login("olga", PEOPLE["olga"][1]))
    dialog = SignDialog(session, "reject_at 0.50 → 0.65", ["Fewer false rejects", "New supplier lot"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.pad.isEnabled()
    tap(qtbot, dialog.reason_buttons[1])
    with qtbot.waitSignal(dialog.accepted):
        type_pin(qtbot, dialog.pad, PEOPLE["olga"][1])
    assert (dialog.reason, dialog.pin) == ("New supplier lot", PEOPLE["olga"][1])


def test_without_users_the_window_needs_no_login(qtbot, served):
    station = served.serve("cartridge-box")
    window = connect_window(qtbot, served.socket, size=(800, 480))
    assert window.login is None
    tap(qtbot, window.controls.run_button)
    qtbot.waitUntil(lambda: window.lot_gate.dialog is not None and window.lot_gate.dialog.isVisible(), timeout=2000)
    qtbot.keyClick(window.lot_gate.dialog.field, Qt.Key.Key_Return)
    assert station.line.running
    window.close()


def test_the_window_asks_for_a_login_before_stop_and_the_runtime_checks_the_role(qtbot, served):
    station = served.serve("cartridge-box", users=add_people)
    station.start()  # the runtime starts its line itself (inspector serve)
    window = connect_window(qtbot, served.socket, size=(800, 480))
    qtbot.waitUntil(lambda: window.model.running, timeout=2000)
    assert window.login.button.text() == "LOG IN" and window.login.button.height() >= 48

    tap(qtbot, window.controls.run_button)  # STOP, nobody logged in
    dialog = window.login.dialog
    assert dialog.isVisible() and "Stopping the line needs an operator or technician: log in as one" in dialog.message.text()
    assert station.line.running
    tap(qtbot, dialog.user_buttons["quinn"])
    type_pin(qtbot, dialog.pad, PEOPLE["quinn"][1])  # QA may not stop the line: asked again
    qtbot.waitUntil(lambda: window.login.dialog is not dialog and window.login.dialog.isVisible(), timeout=2000)
    assert "quinn (QA) is logged in." in window.login.dialog.message.text() and station.line.running
    dialog = window.login.dialog
    tap(qtbot, dialog.user_buttons["olga"])
    type_pin(qtbot, dialog.pad, PEOPLE["olga"][1])
    qtbot.waitUntil(lambda: not station.line.running, timeout=2000)
    assert window.login.button.text().startswith("olga")
    last = [e for e in audit.entries(station.store) if e.action == "line.stop"][-1]
    assert (last.user, last.target) == ("olga", f"line:{station.line.run_id}")  # written by the runtime
    tap(qtbot, window.login.button)  # log out
    assert window.login.keeper.session is None and window.login.button.text() == "LOG IN"
    assert window.controller.link.token is None
    window.close()


def test_a_login_the_runtime_ended_shows_at_once(qtbot, served):
    served.serve("cartridge-box", users=add_people)
    window = connect_window(qtbot, served.socket, size=(800, 480))
    link = window.controller.link
    window.login.keeper.set(RemoteSession(link, link.login("olga", PEOPLE["olga"][1])))
    served.server.logins.logout(link.token)  # e.g. an admin changed the user
    served.station.line.alarms.raise_("disk_low", "only 512 MiB free")
    qtbot.waitUntil(lambda: window.login.keeper.session is None, timeout=3000)
    assert window.login.button.text() == "LOG IN"
    window.close()


def test_a_signature_takes_details_after_the_reason_and_a_keypad_still_types_the_pin(qtbot, link):
    session = RemoteSession(link, link.login("quinn", PEOPLE["quinn"][1]))
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


def test_a_pin_shorter_than_the_station_asks_is_flagged_beside_the_logged_in_name(qtbot, link):
    keeper = SessionKeeper()
    button = SessionButton(keeper)
    qtbot.addWidget(button)
    reply = link.login("olga", PEOPLE["olga"][1])
    keeper.set(RemoteSession(link, {**reply, "pin_too_short": True, "min_pin_length": 8}))
    assert button.text() == "olga\n⚠ PIN TOO SHORT · Operator · LOG OUT" and "8 digits" in button.toolTip()
    keeper.set(RemoteSession(link, link.login("olga", PEOPLE["olga"][1])))
    assert button.text() == "olga\nOperator · LOG OUT" and button.toolTip() == ""


def test_over_tls_the_window_shows_nothing_before_a_login_and_the_line_after_it(qtbot, served):
    station = served.serve("cartridge-box", users=add_people, tls=True)
    station.start()
    link = StationLink.tls(StationModel(), "127.0.0.1", served.server.port, served.server.fingerprint)
    window = connect_window(qtbot, None, size=(800, 480), link=link)
    qtbot.waitUntil(lambda: window.model.busy.startswith("LOG IN"), timeout=3000)
    assert window.login is not None and window.model.counters.inspected == 0 and window.model.latest is None
    window.login.ask()
    dialog = window.login.dialog
    assert dialog.name_field is not None and not dialog.user_buttons  # no names listed over the network
    qtbot.keyClicks(dialog.name_field, "quinn")
    with qtbot.waitSignal(dialog.accepted):
        type_pin(qtbot, dialog.pad, PEOPLE["quinn"][1])
    qtbot.waitUntil(lambda: window.model.busy == "" and window.model.counters.inspected > 0, timeout=5000)
    assert window.model.info.run_id == station.line.run_id
    window.close()


def test_a_window_started_before_its_runtime_says_not_connected_then_asks_logins_once_it_knows(qtbot, served):
    from ui.app import StationWindow
    from ui.controller import StationController

    model = StationModel()
    link = StationLink.local(model, served.socket_dir / "api.sock").start()  # nobody listens there yet
    window = StationWindow(model, StationController(model, link))
    qtbot.addWidget(window)
    window.show()
    qtbot.wait(300)
    assert model.busy == "NOT CONNECTED" and window.login is None and not window.controls.run_button.isVisible()
    station = served.serve("cartridge-box", users=add_people)
    station.start()
    qtbot.waitUntil(lambda: model.busy == "" and model.counters.inspected > 0, timeout=8000)
    assert window.login is not None and window.login.button in window.header.buttons()
    tap(qtbot, window.controls.run_button)  # STOP needs a login: asked, not refused silently
    assert window.login.dialog.isVisible() and station.line.running
    window.close()
