"""The trained classifier as an ONNX package graph: the camera frame in, the station's classify outputs out.

``core_model`` writes the network alone (BN folded into the convolutions): ``image`` [1, 3, 480, 640] RGB 0..1 →
``map_logit`` [1, 1, 120, 160] and ``global_logit`` [1]. ``package_graph`` wraps a core (float or INT8 QDQ) in the
baseline's preprocessing (uint8 NHWC BGR frame, RGB, scale) and its outputs: ``defect_map``
(sigmoid of the map logits), ``defect_peak`` (its maximum) and ``p_defect`` (sigmoid of the global logit divided by the
calibration temperature).
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

from models.baseline_graphs import IR_VERSION, OPSET, FrameSpec, GraphBuilder
from models.training.classifier_net import TOP_K, ClassifierNet
from models.training.counter_export import _conv, _seq, embed_core
from models.training.data import CLASSIFIER_INPUT, CLASSIFIER_MAP

FRAME = (480, 640)
CORE_INPUT = "image"
CORE_OUTPUTS = ("map_logit", "global_logit")


def frame_spec() -> FrameSpec:
    return FrameSpec(frame=FRAME, resize_to=CLASSIFIER_INPUT, resize="area")


def _up(g: GraphBuilder, x: str, up: torch.nn.ConvTranspose2d) -> str:
    return g.op("ConvTranspose", x, g.const(up.weight.detach().numpy(), "w"), g.const(up.bias.detach().numpy(), "b"),
                strides=[2, 2], kernel_shape=[2, 2])


def core_model(net: ClassifierNet) -> onnx.ModelProto:
    """Nodes in the module's registration order (the benchmark's torch twin maps weights by that order)."""
    net = net.eval()
    g = GraphBuilder("surface_classifier_net")
    f1 = _seq(g, CORE_INPUT, net.enc1)
    f2 = _seq(g, f1, net.enc2)
    f3 = _seq(g, f2, net.enc3)
    d2 = _seq(g, g.op("Relu", g.op("Add", f2, _up(g, f3, net.up3))), net.dec2)
    d1 = _seq(g, g.op("Relu", g.op("Add", f1, _up(g, d2, net.up2))), net.dec1)
    logits = _conv(g, d1, net.head, None, relu=False, out=CORE_OUTPUTS[0])
    h, w = CLASSIFIER_MAP
    top, _ = g.op("TopK", g.op("Reshape", logits, g.ints([1, h * w])), g.ints([TOP_K]), axis=-1, n_out=2)
    top_mean = g.op("ReduceMean", top, axes=[1], keepdims=0)
    pooled = g.op("Concat", g.op("Flatten", g.op("GlobalAveragePool", f3)), g.op("Flatten", g.op("GlobalMaxPool", f3)),
                  axis=1)
    lin = net.pooled
    head = g.op("Gemm", pooled, g.const(lin.weight.detach().numpy(), "w"), g.const(lin.bias.detach().numpy(), "b"),
                transB=1)
    scale, bias = float(net.topk_scale.detach()), float(net.bias.detach())
    g.op("Add", g.affine(top_mean, scale, bias), g.op("Reshape", head, g.ints([1])), out=CORE_OUTPUTS[1])
    graph = helper.make_graph(
        g.nodes, g.name, [helper.make_tensor_value_info(CORE_INPUT, TensorProto.FLOAT, [1, 3, *CLASSIFIER_INPUT])],
        [helper.make_tensor_value_info(CORE_OUTPUTS[0], TensorProto.FLOAT, [1, 1, h, w]),
         helper.make_tensor_value_info(CORE_OUTPUTS[1], TensorProto.FLOAT, [1])],
        initializer=g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="classifier_export")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def package_graph(core: onnx.ModelProto, temperature: float, *, doc: str) -> bytes:
    """Preprocessing → ``core`` → defect_map, p_defect (calibrated), defect_peak."""
    g = GraphBuilder("surface_classifier")
    embed_core(g, core, frame_spec())
    g.op("Sigmoid", "net/map_logit", out="defect_map")
    g.op("Reshape", g.op("ReduceMax", "defect_map", keepdims=0, axes=[1, 2, 3]), g.ints([1]), out="defect_peak")
    g.op("Sigmoid", g.op("Mul", "net/global_logit", g.const(1.0 / temperature)), out="p_defect")
    opsets = {o.domain: o.version for o in core.opset_import}
    opsets[""] = max(opsets.get("", OPSET), OPSET)
    graph = helper.make_graph(
        g.nodes, g.name, [frame_spec().value_info()],
        [helper.make_tensor_value_info("defect_map", TensorProto.FLOAT, [1, 1, *CLASSIFIER_MAP]),
         helper.make_tensor_value_info("p_defect", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("defect_peak", TensorProto.FLOAT, [1])],
        initializer=g.initializers, doc_string=doc)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in sorted(opsets.items())],
                              producer_name="models.training.classifier", doc_string=doc)
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def torch_reference(net: ClassifierNet, image_rgb01: np.ndarray, temperature: float) -> tuple[np.ndarray, float]:
    """Defect map and p_defect of the torch network for one [480, 640, 3] RGB 0..1 image (export checks)."""
    with torch.no_grad():
        logits, glob = net.eval()(torch.from_numpy(image_rgb01.transpose(2, 0, 1)[None].copy()).float())
    return torch.sigmoid(logits)[0, 0].numpy(), float(torch.sigmoid(glob / temperature)[0])
