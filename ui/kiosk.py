"""Kiosk mode: the window takes the whole screen by itself, with or without a window manager.

``showFullScreen()`` alone asks the window manager to do it; on a bare X server (the line's touchscreen often runs
none) it is ignored and the window keeps its size: 1280 x 800 on an 800 x 480 panel, OK buttons off screen. So the
window is made frameless and given the screen's geometry itself, then asked to be full screen as well (a window
manager, where there is one, keeps it there).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fill_screen(window: QWidget, screen=None) -> None:
    """Show ``window`` frameless over all of ``screen`` (the primary screen by default), cursor hidden."""
    screen = screen or window.screen() or QGuiApplication.primaryScreen()
    area = screen.geometry()
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.setMinimumSize(0, 0)  # a panel smaller than the desktop minimum must still be filled, not overhung
    window.setGeometry(area)
    window.showFullScreen()
    window.setGeometry(area)  # again after mapping: without a window manager nothing else places it
    QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
