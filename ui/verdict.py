"""The verdict banner: PASS / REJECT / CHECK / FAIL-SAFE for the last part, readable from a metre away."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from ui import theme
from ui.model import InspectedPart, StationModel


def detail_line(part: InspectedPart) -> str:
    """'22 / 24 cartridges · confidence 0.97' for a box, 'defect · confidence 0.99' for a part."""
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


class VerdictBanner(QFrame):
    """Shows the newest part's verdict; STOPPED while the line is stopped and no part came since."""

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setObjectName("verdict")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.word = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.reason = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.word.setObjectName("verdictWord")
        self.detail.setObjectName("verdictDetail")
        self.reason.setObjectName("verdictReason")
        for label in (self.word, self.detail, self.reason):  # sized by the banner, never the other way round
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(0)
        layout.addWidget(self.word, 3)
        layout.addWidget(self.detail, 1)
        layout.addWidget(self.reason, 1)
        self.outcome: str | None = None
        self.part_id: int | None = None
        self._colours: tuple[str, str] | None = None
        model.parts_added.connect(self._on_parts)
        model.running_changed.connect(self._on_running)
        self._show(*theme.WAITING, "", "")

    @property
    def text(self) -> str:
        return self.word.text()

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
        self.word.setText(word)
        self.detail.setText(detail)
        self.reason.setText(reason)
        if (background, colour) != self._colours:
            self._colours = (background, colour)
            self._restyle()

    def _restyle(self) -> None:
        """Colours and font sizes in one style sheet: the window's sheet would override fonts set any other way."""
        background, colour = self._colours
        h, w = max(60, self.height()), max(120, self.width())
        word = widest_fit(self.word.font(), int(h * 0.40), w - 28)
        self.setStyleSheet(
            f"QFrame#verdict {{ background: {background}; border-radius: 8px; }}"
            f"QLabel {{ color: {colour}; background: transparent; }}"
            f"QLabel#verdictWord {{ font-size: {word}px; font-weight: 900; }}"
            f"QLabel#verdictDetail {{ font-size: {max(13, int(h * 0.12))}px; font-weight: 700; }}"
            f"QLabel#verdictReason {{ font-size: {max(12, int(h * 0.085))}px; }}")

    def resizeEvent(self, event) -> None:
        if self._colours is not None:
            self._restyle()
        super().resizeEvent(event)
