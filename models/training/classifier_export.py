"""The trained classifier as an ONNX package graph: the camera frame in, the station's classify outputs out.

``core_model`` writes the network alone (BN folded into the convolutions): ``image`` [1, 3, 480, 640] RGB 0..1 →
``map_logit`` [1, 1, 120, 160], ``global_logit`` [1] (the defect logit) and ``presence_logit`` [1].
``package_graph`` wraps a core (float or INT8 QDQ) in the baseline's preprocessing (uint8 NHWC BGR frame, RGB, scale)
and its outputs: ``defect_map`` (sigmoid of the map logits), ``defect_peak`` (its maximum) and ``p_defect``, the
probability that the view is not a good part: ``1 - (1 - p_cal) * p_present``, where ``p_cal`` is the defect logit
calibrated by an offset and a temperature (``sigmoid((z - offset) / T)``) and ``p_present`` the presence probability, so an empty view never reads as good.
"""
from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

from models.baseline_graphs import IR_VERSION, OPSET, FrameSpec, GraphBuilder
from models.training.classifier_net import PRESENCE_POOL, TOP_K, ClassifierNet
from models.training.counter_export import _conv, _seq, embed_core
from models.training.data import CLASSIFIER_INPUT, CLASSIFIER_MAP

FRAME = (480, 640)
CORE_INPUT = "image"
CORE_OUTPUTS = ("map_logit", "global_logit", "presence_logit")


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
    scale, bias = float(net.topk_scale.detach()), float(net.bias.detach())
    g.op("Reshape", g.affine(top_mean, scale, bias), g.ints([1]), out=CORE_OUTPUTS[1])
    k = PRESENCE_POOL
    small = g.op("AveragePool", CORE_INPUT, kernel_shape=[k, k], strides=[k, k])
    f = _seq(g, small, net.presence.features)
    pooled = g.op("Concat", g.op("Flatten", g.op("GlobalAveragePool", f)), g.op("Flatten", g.op("GlobalMaxPool", f)),
                  axis=1)
    fc = net.presence.fc
    head = g.op("Gemm", pooled, g.const(fc.weight.detach().numpy(), "w"), g.const(fc.bias.detach().numpy(), "b"),
                transB=1)
    g.op("Reshape", head, g.ints([1]), out=CORE_OUTPUTS[2])
    graph = helper.make_graph(
        g.nodes, g.name, [helper.make_tensor_value_info(CORE_INPUT, TensorProto.FLOAT, [1, 3, *CLASSIFIER_INPUT])],
        [helper.make_tensor_value_info(CORE_OUTPUTS[0], TensorProto.FLOAT, [1, 1, h, w]),
         helper.make_tensor_value_info(CORE_OUTPUTS[1], TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info(CORE_OUTPUTS[2], TensorProto.FLOAT, [1])],
        initializer=g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="classifier_export")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def package_graph(core: onnx.ModelProto, temperature: float, *, doc: str, offset: float = 0.0) -> bytes:
    """Preprocessing → ``core`` → defect_map, p_defect (calibrated, and 1 with no part in view), defect_peak."""
    g = GraphBuilder("surface_classifier")
    embed_core(g, core, frame_spec())
    g.op("Sigmoid", "net/map_logit", out="defect_map")
    g.op("Reshape", g.op("ReduceMax", "defect_map", keepdims=0, axes=[1, 2, 3]), g.ints([1]), out="defect_peak")
    z = g.op("Sub", "net/global_logit", g.const(np.float32(offset)))
    p_cal = g.op("Sigmoid", g.op("Mul", z, g.const(np.float32(1.0 / temperature))))
    good = g.op("Mul", g.op("Sub", g.const(np.float32(1.0)), p_cal), g.op("Sigmoid", "net/presence_logit"))
    g.op("Sub", g.const(np.float32(1.0)), good, out="p_defect")
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


def p_defect(defect_logit, presence_logit, temperature: float, offset: float = 0.0):
    """The package's p_defect from the core's logits (NumPy arrays or floats)."""
    p_cal = 1.0 / (1.0 + np.exp(-(np.asarray(defect_logit, np.float64) - offset) / temperature))
    return 1.0 - (1.0 - p_cal) / (1.0 + np.exp(-np.asarray(presence_logit, np.float64)))


def torch_reference(net: ClassifierNet, image_rgb01: np.ndarray, temperature: float,
                    offset: float = 0.0) -> tuple[np.ndarray, float]:
    """Defect map and p_defect of the torch network for one [480, 640, 3] RGB 0..1 image (export checks)."""
    with torch.no_grad():
        logits, defect, present = net.eval()(torch.from_numpy(image_rgb01.transpose(2, 0, 1)[None].copy()).float())
    return torch.sigmoid(logits)[0, 0].numpy(), float(p_defect(float(defect[0]), float(present[0]), temperature, offset))
