"""A part's frame with its overlays, scaled to the widget; thumbnails of the same for the results strip."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.pictures import fit_rect, to_qimage
from ui.model import InspectedPart
from ui.verdict import verdict_of


def part_picture(part: InspectedPart, size: QSize, banner: bool = False) -> QImage:
    """The part's frame fitted into ``size`` with its overlays; ``banner`` adds its verdict and id along the bottom.

    Safe on a worker thread (QPainter on a QImage).
    """
    out = QImage(size, QImage.Format.Format_RGB32)
    out.fill(QColor("#000000"))
    painter = QPainter(out)
    frame = part.frame
    if frame is not None:
        h, w = frame.image.shape[:2]
        rect = fit_rect(QRect(0, 0, size.width(), size.height()), w, h)
        image, pixels = to_qimage(part.annotated, rect.size(), fine=True)
        painter.drawImage(rect.topLeft(), image)
        del image, pixels  # drawn: the buffer may go
    if banner:
        word, background, colour = verdict_of(part)
        band = QRect(0, size.height() - max(14, size.height() // 4), size.width(), max(14, size.height() // 4))
        painter.fillRect(band, QColor(background))
        font, number = banner_font(word, f"#{part.record.part_id}", band.adjusted(4, 0, -4, 0).size())
        painter.setFont(font)
        painter.setPen(QColor(colour))
        painter.drawText(band.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, word)
        if number:
            painter.drawText(band.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             number)
    painter.end()
    return out


def banner_font(word: str, number: str, room: QSize, gap: int = 6) -> tuple[QFont, str]:
    """The bold font for a tile's band and the number shown beside the word: the font shrinks (to 9 px) until the
    word and the number fit side by side; where even that is too narrow the number is left out ("FAIL-SAFE #4711"
    overlapped on a 101 px tile)."""
    font = QFont()
    font.setBold(True)
    for pixels in range(max(9, int(room.height() * 0.7)), 8, -1):
        font.setPixelSize(pixels)
        metrics = QFontMetrics(font)
        if metrics.horizontalAdvance(word) + gap + metrics.horizontalAdvance(number) <= room.width():
            return font, number
    return font, ""


class PartImage(QWidget):
    """Draws one part's picture at the widget's size (re-rendered only when the size changes)."""

    def __init__(self, part: InspectedPart, parent=None):
        super().__init__(parent)
        self.part = part
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._picture: QImage | None = None

    def paintEvent(self, event) -> None:
        if self._picture is None or self._picture.size() != self.size():
            self._picture = part_picture(self.part, self.size())
        painter = QPainter(self)
        painter.drawImage(0, 0, self._picture)
        painter.end()
