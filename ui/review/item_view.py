"""The part under review: its kept image with the model's overlays (toggleable), zoom and pan, and the POINT tool.

Looking is the default: a pinch (two fingers), a double tap / double click or the mouse wheel zooms about the finger,
one finger (or the mouse) drags the zoomed picture; a tap changes nothing. Only with the POINT tool chosen does a tap
on a cartridge ring remove that point and a tap elsewhere add one. The empty-slot crosses follow the count on show:
taps refit the box's slots to the points, COUNT ± takes crosses away or puts them back, and a badge on the picture
says the count (and how many missing ones have no place marked). The picture is drawn with the operator screen's
overlay code (``ui.overlay``) at the widget's size, again only when the part, the marks, the zoom or the size change.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import math
import time
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector.config import ConfigError, load_recipe
from inspector.record import PartRecord
from ui.overlay import Overlay, draw_overlay
from ui.pictures import fit_rect
from ui.review.model import ReviewModel

log = logging.getLogger(__name__)
TAP_RADIUS_PX = 24  # on screen: a fingertip's half width, however small the cartridges are drawn
ZOOM_MAX = 8.0
DOUBLE_TAP_ZOOM = 3.0
DRAG_PX = 12  # a finger that moved further than this drags (pans); closer, it is a tap
DOUBLE_TAP_S, DOUBLE_TAP_PX = 0.4, 40
WHEEL_STEP = 1.25  # zoom factor per wheel notch (120 eighths of a degree)


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


def shifted(overlay: Overlay, dx: float, dy: float) -> Overlay:
    """``overlay`` moved by (dx, dy) frame pixels (to draw it over a zoomed part of the frame)."""
    def move(points):
        return tuple((x + dx, y + dy) for x, y in points)

    box = overlay.defect_box
    roi = overlay.roi
    return dataclasses.replace(
        overlay, items=move(overlay.items), empty_slots=move(overlay.empty_slots), outline=move(overlay.outline),
        defect_box=(box[0] + dx, box[1] + dy, box[2], box[3]) if box is not None else None,
        roi=(roi[0] + dx, roi[1] + dy, roi[2], roi[3]) if roi is not None else None)


class ItemView(QWidget):
    toggled = Signal(bool)  # overlays on / off
    zoom_changed = Signal(float)
    looked = Signal(str)  # a tap that edited nothing (LOOK tool on a counted part): what to do to edit

    def __init__(self, model: ReviewModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.overlays = True
        self.image: np.ndarray | None = None
        self.zoom = 1.0
        self.centre: tuple[float, float] | None = None  # frame pixel at the middle of the view; None: the image's
        self._image_of: int | None = None
        self._picture: QImage | None = None
        self._picture_key: tuple | None = None
        self._overlay: Overlay | None = None
        self._overlay_key: tuple | None = None
        self._press: tuple[QPointF, tuple[float, float], bool] | None = None  # mouse: where, centre then, dragged
        self._touch: dict | None = None
        self._last_tap: tuple[float, QPointF] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)  # pinch and drag come as touch events
        model.current_changed.connect(self._load)
        model.draft_changed.connect(self.update)
        model.tool_changed.connect(self.update)
        self._load()

    # -- what is shown ------------------------------------------------------------------------------------------
    def _load(self) -> None:
        item = self.model.current
        part_id = item.record.part_id if item else None
        if part_id != self._image_of:
            self._image_of = part_id
            self.image = load_image(self.model.review.store.image_file(item.record)) if item else None
            self.reset_zoom()
        self.update()

    def set_overlays(self, on: bool) -> None:
        self.overlays = bool(on)
        self.toggled.emit(self.overlays)
        self.update()

    def toggle_overlays(self) -> None:
        self.set_overlays(not self.overlays)

    def expected(self) -> int | None:
        item = self.model.current
        if item is None:
            return None
        layout = recipe_layout(item.record.recipe)
        return item.record.expected if item.record.expected is not None else (
            layout[0] * layout[1] if layout else None)

    def overlay(self) -> Overlay | None:
        """The marks on show: the model's, or for the reviewer's points the box's slots refitted to them, with as
        many empty-slot crosses as the count set with COUNT ± leaves missing."""
        item = self.model.current
        if item is None:
            return None
        points = tuple((float(p[0]), float(p[1])) for p in self.model.points)
        key = (item.record.part_id, points, self.model.draft.count, self.model.draft.points is None)
        if self._overlay_key != key:  # asked several times per paint and per tap: the slot fit once
            self._overlay, self._overlay_key = self._marks(item.record, points), key
        return self._overlay

    def _marks(self, record: PartRecord, points: tuple) -> Overlay:
        layout = recipe_layout(record.recipe)
        base = Overlay.of(record, layout=layout)
        if points != base.items:  # the reviewer's (or an earlier QA) points: where are the gaps among them?
            edited = dataclasses.replace(record, points=[[x, y, 1.0] for x, y in points])
            base = dataclasses.replace(Overlay.of(edited, layout=layout), slots_unseen=False)
        if self.model.draft.count is not None and self.model.draft.points is None:
            missing = self._missing()
            base = dataclasses.replace(base, empty_slots=base.empty_slots[:missing], slots_unseen=False)
        return base

    def _missing(self) -> int:
        expected, count = self.expected(), self.model.count
        return max(0, expected - count) if expected is not None and count is not None else 0

    def unplaced(self) -> int:
        """Missing cartridges the count says there are but no cross marks (the count went below what is seen)."""
        if not self.model.counted or self.model.count is None:
            return 0
        overlay = self.overlay()
        return max(0, self._missing() - len(overlay.empty_slots)) if overlay is not None else 0

    # -- zoom and pan -------------------------------------------------------------------------------------------
    def image_rect(self) -> QRect:
        """Where the whole frame is drawn at zoom 1 (the view's frame when zoomed)."""
        if self.image is None:
            return QRect()
        h, w = self.image.shape[:2]
        return fit_rect(self.rect(), w, h)

    def scale(self) -> float:
        """Screen pixels per frame pixel, zoom included."""
        return self.image_rect().width() / self.image.shape[1] * self.zoom if self.image is not None else 1.0

    def view_centre(self) -> tuple[float, float]:
        if self.centre is not None:
            return self.centre
        h, w = self.image.shape[:2]
        return w / 2, h / 2

    def _clamped(self, cx: float, cy: float) -> tuple[float, float]:
        h, w = self.image.shape[:2]
        half_w, half_h = w / (2 * self.zoom), h / (2 * self.zoom)
        return min(max(cx, half_w), w - half_w), min(max(cy, half_h), h - half_h)

    def _middle(self) -> QPointF:
        return QRectF(self.image_rect()).center()

    def frame_to_widget(self, x: float, y: float) -> QPointF:
        (cx, cy), s, mid = self.view_centre(), self.scale(), self._middle()
        return QPointF(mid.x() + (x - cx) * s, mid.y() + (y - cy) * s)

    def _frame_at(self, px: float, py: float) -> tuple[float, float]:
        (cx, cy), s, mid = self.view_centre(), self.scale(), self._middle()
        return cx + (px - mid.x()) / s, cy + (py - mid.y()) / s

    def widget_to_frame(self, px: float, py: float) -> tuple[float, float] | None:
        rect = self.image_rect()
        if rect.isEmpty() or not rect.contains(int(px), int(py)):
            return None
        x, y = self._frame_at(px, py)
        h, w = self.image.shape[:2]
        return (x, y) if 0 <= x < w and 0 <= y < h else None

    def set_zoom(self, zoom: float, at: QPointF | None = None) -> None:
        """Zoom to ``zoom`` (1 = the whole frame) keeping the frame point under ``at`` (widget) where it is."""
        if self.image is None:
            return
        at = at if at is not None else self._middle()
        anchor = self._frame_at(at.x(), at.y())
        self.zoom = min(max(1.0, float(zoom)), ZOOM_MAX)
        self._keep(anchor, at)

    def _keep(self, frame_point: tuple[float, float], at: QPointF) -> None:
        """Move the view so ``frame_point`` lies under widget point ``at``."""
        s, mid = self.scale(), self._middle()
        centre = (frame_point[0] - (at.x() - mid.x()) / s, frame_point[1] - (at.y() - mid.y()) / s)
        self.centre = self._clamped(*centre) if self.zoom > 1.0 else None
        self.zoom_changed.emit(self.zoom)
        self.update()

    def reset_zoom(self) -> None:
        self.zoom, self.centre = 1.0, None
        self.zoom_changed.emit(self.zoom)
        self.update()

    def toggle_zoom(self, at: QPointF) -> None:
        """A double tap: zoom in about the finger, or back to the whole frame."""
        if self.zoom > 1.0:
            self.reset_zoom()
        else:
            self.set_zoom(DOUBLE_TAP_ZOOM, at)

    def _pan_from(self, centre: tuple[float, float], moved: QPointF) -> None:
        if self.zoom > 1.0:
            s = self.scale()
            self.centre = self._clamped(centre[0] - moved.x() / s, centre[1] - moved.y() / s)
            self.update()

    # -- input: a tap edits (POINT tool) or looks; drags pan; pinch, double tap and wheel zoom -------------------
    def _tap(self, at: QPointF, *, touch: bool) -> None:
        if self.image is None:
            return
        where = self.widget_to_frame(at.x(), at.y())
        if self.model.tool == "point":
            if where is not None:
                overlay = self.overlay()
                radius = max(overlay.slot_radius if overlay else 0.0, TAP_RADIUS_PX / max(self.scale(), 1e-6))
                self.model.tap(where[0], where[1], radius)
            return
        now = time.monotonic()
        last, self._last_tap = self._last_tap, (now, at)
        if touch and last is not None and now - last[0] <= DOUBLE_TAP_S and \
                math.dist((at.x(), at.y()), (last[1].x(), last[1].y())) <= DOUBLE_TAP_PX:
            self._last_tap = None
            self.toggle_zoom(at)
        elif self.model.counted:
            self.looked.emit("Looking: pinch or double-tap to zoom. To add or remove cartridges choose POINT.")

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.image is None:
            return super().mousePressEvent(event)
        self._press = (event.position(), self.view_centre(), False)
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            return super().mouseMoveEvent(event)
        start, centre, dragged = self._press
        moved = event.position() - start
        if dragged or math.hypot(moved.x(), moved.y()) > DRAG_PX:
            self._press = (start, centre, True)
            self._pan_from(centre, moved)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.image is None:
            return super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or not press[2]:
            self._tap(event.position(), touch=False)
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.model.tool == "look" and self.image is not None:
            self._press = (event.position(), self.view_centre(), True)  # its release is no tap
            self.toggle_zoom(event.position())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if self.image is None or not steps:
            return super().wheelEvent(event)
        self.set_zoom(self.zoom * WHEEL_STEP ** steps, event.position())
        event.accept()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            self._touched(event)
            event.accept()
            return True
        return super().event(event)

    def _touched(self, event) -> None:
        """One finger: a tap, or a drag that pans; two fingers: a pinch that zooms about their middle and follows it."""
        points = [p for p in event.points()]
        kind = event.type()
        if self.image is None or not points:
            return
        if kind == QEvent.Type.TouchBegin or self._touch is None:
            self._touch = {"start": points[0].position(), "centre": self.view_centre(), "moved": False, "pinch": None}
        touch = self._touch
        if kind == QEvent.Type.TouchCancel:
            self._touch = None
            return
        if len(points) >= 2:
            a, b = points[0].position(), points[1].position()
            mid, spread = (a + b) / 2, math.dist((a.x(), a.y()), (b.x(), b.y()))
            if touch["pinch"] is None:
                touch["pinch"] = (self.zoom, max(spread, 1.0), self._frame_at(mid.x(), mid.y()))
                touch["moved"] = True
            zoom0, spread0, anchor = touch["pinch"]
            self.zoom = min(max(1.0, zoom0 * spread / spread0), ZOOM_MAX)
            self._keep(anchor, mid)
        elif touch["pinch"] is None:
            moved = points[0].position() - touch["start"]
            if touch["moved"] or math.hypot(moved.x(), moved.y()) > DRAG_PX:
                touch["moved"] = True
                self._pan_from(touch["centre"], moved)
        if kind == QEvent.Type.TouchEnd:
            if not touch["moved"]:
                self._tap(points[0].position(), touch=True)
            self._touch = None

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
            key = (self._image_of, rect.width(), rect.height(), self.overlays, tuple(map(tuple, self.model.points)),
                   self.model.draft.count, self.zoom, self.centre)
            if key != self._picture_key:
                self._picture, self._picture_key = self._draw(rect), key
            painter.drawImage(rect.topLeft(), self._picture)
            self._badges(painter, rect)
        painter.end()

    def badge_texts(self) -> list[tuple[str, str]]:
        """(text, colour) of the notes drawn over the picture: the count on show, the tool, the zoom."""
        texts = []
        if self.model.counted and self.model.count is not None:
            expected = self.expected()
            of = f" / {expected}" if expected is not None else ""
            unplaced = self.unplaced()
            extra = f" · {unplaced} missing not marked" if unplaced else ""
            good = expected is None or self.model.count == expected
            texts.append((f"COUNT {self.model.count}{of}{extra}", "#22c55e" if good else "#ef4444"))
        if self.model.tool == "point":
            texts.append(("POINT: a tap adds or removes a cartridge", "#fbbf24"))
        if self.zoom > 1.0:
            texts.append((f"ZOOM ×{self.zoom:.1f} · double-tap: whole picture", "#e5e7eb"))
        return texts

    def _badges(self, painter: QPainter, rect: QRect) -> None:
        font = QFont()
        font.setPixelSize(max(12, min(22, rect.height() // 18)))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        y = rect.y() + 4
        for text, colour in self.badge_texts():
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 16)
            box = QRect(rect.x() + 4, y, metrics.horizontalAdvance(text) + 12, metrics.height() + 6)
            painter.fillRect(box, QColor(0, 0, 0, 180))
            painter.setPen(QColor(colour))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            y += box.height() + 4

    def _draw(self, rect: QRect) -> QImage:
        w, h = max(1, rect.width()), max(1, rect.height())
        s = self.scale()
        if self.zoom == 1.0:
            shown = cv2.resize(self.image, (w, h), interpolation=cv2.INTER_AREA if s < 0.5 else cv2.INTER_LINEAR)
            dx = dy = 0.0
        else:  # the part of the frame in view, mapped by one affine warp: frame (x, y) -> (x + dx, y + dy) * s
            cx, cy = self.view_centre()
            dx, dy = w / 2 / s - cx, h / 2 / s - cy
            warp = np.float32([[s, 0, dx * s], [0, s, dy * s]])
            shown = cv2.warpAffine(self.image, warp, (w, h), flags=cv2.INTER_LINEAR)
        bgra = cv2.cvtColor(shown, cv2.COLOR_BGR2BGRA)
        overlay = self.overlay()
        if self.overlays and overlay is not None:
            draw_overlay(bgra, shifted(overlay, dx, dy) if (dx or dy) else overlay, s,
                         line_px=max(2.0, w / 300))
        return QImage(bgra.data, w, h, bgra.strides[0], QImage.Format.Format_RGB32).copy()
