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
from onnx import TensorProto, helper

from inspector.training.onnx_graph import (  # noqa: F401 (re-exported)
    IR_VERSION, OPSET, FrameSpec, GraphBuilder, peak_table_rows,
)


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
