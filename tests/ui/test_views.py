"""Each view over the model, fed the records the line hands over: what the operator sees is what the record says."""
import threading
import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QVBoxLayout, QWidget

from inspector.alarms import Alarm
from tests.ui.conftest import box, no_frame_record, part
from ui import theme
from ui.alarms import AlarmBanner
from ui.link import StationLink
from ui.model import InspectedPart
from ui.charts import ChartsPanel
from ui.controls import ControlBar
from ui.counters import CountersPanel
from ui.live_view import LiveView
from ui.results_strip import ResultsStrip
from ui.verdict import VerdictBanner


def shown(qtbot, widget, size=(640, 400)):
    """``widget`` alone in a window styled as the station's (800 x 480 scale)."""
    window = QWidget()
    window.setStyleSheet(theme.style_sheet(1.0))
    QVBoxLayout(window).addWidget(widget)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    widget.test_window = window  # keeps the window (and so the widget) alive
    return widget


def test_a_box_with_empty_slots_is_rejected_with_its_count_and_the_empty_slots_marked(qtbot, model, boxes):
    verdict, view = shown(qtbot, VerdictBanner(model)), shown(qtbot, LiveView(model))
    item = box(empty=[(1, 2), (3, 5)])
    model.add(*boxes(item), layout=(4, 6))
    assert verdict.text == "REJECT"
    assert verdict.detail.startswith("22 / 24")
    assert "2 missing" in verdict.reason
    overlay = view.overlay
    assert view.showing_part and len(overlay.items) == 22 and len(overlay.empty_slots) == 2
    for x, y in item.truth["empty"]:
        assert min(np.hypot(ex - x, ey - y) for ex, ey in overlay.empty_slots) < item.truth["radius_px"] / 2


def test_a_full_box_passes_with_every_cartridge_marked_and_no_empty_slot(qtbot, model, boxes):
    verdict, view = shown(qtbot, VerdictBanner(model)), shown(qtbot, LiveView(model))
    model.add(*boxes(box()), layout=(4, 6))
    assert verdict.text == "PASS" and verdict.detail.startswith("24 / 24")
    assert len(view.overlay.items) == 24 and view.overlay.empty_slots == ()


def test_a_covered_box_says_what_to_do_with_no_count_no_confidence_and_nothing_drawn_on_it(qtbot, model, boxes):
    verdict, view = shown(qtbot, VerdictBanner(model)), shown(qtbot, LiveView(model))
    model.add(*boxes(box(occluder="glove", seed=11), outcome="uncertain"), layout=(4, 6))
    assert verdict.text == "COVERED" and "remove the obstruction" in verdict.detail
    assert "set the box aside" in verdict.reason
    assert "confidence" not in verdict.detail + verdict.reason and "/ 24" not in verdict.detail + verdict.reason
    assert view.overlay.covered and view.overlay.markers == 0  # no rings on the fingers


def test_a_defective_part_is_rejected_with_its_defect_outlined_and_boxed(qtbot, model, parts):
    verdict, view = shown(qtbot, VerdictBanner(model)), shown(qtbot, LiveView(model))
    item = part(defect="scratch")
    model.add(*parts(item))
    assert verdict.text == "REJECT" and "confidence" in verdict.detail
    overlay = view.overlay
    assert len(overlay.outline) >= 3 and overlay.defect_box is not None
    x, y, w, h = item.truth["defect_box"]
    ox, oy = np.mean(overlay.outline, axis=0)
    assert x - 10 <= ox <= x + w + 10 and y - 10 <= oy <= y + h + 10


def test_a_good_part_passes_with_nothing_outlined(qtbot, model, parts):
    verdict, view = shown(qtbot, VerdictBanner(model)), shown(qtbot, LiveView(model))
    model.add(*parts(part()))
    assert verdict.text == "PASS"
    assert view.overlay.outline == () and view.overlay.defect_box is None


def test_a_part_without_a_frame_shows_fail_safe_and_its_reason(qtbot, model):
    verdict, view = shown(qtbot, VerdictBanner(model)), shown(qtbot, LiveView(model))
    model.add(no_frame_record())
    assert verdict.text == "FAIL-SAFE" and "no frame" in verdict.reason
    assert view.shown_part.frame is None and view.overlay.markers == 0


def test_the_banner_says_stopped_while_the_line_is_stopped(qtbot, model, boxes):
    verdict = shown(qtbot, VerdictBanner(model))
    model.add(*boxes(box()))
    model.set_running(False)
    assert verdict.text == "STOPPED"
    model.set_running(True)
    model.add(*boxes(box()))
    assert verdict.text == "PASS"


def test_the_verdict_word_is_large_and_fits(qtbot, model):
    verdict = shown(qtbot, VerdictBanner(model), size=(360, 170))
    model.add(no_frame_record())
    metrics = QFontMetrics(verdict.word_font)
    assert metrics.height() >= 48  # readable from a metre away
    assert metrics.horizontalAdvance(verdict.text) <= verdict.width() - 20


def test_counters_add_up_the_shift_by_outcome(qtbot, model, boxes):
    counters = shown(qtbot, CountersPanel(model))
    for outcome in ["pass"] * 5 + ["reject"] * 2 + ["uncertain"]:
        model.add(*boxes(box(), outcome=outcome))
    model.add(no_frame_record())
    assert [counters.text(k) for k in ("inspected", "passed", "rejected", "check", "fail_safe", "yield")] == \
        ["9", "5", "2", "1", "1", "55.6%"]
    model.new_shift()
    assert counters.text("inspected") == "0" and counters.text("yield") == "–"


def test_the_strip_shows_the_newest_results_first_and_a_tap_opens_one(qtbot, model, boxes):
    strip = shown(qtbot, ResultsStrip(model), size=(700, 90))
    strip.set_tile_height(80)
    added = [model.add(*boxes(box(seed=s))) for s in range(10)]
    assert strip.parts[0] is added[-1]
    qtbot.waitUntil(lambda: strip.has_picture(0), timeout=2000)  # drawn on the renderer's thread
    assert 4 <= strip.visible_tiles() <= 7  # as many as fit the width
    assert strip.tile_rect(0).width() >= 48 and strip.tile_rect(0).height() >= 48  # a glove can hit one
    with qtbot.waitSignal(strip.part_tapped) as tapped:
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=strip.tile_rect(1).center())
    assert tapped.args[0] is added[-2]


def test_an_alarm_stays_until_tapped_and_the_tap_asks_to_acknowledge_it(qtbot, model):
    banner = shown(qtbot, AlarmBanner(model), size=(700, 80))
    assert not banner.isVisible()
    model.set_alarms([Alarm("camera_lost", "synthetic camera unplugged", "2026-01-01T08:00:00.000+00:00")])
    assert banner.isVisible() and banner.kinds == ["camera_lost"]
    assert "CAMERA LOST" in banner.buttons[0].text()
    assert banner.buttons[0].height() >= 48
    with qtbot.waitSignal(banner.acknowledge) as ack:
        qtbot.mouseClick(banner.buttons[0], Qt.MouseButton.LeftButton)
    assert ack.args == ["camera_lost"]
    model.set_alarms([])
    assert not banner.isVisible()


def test_the_run_button_says_what_a_tap_will_do(qtbot, model):
    bar = shown(qtbot, ControlBar(model), size=(700, 60))
    assert "STOP" in bar.run_button.text()
    with qtbot.waitSignal(bar.stop):
        qtbot.mouseClick(bar.run_button, Qt.MouseButton.LeftButton)
    model.set_running(False)
    assert "START" in bar.run_button.text()
    with qtbot.waitSignal(bar.start):
        qtbot.mouseClick(bar.run_button, Qt.MouseButton.LeftButton)
    model.set_busy("switching to surface-part…")
    assert not bar.run_button.isEnabled() and not bar.recipe_button.isEnabled()


def test_charts_follow_the_shift(qtbot, model, boxes):
    charts = shown(qtbot, ChartsPanel(model), size=(800, 500))
    for outcome in ["pass"] * 30 + ["reject"] * 10:
        model.add(*boxes(box(), outcome=outcome))
    charts.refresh()
    _, latency = charts.latency.getData()
    assert len(latency) == 40 and np.allclose(latency, 12.5)
    assert charts.histogram.opts["height"].sum() == 40


def test_the_live_view_draws_the_newest_camera_frame_and_counts_the_ones_it_skipped(qtbot, model, boxes):
    from inspector.types import Frame

    frames = {"now": None}
    model.set_station(model.info, frames=lambda: frames["now"])
    model.set_running(False)
    view = shown(qtbot, LiveView(model))
    feed = view.camera
    image = box().image
    for seq in (1, 2, 5, 6, 9):  # 3, 4, 7 and 8 came and went between two reads
        frames["now"] = Frame(image, t=seq / 30, seq=seq)
        qtbot.waitUntil(lambda: feed.drawn_seq == seq, timeout=1000)
    qtbot.waitUntil(lambda: feed.frames_drawn >= 3, timeout=1000)
    assert feed.skipped_frames == 4
    assert not view.showing_part and feed.isVisible()  # stopped: the live camera fills the view


def test_the_link_never_makes_its_reader_wait_and_delivers_every_part_in_a_few_batches(qtbot, model, boxes):
    link = StationLink(model, connect=lambda: None)  # not started: its reader's side is driven from this test
    record, frame, results = boxes(box())
    part = InspectedPart(record, frame, tuple(results))
    took = []

    def reader_thread():
        start = time.perf_counter()
        for _ in range(200):
            link._post(parts=[part])
        took.append(time.perf_counter() - start)

    worker = threading.Thread(target=reader_thread)
    worker.start()
    time.sleep(0.3)  # the GUI thread is busy: nothing is delivered meanwhile
    worker.join(1)
    assert took and took[0] < 0.25
    qtbot.waitUntil(lambda: len(model.samples) == 200, timeout=2000)
    assert link.batches <= 5  # what piled up came in a few batches, not 200 events
    assert model.counters.inspected == 200  # no counters came from a runtime: the window counts what it was shown
