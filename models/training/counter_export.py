"""The trained counter as an ONNX package graph: the camera frame in, the station's count outputs out.

``core_model`` writes the network alone (BN folded into the convolutions): ``image`` [1, 3, 240, 320] RGB 0..1 →
``heat_logit`` and ``occ_logit`` [1, 1, 60, 80]. ``package_graph`` wraps a core (float or INT8 QDQ) in the same
preprocessing and peak extraction as the analytic baseline (``models/baseline_graphs.py``): uint8 NHWC BGR frame,
2 x 2 block average, RGB, scale; ``heatmap``, ``occlusion``, ``peak_mask`` and ``peaks``.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

from models.baseline_graphs import IR_VERSION, OPSET, FrameSpec, GraphBuilder, peak_table_rows
from models.training.counter_net import CounterNet
from models.training.data import COUNTER_INPUT, COUNTER_MAP

FRAME = (480, 640)
CORE_INPUT = "image"
CORE_OUTPUTS = ("heat_logit", "occ_logit")


def frame_spec() -> FrameSpec:
    return FrameSpec(frame=FRAME, resize_to=COUNTER_INPUT, resize="area")


def _folded(conv: nn.Conv2d, bn: nn.BatchNorm2d | None) -> tuple[np.ndarray, np.ndarray]:
    w = conv.weight.detach().double().numpy()
    b = conv.bias.detach().double().numpy() if conv.bias is not None else np.zeros(w.shape[0])
    if bn is not None:
        scale = bn.weight.detach().double().numpy() / np.sqrt(bn.running_var.double().numpy() + bn.eps)
        w = w * scale[:, None, None, None]
        b = (b - bn.running_mean.double().numpy()) * scale + bn.bias.detach().double().numpy()
    return w.astype(np.float32), b.astype(np.float32)


def _conv(g: GraphBuilder, x: str, conv: nn.Conv2d, bn: nn.BatchNorm2d | None, relu: bool, out: str | None = None):
    w, b = _folded(conv, bn)
    p, d = conv.padding[0], conv.dilation[0]
    y = g.op("Conv", x, g.const(w, "w"), g.const(b, "b"), strides=list(conv.stride), pads=[p, p, p, p],
             dilations=[d, d], kernel_shape=list(conv.kernel_size), out=None if relu else out)
    return g.op("Relu", y, out=out) if relu else y


def _flatten(module: nn.Module):
    for m in module.children() if isinstance(module, nn.Sequential) else [module]:
        yield from _flatten(m) if isinstance(m, nn.Sequential) else [m]


def _seq(g: GraphBuilder, x: str, seq: nn.Sequential) -> str:
    """Conv [+ BN] [+ ReLU] groups, in order."""
    mods = list(_flatten(seq))
    i = 0
    while i < len(mods):
        conv = mods[i]
        if not isinstance(conv, nn.Conv2d):
            raise TypeError(f"cannot export {type(conv).__name__} here")
        i += 1
        bn = mods[i] if i < len(mods) and isinstance(mods[i], nn.BatchNorm2d) else None
        i += bn is not None
        relu = i < len(mods) and isinstance(mods[i], nn.ReLU)
        i += relu
        x = _conv(g, x, conv, bn, relu)
    return x


def _up2(g: GraphBuilder, x: str, up: nn.ConvTranspose2d) -> str:
    return g.op("ConvTranspose", x, g.const(up.weight.detach().numpy(), "w"), g.const(up.bias.detach().numpy(), "b"),
                strides=[2, 2], kernel_shape=[2, 2])


def core_model(net: CounterNet) -> onnx.ModelProto:
    net = net.eval()
    g = GraphBuilder("cartridge_counter_net")
    local = _seq(g, CORE_INPUT, net.stem)
    ctx = _seq(g, local, net.context)
    ctx = g.op("Relu", g.op("Add", ctx, _up2(g, _seq(g, ctx, net.deep), net.up_deep)))
    x = _seq(g, g.op("Relu", g.op("Add", local, _up2(g, ctx, net.up))), net.fuse)
    heads = _conv(g, x, net.head, None, relu=False)
    g.op("Split", heads, g.ints([1, 1]), axis=1, n_out=2)
    g.nodes[-1].output[:] = list(CORE_OUTPUTS)
    h, w = COUNTER_MAP
    graph = helper.make_graph(
        g.nodes, g.name, [helper.make_tensor_value_info(CORE_INPUT, TensorProto.FLOAT, [1, 3, *COUNTER_INPUT])],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 1, h, w]) for n in CORE_OUTPUTS],
        initializer=g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="counter_export")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def occlusion_affine(net: CounterNet) -> tuple[float, float]:
    return float(net.occ_scale.detach()), float(net.occ_bias.detach())


def embed_core(g: GraphBuilder, core: onnx.ModelProto, spec: FrameSpec) -> None:
    """The trained network's nodes under ``net/``, fed by the station's frame through the in-graph preprocessing."""
    core = onnx.compose.add_prefix(core, "net/")
    g.op("Identity", g.frame_to_image(spec), out="net/" + CORE_INPUT)
    g.nodes.extend(core.graph.node)
    g.initializers.extend(core.graph.initializer)


def package_graph(core: onnx.ModelProto, occ_affine: tuple[float, float], *, peak_threshold: float,
                  min_distance: int, doc: str) -> bytes:
    """Preprocessing → ``core`` → heatmap, occlusion (sigmoid of the affine occluder-map maximum), peaks."""
    g = GraphBuilder("cartridge_counter")
    embed_core(g, core, frame_spec())
    heatmap = g.op("Sigmoid", "net/heat_logit", out="heatmap")
    scale, bias = occ_affine
    peak = g.op("ReduceMax", "net/occ_logit", keepdims=0, axes=[1, 2, 3])
    g.op("Sigmoid", g.affine(peak, scale, bias), out="occlusion")
    hw = COUNTER_MAP
    g.peaks(heatmap, hw, peak_threshold, min_distance, mask_out="peak_mask", table_out="peaks")
    opsets = {o.domain: o.version for o in core.opset_import}
    graph = helper.make_graph(
        g.nodes, g.name, [frame_spec().value_info()],
        [helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, [1, 1, *hw]),
         helper.make_tensor_value_info("occlusion", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("peak_mask", TensorProto.BOOL, [1, 1, *hw]),
         helper.make_tensor_value_info("peaks", TensorProto.FLOAT, [1, peak_table_rows(hw, min_distance), 3])],
        initializer=g.initializers, doc_string=doc)
    opsets[""] = max(opsets.get("", OPSET), OPSET)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in sorted(opsets.items())],
                              producer_name="models.training.counter", doc_string=doc)
    model.ir_version = max(IR_VERSION, core.ir_version if core.ir_version <= 9 else IR_VERSION)
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def torch_reference(net: CounterNet, image_rgb01: np.ndarray) -> tuple[np.ndarray, float]:
    """Heat map and occlusion of the torch network for one [240, 320, 3] RGB 0..1 image (export checks)."""
    with torch.no_grad():
        heat, _, occ = net.eval()(torch.from_numpy(image_rgb01.transpose(2, 0, 1)[None].copy()).float())
    return torch.sigmoid(heat)[0, 0].numpy(), float(torch.sigmoid(occ)[0])

