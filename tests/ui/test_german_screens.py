"""Issue #21 in German: the line screen (verdict banner, counters, alarms, buttons), calibration, models, audit and
users screens, built with the window in German, show German words and still fit the Pi's 800 x 480 display (whole
words, no overlaps, finger-sized targets: ``tests/ui/fit_checks.py``), German words being ~30 % longer.

The window is the one ``tests/ui/test_fit.py`` builds (a real simulated station served on a local socket, parts
inspected by the shipped models, two alarms), made after ``use_language("de")``; English comes back after each test.
"""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from tests.ui import fit_checks
from tests.ui import test_fit
from tests.ui.test_fit import fits, open_sheet
from ui import i18n
from ui.calibration import CalibrationDialog, for_client
from ui.alarms import AlarmBanner
from ui.counters import CountersPanel
from ui.verdict import ROW_FLAGS, VerdictBanner

served, window = test_fit.served, test_fit.window  # fixtures: test_fit's window over a served station
PI = (800, 480)


@pytest.fixture
def german():
    i18n.use_language("de")
    yield
    i18n.use_language("en")


@pytest.fixture
def german_window(german, window):  # made once German is chosen
    return window


def one(window: QWidget, kind: type) -> QWidget:
    """The window's one widget of ``kind`` (wherever the window's layout puts it)."""
    [found] = window.findChildren(kind)
    return found


def words_on(root: QWidget) -> str:
    """Every label's and button's text under ``root`` that is shown, in one string."""
    texts = [w.text() for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton) if w.isVisibleTo(root)]
    return "\n".join(texts)


def banner_findings(banner) -> list[str]:
    """The lines the banner paints: each inside its band, inside the banner, none over another."""
    return fit_checks.painted_texts(banner.rows(), banner.rect(), int(ROW_FLAGS))


def line_findings(qtbot, window) -> list[str]:
    """What does not fit on the line screen: fit_checks over the window (the counters' labels by what they draw, the
    status line with its model versions shortened)."""
    return fits(qtbot, window, PI, "line de")


def test_the_line_screen_speaks_german_and_fits(qtbot, german_window):
    window = german_window
    window.model.set_running(True)  # the line inspecting: the held part on the banner
    assert not line_findings(qtbot, window)
    shown = words_on(window)
    for word in ("GEPRÜFT", "AUSSCHUSS", "AUSBEUTE", "SCHICHT seit", "KAMERA VERLOREN", "STOPP", "REZEPT:"):
        assert word in shown, f"{word!r} not on the line screen"
    banner = one(window, VerdictBanner)
    assert banner.text == "FAIL-SAFE" and banner.state == "held"  # the newest diverted part, held
    assert "GEHALTEN" in banner.foot and "zum Löschen tippen" in banner.foot
    assert not banner_findings(banner)


def test_every_banner_state_fits_in_german(qtbot, german_window):
    window = german_window
    fits(qtbot, window, PI)
    model = window.model
    banner = one(window, VerdictBanner)
    model.set_running(True)
    for outcome, word in (("reject", "AUSSCHUSS"), ("pass", "GUT"), ("uncertain", "PRÜFEN")):
        model.hold.acknowledge()
        model.add_parts([window.shown_parts[outcome]])
        model.hold.acknowledge()
        assert banner.text == word and not banner_findings(banner), (word, banner_findings(banner))
    model.set_running(False)
    assert banner.text == "GESTOPPT" and banner.detail == "die Linie prüft nicht"
    assert not banner_findings(banner)
    model.set_ready(False, "no connection to the runtime: reconnecting…")  # the runtime's words stay English
    assert banner.text == "NICHT BEREIT" and not banner_findings(banner)


def test_counters_in_german_name_their_period_and_swap_to_the_lot(qtbot, german_window):
    window = german_window
    fits(qtbot, window, PI)
    panel = one(window, CountersPanel)
    assert [panel.captions[k].text() for k in ("inspected", "passed", "rejected", "check", "fail_safe", "yield")] \
        == ["GEPRÜFT", "GUT", "AUSSCHUSS", "PRÜFEN", "FAIL-SAFE", "AUSBEUTE"]
    window.model.set_counters({"inspected": 12, "passed": 10, "rejected": 2, "started": "2026-01-01T06:00:00"},
                              {"lot": "L-2026-0042", "inspected": 5, "passed": 5, "started": "2026-01-01T07:30:00"})
    assert panel.period_line.text().startswith("SCHICHT seit ") and "CHARGE L-2026-0042" in panel.period_line.text()
    panel.show_period("lot")
    assert panel.period_line.text().startswith("CHARGE L-2026-0042 seit ")
    for label in list(panel.values.values()) + list(panel.captions.values()) + [panel.period_line]:
        font, drawn = label.fitted()
        assert drawn == label.text(), f"{label.text()!r} elided to {drawn!r}"  # shrunk if need be, never cut


def test_alarms_in_german_keep_their_title_and_the_tap(qtbot, german_window):
    window = german_window
    fits(qtbot, window, PI)
    banner = one(window, AlarmBanner)
    first = banner.buttons[0].text().split("\n")[0]
    assert first.startswith("⚠ ") and ("ZUM QUITTIEREN TIPPEN" in first or first.endswith("TIPPEN"))
    assert "…" not in first  # the title whole: the tap words give way first
    assert "+1 weitere" in first  # two alarms, one row at 800 x 480


def test_calibration_in_german_fits_with_its_warning_and_io_tab(qtbot, german_window):
    window = german_window
    fits(qtbot, window, PI)
    sheet = open_sheet(CalibrationDialog(for_client(window.technician), window))
    screen = sheet.screen_widget
    screen.refresh()
    assert not fits(qtbot, window, PI, "calibration de")
    shown = words_on(sheet)
    for word in ("SPEICHERN", "ZURÜCKSETZEN", "SCHLIESSEN", "GANZES BILD", "Belichtung", "Fokus", "Referenz"):
        assert word in shown, f"{word!r} not on the calibration screen"
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == ["KAMERA", "E/A + TIMING"]
    screen.sliders["focus"].entry.setValue(0)  # far from the recipe's reference: SAVE asks first
    screen.refresh()
    screen.save_button.click()
    assert screen.confirm_dialog.isVisible() and screen.confirm_dialog.yes_button.text() == "TROTZDEM SPEICHERN"
    assert not fits(qtbot, window, PI, "calibration warning de")
    screen.confirm_dialog.reject()
    screen.tabs.setCurrentWidget(screen.io)
    screen.io.refresh()
    assert not fits(qtbot, window, PI, "calibration io de")
    assert "AUSWERFER EINMAL AUSLÖSEN" in words_on(screen.io) and "LICHTSCHRANKE" in screen.io.lamp.text()
    sheet.reject()
