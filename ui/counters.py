"""Shift counters: inspected, passed, rejected, check, fail-safe and yield since the shift started."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from ui.model import StationModel

TILES = (  # key, caption, colour of the figure
    ("inspected", "INSPECTED", "#f2f5f8"),
    ("passed", "PASSED", "#4ade80"),
    ("rejected", "REJECTED", "#f87171"),
    ("check", "CHECK", "#fbbf24"),
    ("fail_safe", "FAIL-SAFE", "#d8b4fe"),
    ("yield", "YIELD", "#f2f5f8"),
)


class CountersPanel(QFrame):
    """Six tiles, a figure over its caption, in ``columns`` columns."""

    def __init__(self, model: StationModel, *, columns: int = 3, parent=None):
        super().__init__(parent)
        self.model = model
        self.setObjectName("panel")
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setSpacing(2)
        for i, (key, caption, colour) in enumerate(TILES):
            value = QLabel("0", alignment=Qt.AlignmentFlag.AlignCenter, objectName="counterValue")
            value.setStyleSheet(f"color: {colour};")
            label = QLabel(caption, alignment=Qt.AlignmentFlag.AlignCenter, objectName="caption")
            tile = QVBoxLayout()
            tile.setSpacing(0)
            tile.addWidget(value)
            tile.addWidget(label)
            grid.addLayout(tile, i // columns, i % columns)
            self.values[key] = value
        model.parts_added.connect(self.refresh)
        self.refresh()

    def text(self, key: str) -> str:
        return self.values[key].text()

    def refresh(self, *_: object) -> None:
        c = self.model.counters
        for key in ("inspected", "passed", "rejected", "check", "fail_safe"):
            self.values[key].setText(f"{getattr(c, key):,}")
        self.values["yield"].setText("–" if c.yield_pct is None else f"{c.yield_pct:.1f}%")
