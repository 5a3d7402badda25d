"""ONNX graph building shared by the trained packages' exports and the analytic baselines: a node builder with the
station's in-graph preprocessing (:class:`FrameSpec`: the uint8 BGR camera frame to RGB 0..1, resized by whole-factor
block averages) and in-graph peak extraction (non-maxima suppression and a sub-cell peak table).

Moved here from ``models/baseline_graphs.py`` so ``inspector train`` (installed without the ``models`` folder) can
export packages; ``models.baseline_graphs`` re-exports these names.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8  # readable by onnxruntime >= 1.14


class GraphBuilder:
    """A few conveniences over ``onnx.helper``: numbered tensors, constants, one call per node."""

    def __init__(self, name: str):
        self.name = name
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._n = 0

    def _fresh(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, value, hint: str = "c") -> str:
        name = self._fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value, np.float32), name))
        return name

    def ints(self, value, hint: str = "i") -> str:
        name = self._fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value, np.int64), name))
        return name

    def op(self, op_type: str, *inputs: str, out: str | None = None, n_out: int = 1, **attrs):
        outs = [out] if out else [self._fresh(op_type.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, **attrs))
        return outs[0] if n_out == 1 else outs

    # image helpers (all on [1, C, H, W] float tensors)
    def conv(self, x: str, kernel: np.ndarray) -> str:
        k = np.asarray(kernel, np.float32)
        kh, kw = k.shape[-2:]
        w = self.const(k.reshape(1, 1, kh, kw) if k.ndim == 2 else k, "kernel")
        return self.op("Conv", x, w, pads=[kh // 2, kw // 2, (kh - 1) // 2, (kw - 1) // 2])

    def separable(self, x: str, k1d: np.ndarray) -> str:
        k = np.asarray(k1d, np.float32)
        return self.conv(self.conv(x, k[None, :]), k[:, None])

    def max_pool(self, x: str, k: int) -> str:
        """Grey dilation with a k x k square, same size (separable)."""
        lo, hi = (k - 1) // 2, k // 2
        x = self.op("MaxPool", x, kernel_shape=[1, k], pads=[0, lo, 0, hi])
        return self.op("MaxPool", x, kernel_shape=[k, 1], pads=[lo, 0, hi, 0])

    def min_pool(self, x: str, k: int) -> str:
        """Grey erosion with a k x k square, same size."""
        return self.op("Neg", self.max_pool(self.op("Neg", x), k))

    def affine(self, x: str, gain: float, offset: float) -> str:
        return self.op("Add", self.op("Mul", x, self.const(gain)), self.const(offset))

    def above(self, x: str, threshold: float) -> str:
        return self.op("Cast", self.op("Greater", x, self.const(threshold)), to=TensorProto.FLOAT)

    def below(self, x: str, threshold: float) -> str:
        return self.op("Cast", self.op("Less", x, self.const(threshold)), to=TensorProto.FLOAT)

    def region_sum(self, x: str, box: tuple[int, int, int, int], out: str | None = None) -> str:
        """Sum over rows ``y0:y1`` and columns ``x0:x1`` (``box = x0, y0, x1, y1``), shape [1]."""
        x0, y0, x1, y1 = box
        region = self.op("Slice", x, self.ints([y0, x0]), self.ints([y1, x1]), self.ints([2, 3]))
        return self.op("ReduceSum", region, self.ints([1, 2, 3]), out=out, keepdims=0)

    def peaks(self, heat: str, hw: tuple[int, int], threshold: float, min_distance: int, *, mask_out: str,
              table_out: str) -> tuple[str, str]:
        """Non-maximum suppression of a ``[1, 1, h, w]`` map: ``mask_out`` true where a cell is the maximum of its
        ``2 * min_distance + 1`` square window and at least ``threshold``; ``table_out`` its :meth:`peak_table`."""
        is_max = self.op("Equal", heat, self.max_pool(heat, 2 * min_distance + 1))
        mask = self.op("And", is_max, self.op("GreaterOrEqual", heat, self.const(threshold)), out=mask_out)
        return mask, self.peak_table(heat, mask, hw, peak_table_rows(hw, min_distance), out=table_out)

    def peak_table(self, heat: str, mask: str, hw: tuple[int, int], k: int, out: str) -> str:
        """``[1, k, 3]`` rows ``col, row, score`` (sub-cell position) of the ``k`` strongest cells of ``mask``,
        strongest first (ties: lower index first); rows past the masked cells have score 0."""
        h, w = hw
        masked = self.op("Reshape", self.op("Where", mask, heat, self.const(0.0)), self.ints([1, h * w]))
        score, index = self.op("TopK", masked, self.ints([k]), axis=-1, largest=1, sorted=1, n_out=2)
        row = self.op("Div", index, self.ints(w))
        col = self.op("Sub", index, self.op("Mul", row, self.ints(w)))
        offsets = self.op("Reshape", self.parabola_offsets(heat, hw), self.ints([2, h * w]))
        dcol, drow = self.op("Split", self.op("Gather", offsets, self.op("Reshape", index, self.ints([k])), axis=1),
                             axis=0, n_out=2)
        columns = [self.op("Add", self.op("Cast", col, to=TensorProto.FLOAT), dcol),
                   self.op("Add", self.op("Cast", row, to=TensorProto.FLOAT), drow), score]
        return self.op("Concat", *(self.op("Unsqueeze", c, self.ints([2])) for c in columns), axis=2, out=out)

    def parabola_offsets(self, x: str, hw: tuple[int, int], out: str | None = None) -> str:
        """``[1, 2, h, w]``: per cell of a ``[1, 1, h, w]`` map, the column and row offset (within +-0.5) of the vertex
        of a parabola through the cell and its two neighbours; 0 on the border and where the map is not curved down."""
        h, w = hw
        interior_cols, interior_rows = np.ones((1, 1, 1, w), np.float32), np.ones((1, 1, h, 1), np.float32)
        interior_cols[..., [0, -1]] = interior_rows[..., [0, -1], :] = 0
        axes = []
        for shape, pads, interior in (((1, 3), [0, 1, 0, 1], interior_cols), ((3, 1), [1, 0, 1, 0], interior_rows)):
            kernels = np.array([[1, 0, -1], [1, -2, 1]], np.float32).reshape(2, 1, *shape)  # difference, curvature
            both = self.op("Conv", x, self.const(kernels, "parabola"), pads=pads)
            diff, curv = self.op("Split", both, axis=1, n_out=2)
            vertex = self.op("Clip", self.op("Div", self.op("Mul", diff, self.const(0.5)), curv), self.const(-0.5),
                             self.const(0.5))
            offset = self.op("Where", self.op("Less", curv, self.const(0.0)), vertex, self.const(0.0))
            axes.append(self.op("Mul", offset, self.const(interior, "interior")))
        return self.op("Concat", *axes, axis=1, out=out)

    def frame_to_image(self, spec: FrameSpec, out: str = "image") -> str:
        """From the ``frame`` input (uint8 NHWC BGR) to ``out``: float NCHW in ``spec.color_order``, resized, scaled.

        Transpose and (without a shrink) the colour reorder run on bytes; the scale runs on the smallest tensor.
        """
        x = self.op("Transpose", "frame", perm=[0, 3, 1, 2])
        reorder = spec.color_order == "RGB"
        shrink = spec.resize_to != spec.frame
        if reorder and not shrink:
            x, reorder = self.op("Gather", x, self.ints([2, 1, 0]), axis=1), False
        x = self.op("Cast", x, to=TensorProto.FLOAT)
        if shrink:
            (fh, fw), (h, w) = spec.frame, spec.resize_to
            if spec.resize != "area" or fh % h or fw % w:
                raise NotImplementedError(f"in-graph resize {spec.resize} {spec.frame} -> {spec.resize_to}: only area "
                                          "by whole factors (an exact block average, as OpenCV's INTER_AREA)")
            x = self.op("AveragePool", x, kernel_shape=[fh // h, fw // w], strides=[fh // h, fw // w])
        if reorder:
            x = self.op("Gather", x, self.ints([2, 1, 0]), axis=1)
        std = np.asarray(spec.std, np.float32).reshape(1, 3, 1, 1)
        if any(spec.mean) or (std != 1).any():
            mean = self.const(np.reshape(spec.mean, (1, 3, 1, 1)))
            x = self.op("Sub", self.op("Mul", x, self.const(spec.scale)), mean)
            return self.op("Div", x, self.const(std), out=out)
        return self.op("Mul", x, self.const(spec.scale), out=out)

    def model(self, inputs: list, outputs: list, doc: str) -> bytes:
        graph = helper.make_graph(self.nodes, self.name, inputs, outputs, initializer=self.initializers, doc_string=doc)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="build_baseline",
                                  doc_string=doc)
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model, full_check=True)
        return model.SerializeToString(deterministic=True)


def peak_table_rows(hw: tuple[int, int], min_distance: int) -> int:
    """As many rows as distinct peaks fit in an ``h x w`` map, each more than ``min_distance`` cells from the next."""
    step = min_distance + 1
    return -(-hw[0] // step) * -(-hw[1] // step)


@dataclass(frozen=True)
class FrameSpec:
    """The camera frame a graph takes, and the preprocessing the graph does on it (the manifest's ``input``)."""

    frame: tuple[int, int] = (480, 640)  # height, width of the BGR frame fed
    resize_to: tuple[int, int] = (480, 640)  # height, width the filters run at
    resize: str = "linear"  # in the graph for a shrink; the station's interpolation for frames of another size
    color_order: str = "RGB"
    scale: float = 1.0 / 255.0
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)

    def value_info(self) -> onnx.ValueInfoProto:
        return helper.make_tensor_value_info("frame", TensorProto.UINT8, [1, *self.frame, 3])

    def manifest_input(self) -> dict:
        return {"name": "frame", "shape": [1, *self.frame, 3], "layout": "NHWC", "dtype": "uint8",
                "preprocessing": "in_graph", "color_order": self.color_order, "resize": self.resize,
                "resize_to": list(self.resize_to), "scale": self.scale, "mean": list(self.mean), "std": list(self.std)}

