"""The trained cartridge counter as an ONNX package graph, at the shipped build's fixed sizes: a 640 x 480 frame,
averaged 2 x 2 in the graph to the net's [1, 3, 240, 320] input, a [1, 1, 60, 80] heat map.

The graph code itself lives in :mod:`inspector.training.count_graph` (``inspector train`` uses it for new products at
any size); this module binds it to the shipped counter's geometry and keeps the names the build and tests use.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch

from inspector.training.count_graph import CORE_INPUT, CORE_OUTPUTS, _conv, _seq, embed_core  # noqa: F401
from inspector.training.count_graph import core_model as _core_model
from inspector.training.count_graph import occlusion_affine  # noqa: F401 (re-exported)
from inspector.training.count_graph import package_graph as _package_graph
from inspector.training.count_net import CounterNet
from inspector.training.onnx_graph import FrameSpec
from models.training.data import COUNTER_INPUT

FRAME = (480, 640)


def frame_spec() -> FrameSpec:
    return FrameSpec(frame=FRAME, resize_to=COUNTER_INPUT, resize="area")


def core_model(net: CounterNet) -> onnx.ModelProto:
    return _core_model(net, COUNTER_INPUT)


def package_graph(core: onnx.ModelProto, occ_affine: tuple[float, float], *, peak_threshold: float,
                  min_distance: int, doc: str) -> bytes:
    """Preprocessing → ``core`` → heatmap, occlusion (sigmoid of the affine occluder-map maximum), peaks."""
    return _package_graph(core, occ_affine, frame_spec(), peak_threshold=peak_threshold, min_distance=min_distance,
                          doc=doc)


def torch_reference(net: CounterNet, image_rgb01: np.ndarray) -> tuple[np.ndarray, float]:
    """Heat map and occlusion of the torch network for one [240, 320, 3] RGB 0..1 image (export checks)."""
    with torch.no_grad():
        heat, _, occ = net.eval()(torch.from_numpy(image_rgb01.transpose(2, 0, 1)[None].copy()).float())
    return torch.sigmoid(heat)[0, 0].numpy(), float(torch.sigmoid(occ)[0])
