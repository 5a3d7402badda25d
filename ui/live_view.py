"""The camera view: the last inspected part, full size, with its overlays; the live camera while the line is idle.

The overlays belong to the frame the part was decided on, so they are drawn on that frame and never on a later one
(at 10 parts/s the next box is already in view when a decision arrives). A held REJECT (``ui.reject_hold``) stays
in the view, tagged HELD, until the hold ends. While the line is stopped, or no part came
for ``idle_after_s``, the live camera (a ``CameraFeed``) fills the view instead. The window shows the live camera
beside it as well, small, all the time.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.camera_feed import CameraFeed
from ui.model import InspectedPart, StationModel
from ui.pictures import fit_rect, to_qimage
from ui.renderer import Renderer
from ui.i18n import tr


def _render_part(part: InspectedPart, size: QSize):
    return (part, size, *to_qimage(part.annotated, size)) if part.annotated is not None else (part, size, None, None)


class LiveView(QWidget):
    part_tapped = Signal(object)  # InspectedPart shown when the operator tapped the view

    def __init__(self, model: StationModel, *, idle_after_s: float = 10.0, parent=None):
        super().__init__(parent)
        self.model = model
        self.idle_after_s = idle_after_s
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.shown_part: InspectedPart | None = None
        self._picture: tuple[QImage, np.ndarray] | None = None
        self._drawn: InspectedPart | None = None  # the part whose picture is on screen
        self._frame_size = (640, 480)
        self._last_part_at = 0.0
        self.camera = CameraFeed(model, name="camera-view", parent=self)
        self.renderer = Renderer("part-view", limit=1, wait=model.line_first.wait, parent=self)
        self.renderer.connect(self._rendered)
        self.idle_check = QTimer(self)
        self.idle_check.setInterval(250)
        self.idle_check.timeout.connect(self._show_mode)
        self.idle_check.start()
        model.parts_added.connect(self._on_parts)
        model.hold.changed.connect(self._on_hold)
        model.running_changed.connect(self._running_changed)  # bound: the model outlives this window
        self._show_mode()

    def _running_changed(self, _running: bool) -> None:
        self._show_mode()

    @property
    def showing_part(self) -> bool:
        """True while the last part fills the view; False while the live camera does."""
        return (self.shown_part is not None and self.model.running
                and time.monotonic() - self._last_part_at < self.idle_after_s)

    @property
    def overlay(self):
        return self.shown_part.overlay if self.showing_part else None

    def stop(self) -> bool:
        self.idle_check.stop()
        return all([self.camera.stop(), self.renderer.stop()])

    def _pane(self) -> QRect:
        return fit_rect(self.rect(), *self._frame_size)

    def _show_mode(self) -> None:
        showing = self.showing_part
        if self.camera.isVisibleTo(self) == showing:
            self.camera.setVisible(not showing)
            self.update()

    def resizeEvent(self, event) -> None:
        self.camera.setGeometry(self.rect())
        if self.shown_part is not None:
            self.renderer.submit("part", _render_part, self.shown_part, self._pane().size())
        super().resizeEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._drawn is not None:
            self.part_tapped.emit(self._drawn)

    def _on_parts(self, parts: list) -> None:
        if not parts:
            return
        self._last_part_at = time.monotonic()
        held = self.model.hold.part
        self._show_part(held if held is not None else parts[-1])  # only the newest (or the held one) is drawn

    def _on_hold(self, held) -> None:
        part = held if held is not None else self.model.latest
        if part is not None:
            self._show_part(part)
        self.update()  # the HELD tag comes or goes

    def _show_part(self, part: InspectedPart) -> None:
        if part is self.shown_part:
            self._show_mode()
            return
        self.shown_part = part
        if part.frame is not None:
            self._frame_size = (part.frame.image.shape[1], part.frame.image.shape[0])
        self.renderer.submit("part", _render_part, part, self._pane().size())
        self._show_mode()

    def _rendered(self, key: str, result) -> None:
        part, size, image, pixels = result
        if part is self.shown_part and size == self._pane().size():
            self._picture = None if image is None else (image, pixels)
            self._drawn = part
            self.update()  # painted when the line lets the window paint (LineFirst.hold_painting)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#000000"))
        pane, drawn = self._pane(), self._drawn
        if drawn is not None:
            if self._picture is not None:
                painter.drawImage(pane.topLeft(), self._picture[0])
            else:
                self._text(painter, pane, tr("no camera frame for this part"), QColor("#fbbf24"), pane.height() // 16)
            held = "  " + tr("HELD") if drawn is self.model.hold.part else ""
            self._tag(painter, pane.topLeft(), f"#{drawn.record.part_id}{held}", pane.height() // 13)
        painter.end()

    def _tag(self, painter: QPainter, at: QPoint, text: str, size: int) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(12, size))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        pad = font.pixelSize() // 4
        box = QRect(at.x(), at.y(), metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad)
        painter.fillRect(box, QColor(0, 0, 0, 190))
        painter.setPen(QColor("#f2f5f8"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _text(self, painter: QPainter, rect: QRect, text: str, colour: QColor, size: int) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(14, size))
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
