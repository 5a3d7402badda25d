"""Shift and lot counters: inspected, passed, rejected, check, fail-safe and yield, as the runtime counts them.

Six tiles for one period, and a line under them naming it (the shift since when, or the lot) with the other period in
brief; a tap on the panel swaps shift and lot. The figures are the runtime's (``StationModel.set_counters``: the same
in every window, across restarts); before the runtime sent any, the window counts the parts it was shown. Every
text is fitted to its tile with Qt's font metrics: a figure shrinks rather than run into its neighbour.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout

from ui.i18n import tr, tr_noop
from ui.model import ShiftCounters, StationModel

TILES = (  # key, caption, colour of the figure
    ("inspected", tr_noop("INSPECTED"), "#f2f5f8"),
    ("passed", tr_noop("PASSED"), "#4ade80"),
    ("rejected", tr_noop("REJECTED"), "#f87171"),
    ("check", tr_noop("CHECK"), "#fbbf24"),
    ("fail_safe", tr_noop("FAIL-SAFE"), "#d8b4fe"),
    ("yield", tr_noop("YIELD"), "#f2f5f8"),
)


def end_shift(call: Callable[..., Any], model: StationModel, reason: str = "end of shift") -> ShiftCounters:
    """END SHIFT through the runtime (``call``: the API link's or a ``Client``'s): op ``counters_reset``, the role
    checked and the reset audited there; this window shows the new shift at once, every other one with the
    ``counters`` event. A refusal (``ApiError`` unauthorized / forbidden) changes nothing."""
    shift = call("counters_reset", scope="shift", reason=reason)
    lot = model.lot_counters
    model.set_counters(shift, None if lot is None else {
        "lot": lot.lot, "started": lot.started.isoformat() if lot.started else None, "inspected": lot.inspected,
        "passed": lot.passed, "rejected": lot.rejected, "check": lot.check, "fail_safe": lot.fail_safe})
    return model.counters


def yield_text(counters: ShiftCounters) -> str:
    return "–" if counters.yield_pct is None else f"{counters.yield_pct:.1f}%"


def since(counters: ShiftCounters) -> str:
    return counters.started.strftime("%H:%M") if counters.started is not None else "–"


class FittedLabel(QLabel):
    """A one-line label drawn in the style sheet's font, shrunk (down to ``min_px``) to fit its width, then elided:
    never clipped at the edges, never into its neighbour. (A style sheet's font-size overrides ``setFont``, so the
    fitting happens where it is drawn.)"""

    def __init__(self, text: str = "", *, min_px: int = 9, **kwargs):
        super().__init__(text, **kwargs)
        self.min_px = min_px
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self.text()

    def fitted(self) -> tuple[QFont, str]:
        """The font and text drawn at the current width."""
        self.ensurePolished()
        font, width = QFont(self.font()), max(1, self.contentsRect().width() - 4)
        size = max(self.min_px, QFontInfo(font).pixelSize())
        font.setPixelSize(size)
        while size > self.min_px and QFontMetrics(font).horizontalAdvance(self.text()) > width:
            size -= 1
            font.setPixelSize(size)
        metrics = QFontMetrics(font)
        if metrics.horizontalAdvance(self.text()) <= width:
            return font, self.text()
        return font, metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event) -> None:
        font, text = self.fitted()
        painter = QPainter(self)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(self.contentsRect(), int(self.alignment()), text)
        painter.end()


class CountersPanel(QFrame):
    """Six tiles, a figure over its caption, in ``columns`` columns, and the period's line; tap: shift <-> lot."""

    period_changed = Signal(str)  # "shift" or "lot"

    def __init__(self, model: StationModel, *, columns: int = 3, parent=None):
        super().__init__(parent)
        self.model = model
        self.setObjectName("panel")
        self.period = "shift"
        self.values: dict[str, FittedLabel] = {}
        self.captions: dict[str, FittedLabel] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(2, 2, 2, 2)  # the Pi's 800 px leave a tile ~80 px: AUSSCHUSS needs them
        column.setSpacing(0)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(2)
        grid.setVerticalSpacing(0)
        for i, (key, caption, colour) in enumerate(TILES):
            value = FittedLabel("0", alignment=Qt.AlignmentFlag.AlignCenter, objectName="counterValue")
            value.setStyleSheet(f"color: {colour};")
            label = FittedLabel(tr(caption), alignment=Qt.AlignmentFlag.AlignCenter, objectName="caption")
            tile = QVBoxLayout()
            tile.setSpacing(0)
            tile.addWidget(value)
            tile.addWidget(label)
            grid.addLayout(tile, i // columns, i % columns)
            grid.setColumnStretch(i % columns, 1)
            self.values[key], self.captions[key] = value, label
        column.addLayout(grid, 1)
        self.period_line = FittedLabel("", alignment=Qt.AlignmentFlag.AlignCenter, objectName="caption")
        column.addWidget(self.period_line)
        model.parts_added.connect(self.refresh)
        model.counters_changed.connect(self.refresh)
        self.refresh()

    def text(self, key: str) -> str:
        return self.values[key].full_text()

    def shown(self) -> ShiftCounters:
        """The counters on the tiles: the lot's when the lot is picked and there is one, else the shift's."""
        lot = self.model.lot_counters
        return lot if self.period == "lot" and lot is not None else self.model.counters

    def show_period(self, period: str) -> None:
        self.period = period
        self.refresh()
        self.period_changed.emit(period)

    def mouseReleaseEvent(self, event) -> None:
        if self.model.lot_counters is not None:
            self.show_period("lot" if self.period == "shift" else "shift")

    def refresh(self, *_: object) -> None:
        c = self.shown()
        for key in ("inspected", "passed", "rejected", "check", "fail_safe"):
            self.values[key].setText(f"{getattr(c, key):,}")
        self.values["yield"].setText(yield_text(c))
        shift, lot = self.model.counters, self.model.lot_counters
        if lot is None:
            self.period_line.setText(tr("SHIFT since {time}").format(time=since(shift)))
        elif c is lot:
            self.period_line.setText(tr("LOT {lot} since {time}").format(lot=lot.lot, time=since(lot)) + "   "
                                     + tr("▸ SHIFT"))  # not "SHIFT": the keyboard's key has that text
        else:
            self.period_line.setText(tr("SHIFT since {time}").format(time=since(shift)) + "   ▸ "
                                     + tr("LOT {lot}").format(lot=lot.lot))
