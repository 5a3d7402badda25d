"""A trained counter as an ONNX package graph, at any input size: the camera frame in, the station's count outputs
(``heatmap``, ``occlusion``, ``peak_mask``, ``peaks``) out; and the way back, a package's weights into the network.

``core_model`` writes the network alone (BN folded into the convolutions): ``image`` [1, 3, h, w] RGB 0..1 →
``heat_logit`` and ``occ_logit`` [1, 1, h / 4, w / 4]. ``package_graph`` wraps a core (float or INT8 QDQ) in the
in-graph preprocessing (:class:`FrameSpec`) and peak extraction. ``load_package_weights`` reads a package's folded
weights back into a :class:`CounterNet` (identity batch norms), so a new product is fine-tuned from the shipped
counter. Moved here from ``models/training/counter_export.py`` (which keeps the shipped build's fixed sizes).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from inspector.training.count_net import CounterNet
from inspector.training.onnx_graph import IR_VERSION, OPSET, FrameSpec, GraphBuilder, peak_table_rows

CORE_INPUT = "image"
CORE_OUTPUTS = ("heat_logit", "occ_logit")
NET_PREFIX = "net/"
MAP_STRIDE = 4  # net input pixels per heat-map cell


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


def map_size(input_hw: tuple[int, int]) -> tuple[int, int]:
    return input_hw[0] // MAP_STRIDE, input_hw[1] // MAP_STRIDE


def core_model(net: CounterNet, input_hw: tuple[int, int], name: str = "cartridge_counter_net") -> onnx.ModelProto:
    if input_hw[0] % 16 or input_hw[1] % 16:
        raise ValueError(f"net input {input_hw}: height and width must be multiples of 16")
    net = net.eval()
    g = GraphBuilder(name)
    local = _seq(g, CORE_INPUT, net.stem)
    ctx = _seq(g, local, net.context)
    ctx = g.op("Relu", g.op("Add", ctx, _up2(g, _seq(g, ctx, net.deep), net.up_deep)))
    x = _seq(g, g.op("Relu", g.op("Add", local, _up2(g, ctx, net.up))), net.fuse)
    heads = _conv(g, x, net.head, None, relu=False)
    g.op("Split", heads, g.ints([1, 1]), axis=1, n_out=2)
    g.nodes[-1].output[:] = list(CORE_OUTPUTS)
    h, w = map_size(input_hw)
    graph = helper.make_graph(
        g.nodes, g.name, [helper.make_tensor_value_info(CORE_INPUT, TensorProto.FLOAT, [1, 3, *input_hw])],
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
    core = onnx.compose.add_prefix(core, NET_PREFIX)
    g.op("Identity", g.frame_to_image(spec), out=NET_PREFIX + CORE_INPUT)
    g.nodes.extend(core.graph.node)
    g.initializers.extend(core.graph.initializer)


def package_graph(core: onnx.ModelProto, occ_affine: tuple[float, float], spec: FrameSpec, *, peak_threshold: float,
                  min_distance: int, doc: str, name: str = "cartridge_counter",
                  producer: str = "models.training.counter") -> bytes:
    """Preprocessing → ``core`` → heatmap, occlusion (sigmoid of the affine occluder-map maximum), peaks."""
    g = GraphBuilder(name)
    embed_core(g, core, spec)
    heatmap = g.op("Sigmoid", NET_PREFIX + "heat_logit", out="heatmap")
    scale, bias = occ_affine
    peak = g.op("ReduceMax", NET_PREFIX + "occ_logit", keepdims=0, axes=[1, 2, 3])
    g.op("Sigmoid", g.affine(peak, scale, bias), out="occlusion")
    hw = map_size(spec.resize_to)
    g.peaks(heatmap, hw, peak_threshold, min_distance, mask_out="peak_mask", table_out="peaks")
    opsets = {o.domain: o.version for o in core.opset_import}
    graph = helper.make_graph(
        g.nodes, g.name, [spec.value_info()],
        [helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, [1, 1, *hw]),
         helper.make_tensor_value_info("occlusion", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("peak_mask", TensorProto.BOOL, [1, 1, *hw]),
         helper.make_tensor_value_info("peaks", TensorProto.FLOAT, [1, peak_table_rows(hw, min_distance), 3])],
        initializer=g.initializers, doc_string=doc)
    opsets[""] = max(opsets.get("", OPSET), OPSET)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in sorted(opsets.items())],
                              producer_name=producer, doc_string=doc)
    model.ir_version = max(IR_VERSION, core.ir_version if core.ir_version <= 9 else IR_VERSION)
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def _layers_in_order(net: CounterNet) -> list[tuple[nn.Module, nn.BatchNorm2d | None]]:
    """Conv / ConvTranspose modules in the order :func:`core_model` writes them, each with the BN after it."""
    mods = list(_flatten(nn.Sequential(net.stem, net.context, net.deep))) + [net.up_deep, net.up]
    mods += list(_flatten(net.fuse)) + [net.head]
    out = []
    for i, m in enumerate(mods):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            bn = mods[i + 1] if i + 1 < len(mods) and isinstance(mods[i + 1], nn.BatchNorm2d) else None
            out.append((m, bn))
    return out


def load_package_weights(net: CounterNet, model_file: Path) -> dict:
    """Copy a counter package's folded weights into ``net`` (BN made the identity: weight 1, bias the folded bias,
    mean 0, variance ``1 - eps``), and its occlusion affine. Raises ValueError when the graph is not this network."""
    model = onnx.load(str(model_file))
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    nodes = [n for n in model.graph.node if n.op_type in ("Conv", "ConvTranspose") and n.name.startswith(NET_PREFIX)
             or n.op_type in ("Conv", "ConvTranspose") and n.output and n.output[0].startswith(NET_PREFIX)]
    layers = _layers_in_order(net)
    if len(nodes) != len(layers):
        raise ValueError(f"{model_file}: {len(nodes)} network layers, this counter network has {len(layers)}")
    with torch.no_grad():
        for node, (module, bn) in zip(nodes, layers):
            w, b = inits[node.input[1]], inits[node.input[2]]
            if tuple(w.shape) != tuple(module.weight.shape):
                raise ValueError(f"{model_file}: layer {node.name or node.output[0]} has weights {w.shape}, "
                                 f"the network wants {tuple(module.weight.shape)}")
            module.weight.copy_(torch.from_numpy(np.array(w)))
            if bn is None:
                module.bias.copy_(torch.from_numpy(np.array(b)))
            else:
                bn.weight.fill_(1.0)
                bn.bias.copy_(torch.from_numpy(np.array(b)))
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)
        scale, bias = _occlusion_constants(model, inits)
        net.occ_scale.fill_(scale)
        net.occ_bias.fill_(bias)
    return {"layers": len(layers), "occlusion_affine": [scale, bias]}


def _occlusion_constants(model: onnx.ModelProto, inits: dict[str, np.ndarray]) -> tuple[float, float]:
    """The Mul and Add constants between the occluder map's maximum and the ``occlusion`` sigmoid."""
    by_output = {o: n for n in model.graph.node for o in n.output}
    sigmoid = by_output["occlusion"]
    add = by_output[sigmoid.input[0]]
    mul = by_output[add.input[0]]
    return float(inits[mul.input[1]].reshape(-1)[0]), float(inits[add.input[1]].reshape(-1)[0])
