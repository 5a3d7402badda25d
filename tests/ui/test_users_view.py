"""The USERS screen (☰ MENU > USERS) as a client of the runtime (pytest-qt, offscreen, a real ApiServer over TLS):
every user with role, active and lock-out; an admin unlocks a user locked out by wrong PINs (audited, with the reason
picked), changes a role, deactivates, gives a new PIN, adds a user; QA is refused by the runtime."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from inspector import audit
from inspector.api.client import Client
from inspector.api.protocol import ApiError
from tests.api import conftest as api
from tests.ui.admin_clients import ClientLogin, remote
from tests.ui.test_layout import SIZES, assert_words_whole_and_fingers_fit
from tests.ui.test_pin_pad import type_pin
from ui.users_view import COLUMNS, REASONS, UsersView

PINS, served, socket_dir = api.PINS, api.served, api.socket_dir  # fixtures


def tap(qtbot, button):
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def admin_screen(qtbot, served):
    station, server = served
    clients = []

    def open_screen(user="root", size=(800, 480)):
        client = remote(server)
        clients.append(client)
        login = ClientLogin(client).log_in(user)
        view = UsersView(client, login=login)
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        return view

    yield open_screen
    for client in clients:
        client.close()


def cell(view, name, column):
    return view.table.item(view.row_of(name), COLUMNS.index(column)).text()


def give_reason(qtbot, view, index=0):
    dialog = view.reason_dialog
    assert dialog.isVisible() and not dialog.pad.isVisible()  # a reason, picked: no PIN, no keyboard
    tap(qtbot, dialog.reason_buttons[index])
    tap(qtbot, dialog.ok_button)
    return dialog.reason


def lock_out(server, name):
    with Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint) as client:
        for _ in range(5):
            with pytest.raises(ApiError):
                client.login(name, "0000")


def test_a_user_locked_out_by_wrong_pins_is_unlocked_by_an_admin_and_it_is_audited(qtbot, served, admin_screen):
    station, server = served
    view = admin_screen()
    assert [view.table.item(r, 0).text() for r in range(view.table.rowCount())] == ["ana", "otto", "root"]
    assert cell(view, "otto", "Role") == "Operator" and cell(view, "otto", "Log-in") == "ok"
    lock_out(server, "otto")
    view.reload()
    assert cell(view, "otto", "Log-in") in ("LOCKED 5:00", "LOCKED 4:59", "LOCKED 4:58")
    view.select("otto")
    tap(qtbot, view.buttons["unlock"])
    reason = give_reason(qtbot, view)
    assert reason == REASONS["unlock"][0]
    assert cell(view, "otto", "Log-in") == "ok" and "otto may log in again" in view.message.text()
    entry = audit.entries(station.store, newest_first=True)[0]
    assert (entry.user, entry.role, entry.action, entry.target, entry.reason) == (
        "root", "admin", "user.unlock", "user:otto", reason)
    with remote(server, "otto") as otto:  # the right PIN works again
        assert otto.call("counters")["recorded"] == 12


def test_an_admin_changes_a_role_deactivates_gives_a_new_pin_and_adds_a_user(qtbot, served, admin_screen):
    station, server = served
    view = admin_screen()
    view.select("otto")
    tap(qtbot, view.buttons["role"])
    assert view.role_buttons["operator"].isChecked()
    tap(qtbot, view.role_buttons["technician"])
    tap(qtbot, view.form_ok)
    give_reason(qtbot, view)
    assert cell(view, "otto", "Role") == "Technician" and view.pages.currentIndex() == 0

    view.select("ana")
    tap(qtbot, view.buttons["active"])
    give_reason(qtbot, view)
    assert cell(view, "ana", "Active") == "NO" and view.buttons["active"].text() == "ACTIVATE"
    with pytest.raises(ApiError):
        remote(server, "ana")

    view.select("otto")
    tap(qtbot, view.buttons["pin"])
    type_pin(qtbot, view.pad, "2468")
    give_reason(qtbot, view)
    with Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint) as otto:
        assert otto.login("otto", "2468")["role"] == "technician"

    tap(qtbot, view.buttons["add"])
    assert not view.pad.isEnabled()  # a name and a role first
    qtbot.keyClicks(view.name_field, "tess")
    tap(qtbot, view.role_buttons["qa"])
    type_pin(qtbot, view.pad, "604319")
    give_reason(qtbot, view)
    assert cell(view, "tess", "Role") == "QA" and "tess added as QA" in view.message.text()
    actions = [e.action for e in audit.entries(station.store, newest_first=True)[:4]]
    assert actions == ["user.add", "user.reset_pin", "user.set_active", "user.set_role"]
    assert not any("604319" in str(e.values()) or "2468" in str(e.values()) for e in audit.entries(station.store))


def test_a_bad_pin_or_the_last_admin_is_refused_with_the_runtimes_reason(qtbot, served, admin_screen):
    view = admin_screen()
    view.select("root")
    tap(qtbot, view.buttons["active"])
    give_reason(qtbot, view)
    assert "last active admin" in view.message.text() and view.message.property("tone") == "bad"
    assert cell(view, "root", "Active") == "yes"
    tap(qtbot, view.buttons["add"])
    qtbot.keyClicks(view.name_field, "max")
    tap(qtbot, view.role_buttons["operator"])
    type_pin(qtbot, view.pad, "1111")
    give_reason(qtbot, view)
    assert "repeated digit" in view.message.text() and view.row_of("max") is None
    assert view.pages.currentIndex() == 1  # still on the form, to type another PIN


def test_qa_is_refused_by_the_runtime(qtbot, admin_screen):
    view = admin_screen("ana")
    assert view.table.rowCount() == 0
    assert "ana" in view.message.text() and "users.manage" in view.message.text()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_screen_and_its_form_fit_without_cut_words(qtbot, admin_screen, size):
    view = admin_screen(size=size)
    qtbot.wait(50)
    assert_words_whole_and_fingers_fit(view, [b for b in view.findChildren(QPushButton) if b.isVisible()])
    tap(qtbot, view.buttons["add"])
    qtbot.wait(50)
    assert_words_whole_and_fingers_fit(view, [b for b in view.findChildren(QPushButton) if b.isVisible()])
