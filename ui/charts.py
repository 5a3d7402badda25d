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

WINDOW_S = 600.0  # the last 10 minutes
BIN_S = 10.0
LATENCY_PARTS = 300
HISTOGRAM_PARTS = 500

pg.setConfigOptions(antialias=False, background="#161b22", foreground="#d6dde6")


def binned(samples, now: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bin centres (minutes ago, negative), parts/min and reject rate % per ``BIN_S`` bin over ``WINDOW_S``."""
    edges = np.arange(-WINDOW_S, 0.0 + 1e-9, BIN_S)
    ages = np.array([s.t - now for s in samples if now - s.t <= WINDOW_S], dtype=float)
    bad = np.array([s.outcome != "pass" for s in samples if now - s.t <= WINDOW_S], dtype=float)
    counts, _ = np.histogram(ages, edges)
    rejects, _ = np.histogram(ages, edges, weights=bad)
    first = ages.min() if ages.size else 0.0
    keep = edges[:-1] >= first - 1e-6  # only whole bins since the shift's first part
    centres = (edges[:-1] + edges[1:]) / 2 / 60
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(counts > 0, 100.0 * rejects / counts, np.nan)
    return centres[keep], counts[keep] * 60.0 / BIN_S, rate[keep]


class ChartsPanel(QWidget):
    def __init__(self, model: StationModel, *, refresh_s: float = 1.0, parent=None):
        super().__init__(parent)
        self.model = model
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.plots: dict[str, pg.PlotWidget] = {}
        for i, (key, title) in enumerate((("throughput", "Parts / min"), ("rejects", "Reject rate %"),
                                          ("latency", "Trigger → decision, ms"), ("confidence", "Confidence"))):
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
        self.histogram = pg.BarGraphItem(x=[], height=[], width=0.045, brush="#a78bfa", pen=None)
        self.plots["confidence"].addItem(self.histogram)
        self.plots["confidence"].setXRange(0, 1, padding=0.02)
        for key in ("throughput", "rejects"):
            self.plots[key].setLabel("bottom", "minutes ago")
        self.plots["latency"].setLabel("bottom", "last parts")
        for plot in self.plots.values():
            for side in ("left", "bottom"):
                plot.getAxis(side).enableAutoSIPrefix(False)
        self.plots["rejects"].setYRange(0, 100, padding=0.02)
        self.timer = QTimer(self)
        self.timer.setInterval(int(refresh_s * 1000))
        self.timer.timeout.connect(self.refresh)
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
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        samples = list(self.model.samples)
        x, per_min, reject_rate = binned(samples, time.monotonic())
        self.throughput.setData(x, per_min)
        finite = ~np.isnan(reject_rate)
        self.rejects.setData(x[finite], reject_rate[finite])
        span = max(1.0, -float(x.min()) + BIN_S / 120) if x.size else 1.0
        for key in ("throughput", "rejects"):
            self.plots[key].setXRange(-span, 0, padding=0.02)
        self.plots["throughput"].setYRange(0, max(10.0, float(per_min.max()) * 1.2 if per_min.size else 10.0))
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
        title = "Trigger → decision, ms"
        if latency.size:
            title += f"  ·  p99 {np.percentile(latency, 99):.0f}"
        if deadline is not None:
            title += f"  ·  deadline {deadline:.0f}"
        self.plots["latency"].getPlotItem().titleLabel.setText(title, size=f"{self._title_px}px")
        confidence = np.array([s.confidence for s in samples[-HISTOGRAM_PARTS:]], dtype=float)
        counts, edges = np.histogram(confidence, bins=20, range=(0.0, 1.0))
        self.histogram.setOpts(x=(edges[:-1] + edges[1:]) / 2, height=counts)
        self.refreshed += 1
