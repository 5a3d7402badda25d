"""What is drawn over a part's frame, taken from its record and model results, and how it is drawn.

``Overlay`` is plain data (tests count its markers); ``draw_overlay`` draws it into a scaled copy of the frame.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from inspector.qa.risk import is_covered
from inspector.record import PartRecord
from inspector.slots import fit_slots
from inspector.types import ClassifyResult

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
    covered: bool = False  # a covered box: nothing is drawn on it (what was "counted" is the hand covering it)

    @property
    def markers(self) -> int:
        return len(self.items) + len(self.empty_slots) + bool(self.outline) + (self.defect_box is not None)

    @classmethod
    def of(cls, record: PartRecord, results: Sequence = (), *, layout: tuple[int, int] | None = None,
           roi: tuple[int, int, int, int] | None = None) -> "Overlay":
        if is_covered(record):  # no rings on the fingers, no "empty" slots under the hand: the box could not be seen
            return cls(record.part_id, roi=roi, covered=True)
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


def annotated(image: np.ndarray, overlay: Overlay) -> np.ndarray:
    """A copy of the frame with ``overlay`` drawn at the frame's own resolution: the same cost on any screen, and
    the one picture every view of the part (camera view, thumbnail, full size) scales from."""
    out = image.copy()
    draw_overlay(out, overlay, 1.0, line_px=max(2.0, image.shape[1] / 220))
    return out


def draw_overlay(image: np.ndarray, overlay: Overlay, scale: float, *, line_px: float = 3.0) -> None:
    """Draw ``overlay`` onto ``image`` (BGR or BGRA, the frame shown ``scale`` times its size), in place.

    OpenCV draws without holding the GIL, and all rings of a kind go in one call: the GUI thread gives the GIL up and
    takes it back only a few times per part (each take may wait for the line's threads).
    """
    w = max(1, round(line_px))
    if overlay.roi is not None:
        x, y, rw, rh = (v * scale for v in overlay.roi)
        _dashed_rect(image, (x, y, x + rw, y + rh), ROI, w, dash=6 * w)
    r = max(4.0, overlay.slot_radius * scale)
    items = [_ring(x * scale, y * scale, r * 0.8) for x, y in overlay.items]
    _polylines(image, items, HALO, w + 2)
    _polylines(image, items, ITEM, w)
    empty = [(x * scale, y * scale) for x, y in overlay.empty_slots]
    if overlay.slots_unseen:
        dashes = [arc for x, y in empty for arc in _dashed_ring(x, y, r)]
        _polylines(image, dashes, HALO, w + 2, closed=False)
        _polylines(image, dashes, UNSEEN, w, closed=False)
    elif empty:
        _empty_slots(image, empty, r, w)
    if overlay.defect_box is not None:
        x, y, bw, bh = overlay.defect_box
        pad = 6
        box = ((x - pad) * scale, (y - pad) * scale, (x + bw + pad) * scale, (y + bh + pad) * scale)
        _dashed_rect(image, box, HALO, w + 2, dash=5 * w)
        _dashed_rect(image, box, DEFECT_BOX, w, dash=5 * w)
    if overlay.outline:
        outline = [np.asarray(overlay.outline, dtype=float) * scale]
        _polylines(image, outline, HALO, 2 * w + 3)
        _polylines(image, outline, DEFECT, 2 * w)


SHIFT, SUB = 4, 16  # OpenCV's fixed-point coordinates: sub-pixel positions
ITEM, EMPTY, UNSEEN = (94, 197, 34, 255), (59, 59, 255, 255), (36, 191, 251, 255)  # BGRA
DEFECT, DEFECT_BOX, ROI, HALO, WHITE = (214, 43, 255, 255), (71, 224, 253, 255), (235, 231, 229, 255), \
    (0, 0, 0, 255), (255, 255, 255, 255)
_ANGLES = np.linspace(0, 2 * np.pi, 48, endpoint=False)
_UNIT = np.stack([np.cos(_ANGLES), np.sin(_ANGLES)], axis=1)


def _ring(x: float, y: float, r: float) -> np.ndarray:
    return _UNIT * r + (x, y)


def _dashed_ring(x: float, y: float, r: float, dashes: int = 12) -> list[np.ndarray]:
    per = len(_UNIT) // dashes
    ring = _ring(x, y, r)
    return [ring[k * per:k * per + max(2, per * 2 // 3)] for k in range(dashes)]


def _polylines(image: np.ndarray, lines: list[np.ndarray], colour, w: int, *, closed: bool = True) -> None:
    """All ``lines`` in one call; the dark halos underneath go without anti-aliasing (a third of the cost)."""
    if lines:
        fixed = [np.round(line * SUB).astype(np.int32).reshape(-1, 1, 2) for line in lines]
        cv2.polylines(image, fixed, closed, colour, w, cv2.LINE_8 if colour is HALO else cv2.LINE_AA, SHIFT)


def _empty_slots(image: np.ndarray, centres: list[tuple[float, float]], r: float, w: int) -> None:
    """Red discs with a white cross: unmistakable next to the green rings, even without colour."""
    rings = [_ring(x, y, r) for x, y in centres]
    x0, y0 = (max(0, int(v)) for v in np.min(rings, axis=(0, 1)) - 2)
    x1, y1 = (int(v) + 3 for v in np.max(rings, axis=(0, 1)) + 2)
    patch = image[y0:y1, x0:x1]  # tint only where the discs are
    if patch.size:
        tinted = patch.copy()
        cv2.fillPoly(tinted, [np.round((ring - (x0, y0)) * SUB).astype(np.int32) for ring in rings], EMPTY,
                     cv2.LINE_AA, SHIFT)
        cv2.addWeighted(tinted, 0.5, patch, 0.5, 0, dst=patch)
    _polylines(image, rings, HALO, w + 3)
    _polylines(image, rings, EMPTY, w + 1)
    d = r * 0.5
    crosses = [np.array([(x + ax, y + ay), (x + bx, y + by)])
               for x, y in centres for (ax, ay), (bx, by) in (((-d, -d), (d, d)), ((-d, d), (d, -d)))]
    _polylines(image, crosses, HALO, 2 * w + 3, closed=False)
    _polylines(image, crosses, WHITE, 2 * w, closed=False)


def _dashed_rect(image: np.ndarray, box, colour, w: int, dash: float) -> None:
    x0, y0, x1, y1 = box
    segments = []
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = max(1.0, float(np.hypot(bx - ax, by - ay)))
        for t in np.arange(0.0, length, 2 * dash):
            u, v = t / length, min(1.0, (t + dash) / length)
            segments.append(np.array([(ax + (bx - ax) * u, ay + (by - ay) * u), (ax + (bx - ax) * v, ay + (by - ay) * v)]))
    _polylines(image, segments, colour, w, closed=False)
