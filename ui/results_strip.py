"""The strip of the last results: thumbnails with their overlays and verdict, newest on the left; tap to open one.

It holds still under a finger: from the press on, new parts are added out of sight (the tiles keep their places), so
the tap opens the part that was under the finger when it went down, not the one that slid there. Dragging to the
left browses back through the last ``HISTORY`` parts; while browsing, the first tile is a LIVE button (with how many
parts came since) and the strip stays where it was until that is tapped or ``BROWSE_IDLE_S`` pass untouched.

One widget painting its row of pictures (rendered on a worker), rather than a styled button per tile: a new part
costs one blit of the row, not sixteen styled repaints.
"""
from __future__ import annotations

import collections
import dataclasses

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.model import InspectedPart, StationModel
from ui.part_image import part_picture
from ui.renderer import Renderer
from ui.i18n import tr
from ui.verdict import verdict_of

MAX_TILES = 16  # rendered at once (the most a row shows on a wide screen)
HISTORY = 240  # parts that can be browsed back to (24 s at 10 parts/s), thumbnails kept
FULL_PARTS = 32  # the newest keep their frame (full-size detail); older ones keep the record and the thumbnail
GAP = 6
DRAG_PX = 12  # a press that moves less than this is a tap
BROWSE_IDLE_S = 30.0


class ResultsStrip(QWidget):
    part_tapped = Signal(object)  # InspectedPart

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._history: collections.deque[list] = collections.deque(maxlen=HISTORY)  # [part, picture or None]
        self.offset = 0  # history index of the first part tile (0: the newest)
        self.pressed = False  # a finger is on the strip: nothing moves
        self.browsing = False  # dragged back in history: the LIVE tile leads back
        self.came_since = 0  # parts added while held still
        self._press: tuple[int, int, InspectedPart | None] | None = None  # x, offset, part under the finger
        self._dragged = False
        self._tile = QSize(96, 72)
        self.setFixedHeight(self._tile.height())
        self.renderer = Renderer("thumbnails", limit=MAX_TILES, wait=model.line_first.wait, parent=self)
        self.renderer.connect(self._rendered)
        self.back_to_live = QTimer(self)
        self.back_to_live.setSingleShot(True)
        self.back_to_live.setInterval(int(BROWSE_IDLE_S * 1000))
        self.back_to_live.timeout.connect(self.live)
        model.parts_added.connect(self._on_parts)

    # -- what is shown -----------------------------------------------------------------------------------------
    @property
    def parts(self) -> list[InspectedPart]:
        """Every part the strip holds, newest first."""
        return [part for part, _ in self._history]

    @property
    def held_still(self) -> bool:
        return self.pressed or self.browsing

    def _first_slot(self) -> int:
        return 1 if self.browsing else 0  # slot 0 is the LIVE tile while browsing

    def visible_tiles(self) -> int:
        """Part tiles on screen."""
        return max(0, min(len(self._history) - self.offset, self._fits() - self._first_slot()))

    def part_at(self, slot: int) -> InspectedPart | None:
        index = self.offset + slot - self._first_slot()
        if slot < self._first_slot() or not 0 <= index < len(self._history) or slot >= self._fits():
            return None
        return self._history[index][0]

    def tile_rect(self, index: int) -> QRect:
        """The rectangle of part tile ``index`` (0: the first part tile shown)."""
        slot = index + self._first_slot()
        return QRect(slot * (self._tile.width() + GAP), 0, self._tile.width(), self._tile.height())

    def live_rect(self) -> QRect:
        return QRect(0, 0, self._tile.width(), self._tile.height())

    def has_picture(self, index: int) -> bool:
        i = self.offset + index
        return 0 <= i < len(self._history) and self._history[i][1] is not None

    def stop(self) -> bool:
        self.back_to_live.stop()
        return self.renderer.stop()

    def set_tile_height(self, height: int) -> None:
        self.setFixedHeight(height)
        self._tile = QSize(height * 4 // 3, height)
        for entry in self._history:
            entry[1] = None  # drawn for the old size
        self._render_visible()
        self.update()

    # -- browsing ----------------------------------------------------------------------------------------------
    def browse_to(self, offset: int) -> None:
        """Show the history from ``offset`` parts back (0: the newest); the strip holds still there."""
        offset = max(0, min(offset, len(self._history) - 1))
        self.browsing = True
        self.offset = offset
        self.back_to_live.start()
        self._render_visible()
        self.update()

    def live(self) -> None:
        """Back to the newest parts, moving again."""
        self.browsing = False
        self.offset, self.came_since = 0, 0
        self.back_to_live.stop()
        self._render_visible()
        self.update()

    # -- parts -------------------------------------------------------------------------------------------------
    def _fits(self) -> int:
        return max(1, (self.width() + GAP) // (self._tile.width() + GAP))

    def _on_parts(self, parts: list) -> None:
        for part in parts[-MAX_TILES:]:
            self.renderer.submit(part.record.part_id, part_picture, part, self._tile, True)
        for part in parts:
            self._history.appendleft([part, None])
            if self.held_still:  # the tiles keep their places: the new part goes in out of sight
                self.offset = min(self.offset + 1, len(self._history) - 1)
                self.came_since += 1
        for i in range(FULL_PARTS, min(len(self._history), FULL_PARTS + len(parts))):
            entry = self._history[i]  # older parts keep their thumbnail and record; their frame may go
            if entry[0].frame is not None:
                entry[0] = dataclasses.replace(entry[0], frame=None)
        if parts:
            self.update()

    def _render_visible(self) -> None:
        for slot in range(self._first_slot(), self._fits()):
            index = self.offset + slot - self._first_slot()
            if index >= len(self._history):
                break
            part, picture = self._history[index]
            if picture is None:
                self.renderer.submit(part.record.part_id, part_picture, part, self._tile, True)

    def _rendered(self, part_id: int, picture: QImage) -> None:
        if picture.size() != self._tile:
            return
        for entry in self._history:
            if entry[0].record.part_id == part_id:
                entry[1] = picture
                self.update()
                return

    # -- touch -------------------------------------------------------------------------------------------------
    def _slot_at(self, x: float) -> int:
        return int(x) // (self._tile.width() + GAP)

    def mousePressEvent(self, event) -> None:
        x = int(event.position().x())
        self.pressed, self._dragged = True, False
        self._press = (x, self.offset, self.part_at(self._slot_at(x)))

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            return
        x0, offset0, _ = self._press
        moved = x0 - int(event.position().x())
        if abs(moved) >= DRAG_PX or self._dragged:
            self._dragged = True
            pitch = self._tile.width() + GAP
            self.browse_to(offset0 + round(moved / pitch))

    def mouseReleaseEvent(self, event) -> None:
        press, self._press = self._press, None
        self.pressed = False
        if press is not None and not self._dragged:
            x = int(event.position().x())
            if self.browsing and self._slot_at(press[0]) == 0 == self._slot_at(x):
                self.live()
            elif press[2] is not None and self._slot_at(x) == self._slot_at(press[0]):
                self.part_tapped.emit(press[2])
        if self.browsing and self.offset == 0:
            self.live()
        elif not self.browsing:
            self.offset, self.came_since = 0, 0  # let go: the strip moves on to the newest
            self._render_visible()
            self.update()
        else:
            self.back_to_live.start()

    # -- drawing -----------------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#0b0d10"))
        if self.browsing:
            self._paint_live_tile(painter)
        for i in range(self.visible_tiles()):
            rect = self.tile_rect(i)
            if not rect.intersects(event.rect()):
                continue
            part, picture = self._history[self.offset + i]
            if picture is not None:
                painter.drawImage(rect.topLeft(), picture)
            else:
                painter.fillRect(rect, QColor("#161b22"))
                if part.frame is None:  # an old part drawn for another size: its verdict and id at least
                    self._label(painter, rect, f"{verdict_of(part)[0]}\n#{part.record.part_id}", "#f2f5f8")
            painter.setPen(QPen(QColor("#3b4656"), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()

    def _paint_live_tile(self, painter: QPainter) -> None:
        rect = self.live_rect()
        painter.fillRect(rect, QColor("#1d4ed8"))
        back = tr("{n} back").format(n=self.offset) if self.offset else ""
        self._label(painter, rect, "◀ " + tr("LIVE") + f"\n{back}", "#ffffff")

    def _label(self, painter: QPainter, rect: QRect, text: str, colour: str) -> None:
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(max(11, rect.height() // 5))
        painter.setFont(font)
        painter.setPen(QColor(colour))
        painter.drawText(rect.adjusted(2, 2, -2, -2), Qt.AlignmentFlag.AlignCenter, text)
