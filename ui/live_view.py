"""The camera view: the last inspected part with its overlays, and the live camera in a corner at display rate.

The overlays belong to the frame the part was decided on, so they are drawn on that frame, never on a later one
(at 10 parts/s the next box is already in view when a decision arrives). While the line is stopped or idle, the live
camera fills the view. A timer reads the newest frame (``FrameBuffer.latest()``, which never waits); frames the
camera made between two drawn ones are counted as skipped. Scaling happens on a ``Renderer`` worker.
"""
from __future__ import annotations

import collections
import time

import cv2
import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector.types import Frame
from ui.model import InspectedPart, StationModel
from ui.renderer import Renderer

BACKGROUND = QColor("#000000")


def to_qimage(image_bgr: np.ndarray, size: QSize, *, fine: bool = False) -> tuple[QImage, np.ndarray]:
    """``image_bgr`` resized to ``size`` as a 32-bit QImage, and the array holding its pixels (keep it alive).

    Two OpenCV calls, which release the GIL: the line's threads keep running meanwhile. ``fine``: area averaging for
    a strong reduction (thumbnails), else bilinear (cheaper, good enough for a moving picture).
    """
    w, h = max(1, size.width()), max(1, size.height())
    shrink = fine and w < image_bgr.shape[1] // 2
    small = cv2.resize(image_bgr, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    bgra = cv2.cvtColor(small, cv2.COLOR_BGR2BGRA)
    return QImage(bgra.data, w, h, bgra.strides[0], QImage.Format.Format_RGB32), bgra


def fit_rect(outer: QRect, width: int, height: int) -> QRect:
    """The largest rectangle of aspect ``width:height`` centred in ``outer``."""
    scale = min(outer.width() / max(1, width), outer.height() / max(1, height))
    w, h = int(width * scale), int(height * scale)
    return QRect(outer.x() + (outer.width() - w) // 2, outer.y() + (outer.height() - h) // 2, w, h)


def _render_part(part: InspectedPart, size: QSize):
    return (part, size, *to_qimage(part.annotated, size)) if part.annotated is not None else (part, size, None, None)


def _render_live(frame: Frame, size: QSize):
    return (frame, size, *to_qimage(frame.image, size))


class LiveView(QWidget):
    part_tapped = Signal(object)  # InspectedPart shown when the operator tapped the view

    def __init__(self, model: StationModel, *, fps: float = 30.0, idle_after_s: float = 3.0, parent=None):
        super().__init__(parent)
        self.model = model
        self.idle_after_s = idle_after_s
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.shown_part: InspectedPart | None = None
        self.frames_drawn = 0
        self.skipped_frames = 0  # camera frames never drawn (the view draws only the newest)
        self._frame_size = (640, 480)
        self._part_image: tuple[QImage, np.ndarray] | None = None
        self._part_drawn: InspectedPart | None = None  # the part whose picture is on screen
        self._live_image: tuple[QImage, np.ndarray] | None = None
        self._requested: Frame | None = None
        self._drawn_seq: int | None = None
        self._last_part_at = 0.0
        self._paints: collections.deque[float] = collections.deque(maxlen=240)
        self._live_fresh = False
        self._pane = self._inset = QRect()
        self.renderer = Renderer("camera-view", parent=self)
        self.renderer.connect(self._rendered)
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(round(1000 / fps))
        self.timer.timeout.connect(self._tick)
        model.parts_added.connect(self._on_parts)
        model.running_changed.connect(lambda _: self._relayout())

    # -- what the view shows (tests read these) ------------------------------------------------------------------
    @property
    def overlay(self):
        return self.shown_part.overlay if self.showing_part else None

    @property
    def showing_part(self) -> bool:
        """True when the last part fills the view (the live camera is then the inset)."""
        return (self.shown_part is not None and self.model.running
                and time.monotonic() - self._last_part_at < self.idle_after_s)

    @property
    def display_fps(self) -> float:
        now = time.monotonic()
        return float(sum(1 for t in self._paints if now - t <= 1.0))

    @property
    def drawn_seq(self) -> int | None:
        """Camera sequence number of the live frame on screen."""
        return self._drawn_seq

    # -- life ---------------------------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def stop(self) -> bool:
        self.timer.stop()
        return self.renderer.stop()

    def resizeEvent(self, event) -> None:
        self._relayout()
        super().resizeEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self.shown_part is not None:
            self.part_tapped.emit(self.shown_part)

    def _on_parts(self, parts: list) -> None:
        if not parts:
            return
        part = parts[-1]  # only the newest is drawn
        was_showing = self.showing_part
        self.shown_part = part
        self._last_part_at = time.monotonic()
        if part.frame is not None:
            self._frame_size = (part.frame.image.shape[1], part.frame.image.shape[0])
        if was_showing:
            self.renderer.submit("part", _render_part, part, self._pane.size())
            self.update(self._pane)
        else:
            self._relayout()

    def _tick(self) -> None:
        if self._inset.isEmpty() == self.showing_part:  # the part view just began or ended
            self._relayout()
        frame = self.model.latest_frame()
        if frame is None or frame is self._requested:
            return
        self._requested = frame
        self.renderer.submit("live", _render_live, frame, self._live_rect().size())

    def _rendered(self, key: str, result) -> None:
        if key == "part":
            part, size, image, pixels = result
            if part is self.shown_part and size == self._pane.size():
                self._part_image = None if image is None else (image, pixels)
                self._part_drawn = part
                self.update(self._pane)
            return
        frame, size, image, pixels = result
        if size != self._live_rect().size():
            return
        if self._drawn_seq is not None and frame.seq > self._drawn_seq + 1:
            self.skipped_frames += frame.seq - self._drawn_seq - 1
        self._drawn_seq = frame.seq
        self._live_image = (image, pixels)
        self._live_fresh = True
        self.update(self._live_rect())

    # -- drawing ------------------------------------------------------------------------------------------------
    def _live_rect(self) -> QRect:
        return self._inset if self.showing_part else self._pane

    def _relayout(self) -> None:
        self._pane = fit_rect(self.rect(), *self._frame_size)
        if self.showing_part:
            w = int(self._pane.width() * 0.3)
            h = int(w * self._frame_size[1] / self._frame_size[0])
            m = max(4, self._pane.width() // 80)
            self._inset = QRect(self._pane.right() - w - m, self._pane.bottom() - h - m, w, h)
            self.renderer.submit("part", _render_part, self.shown_part, self._pane.size())
        else:
            self._inset = QRect()
        if self._requested is not None:
            self.renderer.submit("live", _render_live, self._requested, self._live_rect().size())
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKGROUND)
        showing_part = self.showing_part and not self._inset.isEmpty()
        drawn = self._part_drawn
        if showing_part and drawn is not None:
            if self._part_image is not None:
                painter.drawImage(self._pane, self._part_image[0])  # scaled only until a resize is re-rendered
            else:
                self._caption(painter, self._pane.center(), "no camera frame for this part", QColor("#fbbf24"))
            self._tag(painter, self._pane.topLeft(), f"#{drawn.record.part_id}", QColor("#f2f5f8"))
        live = self._inset if showing_part else self._pane
        if self._live_image is not None and self._live_image[0].size() == live.size():
            painter.drawImage(live.topLeft(), self._live_image[0])
            painter.setPen(QPen(QColor("#f2f5f8"), 2))
            painter.drawRect(live.adjusted(0, 0, -1, -1))
            self._tag(painter, live.topLeft(), "LIVE", QColor("#22c55e"), small=showing_part)
            if self._live_fresh:
                self._live_fresh = False
                self.frames_drawn += 1
                self._paints.append(time.monotonic())
        elif not showing_part:
            self._caption(painter, self._pane.center(), "waiting for the camera", QColor("#b4bfcc"))
        painter.end()

    def _tag(self, painter: QPainter, at: QPoint, text: str, colour: QColor, *, small: bool = False) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(12, self._pane.height() // (22 if small else 13)))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        pad = font.pixelSize() // 4
        box = QRect(at.x(), at.y(), metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad)
        painter.fillRect(box, QColor(0, 0, 0, 190))
        painter.setPen(colour)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _caption(self, painter: QPainter, centre: QPoint, text: str, colour: QColor) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(14, self._pane.height() // 16))
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(QRect(centre.x() - 2000, centre.y() - 100, 4000, 200), Qt.AlignmentFlag.AlignCenter, text)
