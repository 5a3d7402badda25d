"""Touch widgets of the calibration screen: a control slider with − / + steps, the preview on which the ROI is drawn,
the exposure histogram and the beam lamp."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QWidget

from inspector.calibration import BRIGHT_LEVEL, DARK_LEVEL
from inspector.camera_controls import Range
from ui.pictures import fit_rect, to_qimage
from ui.theme import TOUCH_MIN_PX

SLIDER_STYLE = f"""
QSlider {{ min-height: {TOUCH_MIN_PX}px; background: transparent; }}
QSlider::groove:horizontal {{ height: 8px; background: #2b3440; border-radius: 4px; }}
QSlider::sub-page:horizontal {{ background: #3b82f6; border-radius: 4px; }}
QSlider::handle:horizontal {{ width: {TOUCH_MIN_PX}px; height: {TOUCH_MIN_PX}px; margin: -20px 0;
    border-radius: {TOUCH_MIN_PX // 2}px; background: #e5e7eb; border: 2px solid #3b82f6; }}
"""


class ControlSlider(QWidget):
    """One camera control: name and value, − / + buttons a step each, and a slider over the control's range."""

    moved = Signal(str, float)  # control name, new value (on each slider step or button tap)

    def __init__(self, spec: Range, value: float, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.caption = QLabel(objectName="caption")
        self.caption.setMinimumWidth(104)  # wider where the font is (1920 x 1080): "White balance" was cut
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName=f"slider_{spec.name}")
        self.slider.setStyleSheet(SLIDER_STYLE)
        self.slider.setRange(0, self._steps(spec.high))
        self.slider.setPageStep(max(1, self.slider.maximum() // 10))
        self.minus, self.plus = QPushButton("−"), QPushButton("+")
        for button, sign in ((self.minus, -1), (self.plus, 1)):
            button.setStyleSheet(f"padding: 0; min-width: {TOUCH_MIN_PX}px; max-width: {TOUCH_MIN_PX}px;")
            button.setAutoRepeat(True)
            button.clicked.connect(lambda _=False, s=sign: self.slider.setValue(self.slider.value() + s))
        row.addWidget(self.caption)
        row.addWidget(self.minus)
        row.addWidget(self.slider, 1)
        row.addWidget(self.plus)
        self.set_value(value)
        self.slider.valueChanged.connect(self._moved)

    def _steps(self, value: float) -> int:
        return int(round((value - self.spec.low) / self.spec.step))

    @property
    def value(self) -> float:
        return round(self.spec.low + self.slider.value() * self.spec.step, 6)

    def set_value(self, value: float) -> None:
        """Show ``value`` without emitting ``moved`` (a restore, a refused change put back)."""
        self.slider.blockSignals(True)
        self.slider.setValue(self._steps(value))
        self.slider.blockSignals(False)
        self._label()

    def _label(self) -> None:
        unit = f" {self.spec.unit}" if self.spec.unit else ""
        self.caption.setText(f"{self.spec.label}\n{self.value:g}{unit}")

    def _moved(self, _: int) -> None:
        self._label()
        self.moved.emit(self.spec.name, self.value)


class RoiPreview(QWidget):
    """The live frame, fitted, with the ROI; a drag on it draws a new ROI (in frame pixels)."""

    roi_drawn = Signal(object)  # (x, y, w, h) in frame pixels; may lie outside the frame (the screen refuses it)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.frame_size = (640, 480)
        self.roi: tuple[int, int, int, int] | None = None
        self._image: tuple[QImage, np.ndarray] | None = None
        self._drag: tuple[QPointF, QPointF] | None = None

    def show_frame(self, image: np.ndarray) -> None:
        self.frame_size = (image.shape[1], image.shape[0])
        rect = self.image_rect()
        self._image = to_qimage(image, rect.size())
        self.update()

    def image_rect(self) -> QRect:
        return fit_rect(self.rect(), *self.frame_size)

    def to_frame(self, point: QPointF) -> tuple[float, float]:
        rect = self.image_rect()
        scale = self.frame_size[0] / max(1, rect.width())
        return (point.x() - rect.x()) * scale, (point.y() - rect.y()) * scale

    def to_widget(self, roi) -> QRectF:
        rect = self.image_rect()
        scale = rect.width() / self.frame_size[0]
        x, y, w, h = roi
        return QRectF(rect.x() + x * scale, rect.y() + y * scale, w * scale, h * scale)

    def mousePressEvent(self, event) -> None:
        self._drag = (event.position(), event.position())

    def mouseMoveEvent(self, event) -> None:
        if self._drag is not None:
            self._drag = (self._drag[0], event.position())
            self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is None:
            return
        start, end = self._drag[0], event.position()
        self._drag = None
        (x0, y0), (x1, y1) = self.to_frame(start), self.to_frame(end)
        roi = (round(min(x0, x1)), round(min(y0, y1)), round(abs(x1 - x0)), round(abs(y1 - y0)))
        if roi[2] >= 2 and roi[3] >= 2:  # a tap is not a drag
            self.roi_drawn.emit(roi)
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000"))
        if self._image is not None:
            p.drawImage(self.image_rect().topLeft(), self._image[0])
        if self.roi is not None:
            p.setPen(QPen(QColor("#22d3ee"), 2))
            p.drawRect(self.to_widget(self.roi))
        if self._drag is not None:
            p.setPen(QPen(QColor("#fde047"), 2, Qt.PenStyle.DashLine))
            p.drawRect(QRectF(self._drag[0], self._drag[1]).normalized())
        p.end()


class Histogram(pg.PlotWidget):
    """Grey-level histogram of the ROI; the clipped ends marked, red while clipping is over the limit."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background="#161b22")
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.getPlotItem().hideAxis("left")
        self.getPlotItem().getAxis("bottom").setTicks([[(0, "0"), (64, "64"), (128, "128"), (192, "192"), (250, "255")]])
        self.setXRange(0, 255, padding=0.02)
        self.curve = self.plot(np.arange(256), np.zeros(256), pen=pg.mkPen("#93c5fd", width=1),
                               fillLevel=0, brush=pg.mkBrush(59, 130, 246, 110))
        self.marks = [pg.InfiniteLine(DARK_LEVEL, pen=pg.mkPen("#6b7684")),
                      pg.InfiniteLine(BRIGHT_LEVEL, pen=pg.mkPen("#6b7684"))]
        for mark in self.marks:
            self.addItem(mark)
        self.setMinimumHeight(70)

    def show_histogram(self, counts: np.ndarray, dark_warn: bool, bright_warn: bool) -> None:
        self.curve.setData(np.arange(256), np.log1p(counts))  # log: a clipped spike does not flatten the rest
        for mark, warn in zip(self.marks, (dark_warn, bright_warn)):
            mark.setPen(pg.mkPen("#ef4444" if warn else "#6b7684", width=3 if warn else 1))


class Lamp(QLabel):
    """A round indicator with a word: the break-beam's live state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(2 * TOUCH_MIN_PX, TOUCH_MIN_PX)
        self.state: bool | None = None
        self.set_state(False)

    def set_state(self, broken: bool) -> None:
        if broken == self.state:
            return
        self.state = broken
        colour = "#f59e0b" if broken else "#15803d"
        self.setText("●  BEAM BROKEN" if broken else "●  BEAM CLEAR")
        self.setStyleSheet(f"color: {colour}; font-weight: 800; border: 2px solid {colour}; border-radius: 6px;")
