"""The live camera at display rate: a timer reads the newest frame (``FrameBuffer.latest()``, which never waits) and a
worker scales it. Frames the camera made between two drawn ones are never drawn; they are counted as skipped."""
from __future__ import annotations

import collections
import time

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector.types import Frame
from ui.model import StationModel
from ui.pictures import fit_rect, to_qimage
from ui.renderer import Renderer
from ui.i18n import tr


def _render(frame: Frame, size: QSize):
    return (frame, size, *to_qimage(frame.image, size))


class CameraFeed(QWidget):
    def __init__(self, model: StationModel, *, fps: float = 30.0, name: str = "camera", parent=None):
        super().__init__(parent)
        self.model = model
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(96, 72)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.frames_drawn = 0
        self.skipped_frames = 0  # camera frames never drawn (only the newest is)
        self._image: tuple[QImage, np.ndarray] | None = None
        self._requested: Frame | None = None
        self._drawn_seq: int | None = None
        self._fresh = False
        self._paints: collections.deque[float] = collections.deque(maxlen=240)
        self._frame_size = (640, 480)
        self.renderer = Renderer(name, limit=1, wait=model.line_first.wait, parent=self)
        self.renderer.connect(self._rendered)
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(round(1000 / fps))
        self.timer.timeout.connect(lambda: model.line_first.call((self, "tick"), self._tick))  # no worker woken mid-decision

    @property
    def display_fps(self) -> float:
        now = time.monotonic()
        return float(sum(1 for t in self._paints if now - t <= 1.0))

    @property
    def drawn_seq(self) -> int | None:
        """Camera sequence number of the frame on screen."""
        return self._drawn_seq

    def showEvent(self, event) -> None:
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def stop(self) -> bool:
        self.timer.stop()
        return self.renderer.stop()

    def _picture_rect(self) -> QRect:
        return fit_rect(self.rect(), *self._frame_size)

    def resizeEvent(self, event) -> None:
        if self._requested is not None:
            self.renderer.submit("live", _render, self._requested, self._picture_rect().size())
        super().resizeEvent(event)

    def _tick(self) -> None:
        frame = self.model.latest_frame()
        if frame is None or frame is self._requested:
            return
        self._requested = frame
        self._frame_size = (frame.image.shape[1], frame.image.shape[0])
        self.renderer.submit("live", _render, frame, self._picture_rect().size())

    def _rendered(self, key: str, result) -> None:
        frame, size, image, pixels = result
        if size != self._picture_rect().size():
            return
        if self._drawn_seq is not None and frame.seq > self._drawn_seq + 1:
            self.skipped_frames += frame.seq - self._drawn_seq - 1
        self._drawn_seq = frame.seq
        self._image = (image, pixels)
        self._fresh = True
        self.update()  # painted when the line lets the window paint (LineFirst.hold_painting)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#000000"))
        rect = self._picture_rect()
        if self._image is not None and self._image[0].size() == rect.size():
            painter.drawImage(rect.topLeft(), self._image[0])
            painter.setPen(QPen(QColor("#3b4656"), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            font = QFont(self.font())
            font.setPixelSize(max(11, rect.height() // 9))
            font.setBold(True)
            painter.setFont(font)
            tag = QRect(rect.x(), rect.y(), painter.fontMetrics().horizontalAdvance(tr("LIVE")) + font.pixelSize() // 2,
                        painter.fontMetrics().height())
            painter.fillRect(tag, QColor(0, 0, 0, 190))
            painter.setPen(QColor("#22c55e"))
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, tr("LIVE"))
            if self._fresh:
                self._fresh = False
                self.frames_drawn += 1
                self._paints.append(time.monotonic())
        else:
            painter.setPen(QColor("#b4bfcc"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, tr("waiting for the camera"))
        painter.end()
