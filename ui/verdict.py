"""The verdict banner: PASS / REJECT / CHECK / FAIL-SAFE for the last part, readable from a metre away.

Painted by hand (a filled rectangle and three lines of text) rather than styled labels: a colour change then costs a
repaint, not a style-sheet re-polish on the GUI thread ten times a second.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme
from ui.model import InspectedPart, StationModel


def detail_line(part: InspectedPart) -> str:
    """'22 / 24  ·  confidence 0.97' for a box, 'defect  ·  confidence 0.99' for a part."""
    record = part.record
    bits = []
    if record.count is not None and record.expected is not None:
        bits.append(f"{record.count} / {record.expected}")
    elif record.label:
        bits.append(record.label)
    bits.append(f"confidence {record.confidence:.2f}")
    return "  ·  ".join(bits)


def widest_fit(font: QFont, size: int, width: int) -> int:
    """The largest pixel size up to ``size`` at which the longest verdict word fits ``width``."""
    font = QFont(font)
    font.setWeight(QFont.Weight.Black)
    font.setPixelSize(max(8, size))
    longest = max(QFontMetrics(font).horizontalAdvance(w) for w, _, _ in theme.VERDICTS.values())
    return max(12, min(size, int(size * width / max(1, longest))))


ROW_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
MIN_TEXT_PX = 9


def fitted(font: QFont, rect: QRect, text: str) -> QFont:
    """``font``, smaller where ``text`` wrapped in ``rect`` would be taller than it (a long fail-safe cause drawn at
    full size spilled over the count line above it)."""
    font = QFont(font)
    while font.pixelSize() > MIN_TEXT_PX and QFontMetrics(font).boundingRect(rect, ROW_FLAGS, text).height() \
            > rect.height():
        font.setPixelSize(font.pixelSize() - 1)
    return font


class VerdictBanner(QWidget):
    """Shows the newest part's verdict; STOPPED while the line is stopped and no part came since."""

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(90)
        self.outcome: str | None = None
        self.part_id: int | None = None
        self.text = self.detail = self.reason = ""
        self._background, self._colour = QColor(), QColor()
        self.word_font, self.detail_font, self.reason_font = QFont(), QFont(), QFont()
        self._rows: list | None = None
        model.parts_added.connect(self._on_parts)
        model.running_changed.connect(self._on_running)
        self._show(*theme.WAITING, "", "")

    def _on_parts(self, parts: list) -> None:
        if not parts:
            return
        part: InspectedPart = parts[-1]
        record = part.record
        self.outcome, self.part_id = record.outcome, record.part_id
        word, background, colour = theme.verdict(record.outcome)
        self._show(word, background, colour, detail_line(part), f"#{record.part_id}  {record.reason}")

    def _on_running(self, running: bool) -> None:
        if not running:
            self.outcome = None
            self._show(*theme.STOPPED, "the line is not inspecting", "parts that arrive are rejected")
        elif self.outcome is None:
            self._show(*theme.WAITING, "waiting for the first part", "")

    def _show(self, word: str, background: str, colour: str, detail: str, reason: str) -> None:
        self.text, self.detail, self.reason = word, detail, reason
        self._background, self._colour = QColor(background), QColor(colour)
        self._rows = None
        self.update()

    def rows(self) -> list[tuple[str, QFont, QRect]]:
        """The three lines (word, detail, reason), each in its band with a font that keeps it there."""
        if self._rows is None:
            h, w = self.height(), self.width()
            bands = ((self.text, self.word_font, 0.0, 0.56), (self.detail, self.detail_font, 0.54, 0.2),
                     (self.reason, self.reason_font, 0.74, 0.26))
            self._rows = []
            for text, font, top, share in bands:
                rect = QRect(10, int(h * top), w - 20, int(h * share))
                self._rows.append((text, fitted(font, rect, text), rect))
        return self._rows

    def resizeEvent(self, event) -> None:
        h, w = max(60, self.height()), max(120, self.width())
        self.word_font = QFont(self.font())
        self.word_font.setWeight(QFont.Weight.Black)
        self.word_font.setPixelSize(widest_fit(self.word_font, int(h * 0.40), w - 28))
        self.detail_font = QFont(self.font())
        self.detail_font.setBold(True)
        self.detail_font.setPixelSize(max(13, int(h * 0.12)))
        self.reason_font = QFont(self.font())
        self.reason_font.setPixelSize(max(12, int(h * 0.095)))
        self._rows = None
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._background)
        painter.drawRoundedRect(QRectF(self.rect()), 8, 8)
        painter.setPen(self._colour)
        for text, font, rect in self.rows():
            painter.setFont(font)
            painter.drawText(rect, ROW_FLAGS, text)
        painter.end()
