"""The synthetic line: renderers of boxes of drug cartridges and of single parts, with ground truth.

``render_box`` / ``render_part`` draw one item; ``ItemStream`` is the deterministic stream the simulated line and
the benchmarks use. ``style="line"`` looks like one installed station; ``style="wide"`` randomises for training
(all knobs in :class:`Knobs`).
"""
from hardware.synthetic.box import HIDDEN_FRACTION, render_box
from hardware.synthetic.canvas import Rendered
from hardware.synthetic.defects import DEFECT_KINDS
from hardware.synthetic.knobs import LINE, STYLES, WIDE, CapLook, Knobs, knobs_for
from hardware.synthetic.occluders import OCCLUDER_KINDS
from hardware.synthetic.part import render_part
from hardware.synthetic.stream import ItemStream, render_empty

__all__ = [
    "DEFECT_KINDS", "HIDDEN_FRACTION", "LINE", "OCCLUDER_KINDS", "STYLES", "WIDE", "CapLook", "ItemStream", "Knobs",
    "Rendered", "knobs_for", "render_box", "render_empty", "render_part",
]
