"""The verdict banner: PASS / REJECT / CHECK / COVERED / FAIL-SAFE for the last part, readable from a metre away, and
the line's state when no verdict applies: NOT READY (no runtime, or a recipe switch under way), STOPPED.

Painted by hand (a filled rectangle and up to four lines of text) rather than styled labels: a colour change then
costs a repaint, not a style-sheet re-polish on the GUI thread ten times a second. Every line is fitted to its own
band (smaller font, then elided), so a long reason never runs into the line above it.

Which state shows, first match wins: NOT READY, STOPPED (the last part named below it), a held REJECT / FAIL-SAFE
(``ui.reject_hold``: tap to clear), the newest part, READY.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector.qa.risk import is_covered
from ui import theme
from ui.reasons import reason_text
from ui.i18n import tr, tr_noop
from ui.link import shown
from ui.model import InspectedPart, StationModel

COVERED = (tr_noop("COVERED"), "#f59e0b", "#000000")
COVERED_DO = (tr_noop("remove the obstruction"), tr_noop("or set the box aside"))
NOT_READY = (tr_noop("NOT READY"), "#92400e", "#ffffff")
# every banner word (tr() each where measured)
WORDS = [w for w, _, _ in theme.VERDICTS.values()] + [COVERED[0], NOT_READY[0], theme.STOPPED[0], theme.WAITING[0]]
ROW_FLAGS = Qt.AlignmentFlag.AlignCenter  # one line per band, fitted (see fitted): never wrapped
ROWS = ((0.0, 0.50), (0.50, 0.19), (0.69, 0.16), (0.85, 0.15))  # (top, share of the height): word, detail, reason, foot


def detail_line(part: InspectedPart) -> str:
    """'22 / 24  ·  confidence 0.97' for a box, 'defect  ·  confidence 0.99' for a part; what to do for a covered box
    (its count and confidence mean nothing: the model could not see the box)."""
    record = part.record
    if is_covered(record):
        return tr(COVERED_DO[0])
    bits = []
    if record.count is not None and record.expected is not None:
        bits.append(f"{record.count} / {record.expected}")
    elif record.label:
        bits.append(record.label)
    bits.append(tr("confidence {value}").format(value=f"{record.confidence:.2f}"))
    return "  ·  ".join(bits)


def verdict_of(part: InspectedPart) -> tuple[str, str, str]:
    """(word in the window's language, background, text colour) of a part: COVERED for a covered box, else its
    outcome's."""
    return theme.translated(COVERED) if is_covered(part.record) else theme.verdict(part.outcome)


def reason_line(part: InspectedPart) -> str:
    record = part.record
    if is_covered(record):
        return f"{tr(COVERED_DO[1])}  ·  #{record.part_id}"
    return f"#{record.part_id}  {reason_text(record.reason)}"


def widest_fit(font: QFont, size: int, width: int) -> int:
    """The largest pixel size up to ``size`` at which the longest banner word fits ``width``."""
    font = QFont(font)
    font.setWeight(QFont.Weight.Black)
    font.setPixelSize(max(8, size))
    longest = max(QFontMetrics(font).horizontalAdvance(tr(w)) for w in WORDS)
    return max(12, min(size, int(size * width / max(1, longest))))


def fitted(font: QFont, text: str, width: int, height: int, *, min_px: int = 11,
           bold: bool = False) -> tuple[QFont, str]:
    """``font`` at most ``height`` * 0.8 px high, shrunk down to ``min_px`` until ``text`` fits ``width``; elided
    after that. The text drawn never leaves its band."""
    font = QFont(font)
    font.setBold(bold)
    size = max(min_px, int(height * 0.8))
    font.setPixelSize(size)
    while size > min_px and inked_width(QFontMetrics(font), text) > width:
        size -= 1
        font.setPixelSize(size)
    metrics = QFontMetrics(font)
    return font, text if inked_width(metrics, text) <= width else metrics.elidedText(
        text, Qt.TextElideMode.ElideRight, width - 2)


def inked_width(metrics: QFontMetrics, text: str) -> int:
    """The width ``text`` takes when drawn in a rectangle (fractional advances rounded up: a pixel or two more than
    ``horizontalAdvance`` says)."""
    return max(metrics.horizontalAdvance(text), metrics.boundingRect(QRect(0, 0, 1 << 20, 1 << 10), 0, text).width())


class VerdictBanner(QWidget):
    """Shows the newest part's verdict or the line's state; a tap clears a held REJECT."""

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(90)
        self.state = "waiting"  # not_ready | stopped | held | part | waiting
        self.outcome: str | None = None
        self.part_id: int | None = None
        self.text = self.detail = self.reason = self.foot = ""
        self._background, self._colour = QColor(), QColor()
        self.word_font, self.base_font = QFont(), QFont()
        self.lines: list[tuple[QRect, QFont, str]] = []  # what paintEvent draws (tests measure it)
        self._tick = QTimer(self)  # the held part's countdown
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.refresh)
        model.parts_added.connect(self.refresh)
        model.running_changed.connect(self.refresh)
        model.busy_changed.connect(self.refresh)
        model.ready_changed.connect(self.refresh)
        model.hold.changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_: object) -> None:
        model, held, latest = self.model, self.model.hold.part, self.model.latest
        self.outcome = self.part_id = None
        if not model.ready or model.busy:
            why = shown(model.not_ready_why if not model.ready else model.busy)  # the model's are English
            what, _, more = why.partition(": ")  # "no connection to the runtime: reconnecting…" on two lines
            self._show("not_ready", *theme.translated(NOT_READY), what, more, "")
        elif not model.running:
            last = tr("last part #{part}  {verdict}").format(
                part=latest.record.part_id, verdict=verdict_of(latest)[0]) if latest is not None else ""
            self._show("stopped", *theme.translated(theme.STOPPED), tr("the line is not inspecting"),
                       tr("parts that arrive are rejected"), last)
        elif held is not None:
            self.outcome, self.part_id = held.outcome, held.record.part_id
            n = model.hold.newer
            newer = (tr("1 newer part") if n == 1 else tr("{n} newer parts").format(n=n)) + "  ·  " if n else ""
            foot = tr("HELD {seconds} s").format(seconds=f"{model.hold.remaining_s:.0f}") + "  ·  " + newer + tr(
                "tap to clear")
            self._show("held", *verdict_of(held), detail_line(held), reason_line(held), foot)
        elif latest is not None:
            self.outcome, self.part_id = latest.outcome, latest.record.part_id
            self._show("part", *verdict_of(latest), detail_line(latest), reason_line(latest), "")
        else:
            self._show("waiting", *theme.translated(theme.WAITING), tr("waiting for the first part"), "", "")
        if self.state == "held" and not self._tick.isActive():
            self._tick.start()
        elif self.state != "held":
            self._tick.stop()

    def _show(self, state: str, word: str, background: str, colour: str, detail: str, reason: str, foot: str) -> None:
        self.state = state
        self.text, self.detail, self.reason, self.foot = word, detail, reason, foot
        self._background, self._colour = QColor(background), QColor(colour)
        self._layout()
        self.update()

    def rows(self) -> list[tuple[str, QFont, QRect]]:
        """The lines painted now as (text, font, band), each drawn centred in its band with ``ROW_FLAGS``."""
        return [(text, font, rect) for rect, font, text in self.lines]

    def resizeEvent(self, event) -> None:
        h, w = max(60, self.height()), max(120, self.width())
        self.word_font = QFont(self.font())
        self.word_font.setWeight(QFont.Weight.Black)
        self.word_font.setPixelSize(widest_fit(self.word_font, int(h * ROWS[0][1] * 0.85), w - 28))
        self.base_font = QFont(self.font())
        self._layout()
        super().resizeEvent(event)

    def _layout(self) -> None:
        """Each line in its own band, fitted to it."""
        h, w = self.height(), self.width()
        self.lines = []
        for i, ((top, share), text) in enumerate(zip(ROWS, (self.text, self.detail, self.reason, self.foot))):
            if not text:
                continue
            rect = QRect(10, int(h * top), w - 20, int(h * share))
            if i == 0:
                font = self.word_font
            else:
                font, text = fitted(self.base_font, text, rect.width(), rect.height(), bold=i != 2)
            self.lines.append((rect, font, text))

    def mouseReleaseEvent(self, event) -> None:
        if self.state == "held":
            self.model.hold.acknowledge()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._background)
        painter.drawRoundedRect(QRectF(self.rect()), 8, 8)
        if self.state == "held" and self.model.hold.hold_s > 0:  # the hold's time left, as a bar along the bottom
            left = self.model.hold.remaining_s / self.model.hold.hold_s
            painter.setBrush(QColor(0, 0, 0, 90))
            painter.drawRect(QRectF(0, self.height() - 5, self.width() * left, 5))
        painter.setPen(self._colour)
        for rect, font, text in self.lines:
            painter.setFont(font)
            painter.drawText(rect, ROW_FLAGS, text)
        painter.end()
