"""Touch widgets of the calibration screen: a control with a typed value and unit, − / + steps and a slider, the
preview on which the ROI is drawn, the exposure histogram, the beam lamp and the confirmation before applying."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (QAbstractSpinBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QSlider, QVBoxLayout, QWidget)

from inspector.calibration import BRIGHT_LEVEL, DARK_LEVEL
from inspector.camera_controls import Range
from ui.pictures import fit_rect, to_qimage
from ui.sheet import Sheet
from ui.theme import TOUCH_MIN_PX

SLIDER_STYLE = f"""
QSlider {{ min-height: {TOUCH_MIN_PX}px; background: transparent; }}
QSlider::groove:horizontal {{ height: 8px; background: #2b3440; border-radius: 4px; }}
QSlider::sub-page:horizontal {{ background: #3b82f6; border-radius: 4px; }}
QSlider::handle:horizontal {{ width: {TOUCH_MIN_PX}px; height: {TOUCH_MIN_PX}px; margin: -20px 0;
    border-radius: {TOUCH_MIN_PX // 2}px; background: #e5e7eb; border: 2px solid #3b82f6; }}
"""


@dataclass(frozen=True)
class Dial:
    """How one control is shown, typed and stepped: unit, decimals, the − / + step and the slider's span."""

    unit: str = ""
    decimals: int = 0
    step: float = 1.0  # the − / + step in shown units; with ``log`` a ratio (exposure: 6 % a tap)
    span: float | None = None  # the slider covers value ÷/× span (log) or ± span (station units); None: the range
    scale: float = 1.0  # shown = value x scale (the pusher pulse: s shown as ms)
    log: bool = False  # slider positions spread over ratios
    db: bool = False  # gain in dB (20 station gain steps double the signal: 6.02 dB)


DB_PER_GAIN_STEP = 20 * math.log10(2.0) / 20
LOG_POSITIONS = 400
# A drag is for fine adjustment around the value (a full-width drag doubles exposure, moves focus 64 steps); a typed
# value or − / + taps go further, and the slider re-centres on a value outside its span.
DIALS = {"exposure": Dial("ms", 2, 1.06, span=2.0, log=True), "gain": Dial("dB", 2, 0.5, span=20, db=True),
         "wb_temperature": Dial("K", 0, 100, span=1000), "focus": Dial("", 0, 1, span=32),
         "brightness": Dial("", 0, 1, span=16), "fps": Dial("fps", 0, 1), "pulse": Dial("ms", 0, 5, scale=1000.0)}


class ControlSlider(QWidget):
    """One control: its name, a typed value with its unit and − / + steps on one line, a slider under them over a
    span around the value (exposure by ratio), so a 65 px drag cannot take exposure from 10 to 200 ms."""

    moved = Signal(str, float)  # control name, new value in station units (slider, typed value or a tap)
    entry_tapped = Signal(str)  # the value box was tapped: a number pad may take the typing (no keyboard at the line)

    def __init__(self, spec: Range, value: float, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec, self.dial = spec, DIALS.get(spec.name, Dial(spec.unit, 2 if spec.step < 1 else 0, spec.step))
        self._value = float(value)
        self.low, self.high = spec.low, spec.high  # the slider's span now
        self.caption = QLabel(objectName="caption")
        self.caption.setWordWrap(True)
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName=f"slider_{spec.name}")
        self.slider.setStyleSheet(SLIDER_STYLE)
        self.entry = QDoubleSpinBox(objectName=f"entry_{spec.name}")
        self.entry.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        self.entry.setDecimals(self.dial.decimals)
        self.entry.setRange(self.shown(spec.low), self.shown(spec.high))
        self.entry.setSuffix(f" {self.dial.unit}" if self.dial.unit else "")
        self.entry.setKeyboardTracking(False)
        self.entry.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.entry.setFixedWidth(112)
        self.entry.setMinimumHeight(TOUCH_MIN_PX)
        self.entry.lineEdit().installEventFilter(self)
        self.minus, self.plus = QPushButton("−"), QPushButton("+")
        for button, sign in ((self.minus, -1), (self.plus, 1)):
            button.setStyleSheet(f"padding: 0; min-width: {TOUCH_MIN_PX}px; max-width: {TOUCH_MIN_PX}px;")
            button.setAutoRepeat(True)
            button.clicked.connect(lambda _=False, s=sign: self.step(s))
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.caption, 1)
        top.addWidget(self.minus)
        top.addWidget(self.entry)
        top.addWidget(self.plus)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(0)
        column.addLayout(top)
        column.addWidget(self.slider)
        self._centre(self._value)
        self.set_value(value)
        self.slider.valueChanged.connect(self._slid)
        self.entry.valueChanged.connect(self._typed)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.MouseButtonRelease:
            self.entry_tapped.emit(self.spec.name)
        return super().eventFilter(watched, event)

    # -- units and span ----------------------------------------------------------------------------------------
    def shown(self, value: float) -> float:
        return value * DB_PER_GAIN_STEP if self.dial.db else value * self.dial.scale

    def from_shown(self, shown: float) -> float:
        return shown / DB_PER_GAIN_STEP if self.dial.db else shown / self.dial.scale

    def _round(self, value: float) -> float:
        return round(round(value / self.spec.step) * self.spec.step, 6)

    def _centre(self, value: float) -> None:
        span, spec = self.dial.span, self.spec
        if span is None:
            self.low, self.high = spec.low, spec.high
        elif self.dial.log:
            self.low, self.high = max(spec.low, value / span), min(spec.high, value * span)
        else:
            self.low, self.high = max(spec.low, value - span), min(spec.high, value + span)
        self.slider.blockSignals(True)
        self.slider.setRange(0, self._steps(self.high))
        self.slider.setPageStep(max(1, self.slider.maximum() // 10))
        self.slider.blockSignals(False)

    def _steps(self, value: float) -> int:
        """The slider position of ``value`` in the span now."""
        if self.dial.log:
            return int(round(LOG_POSITIONS * math.log(max(value, self.low) / self.low) / math.log(self.high / self.low)))
        return int(round((value - self.low) / self.spec.step))

    def _at(self, position: int) -> float:
        if self.dial.log:
            return self._round(self.low * (self.high / self.low) ** (position / LOG_POSITIONS))
        return self._round(self.low + position * self.spec.step)

    # -- value -------------------------------------------------------------------------------------------------
    @property
    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        """Show ``value`` without emitting ``moved`` (opening, a restore, a refused change put back); the slider
        re-centres when the value is outside its span."""
        self._value = float(value)
        if not self.low <= value <= self.high:
            self._centre(value)
        for widget, shown in ((self.slider, self._steps(value)), (self.entry, self.shown(value))):
            widget.blockSignals(True)
            widget.setValue(shown)
            widget.blockSignals(False)
        self._label()

    def text(self) -> str:
        """The value as the entry shows it, with its unit."""
        return f"{self.shown(self._value):.{self.dial.decimals}f}{' ' + self.dial.unit if self.dial.unit else ''}"

    def step(self, sign: int) -> None:
        """One − / + tap: a ratio on a logarithmic dial, a fixed step in shown units otherwise."""
        if self.dial.log:
            value = self._round(self._value * self.dial.step ** sign)
            if abs(value - self._value) < self.spec.step:
                value = self._value + sign * self.spec.step
        else:
            value = self.from_shown(self.shown(self._value) + sign * self.dial.step)
            value = value if self.dial.db or self.dial.scale != 1.0 else self._round(value)
        self._change(min(max(value, self.spec.low), self.spec.high))

    def _label(self) -> None:
        extra = f"  ×{2.0 ** (self._value / 20.0):.2f}" if self.dial.db else ""
        self.caption.setText(f"{self.spec.label}{extra}")

    def _change(self, value: float) -> None:
        value = round(float(value), 6)
        changed = value != self._value
        self.set_value(value)
        if changed:
            self.moved.emit(self.spec.name, value)

    def _slid(self, position: int) -> None:
        self._change(self._at(position))

    def _typed(self, shown: float) -> None:
        self._change(round(self.from_shown(shown), 6))


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

    def show_frame(self, image: np.ndarray, frame_size: tuple[int, int] | None = None) -> None:
        """Show ``image``; ``frame_size`` is the camera frame's when the image was scaled down (ROIs are in it)."""
        self.frame_size = tuple(frame_size) if frame_size else (image.shape[1], image.shape[0])
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


class ConfirmDialog(Sheet):
    """Before an apply that needs a second thought: what will happen and why, and two big buttons."""

    compact = True

    def __init__(self, title: str, lines: list[str], yes: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self.body)
        heading = QLabel(title, objectName="title")
        heading.setWordWrap(True)
        self.text = QLabel("\n\n".join(lines), objectName="caption")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color: #fbbf24; font-size: 16px; font-weight: 700;")
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.yes_button, self.no_button = QPushButton(yes, objectName="start"), QPushButton("CANCEL")
        buttons = QHBoxLayout()
        for button in (self.no_button, self.yes_button):
            button.setMinimumHeight(TOUCH_MIN_PX)
            buttons.addWidget(button)
        self.yes_button.clicked.connect(self.accept)
        self.no_button.clicked.connect(self.reject)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        self.pin_buttons(buttons)
