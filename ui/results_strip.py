"""The strip of the last results: thumbnails with their overlays and verdict, newest on the left; tap to open one.

One widget painting its row of pictures (rendered on a worker), rather than a styled button per tile: a new part
costs one blit of the row, not sixteen styled repaints.
"""
from __future__ import annotations

import collections

from PySide6.QtCore import QRect, QSize, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.model import InspectedPart, StationModel
from ui.part_image import part_picture
from ui.renderer import Renderer

MAX_TILES = 16
GAP = 6


class ResultsStrip(QWidget):
    part_tapped = Signal(object)  # InspectedPart

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._shown: collections.deque[list] = collections.deque(maxlen=MAX_TILES)  # [part, picture or None]
        self._tile = QSize(96, 72)
        self.setFixedHeight(self._tile.height())
        self.renderer = Renderer("thumbnails", limit=MAX_TILES, wait=model.line_first.wait, parent=self)
        self.renderer.connect(self._rendered)
        model.parts_added.connect(self._on_parts)

    @property
    def parts(self) -> list[InspectedPart]:
        """The parts on the strip, newest first."""
        return [part for part, _ in self._shown]

    def visible_tiles(self) -> int:
        return min(len(self._shown), self._fits())

    def tile_rect(self, index: int) -> QRect:
        return QRect(index * (self._tile.width() + GAP), 0, self._tile.width(), self._tile.height())

    def has_picture(self, index: int) -> bool:
        return index < len(self._shown) and self._shown[index][1] is not None

    def stop(self) -> bool:
        return self.renderer.stop()

    def set_tile_height(self, height: int) -> None:
        self.setFixedHeight(height)
        self._tile = QSize(height * 4 // 3, height)
        for entry in reversed(self._shown):
            entry[1] = None  # drawn for the old size
            self.renderer.submit(entry[0].record.part_id, part_picture, entry[0], self._tile, True)
        self.update()

    def _fits(self) -> int:
        return max(1, (self.width() + GAP) // (self._tile.width() + GAP))

    def _on_parts(self, parts: list) -> None:
        for part in parts[-MAX_TILES:]:
            self._shown.appendleft([part, None])
            self.renderer.submit(part.record.part_id, part_picture, part, self._tile, True)
        if parts:
            self.update()

    def _rendered(self, part_id: int, picture: QImage) -> None:
        if picture.size() != self._tile:
            return
        for i, entry in enumerate(self._shown):
            if entry[0].record.part_id == part_id:
                entry[1] = picture
                if i < self._fits():
                    self.update(self.tile_rect(i))
                return

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#0b0d10"))
        for i in range(self.visible_tiles()):
            rect = self.tile_rect(i)
            if not rect.intersects(event.rect()):
                continue
            picture = self._shown[i][1]
            if picture is not None:
                painter.drawImage(rect.topLeft(), picture)
            else:
                painter.fillRect(rect, QColor("#161b22"))
            painter.setPen(QPen(QColor("#3b4656"), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()

    def mouseReleaseEvent(self, event) -> None:
        index = int(event.position().x()) // (self._tile.width() + GAP)
        if index < self.visible_tiles() and self.tile_rect(index).contains(event.position().toPoint()):
            self.part_tapped.emit(self._shown[index][0])
