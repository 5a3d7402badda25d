"""The part under review: its kept image with the model's overlays (toggleable), and taps that edit the count.

A tap on a cartridge ring removes that point; a tap anywhere else adds one. The picture is drawn with the operator
screen's overlay code (``ui.overlay``) at the widget's size, again only when the part, the points or the size change.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QPointF, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector.config import ConfigError, load_recipe
from inspector.record import PartRecord
from ui.overlay import Overlay, draw_overlay
from ui.pictures import fit_rect
from ui.review.model import ReviewModel

log = logging.getLogger(__name__)
TAP_RADIUS_PX = 24  # on screen: a fingertip's half width, however small the cartridges are drawn


@functools.lru_cache(maxsize=16)
def recipe_layout(name: str) -> tuple[int, int] | None:
    """The box layout of a shipped recipe (for the empty-slot markers); None when the recipe is unknown."""
    try:
        return load_recipe(name).layout
    except (ConfigError, OSError, ValueError):
        return None


def load_image(path: Path | None) -> np.ndarray | None:
    if path is None or not path.exists():
        return None
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        log.warning("image %s could not be read", path)
    return image


class ItemView(QWidget):
    toggled = Signal(bool)  # overlays on / off

    def __init__(self, model: ReviewModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.overlays = True
        self.image: np.ndarray | None = None
        self._image_of: int | None = None
        self._picture: QImage | None = None
        self._picture_key: tuple | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, False)  # touches arrive as synthesised clicks
        model.current_changed.connect(self._load)
        model.draft_changed.connect(self.update)
        self._load()

    # -- what is shown ------------------------------------------------------------------------------------------
    def _load(self) -> None:
        item = self.model.current
        part_id = item.record.part_id if item else None
        if part_id != self._image_of:
            self._image_of = part_id
            self.image = load_image(self.model.review.store.image_file(item.record)) if item else None
        self.update()

    def set_overlays(self, on: bool) -> None:
        self.overlays = bool(on)
        self.toggled.emit(self.overlays)
        self.update()

    def toggle_overlays(self) -> None:
        self.set_overlays(not self.overlays)

    def overlay(self) -> Overlay | None:
        item = self.model.current
        if item is None:
            return None
        record: PartRecord = item.record
        base = Overlay.of(record, layout=recipe_layout(record.recipe))
        points = tuple((float(p[0]), float(p[1])) for p in self.model.points)
        if points != base.items:  # edited: the model's empty-slot guess no longer holds
            base = dataclasses.replace(base, items=points, empty_slots=())
        return base

    # -- frame <-> widget ---------------------------------------------------------------------------------------
    def image_rect(self) -> QRect:
        if self.image is None:
            return QRect()
        h, w = self.image.shape[:2]
        return fit_rect(self.rect(), w, h)

    def frame_to_widget(self, x: float, y: float) -> QPointF:
        rect, (h, w) = self.image_rect(), self.image.shape[:2]
        return QPointF(rect.x() + x * rect.width() / w, rect.y() + y * rect.height() / h)

    def widget_to_frame(self, px: float, py: float) -> tuple[float, float] | None:
        rect = self.image_rect()
        if rect.isEmpty() or not rect.contains(int(px), int(py)):
            return None
        h, w = self.image.shape[:2]
        return (px - rect.x()) * w / rect.width(), (py - rect.y()) * h / rect.height()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.image is None:
            return super().mouseReleaseEvent(event)
        at = self.widget_to_frame(event.position().x(), event.position().y())
        if at is not None:
            scale = self.image_rect().width() / self.image.shape[1]
            overlay = self.overlay()
            radius = max(overlay.slot_radius if overlay else 0.0, TAP_RADIUS_PX / max(scale, 1e-6))
            self.model.tap(at[0], at[1], radius)
        event.accept()

    # -- drawing ------------------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#000000"))
        if self.image is None:
            painter.setPen(QColor("#b4bfcc"))
            font = QFont()
            font.setPixelSize(max(14, self.height() // 16))
            painter.setFont(font)
            text = "No image was kept for this part" if self.model.current else "Nothing to review"
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, text)
        else:
            rect = self.image_rect()
            key = (self._image_of, rect.width(), rect.height(), self.overlays, tuple(map(tuple, self.model.points)))
            if key != self._picture_key:
                self._picture, self._picture_key = self._draw(rect), key
            painter.drawImage(rect.topLeft(), self._picture)
        painter.end()

    def _draw(self, rect: QRect) -> QImage:
        w, h = max(1, rect.width()), max(1, rect.height())
        scale = w / self.image.shape[1]
        small = cv2.resize(self.image, (w, h), interpolation=cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR)
        bgra = cv2.cvtColor(small, cv2.COLOR_BGR2BGRA)
        overlay = self.overlay()
        if self.overlays and overlay is not None:
            draw_overlay(bgra, overlay, scale, line_px=max(2.0, w / 300))
        return QImage(bgra.data, w, h, bgra.strides[0], QImage.Format.Format_RGB32).copy()
