"""The line screen's HMI conventions over a real served station with users: END SHIFT / RESTART LOT COUNTERS (reset
in the runtime, audited, zero on the tiles), a refusal in words with a LOG IN offer, the idle-logout warning, the
login naming who may, and HELP fitting 800 x 480.

``INSPECTOR_SHOTS=resources/screenshots`` also writes the 800 x 480 screenshots of these screens there.
"""
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from inspector import audit
from tests.ui import fit_checks
from tests.ui.conftest import connect_window
from tests.ui.test_pin_pad import add_people as pin_pad_people
from ui.login import RemoteSession

PEOPLE = {"adam": ("admin", "715493"), "olga": ("operator", "482107"), "quinn": ("qa", "593268"),
          "tess": ("technician", "630418")}


def add_people(store):
    pin_pad_people(store, PEOPLE)


def shot(window, name):
    folder = os.environ.get("INSPECTOR_SHOTS")
    if folder:
        QTest.qWait(200)  # the sheet's layout settled, as on screen
        window.grab().save(str(Path(folder) / f"{name}_800x480.png"))


def tap(qtbot, button):
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def log_in(window, name):
    link = window.controller.link
    session = RemoteSession(link, link.login(name, PEOPLE[name][1]))
    window.login.keeper.set(session)
    return session


def type_pin(qtbot, dialog, name):
    tap(qtbot, dialog.user_buttons[name])
    for digit in PEOPLE[name][1]:
        tap(qtbot, dialog.pad.keys[digit])
    tap(qtbot, dialog.pad.enter_button)


@pytest.fixture
def window(qtbot, served):
    station = served.serve("cartridge-box", users=add_people, lot="4711")
    station.start(parts=6)
    assert station.line.wait_recorded(6, timeout=30)
    station.line.stop()
    win = connect_window(qtbot, served.socket, size=(800, 480))
    qtbot.waitUntil(lambda: win.counters.text("inspected") == "6", timeout=10000)
    return win


def test_an_operator_ends_the_shift_the_runtime_audits_it_and_the_counters_show_zero(qtbot, window, served):
    log_in(window, "olga")
    window.end_shift_button.click()
    sheet = window.hmi_sheet
    assert sheet.isVisible() and "start again from zero" in sheet.explanation
    assert "records of the parts do not change" in sheet.explanation
    assert not sheet.ok_button.isEnabled()  # a reason first
    tap(qtbot, sheet.reason_buttons["shift handover"])
    assert not fit_checks.problems(sheet)
    shot(window, "hmi_end_shift")
    tap(qtbot, sheet.ok_button)
    assert sheet.done_ok and not sheet.isVisible()
    entry = audit.entries(served.station.store)[-1]
    assert (entry.user, entry.action, entry.reason) == ("olga", "counters.shift", "shift handover")
    assert '"inspected":6' in entry.before
    assert window.counters.text("inspected") == "0" and window.model.counters.inspected == 0
    assert window.controller.link.call("counters")["shift"]["inspected"] == 0
    assert window.model.lot_counters.inspected == 6  # the lot's counters go on


def test_an_operator_restarting_the_lot_is_refused_in_words_and_a_technician_logs_in_to_do_it(qtbot, window, served):
    log_in(window, "olga")
    trail = len(audit.entries(served.station.store))
    window.restart_lot_button.click()
    sheet = window.hmi_sheet
    assert "lot 4711" in sheet.explanation
    tap(qtbot, sheet.reason_buttons["lot sorted again"])
    tap(qtbot, sheet.ok_button)
    assert sheet.isVisible() and sheet.refusal.text() == "Restarting a lot's counters needs a technician or admin"
    assert sheet.login_button.isVisible() and not sheet.ok_button.isEnabled()
    assert window.login.dialog is None  # no silent second PIN pad
    assert len(audit.entries(served.station.store)) == trail and window.model.lot_counters.inspected == 6
    assert not fit_checks.problems(sheet)
    shot(window, "hmi_refused")
    tap(qtbot, sheet.login_button)
    dialog = window.login.dialog
    assert dialog.isVisible() and "needs a technician or admin: log in as one" in dialog.message.text()
    type_pin(qtbot, dialog, "tess")
    qtbot.waitUntil(lambda: sheet.done_ok, timeout=5000)
    entry = audit.entries(served.station.store)[-1]
    assert (entry.user, entry.action, entry.reason) == ("tess", "counters.lot", "lot sorted again")
    assert window.model.lot_counters.inspected == 0 and window.model.counters.inspected == 6


def test_the_idle_warning_counts_down_a_tap_keeps_the_login_and_no_tap_logs_out(qtbot, window):
    session = log_in(window, "olga")
    session.idle_timeout_s = 3.0  # the window's mirror of the time-out: the warning shows 1 s before (a third)
    warning = window.idle_warning
    assert not warning.isVisible()
    qtbot.waitUntil(warning.isVisible, timeout=4000)
    assert warning.text().startswith("Logging out in ") and "tap to stay logged in" in warning.text()
    assert int(warning.text().split()[3]) <= 1 and warning.width() == window.width()
    shot(window, "hmi_idle_warning")
    tap(qtbot, window.verdict)  # a tap anywhere
    qtbot.waitUntil(lambda: not warning.isVisible(), timeout=1000)
    assert warning.renewals == 1 and window.login.keeper.session is session and session.active
    qtbot.waitUntil(warning.isVisible, timeout=4000)
    qtbot.waitUntil(lambda: window.login.keeper.session is None, timeout=5000)  # no tap: logged out as before
    assert window.login.keeper.last_end == "idle" and not warning.isVisible()
    assert window.login.button.text() == "LOG IN"


def test_a_tap_the_role_may_not_make_opens_the_login_naming_who_may(qtbot, window):
    log_in(window, "olga")
    window.calibrate_button.click()
    dialog = window.login.dialog
    assert dialog.isVisible()
    assert "olga (Operator) is logged in." in dialog.message.text()
    assert "Calibration needs a technician: log in as one" in dialog.message.text()
    dialog.reject()
    window.review.open()
    assert "Reviewing parts needs QA: log in as one" in window.login.dialog.message.text()
    window.login.dialog.reject()
    log_in(window, "quinn")
    window.users_button.click()
    assert "Managing users needs an admin: log in as one" in window.login.dialog.message.text()


def test_help_opens_from_the_menu_and_fits_800x480(qtbot, window):
    window.menu.open()
    tap(qtbot, window.help_button)
    sheet = window.hmi_sheet
    assert sheet.isVisible() and not window.menu.isVisible()
    words = " ".join(label.text() for label in sheet.texts)
    for word in ("PASS", "REJECT", "CHECK", "FAIL-SAFE", "acknowledge", "Technician", "END SHIFT"):
        assert word in words
    assert sheet.geometry() == window.rect()
    assert not fit_checks.problems(sheet)
    shot(window, "hmi_help")
    window.menu.open()
    assert not fit_checks.problems(window.menu)
    shot(window, "hmi_menu")


@pytest.fixture
def german(monkeypatch):
    from ui import i18n

    monkeypatch.setenv("INSPECTOR_I18N_DIR", str(Path(__file__).parents[2] / "resources" / "i18n"))  # this tree's .ts
    i18n.use_language("de")
    yield
    i18n.use_language("en")


def test_in_german_the_sheets_the_warning_and_the_menu_fit_800x480(qtbot, german, window):
    log_in(window, "olga")
    window.menu.open()
    assert "SCHICHTENDE" in window.end_shift_button.text() and not fit_checks.problems(window.menu)
    shot(window, "hmi_menu_de")
    window.menu.hide()
    for sheet in (window.end_shift_button, window.restart_lot_button):
        sheet.click()
        opened = window.hmi_sheet
        tap(qtbot, next(iter(opened.reason_buttons.values())))
        assert "null" in opened.explanation and not fit_checks.problems(opened)
        opened.reject()
    window.restart_lot_button.click()
    tap(qtbot, window.hmi_sheet.reason_buttons["lot sorted again"])
    tap(qtbot, window.hmi_sheet.ok_button)
    assert window.hmi_sheet.refusal.text() == "Neustart der Chargenzähler erfordert einen Techniker oder Admin"
    assert window.hmi_sheet.login_button.text() == "ANMELDEN" and not fit_checks.problems(window.hmi_sheet)
    window.hmi_sheet.reject()
    window.help_button.click()
    assert "FAIL-SAFE" in " ".join(t.text() for t in window.hmi_sheet.texts)
    assert not fit_checks.problems(window.hmi_sheet)
    shot(window, "hmi_help_de")
    window.hmi_sheet.reject()
    window.login.keeper.session.idle_timeout_s = 3.0
    qtbot.waitUntil(window.idle_warning.isVisible, timeout=4000)
    assert window.idle_warning.text().startswith("Abmeldung in ")
    shot(window, "hmi_idle_warning_de")


def test_on_a_station_without_users_end_shift_needs_no_login(qtbot, served):
    station = served.serve("cartridge-box")
    station.start(parts=4)
    assert station.line.wait_recorded(4, timeout=30)
    station.line.stop()
    window = connect_window(qtbot, served.socket, size=(800, 480))
    qtbot.waitUntil(lambda: window.counters.text("inspected") == "4", timeout=10000)
    assert window.login is None and window.idle_warning is None
    window.end_shift_button.click()
    tap(qtbot, window.hmi_sheet.reason_buttons["end of shift"])
    tap(qtbot, window.hmi_sheet.ok_button)
    assert window.hmi_sheet.done_ok and window.counters.text("inspected") == "0"
    assert window.controller.link.call("counters")["shift"]["inspected"] == 0
