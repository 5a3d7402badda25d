"""What is drawn over a part's frame, taken from its record and model results, and how it is painted.

``Overlay`` is plain data (tests count its markers); ``paint_overlay`` draws it with a QPainter at any scale.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from inspector.record import PartRecord
from inspector.slots import fit_slots
from inspector.types import ClassifyResult
from ui import theme

Point = tuple[float, float]


@dataclass(frozen=True)
class Overlay:
    """Markers for one part, in frame pixels."""

    part_id: int
    items: tuple[Point, ...] = ()  # every counted cartridge
    empty_slots: tuple[Point, ...] = ()  # slots of the box with no cartridge
    slots_unseen: bool = False  # the box was covered: the "empty" slots are slots the model could not see
    slot_radius: float = 12.0
    outline: tuple[Point, ...] = ()  # the defect's outline (closed polygon)
    defect_box: tuple[int, int, int, int] | None = None
    roi: tuple[int, int, int, int] | None = None

    @property
    def markers(self) -> int:
        return len(self.items) + len(self.empty_slots) + bool(self.outline) + (self.defect_box is not None)

    @classmethod
    def of(cls, record: PartRecord, results: Sequence = (), *, layout: tuple[int, int] | None = None,
           roi: tuple[int, int, int, int] | None = None) -> "Overlay":
        items = tuple((float(x), float(y)) for x, y, *_ in (record.points or []))
        empty: tuple[Point, ...] = ()
        radius = 12.0
        if layout and items:
            fit = fit_slots(record.points, layout)
            if fit is not None:
                radius = 0.42 * fit.pitch
                if not fit.ambiguous:  # a whole edge row or column gone: no telling which side, so no markers
                    empty = tuple((float(x), float(y)) for x, y in fit.empty)
        outline: tuple[Point, ...] = ()
        for result in results:
            if isinstance(result, ClassifyResult) and result.defect_outline and result.p_defect >= 0.2:
                outline = tuple((float(x), float(y)) for x, y in result.defect_outline)
        box = tuple(record.defect_box) if record.defect_box and record.outcome != "pass" else None
        return cls(record.part_id, items, empty, record.outcome == "uncertain", radius, outline, box, roi)


def paint_overlay(painter: QPainter, overlay: Overlay, scale: float, *, line_px: float = 3.0) -> None:
    """Draw ``overlay`` on a frame shown ``scale`` times its size with its top-left at the painter's origin."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    w = max(2.0, line_px)
    if overlay.roi is not None:
        x, y, rw, rh = overlay.roi
        _halo_rect(painter, QRectF(x * scale, y * scale, rw * scale, rh * scale), theme.ROI, w * 0.6, Qt.PenStyle.DashLine)
    r = max(4.0, overlay.slot_radius * scale)
    for x, y in overlay.items:
        _halo_circle(painter, QPointF(x * scale, y * scale), r * 0.8, theme.ITEM, w)
    for x, y in overlay.empty_slots:
        centre = QPointF(x * scale, y * scale)
        if overlay.slots_unseen:
            _halo_circle(painter, centre, r, theme.UNSEEN, w, Qt.PenStyle.DashLine)
        else:
            _empty_slot(painter, centre, r, w)
    if overlay.defect_box is not None:
        x, y, bw, bh = overlay.defect_box
        pad = 6
        rect = QRectF((x - pad) * scale, (y - pad) * scale, (bw + 2 * pad) * scale, (bh + 2 * pad) * scale)
        _halo_rect(painter, rect, theme.DEFECT_BOX, w * 0.8, Qt.PenStyle.DashLine)
    if overlay.outline:
        polygon = QPolygonF([QPointF(x * scale, y * scale) for x, y in overlay.outline])
        for colour, width in ((theme.HALO, w * 2.4), (theme.DEFECT, w * 1.3)):
            painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            painter.drawPolygon(polygon)
    painter.restore()


def _empty_slot(painter: QPainter, centre: QPointF, r: float, w: float) -> None:
    """A red disc with a white cross: unmistakable next to the green rings, even without colour."""
    fill = QColor(theme.EMPTY)
    fill.setAlpha(120)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawEllipse(centre, r, r)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    _halo_circle(painter, centre, r, theme.EMPTY, w * 1.2)
    d = r * 0.5
    for colour, width in ((theme.HALO, w * 2.2), (QColor("#ffffff"), w * 1.1)):
        painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(centre.x() - d, centre.y() - d), QPointF(centre.x() + d, centre.y() + d))
        painter.drawLine(QPointF(centre.x() - d, centre.y() + d), QPointF(centre.x() + d, centre.y() - d))


def _halo_circle(painter: QPainter, centre: QPointF, r: float, colour: QColor, w: float,
                 style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> None:
    painter.setPen(QPen(theme.HALO, w + 2.5))
    painter.drawEllipse(centre, r, r)
    painter.setPen(QPen(colour, w, style))
    painter.drawEllipse(centre, r, r)


def _halo_rect(painter: QPainter, rect: QRectF, colour: QColor, w: float, style: Qt.PenStyle) -> None:
    painter.setPen(QPen(theme.HALO, w + 2.5))
    painter.drawRect(rect)
    painter.setPen(QPen(colour, w, style))
    painter.drawRect(rect)
