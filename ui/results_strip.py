"""The strip of the last results: thumbnails with their overlays and verdict, newest on the left; tap to open one."""
from __future__ import annotations

import collections

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

from ui.model import InspectedPart, StationModel
from ui.part_image import part_picture
from ui.renderer import Renderer

MAX_TILES = 16


class ResultsStrip(QWidget):
    part_tapped = Signal(object)  # InspectedPart

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(4)
        self.tiles: list[QToolButton] = []
        for _ in range(MAX_TILES):
            tile = QToolButton(objectName="tile")
            tile.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            tile.setVisible(False)
            tile.clicked.connect(lambda _=False, t=tile: self._tapped(t))
            self._row.addWidget(tile)
            self.tiles.append(tile)
        self._row.addStretch(1)
        self._shown: collections.deque[list] = collections.deque(maxlen=MAX_TILES)  # [part, icon or None]
        self._icon_size = QSize(96, 72)
        self.renderer = Renderer("thumbnails", limit=MAX_TILES, parent=self)
        self.renderer.connect(self._rendered)
        model.parts_added.connect(self._on_parts)

    @property
    def parts(self) -> list[InspectedPart]:
        """The parts on the strip, newest first."""
        return [part for part, _ in self._shown]

    def stop(self) -> bool:
        return self.renderer.stop()

    def visible_tiles(self) -> int:
        return sum(t.isVisibleTo(self) for t in self.tiles)

    def set_tile_height(self, height: int) -> None:
        self.setFixedHeight(height)
        inner = max(32, height - 10)
        self._icon_size = QSize(inner * 4 // 3, inner)
        for tile in self.tiles:
            tile.setIconSize(self._icon_size)
            tile.setFixedSize(self._icon_size.width() + 8, height)
        for entry in reversed(self._shown):
            self.renderer.submit(entry[0].record.part_id, part_picture, entry[0], self._icon_size, True)
        self._fill()

    def resizeEvent(self, event) -> None:
        self._fill()
        super().resizeEvent(event)

    def _on_parts(self, parts: list) -> None:
        for part in parts[-MAX_TILES:]:
            self._shown.appendleft([part, None])
            self.renderer.submit(part.record.part_id, part_picture, part, self._icon_size, True)
        if parts:
            self._fill()

    def _rendered(self, part_id: int, image) -> None:
        if image.size() != self._icon_size:
            return
        for entry in self._shown:
            if entry[0].record.part_id == part_id:
                entry[1] = QIcon(QPixmap.fromImage(image))
                self._fill()
                return

    def _fill(self) -> None:
        fits = max(1, (self.width() + 4) // (self._icon_size.width() + 12))
        for i, tile in enumerate(self.tiles):
            if i < len(self._shown) and i < fits:
                part, icon = self._shown[i]
                tile.setIcon(icon or QIcon())
                tile.setProperty("part_id", part.record.part_id)
                tile.setVisible(True)
            else:
                tile.setVisible(False)

    def _tapped(self, tile: QToolButton) -> None:
        index = self.tiles.index(tile)
        if index < len(self._shown):
            self.part_tapped.emit(self._shown[index][0])
