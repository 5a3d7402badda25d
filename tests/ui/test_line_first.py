"""The window's work waits while a part is being decided, bounded, and only the newest call of a kind runs."""
import threading
import time

from inspector.deciding import Deciding
from ui.line_first import LineFirst
from ui.renderer import Renderer


def test_calls_run_at_once_while_no_part_is_being_decided(qtbot):
    first, ran = LineFirst(Deciding()), []
    first.call("paint", ran.append, 1)
    assert ran == [1] and first.deferred == 0


def test_a_call_waits_for_the_decision_and_only_the_newest_of_a_key_runs(qtbot):
    deciding = Deciding()
    first, ran = LineFirst(deciding, max_wait_s=5.0), []
    deciding.begin(7)
    first.call("paint", ran.append, "old frame")
    first.call("paint", ran.append, "new frame")
    first.call("charts", ran.append, "charts")
    qtbot.wait(30)
    assert ran == []
    deciding.end(7)
    qtbot.waitUntil(lambda: len(ran) == 2, timeout=1000)
    assert sorted(ran) == ["charts", "new frame"]
    assert first.overdue == 0


def test_a_line_that_is_always_deciding_delays_the_window_by_max_wait_only(qtbot):
    deciding = Deciding()
    deciding.begin(1)  # never ends: a saturated line
    first, ran = LineFirst(deciding, max_wait_s=0.03), []
    t = time.monotonic()
    first.call("paint", lambda: ran.append(time.monotonic() - t))
    qtbot.waitUntil(lambda: len(ran) == 1, timeout=1000)
    assert 0.03 <= ran[0] < 0.5
    assert first.overdue == 1


def test_rendering_jobs_start_only_once_the_part_is_decided(qtbot):
    deciding = Deciding()
    first = LineFirst(deciding, max_wait_s=5.0)
    renderer = Renderer("test", wait=first.wait)
    started, done = [], []
    renderer.connect(lambda key, result: done.append(result))
    deciding.begin(3)
    renderer.submit("job", lambda: started.append(time.monotonic()) or "drawn")
    decided_at = time.monotonic() + 0.1
    threading.Timer(0.1, deciding.end, args=(3,)).start()
    qtbot.waitUntil(lambda: done == ["drawn"], timeout=2000)
    assert started[0] >= decided_at - 0.01
    assert renderer.stop()


def test_without_a_line_nothing_waits(qtbot):
    first, ran = LineFirst(), []
    first.call("paint", ran.append, 1)
    first.wait()
    assert ran == [1] and not first.busy


def _held_window(qtbot, first: LineFirst):
    """A shown window whose paints go through ``first``; returns a list that counts its paints (one so far)."""
    from PySide6.QtWidgets import QWidget

    painted = []

    class Counting(QWidget):
        def paintEvent(self, event):
            painted.append(time.monotonic())

    window = Counting()
    qtbot.addWidget(window)
    first.hold_painting(window)
    window.show()
    qtbot.waitUntil(lambda: len(painted) >= 1, timeout=1000)
    painted.clear()
    return window, painted


def test_a_window_is_painted_only_once_the_part_is_decided(qtbot):
    deciding = Deciding()
    first = LineFirst(deciding, max_wait_s=5.0)
    window, painted = _held_window(qtbot, first)
    deciding.begin(4)
    window.update()
    qtbot.wait(60)
    assert painted == []  # the update request waits for the decision
    deciding.end(4)
    qtbot.waitUntil(lambda: len(painted) == 1, timeout=1000)
    window.update()  # the line idle: painted at once, as without the gate
    qtbot.waitUntil(lambda: len(painted) == 2, timeout=1000)


def test_a_saturated_line_delays_painting_by_max_wait_only(qtbot):
    deciding = Deciding()
    first = LineFirst(deciding, max_wait_s=0.03)
    window, painted = _held_window(qtbot, first)
    deciding.begin(1)  # never ends
    window.update()
    qtbot.waitUntil(lambda: len(painted) == 1, timeout=1000)
    assert first.overdue >= 1
