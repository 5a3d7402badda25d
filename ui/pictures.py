"""Frames as Qt images: scaled with OpenCV (which runs without the GIL) into 32-bit QImages, fitted to a rectangle."""
from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage


def to_qimage(image_bgr: np.ndarray, size: QSize, *, fine: bool = False) -> tuple[QImage, np.ndarray]:
    """``image_bgr`` resized to ``size`` as a 32-bit QImage, and the array holding its pixels (keep it alive).

    Two OpenCV calls, which release the GIL: the line's threads keep running meanwhile. ``fine``: area averaging for
    a strong reduction (thumbnails), else bilinear (cheaper, good enough for a moving picture).
    """
    w, h = max(1, size.width()), max(1, size.height())
    shrink = fine and w < image_bgr.shape[1] // 2
    small = cv2.resize(image_bgr, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    bgra = cv2.cvtColor(small, cv2.COLOR_BGR2BGRA)
    return QImage(bgra.data, w, h, bgra.strides[0], QImage.Format.Format_RGB32), bgra


def fit_rect(outer: QRect, width: int, height: int) -> QRect:
    """The largest rectangle of aspect ``width:height`` centred in ``outer``."""
    scale = min(outer.width() / max(1, width), outer.height() / max(1, height))
    w, h = int(width * scale), int(height * scale)
    return QRect(outer.x() + (outer.width() - w) // 2, outer.y() + (outer.height() - h) // 2, w, h)
