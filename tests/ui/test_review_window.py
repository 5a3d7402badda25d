"""The review screen inside the station window (a client of the runtime): REVIEW from the operator's header, LINE
back."""
from PySide6.QtCore import Qt

from tests.ui.conftest import connect_window
from tests.ui.review_data import label_rows, parts_rows


def test_review_opens_from_the_operator_screen_and_asks_the_runtime(qtbot, served):
    station = served.serve("cartridge-box")
    window = connect_window(qtbot, served.socket, size=(800, 480))
    station.start(parts=15)
    qtbot.waitUntil(lambda: station.stats.recorded >= 15, timeout=15000)
    station.line.stop()
    qtbot.waitUntil(lambda: station.writer.stats().written >= 15, timeout=5000)
    before = parts_rows(station.store.path)

    qtbot.mouseClick(window.menu_button, Qt.MouseButton.LeftButton)  # REVIEW is behind MENU in the header
    assert window.review.button.isVisible() and window.review.button.height() >= 48
    qtbot.mouseClick(window.review.button, Qt.MouseButton.LeftButton)
    assert not window.menu.isVisible()
    screen = window.review.screen
    assert window.review.showing and screen.isVisible() and not window.live.isVisible()
    queued = [i.record for i in screen.model.items]
    assert queued and all(r.outcome != "pass" or r.image_path for r in queued)  # what the line asked a person about
    picker = screen.picker  # no users on this station: the reviewer types their name once
    picker.new.setText("erin")
    picker.new.returnPressed.emit()
    first = screen.model.current.record.part_id
    screen.model.confirm()
    assert [(r["part_id"], r["reviewer"], r["verdict"]) for r in label_rows(station.store.path)] == \
        [(first, "erin", "confirm")]

    qtbot.mouseClick(screen.back_button, Qt.MouseButton.LeftButton)
    assert not window.review.showing and window.live.isVisible()
    assert parts_rows(station.store.path) == before
    window.close()
