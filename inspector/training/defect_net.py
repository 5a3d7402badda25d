"""The defect network and its ONNX package graph, at the frame size the product is inspected at.

The network is the shipped surface classifier's (``models.training.classifier_net.ClassifierNet``): a U-shaped CNN
whose stride-2 3 x 3 stem sees every pixel (a 2-px crack survives), a defect map at 1/4 resolution and a defect
logit from the mean of the map's top cells, so the same function runs on training crops and on whole frames. Only
its segmenting part is used here (a user's product has no "empty view" examples; the presence branch is left out).

``load_base`` starts it from a shipped package: the package's graph holds the net with batch norms folded into the
convolutions, so each conv takes the folded weights and its batch norm becomes the identity (variance ``1 - eps``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from models.baseline_graphs import IR_VERSION, OPSET, FrameSpec, GraphBuilder
from models.training.classifier_export import _up
from models.training.classifier_net import TOP_K, ClassifierNet
from models.training.counter_export import _conv, _seq, embed_core

STRIDE = 4  # map cell = 4 x 4 frame pixels
MULTIPLE = 16  # frame sides are multiples of this (three stride-2 steps below the stem's stride 4)


def new_net() -> ClassifierNet:
    return ClassifierNet()


def frame_size(sizes: list[tuple[int, int]], max_side: int = 2048) -> tuple[int, int]:
    """The (height, width) a product is inspected at: the median of its images' (width, height) pairs, to a multiple
    of 16, a longest side of at most ``max_side`` (shrunk as little as that allows)."""
    w = float(np.median([s[0] for s in sizes]))
    h = float(np.median([s[1] for s in sizes]))
    shrink = min(1.0, max_side / max(w, h))
    return (max(MULTIPLE, int(round(h * shrink / MULTIPLE)) * MULTIPLE),
            max(MULTIPLE, int(round(w * shrink / MULTIPLE)) * MULTIPLE))


def load_base(net: ClassifierNet, package: Path) -> int:
    """Copy a shipped classifier package's weights into ``net`` (layers paired in order by kind and shape); returns
    how many layers were taken. ValueError when the package holds another network."""
    model = onnx.load(str(Path(package) / "model.onnx"))
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    graph_layers = [(n.op_type, [inits[i] for i in n.input[1:3] if i in inits]) for n in model.graph.node
                    if n.op_type in ("Conv", "ConvTranspose") and len(n.input) > 1 and n.input[1] in inits]
    mods = list(net.modules())
    taken = 0
    with torch.no_grad():
        for i, m in enumerate(mods):
            if not isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                continue
            kind = "Conv" if isinstance(m, nn.Conv2d) else "ConvTranspose"
            match = next((k for k, (op, arrs) in enumerate(graph_layers)
                          if op == kind and arrs[0].shape == tuple(m.weight.shape)), None)
            if match is None:
                continue
            _, arrays = graph_layers.pop(match)
            m.weight.copy_(torch.from_numpy(arrays[0].copy()))
            bias = torch.from_numpy(arrays[1].copy()) if len(arrays) > 1 else None
            bn = mods[i + 1] if i + 1 < len(mods) and isinstance(mods[i + 1], nn.BatchNorm2d) else None
            if bn is not None:
                bn.weight.fill_(1.0)
                bn.bias.copy_(bias if bias is not None else torch.zeros_like(bn.bias))
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)
            elif m.bias is not None and bias is not None:
                m.bias.copy_(bias)
            taken += 1
    if taken < 10:
        raise ValueError(f"{package}: its graph holds another network ({taken} layers fit the defect net)")
    return taken


def core_model(net: ClassifierNet, frame: tuple[int, int]) -> onnx.ModelProto:
    """``image`` [1, 3, H, W] → ``map_logit`` [1, 1, H/4, W/4], ``global_logit`` [1]."""
    net = net.eval()
    g = GraphBuilder("defect_net")
    f1 = _seq(g, "image", net.enc1)
    f2 = _seq(g, f1, net.enc2)
    f3 = _seq(g, f2, net.enc3)
    d2 = _seq(g, g.op("Relu", g.op("Add", f2, _up(g, f3, net.up3))), net.dec2)
    d1 = _seq(g, g.op("Relu", g.op("Add", f1, _up(g, d2, net.up2))), net.dec1)
    logits = _conv(g, d1, net.head, None, relu=False, out="map_logit")
    h, w = frame[0] // STRIDE, frame[1] // STRIDE
    top, _ = g.op("TopK", g.op("Reshape", logits, g.ints([1, h * w])), g.ints([TOP_K]), axis=-1, n_out=2)
    top_mean = g.op("ReduceMean", top, axes=[1], keepdims=0)
    g.op("Reshape", g.affine(top_mean, float(net.topk_scale.detach()), float(net.bias.detach())), g.ints([1]),
         out="global_logit")
    graph = helper.make_graph(
        g.nodes, g.name, [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, *frame])],
        [helper.make_tensor_value_info("map_logit", TensorProto.FLOAT, [1, 1, h, w]),
         helper.make_tensor_value_info("global_logit", TensorProto.FLOAT, [1])],
        initializer=g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="inspector.train")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def frame_spec(frame: tuple[int, int]) -> FrameSpec:
    return FrameSpec(frame=frame, resize_to=frame, resize="area")


def package_graph(net: ClassifierNet, frame: tuple[int, int], temperature: float, offset: float, doc: str) -> bytes:
    """uint8 BGR frame → ``defect_map`` (sigmoid of the map), ``p_defect`` (the calibrated defect logit,
    ``sigmoid((z - offset) / T)``) and ``defect_peak`` (the map's maximum)."""
    core = core_model(net, frame)
    spec = frame_spec(frame)
    g = GraphBuilder("trained_defect")
    embed_core(g, core, spec)
    g.op("Sigmoid", "net/map_logit", out="defect_map")
    g.op("Reshape", g.op("ReduceMax", "defect_map", keepdims=0, axes=[1, 2, 3]), g.ints([1]), out="defect_peak")
    z = g.op("Sub", "net/global_logit", g.const(np.float32(offset)))
    g.op("Sigmoid", g.op("Mul", z, g.const(np.float32(1.0 / temperature))), out="p_defect")
    h, w = frame[0] // STRIDE, frame[1] // STRIDE
    graph = helper.make_graph(
        g.nodes, g.name, [spec.value_info()],
        [helper.make_tensor_value_info("defect_map", TensorProto.FLOAT, [1, 1, h, w]),
         helper.make_tensor_value_info("p_defect", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("defect_peak", TensorProto.FLOAT, [1])],
        initializer=g.initializers, doc_string=doc)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="inspector.train",
                              doc_string=doc)
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def manifest_io(frame: tuple[int, int], temperature: float) -> dict:
    """The manifest's ``input``, ``outputs`` and ``postprocess`` skeleton for a package of ``package_graph``."""
    h, w = frame[0] // STRIDE, frame[1] // STRIDE
    return {
        "input": frame_spec(frame).manifest_input(),
        "outputs": [
            {"name": "defect_map", "shape": [1, 1, h, w],
             "meaning": f"per {STRIDE}x{STRIDE} frame block: probability that it shows a defect"},
            {"name": "p_defect", "shape": [1],
             "meaning": f"probability of a defect: the defect logit calibrated on validation (temperature "
                        f"{temperature:.3f})"},
            {"name": "defect_peak", "shape": [1], "meaning": "the maximum of defect_map"},
        ],
        "labels": ["good", "defect"],
        "task": "classify",
    }
