"""The audit trail in the station window (pytest-qt, offscreen): read-only, newest first, VERIFY CHAIN says OK on a
real trail and names the entry whose SQLite row was changed behind its back; recipe switches from the window go
through the core and land in the trail."""
import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from inspector import audit
from inspector.calibration import Calibration, save_calibration
from inspector.camera_controls import CameraControls
from inspector.store import Store
from inspector.users import UserDirectory
from tests.ui.test_pin_pad import PEOPLE, add_people, type_pin
from ui.audit_view import AuditView
from ui.login import open_users


def tap(qtbot, button):
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def make_window(qtbot, station_factory, *, users=False):
    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.model import StationModel

    station = station_factory("cartridge-box")
    if users:
        with Store.open(station.store.path) as setup:
            add_people(UserDirectory(setup))
    model = StationModel()
    controller = StationController(model, station, build=lambda name: station_factory(name))
    window = StationWindow(model, controller, recipes=["cartridge-box", "surface-part"], users=open_users(station))
    qtbot.addWidget(window)
    window.resize(800, 480)
    window.show()
    qtbot.waitExposed(window)
    return window, station


def newest_but_model_loads(store):
    """The newest entry that is not the station loading its models (each start audits those)."""
    return next(e for e in audit.entries(store, newest_first=True) if not e.action.startswith("model."))


def login(qtbot, window, name):
    dialog = window.login.dialog
    assert dialog.isVisible()
    tap(qtbot, dialog.user_buttons[name])
    type_pin(qtbot, dialog.pad, PEOPLE[name][1])


def test_verify_says_ok_on_a_real_trail_and_names_the_tampered_entry(qtbot, tmp_path):
    path = tmp_path / "inspector.db"
    with Store.open(path) as store:
        users = UserDirectory(store)
        add_people(users)  # entries 1-3: the users added
        tess = users.login("adam", PEOPLE["adam"][1])
        users.add(tess, "tess", "technician", "604319", reason="new")
        tess = users.login("tess", "604319")
        save_calibration(tmp_path / "station.toml", Calibration(CameraControls(exposure=22)), session=tess, db=store,
                         reason="Image drifted")
        view = AuditView(store, users.login("quinn", PEOPLE["quinn"][1]))
        qtbot.addWidget(view)
        view.show()
        newest = [view.table.item(row, 2).text() for row in range(view.table.rowCount())]
        assert newest == ["calibration.save", "user.add", "user.add", "user.add", "user.add"]
        assert view.table.item(0, 1).text() == "tess (technician)" and view.table.item(0, 4).text() == "Image drifted"
        assert view.table.item(0, 5).text() == "controls {exposure: 10.0} → {exposure: 22.0}"
        assert view.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
        tap(qtbot, view.verify_button)
        assert view.result.text().startswith("Chain OK: 5 entries")

        with sqlite3.connect(path) as raw:  # someone drops the guard triggers and edits entry 3's reason in the file
            raw.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            raw.execute("UPDATE audit SET reason = 'nothing to see' WHERE id = 3")
        tap(qtbot, view.verify_button)
        assert "Chain BROKEN at entry 3 changed" in view.result.text()
        assert view.table.selectionModel().selectedRows()[0].row() == view.row_of(3) == 2
        assert view.table.item(2, 4).text() == "nothing to see"


def test_the_audit_button_asks_for_qa_or_admin_and_opens_the_trail(qtbot, station_factory):
    window, station = make_window(qtbot, station_factory, users=True)
    tap(qtbot, window.menu_button)
    tap(qtbot, window.audit_button)
    assert "The audit trail needs: qa, admin" in window.login.dialog.message.text()
    login(qtbot, window, "olga")  # an operator may not read it: asked again
    qtbot.waitUntil(lambda: "olga (operator) may not do that" in window.login.dialog.message.text(), timeout=2000)
    assert window.audit_view is None
    login(qtbot, window, "quinn")
    qtbot.waitUntil(lambda: window.audit_view is not None and window.audit_view.isVisible(), timeout=2000)
    view = window.audit_view
    # the people added, and the model the station loaded (every load is audited with its package id)
    assert view.table.rowCount() == len(audit.entries(window.login.users.store)) == 3 + 1
    tap(qtbot, view.verify_button)
    assert view.result.text().startswith("Chain OK")
    tap(qtbot, view.close_button)
    window.close()


def test_a_recipe_switch_from_the_window_asks_for_a_login_and_is_audited(qtbot, station_factory):
    window, station = make_window(qtbot, station_factory, users=True)
    window.pick_recipe()
    tap(qtbot, window.picker.buttons["surface-part"])
    assert "Changing the recipe needs: operator, technician, admin" in window.login.dialog.message.text()
    assert window.controller.station is station and not window.model.busy  # nothing switched yet
    login(qtbot, window, "quinn")  # QA may not switch the recipe
    qtbot.waitUntil(lambda: "quinn (qa) may not do that" in window.login.dialog.message.text(), timeout=2000)
    assert window.controller.station is station
    login(qtbot, window, "olga")
    qtbot.waitUntil(lambda: window.controller.station is not None
                    and window.controller.station.recipe.name == "surface-part", timeout=20000)
    entry = newest_but_model_loads(window.login.users.store)
    assert (entry.user, entry.action, entry.reason) == ("olga", "recipe.switch", "recipe change")
    assert (entry.before, entry.after) == ('{"recipe":"cartridge-box"}', '{"recipe":"surface-part"}')
    window.close()


def test_without_users_the_window_switches_and_shows_the_trail_naming_the_local_actor(qtbot, station_factory):
    window, station = make_window(qtbot, station_factory)
    tap(qtbot, window.menu_button)  # 800 px: AUDIT, CALIBRATE and CHARTS behind MENU, none cut
    for button in (window.audit_button, window.calibrate_button, window.controls.charts_button):
        assert button.width() >= button.sizeHint().width() and button.height() >= 48, button.text()
    tap(qtbot, window.menu.close_button)
    assert window.switch_recipe("surface-part")
    qtbot.waitUntil(lambda: window.controller.station is not None
                    and window.controller.station.recipe.name == "surface-part", timeout=20000)
    view = window.open_audit()
    row = view.row_of(newest_but_model_loads(window.controller.station.store).id)
    assert view.table.item(row, 1).text() == "local, no users configured (local)"
    assert view.table.item(row, 5).text() == "recipe cartridge-box → surface-part"
    assert view.verify()
    view.accept()
    window.close()
