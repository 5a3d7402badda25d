"""The dark, high-contrast look: outcome colours, words, and the style sheet sized for the screen."""
from __future__ import annotations

from string import Template

from inspector import shipped

STYLE_SHEET = shipped.resource("theme/operator.qss")
TOUCH_MIN_PX = 48

# outcome -> (word on the banner, background, text colour)
VERDICTS = {
    "pass": ("PASS", "#15803d", "#ffffff"),
    "reject": ("REJECT", "#c81e1e", "#ffffff"),
    "uncertain": ("CHECK", "#f59e0b", "#000000"),
    "fail_safe": ("FAIL-SAFE", "#7e22ce", "#ffffff"),
}
STOPPED = ("STOPPED", "#4b5563", "#ffffff")
WAITING = ("READY", "#1f2630", "#f2f5f8")


def whole_headers(table) -> None:
    """No column of ``table`` narrower than its widest header's words: stretched columns stop there and the table
    scrolls sideways instead of cutting "Median s" to "ledia". Call it once the table has its style (font)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyle

    header = table.horizontalHeader()
    header.ensurePolished()
    metrics = header.fontMetrics()
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header) + 4
    words = [str(table.model().headerData(i, Qt.Orientation.Horizontal) or "") for i in range(table.columnCount())]
    lines = [line for word in words for line in word.split("\n")]
    header.setMinimumSectionSize(max((metrics.horizontalAdvance(line) for line in lines), default=0) + margin)


def verdict(outcome: str) -> tuple[str, str, str]:
    return VERDICTS.get(outcome, (outcome.upper(), "#4b5563", "#ffffff"))


def scale_for(width: int, height: int) -> float:
    """1.0 on the 800 x 480 Pi display, ~1.8 at 1920 x 1080: every size in the style sheet grows with it."""
    return max(1.0, min(width / 800, height / 480) ** 0.8)


TOUCH_RULES = """
QLineEdit { min-height: ${touch}px; padding: 0 ${pad}px; border: 2px solid #3b4656; border-radius: ${radius}px; }
QFrame#sheet, QWidget#sheetBody, QScrollArea#sheetScroll { background: #0b0d10; border: none; }
"""  # every field takes a finger too; the in-window dialogs (ui/sheet.py) are as dark as the window


def style_sheet(scale: float = 1.0) -> str:
    """The operator style sheet for a screen ``scale`` times the 800 x 480 reference."""
    base = round(16 * scale)
    sizes = {
        "base": base,
        "small": round(13 * scale),
        "large": round(24 * scale),
        "touch": max(TOUCH_MIN_PX, round(52 * scale)),
        "touch2": max(TOUCH_MIN_PX, round(72 * scale)),
        "radius": round(6 * scale),
        "pad": round(12 * scale),
    }
    return Template(STYLE_SHEET.read_text() + TOUCH_RULES).substitute(sizes)
