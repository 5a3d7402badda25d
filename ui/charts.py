"""Rolling charts of the shift: parts/min, reject rate, trigger→decision latency, confidence histogram.

Redrawn once a second and only while visible, from the model's samples: charts never follow the line part by part.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QWidget

from ui.model import StationModel
from ui.i18n import tr

WINDOW_S = 600.0  # the last 10 minutes
BIN_S = 10.0
LATENCY_PARTS = 300
HISTOGRAM_PARTS = 500

pg.setConfigOptions(antialias=False, background="#161b22", foreground="#d6dde6")


def bin_width(span_s: float) -> float:
    """10 s bins over the 10-minute window; finer (down to 2 s) while the shift is younger than 2.5 minutes."""
    return float(min(BIN_S, max(2.0, round(span_s / 15))))


def binned(samples, now: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bin centres (minutes ago, negative), parts/min and reject rate % per bin over ``WINDOW_S``; only whole bins
    since the shift's first part."""
    recent = [s for s in samples if now - s.t <= WINDOW_S]
    ages = np.array([s.t - now for s in recent], dtype=float)
    bad = np.array([s.outcome != "pass" for s in recent], dtype=float)
    width = bin_width(-ages.min() if ages.size else 0.0)
    edges = -np.arange(int(WINDOW_S / width), -1, -1) * width
    counts, _ = np.histogram(ages, edges)
    rejects, _ = np.histogram(ages, edges, weights=bad)
    keep = edges[:-1] >= (ages.min() if ages.size else 0.0) - 1e-6
    centres = (edges[:-1] + edges[1:]) / 2 / 60
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(counts > 0, 100.0 * rejects / counts, np.nan)
    return centres[keep], counts[keep] * 60.0 / width, rate[keep]


class ChartsPanel(QWidget):
    def __init__(self, model: StationModel, *, refresh_s: float = 2.0, parent=None):
        super().__init__(parent)
        self.model = model
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.plots: dict[str, pg.PlotWidget] = {}
        for i, (key, title) in enumerate((("throughput", tr("Parts / min")), ("rejects", tr("Reject rate %")),
                                          ("latency", tr("Decision ms")), ("confidence", tr("Confidence")))):
            plot = pg.PlotWidget(title=title)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=0.25)
            grid.addWidget(plot, i // 2, i % 2)
            self.plots[key] = plot
        pen = pg.mkPen("#38bdf8", width=2)
        self.throughput = self.plots["throughput"].plot(pen=pen)
        self.rejects = self.plots["rejects"].plot(pen=pg.mkPen("#f87171", width=2))
        self.latency = self.plots["latency"].plot(pen=None, symbol="o", symbolSize=4, symbolPen=None,
                                                  symbolBrush="#38bdf8")
        self.deadline = pg.InfiniteLine(angle=0, pen=pg.mkPen("#ef4444", width=2, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.plots["latency"].addItem(self.deadline)
        self.histogram = pg.BarGraphItem(x=[], height=[], width=0.017, brush="#a78bfa", pen=None)
        self.plots["confidence"].addItem(self.histogram)
        self.plots["confidence"].setXRange(0.5, 1, padding=0.02)  # a decision is at least 0.5 sure of itself
        for key in ("throughput", "rejects"):
            self.plots[key].setLabel("bottom", tr("minutes ago"))
        self.plots["latency"].setLabel("bottom", tr("last parts"))
        for plot in self.plots.values():
            for side in ("left", "bottom"):
                plot.getAxis(side).enableAutoSIPrefix(False)
        self.plots["rejects"].setYRange(0, 100, padding=0.02)
        self.timer = QTimer(self)
        self._parts = (self._rates, self._reject_rate, self._latency, self._confidence)
        self._next = 0
        self._reject_series = None
        self.timer.setInterval(int(refresh_s * 1000 / len(self._parts)))
        self.timer.timeout.connect(lambda: model.line_first.call((self, "refresh"), self._refresh_next))
        self.refreshed = 0
        self._title_px = 13

    def set_scale(self, scale: float) -> None:
        font = QFont()
        font.setPixelSize(max(11, round(12 * scale)))
        self._title_px = round(13 * scale)
        for plot in self.plots.values():
            plot.getPlotItem().titleLabel.setText(plot.getPlotItem().titleLabel.text, size=f"{self._title_px}px")
            for side in ("left", "bottom"):
                plot.getAxis(side).setStyle(tickFont=font)

    def showEvent(self, event) -> None:
        self.timer.start()
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        timer = getattr(self, "timer", None)  # Qt may hide the widget after Python has let go of its attributes
        if timer is not None:
            timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Every chart now (tests, screenshots); the timer refreshes one chart per tick instead."""
        for part in self._parts:
            part(list(self.model.samples))
        self.refreshed += 1

    def _refresh_next(self) -> None:
        """One chart per tick: four small repaints spread over the period rather than one long stall."""
        self._parts[self._next](list(self.model.samples))
        self._next = (self._next + 1) % len(self._parts)
        self.refreshed += self._next == 0

    def _rates(self, samples) -> None:
        x, per_min, reject_rate = binned(samples, time.monotonic())
        span = max(0.2, -float(x.min()) * 1.1) if x.size else 0.2
        self.throughput.setData(x, per_min)
        self.plots["throughput"].setXRange(-span, 0, padding=0.02)
        self.plots["throughput"].setYRange(0, max(10.0, float(per_min.max()) * 1.2 if per_min.size else 10.0))
        self._reject_series = (x, reject_rate, span)

    def _reject_rate(self, samples) -> None:
        if self._reject_series is None:
            self._rates(samples)
        x, reject_rate, span = self._reject_series
        finite = ~np.isnan(reject_rate)
        self.rejects.setData(x[finite], reject_rate[finite])
        self.plots["rejects"].setXRange(-span, 0, padding=0.02)

    def _latency(self, samples) -> None:
        latency = np.asarray([s.trigger_to_decision_ms for s in samples[-LATENCY_PARTS:]
                              if s.trigger_to_decision_ms is not None], dtype=float)
        self.latency.setData(np.arange(-len(latency) + 1, 1), latency)
        top = max(10.0, float(latency.max()) * 1.25) if latency.size else 10.0
        deadline = self.model.info.deadline_ms
        self.deadline.setVisible(deadline is not None and deadline < top * 1.5)
        if deadline is not None:
            self.deadline.setValue(deadline)
            top = max(top, deadline * 1.05) if deadline < top * 1.5 else top
        self.plots["latency"].setYRange(0, top, padding=0)
        title = tr("Decision ms")  # trigger to decision; the pusher's deadline is drawn when it is near
        if latency.size:
            title += f" · p99 {np.percentile(latency, 99):.0f}"
        self.plots["latency"].getPlotItem().titleLabel.setText(title, size=f"{self._title_px}px")

    def _confidence(self, samples) -> None:
        confidence = np.array([s.confidence for s in samples[-HISTOGRAM_PARTS:]], dtype=float)
        counts, edges = np.histogram(np.clip(confidence, 0.5, 1.0), bins=25, range=(0.5, 1.0))
        self.histogram.setOpts(x=(edges[:-1] + edges[1:]) / 2, height=counts)
