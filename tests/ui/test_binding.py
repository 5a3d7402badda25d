"""The Qt binding itself: a window that runs for a whole shift must not leak or drop references on every call."""
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton


class Emitter(QObject):
    flag = Signal(bool)


def test_signals_and_calls_keep_the_reference_counts_of_none_and_booleans(qapp):
    emitter, button = Emitter(), QPushButton()
    emitter.flag.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        emitter.flag.emit(True)
        button.setVisible(False)
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert abs(after[0] - before[0]) < 20 and abs(after[1] - before[1]) < 20, (
        f"PySide6 drops references (True {after[0] - before[0]:+}, None {after[1] - before[1]:+} over 200 calls): "
        "a long-running window would abort; pin another PySide6 version")
