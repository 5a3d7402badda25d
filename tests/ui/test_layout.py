"""The window on the Pi's 7" display and on a full-HD screen: everything fits, every target takes a gloved finger."""
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QPushButton

from inspector.alarms import Alarm
from ui.app import StationWindow
from ui.controller import StationController
from ui.model import StationModel


@pytest.mark.parametrize("size", [(800, 480), (1920, 1080)])
def test_everything_fits_and_every_touch_target_is_at_least_48_px(qtbot, station_factory, size):
    model = StationModel()
    controller = StationController(model, station_factory("cartridge-box"))
    window = StationWindow(model, controller, recipes=["cartridge-box", "surface-part"])
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    model.set_alarms([Alarm("camera_lost", "synthetic camera unplugged", "2026-01-01T08:00:00.000+00:00")])
    qtbot.wait(100)
    assert (window.width(), window.height()) == size
    for widget in (window.alarms, window.controls, window.live, window.verdict, window.preview, window.counters,
                   window.strip, window.status):
        corner = widget.mapTo(window, QPoint(widget.width() - 1, widget.height() - 1))
        assert widget.isVisible() and window.rect().contains(corner), type(widget).__name__
    for button in window.findChildren(QPushButton):
        if button.isVisible():
            assert button.height() >= 48 and button.width() >= 48, button.text()
    assert window.strip.tile_rect(0).height() >= 48
    assert QFontMetrics(window.verdict.word_font).height() >= 48
    assert window.charts.isVisible() == (size[0] >= 1280)  # on the small screen, behind CHARTS
    window.pick_recipe()
    assert all(b.height() >= 48 for b in window.picker.buttons.values())
    window.picker.reject()
    window.close()
