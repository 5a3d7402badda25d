"""The line screen's states (#21): NOT READY / STOPPED, the last REJECT held, a strip that holds still and browses
back, a covered box, alarms and counters that fit 800 x 480, and the runtime's shift and lot counters."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QVBoxLayout, QWidget

from inspector.alarms import Alarm
from tests.api.conftest import served, socket_dir  # noqa: F401  (fixtures: a real ApiServer)
from tests.ui.conftest import box, no_frame_record
from ui import theme
from ui.alarms import AlarmBanner
from ui.counters import CountersPanel
from ui.live_view import LiveView
from ui.model import StationModel
from ui.overlay import annotated
from ui.results_strip import FULL_PARTS, ResultsStrip
from ui.verdict import VerdictBanner


def shown(qtbot, widget, size=(640, 400)):
    window = QWidget()
    window.setStyleSheet(theme.style_sheet(1.0))
    QVBoxLayout(window).addWidget(widget)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    widget.test_window = window
    return widget


def add(model, boxes, outcome=None, **kw):
    return model.add(*boxes(box(**kw), outcome=outcome), layout=(4, 6))


# -- the banner's states ---------------------------------------------------------------------------------------------
def test_the_banner_says_not_ready_while_the_runtime_is_away_or_a_recipe_is_switching(qtbot, model, boxes):
    verdict = shown(qtbot, VerdictBanner(model))
    add(model, boxes)
    model.set_ready(False, "no connection to the runtime: reconnecting…")
    assert (verdict.text, verdict.detail, verdict.reason) == ("NOT READY", "no connection to the runtime",
                                                             "reconnecting…")
    model.set_ready(True)
    assert verdict.text == "PASS"
    model.set_busy("switching to surface-part…")
    assert verdict.text == "NOT READY" and "switching to surface-part" in verdict.detail
    model.set_busy("")
    assert verdict.text == "PASS"


def test_after_stop_parts_still_arriving_leave_the_banner_stopped_and_name_the_last_one(qtbot, model, boxes):
    verdict = shown(qtbot, VerdictBanner(model))
    add(model, boxes)
    model.set_running(False)
    last = add(model, boxes, outcome="pass", seed=5)  # in transit when STOP was tapped: recorded after it
    assert verdict.text == "STOPPED"
    assert f"#{last.record.part_id}" in verdict.foot and "PASS" in verdict.foot


def test_a_reject_is_held_with_its_picture_while_good_parts_pass_until_tapped(qtbot, model, boxes):
    verdict, view = shown(qtbot, VerdictBanner(model)), shown(qtbot, LiveView(model))
    rejected = add(model, boxes, empty=[(1, 2)])
    for seed in range(3):
        add(model, boxes, seed=seed + 20)
    assert verdict.text == "REJECT" and verdict.part_id == rejected.record.part_id
    assert "3 newer parts" in verdict.foot and "tap" in verdict.foot
    assert view.shown_part is rejected  # the camera view keeps its picture
    qtbot.waitUntil(lambda: view._drawn is rejected, timeout=3000)
    qtbot.mouseClick(verdict, Qt.MouseButton.LeftButton)
    assert verdict.text == "PASS" and verdict.part_id == model.latest.record.part_id
    assert view.shown_part is model.latest


def test_a_held_reject_lets_go_by_itself_after_its_time(qtbot, model, boxes):
    model.hold.hold_s = 0.3
    verdict = shown(qtbot, VerdictBanner(model))
    add(model, boxes, empty=[(0, 0)])
    add(model, boxes, seed=8)
    assert verdict.state == "held"
    qtbot.waitUntil(lambda: verdict.state == "part", timeout=3000)
    assert verdict.text == "PASS"


def test_a_newer_reject_takes_the_hold_and_a_fail_safe_is_held_too(qtbot, model, boxes):
    verdict = shown(qtbot, VerdictBanner(model))
    add(model, boxes, empty=[(0, 0)])
    fail_safe = model.add(no_frame_record(5000))
    add(model, boxes, seed=8)
    assert verdict.text == "FAIL-SAFE" and model.hold.part is fail_safe


def test_every_line_of_the_banner_stays_in_its_own_band_at_800x480(qtbot, model):
    verdict = shown(qtbot, VerdictBanner(model), size=(360, 200))  # the banner's share of an 800 x 480 window
    record = no_frame_record(77)
    record.reason = "no camera frame within 0.15 s of the trigger: the part was rejected without being inspected " * 2
    model.add(record)
    assert verdict.state == "held" and len(verdict.lines) == 4
    for i, (rect, font, text) in enumerate(verdict.lines):
        assert QFontMetrics(font).horizontalAdvance(text) <= rect.width()
        assert QFontMetrics(font).height() <= rect.height() + 2
        for other, _, _ in verdict.lines[i + 1:]:
            assert not rect.intersects(other)
    assert verdict.lines[2][2].endswith("…")  # the long reason elided, not run into the line below


# -- the covered box -------------------------------------------------------------------------------------------------
def test_nothing_is_drawn_on_a_covered_box(qtbot, model, boxes):
    part = add(model, boxes, outcome="uncertain", occluder="glove", seed=11)
    assert part.overlay.covered and part.overlay.items == () and part.overlay.empty_slots == ()
    assert np.array_equal(annotated(part.frame.image, part.overlay), part.frame.image)


# -- the strip -------------------------------------------------------------------------------------------------------
@pytest.fixture
def strips(qtbot, model, boxes):
    """``strips(n)``: a strip 700 px wide that was handed ``n`` parts; its renderer stopped at the end."""
    made = []

    def make(n=8):
        strip = shown(qtbot, ResultsStrip(model), size=(700, 90))
        strip.set_tile_height(80)
        made.append(strip)
        return strip, [add(model, boxes, seed=s) for s in range(n)]

    yield make
    for strip in made:
        assert strip.stop()


def test_the_strip_holds_still_under_a_finger_and_the_tap_opens_the_part_pressed(qtbot, model, boxes, strips):
    strip, added = strips()
    at = strip.tile_rect(1).center()
    qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=at)
    for seed in range(3):  # the line goes on while the finger is down
        add(model, boxes, seed=40 + seed)
    assert strip.part_at(1) is added[-2]  # nothing slid under the finger
    with qtbot.waitSignal(strip.part_tapped) as tapped:
        qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=at)
    assert tapped.args[0] is added[-2]
    assert strip.part_at(0) is model.latest  # let go: the newest again


def test_dragging_the_strip_browses_back_until_live_is_tapped(qtbot, model, boxes, strips):
    strip, added = strips(12)
    pitch = strip.tile_rect(1).x() - strip.tile_rect(0).x()
    start = strip.tile_rect(2).center()
    qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(strip, start - QPoint(3 * pitch, 0))
    qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=start - QPoint(3 * pitch, 0))
    assert strip.browsing and strip.offset == 3
    assert strip.part_at(1) is added[-4]  # slot 0 is the LIVE tile
    add(model, boxes, seed=50)
    assert strip.part_at(1) is added[-4] and strip.came_since == 1  # still where it was
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=strip.live_rect().center())
    assert not strip.browsing and strip.part_at(0) is model.latest


def test_the_strip_keeps_a_history_to_browse_and_only_the_newest_frames(strips):
    strip, added = strips(FULL_PARTS + 6)
    assert strip.parts[-1].record.part_id == added[0].record.part_id
    assert all(p.frame is not None for p in strip.parts[:FULL_PARTS])
    assert all(p.frame is None for p in strip.parts[FULL_PARTS:])  # the thumbnail and record stay


# -- counters --------------------------------------------------------------------------------------------------------
SHIFT = {"started": "2026-12-06T06:00:00+00:00", "inspected": 3412, "passed": 3290, "rejected": 97, "check": 21,
         "fail_safe": 4}
LOT = {"lot": "4711", "started": "2026-12-06T08:12:00+00:00", "inspected": 1204, "passed": 1170, "rejected": 28,
       "check": 5, "fail_safe": 1}


def test_the_runtimes_counters_are_shown_and_parts_no_longer_count_in_the_window(qtbot, model, boxes):
    counters = shown(qtbot, CountersPanel(model), size=(260, 130))
    add(model, boxes)
    assert counters.text("inspected") == "1"
    model.set_counters(SHIFT, LOT)
    assert [counters.text(k) for k in ("inspected", "passed", "rejected", "check", "fail_safe", "yield")] == \
        ["3,412", "3,290", "97", "21", "4", "96.4%"]
    add(model, boxes)  # the runtime's next counters event carries it
    assert counters.text("inspected") == "3,412"
    assert "SHIFT since" in counters.period_line.text() and "LOT 4711" in counters.period_line.text()
    qtbot.mouseClick(counters, Qt.MouseButton.LeftButton)
    assert counters.period == "lot" and counters.text("inspected") == "1,204"
    assert counters.period_line.text().startswith("LOT 4711")


def test_counter_figures_and_captions_fit_their_tiles_at_800x480(qtbot, model):
    counters = shown(qtbot, CountersPanel(model), size=(250, 120))  # its place in an 800 x 480 window
    model.set_counters({**SHIFT, "inspected": 1234567, "passed": 1200000}, LOT)
    labels = list(counters.values.values()) + list(counters.captions.values()) + [counters.period_line]
    for label in labels:
        font, text = label.fitted()
        assert text == label.text() or text.endswith("…")
        assert QFontMetrics(font).horizontalAdvance(text) <= label.contentsRect().width()
    boxes = [QRect(label.mapTo(counters, QPoint(0, 0)), label.size()) for label in labels]
    for i, a in enumerate(boxes):
        assert counters.rect().contains(a)
        for b in boxes[i + 1:]:
            assert not a.intersects(b)


def test_a_restarted_window_shows_the_runtimes_counters(qtbot, served):  # noqa: F811
    from inspector.api.client import Client

    station, server = served
    first, second = StationModel(), StationModel()
    with Client.local(str(server.socket_path)) as client:
        values = client.counters()
        first.set_counters(values["shift"], values["lot"])
    with Client.local(str(server.socket_path)) as client:  # the window killed and started again
        values = client.counters()
        second.set_counters(values["shift"], values["lot"])
    assert first.counters == second.counters and first.counters.inspected == 12


def test_end_shift_goes_through_the_runtime_and_a_qa_login_may_not(qtbot, served):  # noqa: F811
    from inspector import audit
    from inspector.api.client import Client
    from inspector.api.protocol import ApiError
    from tests.api.conftest import PINS
    from ui.counters import end_shift

    station, server = served
    model = StationModel()
    counters = shown(qtbot, CountersPanel(model), size=(260, 130))
    with Client.local(str(server.socket_path)) as client:
        model.set_counters(client.counters()["shift"], None)
        assert counters.text("inspected") == "12"
        client.login("ana", PINS["ana"])
        with pytest.raises(ApiError, match="forbidden"):
            end_shift(client.call, model)
        assert counters.text("inspected") == "12"
        client.login("otto", PINS["otto"])
        assert end_shift(client.call, model, "handover to the late shift").inspected == 0
    assert counters.text("inspected") == "0"
    assert audit.entries(station.store)[-1].reason == "handover to the late shift"


# -- alarms ----------------------------------------------------------------------------------------------------------
def alarms():
    return [Alarm("no_frame", "part 4131: no camera frame within 0.15 s of the trigger, rejected uninspected",
                  "2026-12-06T09:42:00.000+00:00", 4131),
            Alarm("camera_lost", "the camera stopped sending frames (USB reset?) - reconnecting",
                  "2026-12-06T09:41:58.000+00:00", None, 3),
            Alarm("disk_low", "only 812 MiB free on /var/lib/inspector", "2026-12-06T09:30:00.000+00:00")]


def test_on_800x480_one_alarm_row_names_the_others_and_nothing_is_cut(qtbot, model):
    banner = shown(qtbot, AlarmBanner(model), size=(800, 480))
    model.set_alarms(alarms())
    assert banner.kinds == ["no_frame"]
    button = banner.buttons[0]
    first, second = button.text().split("\n")
    assert "+2 more" in first and "TAP TO ACKNOWLEDGE" in first and second.startswith("part 4131")
    metrics = QFontMetrics(button.font())
    assert max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second)) <= banner.text_width(button)
    assert button.height() >= 48 and button.height() >= 2 * metrics.height()
    with qtbot.waitSignal(banner.acknowledge) as ack:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert ack.args == ["no_frame"]


def test_a_bigger_screen_shows_more_alarm_rows(qtbot, model):
    banner = shown(qtbot, AlarmBanner(model), size=(1920, 1080))
    model.set_alarms(alarms())
    assert banner.kinds == ["no_frame", "camera_lost"] and "+1 more" in banner.buttons[1].text()
    banner.window().resize(1920, 1440)
    qtbot.waitUntil(lambda: banner.kinds == ["no_frame", "camera_lost", "disk_low"], timeout=2000)
