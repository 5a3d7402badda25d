"""Analytic ONNX graphs for the station's first models: hand-designed filters, not trained weights.

Both take the camera frame as it comes — ``[1, H, W, 3]`` uint8 BGR — and do their own preprocessing first
(:class:`FrameSpec`: reorder to RGB, resize, scale to 0..1), so the filters see ``[1, 3, h, w]`` RGB in 0..1 and the
exact preprocessing is part of the checked graph. The counter also suppresses non-maxima in the graph. The constants
are tuned on the synthetic line (``style="line"``: a 4 x 6 box of red-capped cartridges filling 84 % of a 640 x 480
frame; a moulded grey disc part) and written into the manifests.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

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


def gaussian_1d(sigma: float) -> np.ndarray:
    k = int(np.ceil(3 * sigma))
    x = np.arange(-k, k + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return (g / g.sum()).astype(np.float32)


def disc_kernel(radius: float, surround: float) -> np.ndarray:
    """Zero-sum matched filter: mean over a disc minus mean over the ring around it (anti-aliased edges)."""
    k = int(np.ceil(surround)) + 1
    y, x = np.mgrid[-k : k + 1, -k : k + 1].astype(np.float64)
    r = np.hypot(x, y)
    inner = np.clip(radius + 0.5 - r, 0, 1)
    ring = np.clip(surround + 0.5 - r, 0, 1) - inner
    return (inner / inner.sum() - ring / ring.sum()).astype(np.float32)


def centred_box(hw: tuple[int, int], half_w: float, half_h: float) -> tuple[int, int, int, int]:
    """``x0, y0, x1, y1`` of a rectangle centred in an ``h x w`` image."""
    h, w = hw
    return (int(round(w / 2 - half_w)), int(round(h / 2 - half_h)), int(round(w / 2 + half_w)),
            int(round(h / 2 + half_h)))


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


def _rgb(g: GraphBuilder) -> tuple[str, str, str]:
    return tuple(g.op("Split", "image", axis=1, n_out=3))  # type: ignore[return-value]


@dataclass(frozen=True)
class CounterDesign:
    """Cartridge counter: a red-cap matched filter, and occlusion evidence inside the tray region."""

    frame: tuple[int, int] = (480, 640)  # the camera frame fed; the graph averages 4 x 4 blocks (OpenCV INTER_AREA)
    height: int = 120
    width: int = 160
    cap_radius: float = 7.0  # input px (a 27.75 px cap in a 640 px frame, / 4)
    surround: float = 10.2
    stride: int = 2
    chroma_floor: float = 0.1  # redness = (R - max(G, B)) / (R + floor): the cap's hue, not its brightness
    cap_threshold: float = 0.165  # response mapped to heat 0.5: whole caps give 0.32..0.39, side lobes < 0.09
    heat_gain: float = 15.0
    roi_half: tuple[int, int] = (58, 38)  # tray region sure to hold every slot at any line pose, input px
    partial_band: tuple[float, float] = (0.12, 0.28)  # response of a cap only partly visible
    foreign_gb: float = 0.06  # |G - B| of skin, gloves, yellow/blue tools and labels; caps, tray, holes ~0
    foreign_gb_area: float = 0.004  # share of the tray region that counts as one unit of evidence
    solid_red: float = 0.35  # redness left after a 7 x 7 erosion: red things wider than a cap's ring
    solid_red_area: float = 0.002
    black: float = 0.16  # max(R, G, B) darker than any hole or shaded cap
    black_area: float = 0.002
    occlusion_gain: float = 8.0  # occlusion = sigmoid(gain * (evidence - 0.5))
    peak_threshold: float = 0.5  # heat at and above which a local maximum is a cap
    min_peak_distance: int = 3  # heat-map cells: a peak is the maximum of its 7 x 7 window

    def params(self) -> dict:
        return asdict(self)

    @property
    def map_hw(self) -> tuple[int, int]:
        return self.height // self.stride, self.width // self.stride

    @property
    def peak_rows(self) -> int:
        return peak_table_rows(self.map_hw, self.min_peak_distance)

    def frame_spec(self) -> FrameSpec:
        return FrameSpec(frame=self.frame, resize_to=(self.height, self.width), resize="area")


def counter_graph(d: CounterDesign = CounterDesign()) -> bytes:
    g = GraphBuilder("cartridge_counter")
    g.frame_to_image(d.frame_spec())
    r, gr, b = _rgb(g)
    red_excess = g.op("Relu", g.op("Sub", r, g.op("Max", gr, b)))
    redness = g.op("Div", red_excess, g.op("Add", r, g.const(d.chroma_floor)))  # lighting-invariant
    response = g.conv(redness, disc_kernel(d.cap_radius, d.surround))
    pooled = g.op("AveragePool", response, kernel_shape=[d.stride, d.stride], strides=[d.stride, d.stride])
    heat = g.affine(pooled, d.heat_gain, -d.heat_gain * d.cap_threshold)
    heatmap = g.op("Sigmoid", heat, out="heatmap")
    g.peaks(heatmap, d.map_hw, d.peak_threshold, d.min_peak_distance, mask_out="peak_mask", table_out="peaks")

    roi = centred_box((d.height, d.width), *d.roi_half)
    roi_area = float((roi[2] - roi[0]) * (roi[3] - roi[1]))
    roi_pooled = tuple(v // d.stride for v in roi)
    local_max = g.op("Cast", g.op("Equal", pooled, g.max_pool(pooled, 3)), to=TensorProto.FLOAT)
    in_band = g.op("Mul", g.above(pooled, d.partial_band[0]), g.below(pooled, d.partial_band[1]))
    partial_caps = g.region_sum(g.op("Mul", local_max, in_band), roi_pooled, out="partial_caps")
    foreign = g.region_sum(g.above(g.op("Abs", g.op("Sub", gr, b)), d.foreign_gb), roi, out="foreign_px")
    solid_red = g.region_sum(g.above(g.min_pool(redness, 7), d.solid_red), roi, out="solid_red_px")
    black = g.min_pool(g.below(g.op("Max", g.op("Max", r, gr), b), d.black), 2)
    black_area = g.region_sum(black, roi, out="black_px")
    evidence = g.op("Sum", partial_caps,
                    g.op("Mul", foreign, g.const(1.0 / (d.foreign_gb_area * roi_area))),
                    g.op("Mul", solid_red, g.const(1.0 / (d.solid_red_area * roi_area))),
                    g.op("Mul", black_area, g.const(1.0 / (d.black_area * roi_area))))
    occ = g.op("Sigmoid", g.affine(evidence, d.occlusion_gain, -0.5 * d.occlusion_gain))
    g.op("Reshape", occ, g.ints([1]), out="occlusion")
    h2, w2 = d.map_hw
    return g.model(
        [d.frame_spec().value_info()],
        [helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, [1, 1, h2, w2]),
         helper.make_tensor_value_info("occlusion", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("peak_mask", TensorProto.BOOL, [1, 1, h2, w2]),
         helper.make_tensor_value_info("peaks", TensorProto.FLOAT, [1, d.peak_rows, 3])],
        "Analytic baseline (not trained): BGR frame to RGB 0..1 at a quarter size (4 x 4 block average); red-cap "
        "matched filter heat map, its peaks (7 x 7 maxima at or above 0.5) and their table with sub-cell positions; "
        "occlusion from foreign colour, solid red, black and partly visible caps inside the tray region.",
    )


@dataclass(frozen=True)
class ClassifierDesign:
    """Surface classifier: residual of the surface against its local mean, with the part's own structure masked.

    A view whose bright area differs from a whole part's (nothing in view, a broken or a foreign part) scores as a
    defect too: nothing passes that was not seen.

    The part's centre is found as the centroid of its bright pixels; thin rings at known radii (hub edge, groove,
    rim) and a margin around dark regions (bore, bolt holes, belt) are excluded. On what is left, a Hessian ridge
    filter finds thin lines (scratches, cracks) and a blurred residual finds blobs (spots, dents).
    """

    height: int = 480  # the camera frame, fed as it comes: the filters run at its size
    width: int = 640
    part_radius: float = 201.6  # px: 84 % of the half-height of a 640 x 480 frame
    part_level: float = 0.4  # grey level between belt (< 0.25) and part (~0.65)
    centre_bias: tuple[float, float] = (2.0, 2.08)  # the centroid's offset from the true centre (lamp side brighter)
    rings: tuple[tuple[float, float], ...] = ((0.2, 8.0), (0.33, 6.0), (0.848, 6.0))  # bore, hub, groove: r / R, half-width px
    rim: float = 10.0  # px kept clear inside the outer edge
    dark_level: float = 0.25
    dark_open: int = 5  # dark regions narrower than this are defects (cracks), not holes
    dark_margin: int = 23  # dilation (px) of dark regions: their bevels and highlights
    background_sigma: float = 6.0
    ridge_sigma: float = 1.0
    ridge_smooth: float = 1.5
    blob_sigma: float = 4.0
    ridge_unit: float = 0.0071  # the largest ridge response on good parts (tuning set)
    blob_unit: float = 0.0055  # the largest blob response on good parts
    decision: float = 1.6  # anomaly (in units above) with p_defect 0.5
    gain: float = 4.6  # p_defect = sigmoid(gain * (anomaly - decision)); 0.2 at 1.3
    map_stride: int = 4
    part_area: float = 117_000.0  # bright pixels of a whole part in view (good parts: 116 200..117 600)
    area_tolerance: float = 0.1  # relative area change with p_defect 0.5: no part, a broken or a wrong one
    area_gain: float = 60.0

    def params(self) -> dict:
        return asdict(self)

    def frame_spec(self) -> FrameSpec:
        size = (self.height, self.width)
        return FrameSpec(frame=size, resize_to=size, resize="linear")


def _gaussian_derivatives(sigma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = int(np.ceil(3 * sigma))
    x = np.arange(-k, k + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    g /= g.sum()
    g1 = -x / sigma**2 * g
    g2 = (x**2 / sigma**4 - 1 / sigma**2) * g
    g2 -= g2.mean()
    return g.astype(np.float32), g1.astype(np.float32), g2.astype(np.float32)


def _hessian_ridge(g: GraphBuilder, x: str, sigma: float) -> str:
    """max(|l1|, |l2|) of the scale-normalised Hessian: separable passes, 3 channels, grouped second pass."""
    g0, g1, g2 = _gaussian_derivatives(sigma)
    n = len(g0)
    first = np.stack([g2, g0, g1])[:, None, None, :]  # d2/dx2, smooth x, d/dx
    second = np.stack([g0, g2, g1])[:, None, :, None]  # smooth y, d2/dy2, d/dy
    h = g.op("Conv", x, g.const(first, "hess_x"), pads=[0, n // 2, 0, n // 2])
    h = g.op("Conv", h, g.const(second, "hess_y"), pads=[n // 2, 0, n // 2, 0], group=3)
    gxx, gyy, gxy = g.op("Split", h, axis=1, n_out=3)
    half_trace = g.op("Mul", g.op("Add", gxx, gyy), g.const(0.5))
    half_diff = g.op("Mul", g.op("Sub", gxx, gyy), g.const(0.5))
    root = g.op("Sqrt", g.op("Add", g.op("Mul", half_diff, half_diff), g.op("Mul", gxy, gxy)))
    return g.op("Mul", g.op("Add", g.op("Abs", half_trace), root), g.const(sigma**2))


def classifier_graph(d: ClassifierDesign = ClassifierDesign()) -> bytes:
    g = GraphBuilder("surface_classifier")
    g.frame_to_image(d.frame_spec())
    grey = g.conv("image", np.array([0.299, 0.587, 0.114], np.float32).reshape(1, 3, 1, 1))

    # centre of the part: centroid of its bright pixels, from row and column sums
    part = g.op("Sigmoid", g.affine(grey, 40.0, -40.0 * d.part_level))
    mass = g.op("ReduceSum", part, g.ints([2, 3]), keepdims=1)
    weight = g.op("Add", mass, g.const(1.0))  # a black frame must not divide by zero
    xs = np.arange(d.width, dtype=np.float32).reshape(1, 1, 1, -1) + 0.5
    ys = np.arange(d.height, dtype=np.float32).reshape(1, 1, -1, 1) + 0.5
    cols = g.op("ReduceSum", part, g.ints([2]), keepdims=1)  # [1, 1, 1, W]
    rows = g.op("ReduceSum", part, g.ints([3]), keepdims=1)  # [1, 1, H, 1]
    cx = g.op("Add", g.op("Div", g.op("ReduceSum", g.op("Mul", cols, g.const(xs)), g.ints([3]), keepdims=1), weight),
              g.const(d.centre_bias[0]))
    cy = g.op("Add", g.op("Div", g.op("ReduceSum", g.op("Mul", rows, g.const(ys)), g.ints([2]), keepdims=1), weight),
              g.const(d.centre_bias[1]))
    dx, dy = g.op("Sub", g.const(xs), cx), g.op("Sub", g.const(ys), cy)
    rho = g.op("Sqrt", g.op("Add", g.op("Mul", dx, dx), g.op("Mul", dy, dy)))  # [1, 1, H, W]

    # where the surface may be judged: inside the rim, off the rings, away from dark regions
    valid = g.below(rho, d.part_radius - d.rim)
    for ratio, half_width in d.rings:
        off_ring = g.above(g.op("Abs", g.op("Sub", rho, g.const(ratio * d.part_radius))), half_width)
        valid = g.op("Mul", valid, off_ring)
    dark = g.max_pool(g.min_pool(g.below(grey, d.dark_level), d.dark_open), d.dark_margin)
    valid = g.op("Mul", valid, g.op("Sub", g.const(1.0), dark))

    # residual against the local mean of valid pixels only (normalised convolution)
    k = gaussian_1d(d.background_sigma)
    local = g.op("Div", g.separable(g.op("Mul", grey, valid), k),
                 g.op("Add", g.separable(valid, k), g.const(1e-3)))
    residual = g.op("Mul", g.op("Sub", grey, local), valid)

    ridge = g.op("Mul", _hessian_ridge(g, residual, d.ridge_sigma), valid)
    ridge = g.separable(ridge, gaussian_1d(d.ridge_smooth))
    blob = g.op("Mul", g.op("Abs", g.separable(residual, gaussian_1d(d.blob_sigma))), valid)
    anomaly = g.op("Max", g.op("Mul", ridge, g.const(1.0 / d.ridge_unit)),
                   g.op("Mul", blob, g.const(1.0 / d.blob_unit)), out="anomaly")
    s = d.map_stride
    peak = g.op("MaxPool", anomaly, kernel_shape=[s, s], strides=[s, s])
    g.op("Sigmoid", g.affine(peak, d.gain, -d.gain * d.decision), out="defect_map")
    surface = g.op("Reshape", g.op("ReduceMax", "defect_map", keepdims=0, axes=[1, 2, 3]), g.ints([1]),
                   out="defect_peak")
    # an empty view, a broken or a foreign part is not a good part
    area_change = g.op("Abs", g.op("Sub", g.op("Mul", mass, g.const(1.0 / d.part_area)), g.const(1.0)))
    unlike = g.op("Sigmoid", g.affine(area_change, d.area_gain, -d.area_gain * d.area_tolerance))
    g.op("Max", surface, g.op("Reshape", unlike, g.ints([1])), out="p_defect")
    return g.model(
        [d.frame_spec().value_info()],
        [helper.make_tensor_value_info("defect_map", TensorProto.FLOAT, [1, 1, d.height // s, d.width // s]),
         helper.make_tensor_value_info("p_defect", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("defect_peak", TensorProto.FLOAT, [1])],
        "Analytic baseline (not trained): BGR frame to RGB 0..1; surface residual with the part's rings, holes and "
        "rim masked; Hessian ridges (scratches, cracks) and blurred residual (spots, dents), scaled to good-part "
        "maxima.",
    )
