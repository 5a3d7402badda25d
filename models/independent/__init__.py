"""A second renderer of boxes of vials and single moulded parts, written apart from ``hardware.synthetic`` (other
code, other looks) to measure how far the trained models generalise beyond their own generator.

``render_box(rng)`` and ``render_part(rng)`` each return ``(image, truth)``: a uint8 BGR 480x640 image and a dict.
Box truth: ``count``, ``centres`` [[x, y], ...] of the filled slots, ``expected`` (slots), ``occluded`` (bool).
Part truth: ``defect`` (None or "scratch" / "crack" / "spot" / "dent") and ``mask`` (bool 480x640 or None).
"""
from models.independent.parts import render_part
from models.independent.tray import render_box

__all__ = ["render_box", "render_part"]
