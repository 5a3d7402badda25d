"""The MODELS screen (pytest-qt, offscreen) as a client of the runtime: a real ApiServer over a recorded station (60
surface parts with their images and QA's verdicts), candidates signed with the tests' key. The table shows every
package with its state, live first; PROMOTE and ROLLBACK through the screen change the live row and land in the audit
trail, signed by an admin's PIN; an operator is refused by the runtime; a refusal is shown as a line; EVALUATE runs
as the runtime's job with a progress bar here; IMPORT takes a package folder from the station's
``<data_dir>/incoming/`` or a zip sent from this computer."""
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QPushButton

from inspector import audit
from inspector.api.admin_client import upload_package, wait_job
from inspector.models import archive
from tests.api import conftest as api
from tests.api import served_models as models
from tests.lifecycle import conftest as lifecycle
from tests.ui.admin_clients import ClientLogin, remote
from tests.ui.test_layout import SIZES, assert_words_whole_and_fingers_fit
from tests.ui.test_pin_pad import type_pin
from ui.models_model import ModelsModel
from ui.models_view import COLUMNS, ModelsView

PINS, NAME, candidate = api.PINS, models.NAME, models.candidate
socket_dir, served_models = api.socket_dir, models.served_models  # fixtures: the served recorded station
recorded, station = lifecycle.recorded, lifecycle.station


def tap(qtbot, button):
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_view(qtbot, client, size=(800, 480), login=None):
    view = ModelsView(ModelsModel(client), login=login)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def pick(qtbot, view, package_id):
    row = view.row_of(package_id)
    rect = view.table.visualItemRect(view.table.item(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.model.selected.package_id == package_id


def column(view, name):
    return [view.table.item(row, COLUMNS.index(name)).text() for row in range(view.table.rowCount())]


def detail_words(view) -> str:
    """The panel under the table as the reader sees it (its rich text rendered to plain words)."""
    document = QTextDocument()
    document.setHtml(view.detail.text())
    return document.toPlainText().replace("\xa0", " ")


def sign_reason(qtbot, dialog, pin=None):
    tap(qtbot, dialog.reason_buttons[0])
    if pin is None:
        tap(qtbot, dialog.ok_button)
    else:
        type_pin(qtbot, dialog.pad, pin)


class Held:
    """The served station with the shipped package live, 1.3.0 evaluated and in shadow, 1.4.0 a candidate not
    evaluated yet (all set up over the API by root), and the registry of the runtime's database for checks."""

    def __init__(self, station, server, tmp_path):
        from inspector.models.lifecycle import ModelRegistry

        self.station, self.server = station, server
        self.registry = ModelRegistry(station.store, station.config)
        with remote(server, "root") as admin:
            shadow = upload_package(admin, candidate(tmp_path, "1.3.0"))
            assert wait_job(admin, admin.call("model_evaluate", package_id=shadow["package_id"])["job"],
                            timeout=300)["state"] == "done"
            admin.call("model_shadow", package_id=shadow["package_id"], reason="beside the live one")
            fresh = upload_package(admin, candidate(tmp_path, "1.4.0"))
        self.live = self.registry.live(NAME)
        self.shadow, self.fresh = self.registry.find(shadow["package_id"]), self.registry.find(fresh["package_id"])

    def admin(self, qtbot, size=(800, 480), user="root"):
        """The screen on a desk PC's client with ``user`` logged in."""
        client = remote(self.server)
        self.clients.append(client)
        login = ClientLogin(client).log_in(user)
        return open_view(qtbot, client, size, login=login), login


@pytest.fixture
def held(served_models, tmp_path):
    station, server = served_models
    held = Held(station, server, tmp_path)
    held.clients = []
    yield held
    for client in held.clients:
        client.close()


def shadow_on_recorded_parts(registry, entry):
    """The shadow runner the line runs, offered the recorded parts' frames as the line would after each decision."""
    import cv2

    from inspector.config import load_recipe
    from inspector.models.shadow import ShadowRunner
    from inspector.runtime import load_package
    from inspector.types import Frame

    runner = ShadowRunner(registry.store, load_recipe("surface-part"), maxsize=100)
    runner.set_models({NAME: load_package(entry.folder, trust=registry.trust, warmup_runs=0)})
    runner.start()
    for record in registry.store.records():
        runner.offer(record, Frame(cv2.imread(str(registry.store.image_file(record))), 0.0, record.part_id), [])
    deadline = time.monotonic() + 60
    while runner.scored < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runner.close() and runner.scored == 60


def test_the_table_shows_every_package_with_its_state_live_first(qtbot, held):
    live, shadow, fresh = held.live, held.shadow, held.fresh
    shadow_on_recorded_parts(held.registry, shadow)
    view, _ = held.admin(qtbot)
    assert column(view, "State") == ["LIVE", "SHADOW", "CANDIDATE"]
    assert column(view, "Version") == [live.version, "1.3.0", "1.4.0"]
    assert column(view, "Id") == [e.short_id for e in (live, shadow, fresh)]
    state = COLUMNS.index("State")
    colours = {view.table.item(row, state).background().color().name() for row in range(3)}
    assert len(colours) == 3  # each state its own colour
    tested = live.test_metrics  # the builder's figures, from the manifest
    assert column(view, "Test metrics")[0] == (f"acc {tested['accuracy_at_reject'] * 100:.1f}%\n"
                                               f"{tested['defects_passed']} defects passed")
    this, beside = shadow.evaluation["candidate"], shadow.evaluation["live"]
    assert column(view, "On this station vs live")[1] == (
        f"acc {this['accuracy'] * 100:.1f}% vs {beside['accuracy'] * 100:.1f}%\n"
        f"defects passed {this['defects_passed']} vs {beside['defects_passed']}")
    assert column(view, "On this station vs live")[2] == "not evaluated"
    assert view.table.isColumnHidden(COLUMNS.index("Test metrics"))  # 800 px: in the panel under the table
    pick(qtbot, view, shadow.package_id)
    text = detail_words(view)
    assert "shadow on line" in text and "QA defect" in text
    reject = held.registry.tables.shadow_agreement(shadow.package_id)["reject"]  # same weights: agrees on every part
    assert reject["parts"] == reject["agree_live"] > 0 and f"{reject['parts']} (100%)" in text
    assert view.buttons["promote"].isEnabled() and not view.buttons["shadow"].isEnabled()
    view.resize(1920, 1080)
    qtbot.waitUntil(lambda: not view.table.isColumnHidden(COLUMNS.index("Test metrics")), timeout=2000)


def test_promote_and_rollback_through_the_screen_are_signed_by_the_admins_pin_and_audited(qtbot, held):
    live, shadow = held.live, held.shadow
    view, _ = held.admin(qtbot)
    pick(qtbot, view, shadow.package_id)
    tap(qtbot, view.buttons["promote"])
    dialog = view.sign_dialog
    assert dialog.isVisible() and dialog.pad.isVisible()  # an admin's signature: the reason and the PIN again
    sign_reason(qtbot, dialog, pin="0000")  # a wrong PIN: refused by the runtime, shown, nothing changed
    assert "wrong PIN" in view.message.text() and view.message.property("tone") == "bad"
    assert view.state_text(shadow.package_id) == "SHADOW"
    tap(qtbot, view.buttons["promote"])
    sign_reason(qtbot, view.sign_dialog, pin=PINS["root"])
    assert view.state_text(shadow.package_id) == "LIVE" and view.state_text(live.package_id) == "RETIRED"
    assert column(view, "State")[0] == "LIVE" and column(view, "Version")[0] == "1.3.0"
    assert held.registry.live(NAME).package_id == shadow.package_id
    promoted = audit.entries(held.station.store)[-1]
    assert (promoted.action, promoted.user, promoted.signed, promoted.reason) == (
        "model.promote", "root", 1, view.sign_dialog.reason)
    assert "is live" in view.message.text() and column(view, "Approved")[0].startswith("root\n")

    pick(qtbot, view, shadow.package_id)
    tap(qtbot, view.buttons["rollback"])
    sign_reason(qtbot, view.sign_dialog, pin=PINS["root"])
    assert view.state_text(live.package_id) == "LIVE" and view.state_text(shadow.package_id) == "RETIRED"
    assert audit.entries(held.station.store)[-1].action == "model.rollback"
    assert not view.buttons["rollback"].isEnabled()  # the shipped one replaced nothing
    assert audit.verify(held.station.store).ok


def test_an_operator_is_sent_to_log_in_and_refused_by_the_runtime_when_a_client_skips_that(qtbot, held):
    shadow = held.shadow
    view, login = held.admin(qtbot, user="otto")
    pick(qtbot, view, shadow.package_id)
    tap(qtbot, view.buttons["promote"])
    assert view.sign_dialog is None and login.asked[-1][0] == "model.approve"  # the screen asks for an admin
    login.trusting = True  # a client that skips its own check: the runtime refuses
    tap(qtbot, view.buttons["promote"])
    sign_reason(qtbot, view.sign_dialog, pin=PINS["otto"])
    assert "otto" in view.message.text() and "model.approve" in view.message.text()
    assert view.message.property("tone") == "bad" and view.state_text(shadow.package_id) == "SHADOW"
    assert held.registry.live(NAME).package_id == held.live.package_id
    assert audit.entries(held.station.store)[-1].action != "model.promote"


def test_a_refusal_is_shown_as_a_readable_line_and_nothing_changes(qtbot, held):
    live, fresh = held.live, held.fresh
    view, _ = held.admin(qtbot)
    pick(qtbot, view, fresh.package_id)
    tap(qtbot, view.buttons["promote"])
    sign_reason(qtbot, view.sign_dialog, pin=PINS["root"])
    assert "was never evaluated on this station's QA data" in view.message.text()
    assert view.message.property("tone") == "bad"
    assert view.state_text(fresh.package_id) == "CANDIDATE" and held.registry.live(NAME).package_id == live.package_id
    assert audit.entries(held.station.store)[-1].action != "model.promote"


def test_evaluate_runs_in_the_runtime_with_a_progress_bar_here_and_shows_both_results(qtbot, held):
    fresh = held.fresh
    view, _ = held.admin(qtbot)
    pick(qtbot, view, fresh.package_id)
    steps, ticks = [], []
    view.model.progress.connect(lambda done, total: steps.append((done, total)))
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    with qtbot.waitSignal(view.model.evaluated, timeout=120_000):
        tap(qtbot, view.buttons["evaluate"])
        assert view.progress.isVisible() and not view.buttons["evaluate"].isEnabled()
    timer.stop()
    assert steps[-1] == (60, 60)
    assert (view.progress.value(), view.progress.maximum()) == (60, 60)
    assert len(ticks) >= 3  # the GUI thread kept running meanwhile
    qtbot.waitUntil(lambda: view.buttons["evaluate"].isEnabled(), timeout=2000)
    assert held.registry.find(fresh.package_id).evaluation is not None
    text = detail_words(view)
    assert "1.4.0 (this)" in text and "live" in text and text.count("QA defect") == 2
    assert "evaluated on 60 QA-verified images" in text
    assert column(view, "On this station vs live")[view.row_of(fresh.package_id)].startswith("acc ")
    assert "Evaluated on 60" in view.message.text()


def test_import_lists_the_stations_incoming_folders_and_holds_one_as_a_candidate(qtbot, held, tmp_path):
    incoming = Path(held.station.config.data_dir) / "incoming"
    incoming.mkdir()
    shutil.copytree(candidate(tmp_path / "usb", "1.5.0"), incoming / "usb-copy")
    forged = candidate(tmp_path / "forged", "6.6.6")
    (forged / "model.onnx").write_bytes((forged / "model.onnx").read_bytes()[:-10])
    shutil.copytree(forged, incoming / "forged")
    view, _ = held.admin(qtbot)
    tap(qtbot, view.buttons["import"])
    labels = [view.incoming_list.item(i).text() for i in range(view.incoming_list.count())]
    assert labels == ["surface_classifier 6.6.6  (forged)", "surface_classifier 1.5.0  (usb-copy)"]
    assert "inspector models import PKG" in view.incoming_note.text() and str(incoming) in view.incoming_note.text()
    tap(qtbot, view.import_button)  # the forged one first: refused with the loader's reason
    assert view.message.property("tone") == "bad" and "model.onnx" in view.message.text()
    view.incoming_list.setCurrentRow(1)
    tap(qtbot, view.import_button)
    assert view.pages.currentIndex() == 0
    assert "1.5.0" in column(view, "Version") and view.model.selected.version == "1.5.0"
    assert view.state_text(view.model.selected.package_id) == "CANDIDATE"
    entry = audit.entries(held.station.store)[-1]
    assert (entry.action, entry.user) == ("model.import", "root")
    tap(qtbot, view.buttons["import"])
    assert view.incoming_list.count() == 1  # the held one is no longer offered


def test_a_package_zip_on_this_computer_is_sent_to_the_station_and_held_as_a_candidate(qtbot, held, tmp_path):
    package = tmp_path / "desk" / "surface-1.6.0.zip"
    package.parent.mkdir()
    package.write_bytes(archive.pack(candidate(tmp_path / "build", "1.6.0")))
    view, _ = held.admin(qtbot)
    tap(qtbot, view.buttons["import"])
    view.upload(package)
    assert view.pages.currentIndex() == 0 and view.model.selected.version == "1.6.0"
    assert view.state_text(view.model.selected.package_id) == "CANDIDATE"
    assert held.registry.find(view.model.selected.package_id).folder.is_dir()  # a copy on the station
    assert "Uploaded surface_classifier 1.6.0" in view.message.text()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_screen_fits_800x480_and_full_hd_without_cut_words_or_scrolling(qtbot, held, size):
    shadow_on_recorded_parts(held.registry, held.shadow)
    view, _ = held.admin(qtbot, size)
    view.model.select(held.shadow.package_id)
    qtbot.wait(50)
    buttons = [b for b in view.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) == 6  # CLOSE and the five actions
    assert_words_whole_and_fingers_fit(view, buttons)
    table = view.table
    shown = [c for c in range(table.columnCount()) if not table.isColumnHidden(c)]
    assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()  # no column off the side
    assert table.viewport().height() >= table.rowCount() * table.verticalHeader().defaultSectionSize()
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        for c in shown:
            for line in table.item(row, c).text().split("\n"):
                assert metrics.horizontalAdvance(line) <= table.columnWidth(c), line
    area = view.detail.parentWidget()  # the scroll area's viewport: the evaluation and agreement in full
    assert view.detail.sizeHint().height() <= area.height() and view.detail.sizeHint().width() <= area.width()
    tap(qtbot, view.buttons["import"])  # the incoming page's buttons fit too
    buttons = [b for b in view.findChildren(QPushButton) if b.isVisible()]
    assert_words_whole_and_fingers_fit(view, buttons)


def test_a_counters_evaluation_reads_as_count_errors_beside_the_live_models(tmp_path):
    from inspector.models.lifecycle import Entry
    from inspector.models.rescore import summarise
    from ui.models_text import evaluation_html, evaluation_text

    truths = {1: {"count": 24}, 2: {"count": 24}, 3: {"count": 23}, 4: {"count": 24}}
    this = summarise("count", truths, {p: ("pass", {"count": 24}) for p in truths})  # part 3 counted one too many
    live = summarise("count", truths, {1: ("pass", {"count": 24}), 2: ("reject", {"count": 22}),
                                       3: ("pass", {"count": 23}), 4: ("pass", {"count": 24})})
    entry = Entry("f" * 64, "cartridge_counter", "1.5.0", "count", tmp_path, "candidate", "2026-12-06T10:00:00",
                  "adam", None, {"images": 4, "candidate": this, "live": live}, None, None, None)
    assert evaluation_text(entry) == "exact 75.0% vs 75.0%"
    document = QTextDocument()
    document.setHtml(evaluation_html(entry))
    cells = document.toPlainText().replace("\xa0", " ").split()
    this_side, live_side = " ".join(cells[:cells.index("live")]), " ".join(cells[cells.index("live"):])
    assert this_side == "1.5.0 (this) parts 0 3 +1 1 exact 75.0% of 4"  # counted - QA's count: parts
    assert live_side == "live parts -2 1 0 3 exact 75.0% of 4"


def test_closing_the_screen_mid_evaluation_leaves_the_runtime_to_finish_and_record_it(qtbot, held):
    fresh = held.fresh
    view, _ = held.admin(qtbot)
    pick(qtbot, view, fresh.package_id)
    tap(qtbot, view.buttons["evaluate"])
    tap(qtbot, view.close_button)
    view.model.close()
    deadline = time.monotonic() + 120
    while held.registry.find(fresh.package_id).evaluation is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held.registry.find(fresh.package_id).evaluation["images"] == 60  # the job is the runtime's, not the screen's
    with remote(held.server, "root") as again:  # another screen sees it done
        assert again.call("models")["evaluating"] is None
