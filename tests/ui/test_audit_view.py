"""The audit trail screen as a client of the runtime (pytest-qt, offscreen, a real ApiServer over TLS): read-only,
newest first, a page at a time, narrowed to a person or a kind of change; VERIFY CHAIN says OK on a real trail and
names, shows and selects the entry whose SQLite row was changed behind the runtime's back; an operator's login is
refused by the runtime."""
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from inspector import audit
from tests.api import conftest as api
from tests.ui.admin_clients import remote
from tests.ui.test_pin_pad import PEOPLE, add_people, type_pin
from ui import audit_view
from ui.audit_view import AuditView
from tests.ui.conftest import Served, connect_window

served, socket_dir = api.served, api.socket_dir  # fixtures


def tap(qtbot, button):
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_view(qtbot, client, size=(800, 480)):
    view = AuditView(client)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def column(view, index):
    return [view.table.item(row, index).text() for row in range(view.table.rowCount())]


def test_the_trail_pages_and_filters_over_the_api_and_verify_names_the_tampered_entry(qtbot, served, monkeypatch):
    station, server = served
    with remote(server, "root") as admin:  # a few more entries: a user added, one changed
        admin.call("user_add", name="tess", role="technician", pin="604319", reason="new technician")
        admin.call("user_set_role", name="tess", role="qa", reason="moved to QA")
    monkeypatch.setattr(audit_view, "SHOWN", 3)
    with remote(server, "ana") as client:
        view = open_view(qtbot, client)
        assert column(view, 2)[:2] == ["user.set_role", "user.add"]
        assert view.table.item(0, 1).text() == "root (admin)" and view.table.item(0, 4).text() == "moved to QA"
        assert view.table.item(0, 5).text() == "role technician → qa"
        assert view.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
        total = view.total
        assert view.where.text() == f"1–3 of {total}" and not view.newer_button.isEnabled()
        pages = [[e.id for e in view.entries]]
        while view.older_button.isEnabled():
            tap(qtbot, view.older_button)
            pages.append([e.id for e in view.entries])
        assert sum(pages, []) == list(range(total, 0, -1))  # every entry once, newest first
        assert view.where.text().endswith(f"–{total} of {total}")
        tap(qtbot, view.newer_button)
        assert [e.id for e in view.entries] == pages[-2]

        view.what.setCurrentIndex(view.what.findData("user."))  # every change to users, of any kind
        view.what.activated.emit(view.what.currentIndex())
        assert set(column(view, 2)) <= {"user.add", "user.set_role"} and view.total == 5
        assert view.where.text() == "1–3 of 5"
        view.who.setCurrentIndex(view.who.findData("station"))
        view.who.activated.emit(view.who.currentIndex())
        assert view.total == 0 and view.table.rowCount() == 0

        tap(qtbot, view.verify_button)
        assert view.result.text().startswith(f"Chain OK: {total} entries")
        with sqlite3.connect(Path(station.config.data_dir) / "inspector.db") as raw:
            raw.executescript("DROP TRIGGER audit_no_update;")
            raw.execute("UPDATE audit SET reason = 'nothing to see' WHERE id = 2")
        tap(qtbot, view.verify_button)
        assert "Chain BROKEN at entry 2 changed" in view.result.text()
        assert view.who.currentData() == "" and view.what.currentData() == ""  # its page, unfiltered
        row = view.row_of(2)
        assert view.table.selectionModel().selectedRows()[0].row() == row == 0
        assert view.table.item(row, 4).text() == "nothing to see"
        assert view.newer_button.isEnabled()


def test_an_operator_is_refused_by_the_runtime_and_sees_why(qtbot, served):
    station, server = served
    with remote(server, "otto") as client:
        view = open_view(qtbot, client)
        assert view.table.rowCount() == 0
        assert "otto" in view.result.text() and "audit.read" in view.result.text()
        tap(qtbot, view.verify_button)
        assert "audit.read" in view.result.text()


def newest_but_model_loads(store):
    """The newest entry that is not the station loading its models (each start audits those)."""
    return next(e for e in audit.entries(store, newest_first=True) if not e.action.startswith("model."))


def login(qtbot, window, name):
    dialog = window.login.dialog
    assert dialog.isVisible()
    tap(qtbot, dialog.user_buttons[name])
    type_pin(qtbot, dialog.pad, PEOPLE[name][1])


def test_a_recipe_switch_from_the_window_asks_for_a_login_and_is_audited_by_the_runtime(qtbot, tmp_path, socket_dir):
    runtime = Served(tmp_path, socket_dir)
    station = runtime.serve("cartridge-box", users=add_people)
    try:
        window = connect_window(qtbot, runtime.socket, size=(800, 480), recipes=["cartridge-box", "surface-part"])
        window.pick_recipe()
        tap(qtbot, window.picker.buttons["surface-part"])
        assert "Changing the recipe needs an operator, technician or admin" in window.login.dialog.message.text()
        assert runtime.station is station and not window.model.busy  # nothing switched yet
        login(qtbot, window, "quinn")  # QA may not switch the recipe
        qtbot.waitUntil(lambda: "quinn (QA) is logged in." in window.login.dialog.message.text(), timeout=2000)
        assert runtime.station is station
        login(qtbot, window, "olga")
        qtbot.waitUntil(lambda: window.model.info.recipe == "surface-part" and not window.model.busy, timeout=20000)
        assert runtime.station.recipe.name == "surface-part"
        entry = newest_but_model_loads(runtime.station.store)
        assert (entry.user, entry.action) == ("olga", "recipe.switch")  # written by the runtime
        assert (entry.before, entry.after) == ('{"recipe":"cartridge-box"}', '{"recipe":"surface-part"}')
        window.close()
    finally:
        runtime.close()
