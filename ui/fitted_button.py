"""A button whose words shrink to its width instead of being cut (a German outcome word in a quarter column)."""
from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QPushButton, QStyle, QStyleOptionButton

MIN_PX = 11  # smaller is no longer read from a metre


class FittedButton(QPushButton):
    """Its style sheet's font while the text fits; else the largest pixel size (down to ``MIN_PX``) that does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fitting = False
        self.fitted_px: int | None = None  # the size it shrank to (None: its own)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _room(self) -> int:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        return self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, self).width()

    def _fit(self) -> None:
        if self._fitting or not self.text():
            return
        self._fitting = True
        try:
            if self.fitted_px is not None:  # measure with the style sheet's own size again
                self.setStyleSheet("")
                self.fitted_px = None
            font, room = self.font(), self._room()
            if QFontMetrics(font).horizontalAdvance(self.text()) <= room:
                return
            px = font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 4 / 3)
            while px > MIN_PX:
                px -= 1
                font.setPixelSize(px)
                if QFontMetrics(font).horizontalAdvance(self.text()) <= room:
                    break
            self.fitted_px = px
            self.setStyleSheet(f"font-size: {px}px;")
        finally:
            self._fitting = False
