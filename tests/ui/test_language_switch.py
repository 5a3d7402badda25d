"""Issue #21: the language is switchable on screen. LANGUAGE in the ☰ MENU names the other language in its own words
(DEUTSCH / ENGLISH); a tap rebuilds the window in it over the same model, controller and link (the runtime connection,
the counters and who is logged in stay), saves the choice for the next start, and the old window is gone. The window
is test_fit's: a real simulated station served on a local socket, an admin logged in, parts and alarms shown.
"""
from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt

from inspector.cli import build_parser
from inspector.cli_window import WINDOW_LANGUAGES
from tests.ui import test_fit
from tests.ui.conftest import box
from ui import app as window_app
from ui import i18n
from ui.link import shown

served, window = test_fit.served, test_fit.window  # fixtures: test_fit's window over a served station


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """The window's saved choices in a file of the test's own (not the user's)."""
    path = str(tmp_path / "window.ini")
    monkeypatch.setattr(window_app, "window_settings", lambda: QSettings(path, QSettings.Format.IniFormat))
    yield window_app.window_settings
    i18n.use_language("en")


def forget_deleted(request) -> None:
    """pytest-qt closes the test's widgets after it: not the windows a switch already deleted."""
    request.node.qt_widgets = [(ref, before) for ref, before in getattr(request.node, "qt_widgets", [])
                               if ref() is None or shiboken6.isValid(ref())]


def tap_language(qtbot, window) -> window_app.StationWindow:
    window.menu.open()
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    assert window.replacement is not None
    return window.replacement


def test_language_in_the_menu_rebuilds_the_window_in_german_and_back_keeping_the_line(qtbot, window, settings,
                                                                                         boxes, request):
    window.resize(800, 480)
    window.show()
    qtbot.waitExposed(window)
    assert window.language_button.text() == "DEUTSCH"  # the other language, in its own words
    model, controller, link = window.model, window.controller, window.link
    session, connects = window.login.keeper.session, link.connects
    counters_before = window.state()["counters"]

    german = tap_language(qtbot, window)
    qtbot.addWidget(german)
    qtbot.waitExposed(german)
    assert i18n.current_language() == "de" and settings().value("language") == "de"
    assert german.menu_button.text() == "☰  MENÜ" and german.language_button.text() == "ENGLISH"
    assert german.controls.run_button.text() == "▶  START" and german.windowTitle() == "Prüfstation"
    assert german.login.button.text() == f"{session.user.name}\nAdmin · ABMELDEN"  # still logged in
    assert german.login.keeper.session is session and link.token == session.token
    assert german.model is model and german.controller is controller and german.link is link
    assert link.connected and link.connects == connects  # no reconnection: the same runtime connection
    assert german.state()["counters"] == counters_before and german.size() == window.size()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=2000)  # the old window is gone

    part = model.add(*boxes(box(empty=[(1, 3)]), outcome="reject"), layout=(4, 6))  # the model's signals reach
    model.set_running(True)  # only live widgets (pytest-qt fails the test on an exception in a slot)
    model.set_busy("switching to surface-part…")
    assert german.controls.busy.text() == "Wechsel auf surface-part…"  # the runtime's words, shown in German
    model.set_busy("")
    model.set_running(False)
    qtbot.waitUntil(lambda: german.strip.parts[0].record.part_id == part.record.part_id, timeout=3000)
    assert german.verdict.state == "stopped"  # GESTOPPT: the line is not inspecting

    english = tap_language(qtbot, german)
    qtbot.addWidget(english)
    assert i18n.current_language() == "en" and settings().value("language") == "en"
    assert english.menu_button.text() == "☰  MENU" and english.language_button.text() == "DEUTSCH"
    assert english.login.button.text() == f"{session.user.name}\nAdmin · LOG OUT"
    qtbot.waitUntil(lambda: not shiboken6.isValid(german), timeout=2000)
    assert link.connected and link.connects == connects and english.closed_ok is None
    forget_deleted(request)


def test_closing_the_rebuilt_window_closes_the_link_as_before(qtbot, window, settings, request):
    german = window.switch_language("de")
    qtbot.addWidget(german)
    assert window.closed_ok is True and window.controller.link.connected  # the old one left the link alone
    german.close()
    assert german.closed_ok is True and not german.link.connected
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=2000)
    forget_deleted(request)


def test_the_window_language_is_the_one_asked_else_the_saved_one_else_the_systems(settings, monkeypatch):
    monkeypatch.setattr(window_app, "default_language", lambda: "en")
    assert window_app.window_language(None) == "en"
    settings().setValue("language", "de")
    assert window_app.window_language(None) == "de"
    assert window_app.window_language("en") == "en"
    settings().setValue("language", "xx")  # a file edited by hand: ignored
    assert window_app.window_language(None) == "en"


def test_the_command_line_takes_a_language_for_the_window_and_refuses_others(capsys):
    assert set(WINDOW_LANGUAGES) == set(i18n.LANGUAGES)
    assert build_parser().parse_args(["window", "--language", "de"]).language == "de"
    assert build_parser().parse_args(["run", "--language", "en"]).language == "en"
    assert build_parser().parse_args(["run"]).language is None  # the saved choice, else the system's
    with pytest.raises(SystemExit) as refused:
        build_parser().parse_args(["window", "--language", "fr"])
    assert refused.value.code == 2 and "--language: invalid choice: 'fr'" in capsys.readouterr().err


def test_the_links_state_texts_are_shown_in_german_with_the_free_form_reason_kept(settings):
    i18n.use_language("de")
    assert shown("NOT CONNECTED") == "NICHT VERBUNDEN"
    assert shown("no connection to the runtime: reconnecting… (connecting)") == \
        "keine Verbindung zur Station: verbinde neu… (verbinde)"
    assert shown("no connection to the runtime: reconnecting… (host:7: refused)") == \
        "keine Verbindung zur Station: verbinde neu… (host:7: refused)"
    assert shown("switching to surface-part…") == "Wechsel auf surface-part…"
    assert shown("NO STATION: recipe x: model refused") == "KEINE STATION: recipe x: model refused"
    i18n.use_language("en")
    assert shown("switching to surface-part…") == "switching to surface-part…"
