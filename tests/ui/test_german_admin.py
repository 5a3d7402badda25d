"""Issue #21 in German: the MODELS, AUDIT TRAIL and USERS screens, made with the window in German, show German words
(the runtime's own data, names and actions, as they are) and fit the Pi's 800 x 480 display (``fit_checks``).

Each screen is a client of a real served station, as in its own tests (``test_models_view``: a live package, one
evaluated in shadow, a fresh candidate; ``tests/api``: users root, ana, otto and their audit trail).
"""
from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from tests.api import conftest as api
from tests.ui import fit_checks
from tests.ui.admin_clients import ClientLogin, remote
from tests.ui import test_models_view as models_screen
from ui import i18n
from ui.audit_view import AuditView
from ui.users_view import COLUMNS, UsersView

served, socket_dir = api.served, api.socket_dir  # fixtures
held, served_models = models_screen.held, models_screen.served_models  # the MODELS screen's station, as it tests it
recorded, station = models_screen.recorded, models_screen.station
PI = (800, 480)


@pytest.fixture
def german():
    i18n.use_language("de")
    yield
    i18n.use_language("en")


def words_on(root: QWidget) -> str:
    texts = [w.text() for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton) if w.isVisibleTo(root)]
    return "\n".join(texts)


def plain(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText().replace("\xa0", " ")


def shown(qtbot, view, size=PI):
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(60)
    return view


def test_models_in_german_fit_on_the_table_and_the_import_page(qtbot, german, held):
    view, _ = held.admin(qtbot)
    qtbot.wait(60)
    assert not fit_checks.problems(view), fit_checks.problems(view)
    words = words_on(view)
    for word in ("MODELLE", "BEWERTEN", "SCHATTEN", "FREIGEBEN", "ZURÜCKROLLEN", "IMPORTIEREN…", "SCHLIESSEN"):
        assert word in words, f"{word!r} not on the models screen"
    headers = [view.table.horizontalHeaderItem(i).text() for i in range(view.table.columnCount())]
    assert headers[:3] == ["Name", "Version", "ID"] and "Status" in headers
    assert [view.state_text(e.package_id) for e in (held.live, held.shadow, held.fresh)] == ["LIVE", "SCHATTEN",
                                                                                              "KANDIDAT"]
    view.model.select(held.shadow.package_id)
    detail = plain(view.detail.text())
    for words in ("importiert", "1.3.0 (dieses)", "QS gut", "QS Fehler", "Fehler durchgelassen",
                  "Noch keine Linienteile im Schatten bewertet"):
        assert words in detail, f"{words!r} not in {detail!r}"
    view.show_incoming()
    qtbot.wait(60)
    assert not fit_checks.problems(view), fit_checks.problems(view)
    assert "VON DIESEM RECHNER…" in words_on(view) and "USB-Stick" in view.incoming_note.text()


def test_the_audit_trail_in_german_fits_and_verifies(qtbot, german, served):
    station, server = served
    with remote(server, "root") as client:
        view = AuditView(client)
        qtbot.addWidget(view)
        shown(qtbot, view)
        assert not fit_checks.problems(view), fit_checks.problems(view)
        assert "AUDIT-TRAIL" in words_on(view) and "KETTE PRÜFEN" in words_on(view)
        assert view.who.itemText(0) == "Alle Benutzer" and view.what.itemText(0) == "Alle Aktionen"
        assert [view.table.horizontalHeaderItem(i).text() for i in range(3)] == ["Zeit", "Benutzer", "Aktion"]
        assert " von " in view.where.text()
        view.verify_button.click()
        assert view.result.text().startswith("Kette OK: ")


def test_users_in_german_fit_with_roles_and_lockouts_in_german(qtbot, german, served):
    station, server = served
    with remote(server) as client:
        login = ClientLogin(client).log_in("root")
        view = UsersView(client, login=login)
        qtbot.addWidget(view)
        shown(qtbot, view)
        assert not fit_checks.problems(view), fit_checks.problems(view)
        words = words_on(view)
        for word in ("BENUTZER", "ENTSPERREN", "ROLLE…", "DEAKTIVIEREN", "NEUE PIN…", "NEU…"):
            assert word in words, f"{word!r} not on the users screen"
        roles = {view.table.item(row, COLUMNS.index("Role")).text() for row in range(view.table.rowCount())}
        assert roles == {"Admin", "QS", "Bediener"}
        assert {view.table.item(row, COLUMNS.index("Active")).text() for row in range(view.table.rowCount())} == {"ja"}
        view.show_add()
        qtbot.wait(60)
        assert not fit_checks.problems(view), fit_checks.problems(view)
        assert view.form_note.text().startswith("Namen eingeben")
        assert {b.text() for b in view.role_buttons.values()} == {"Bediener", "QS", "Techniker", "Admin"}
        view.close()
