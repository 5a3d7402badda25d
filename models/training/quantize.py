"""INT8 static quantisation with ONNX Runtime (QDQ format), calibrated on inputs the caller supplies."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterable

import numpy as np
import onnx
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

MIN_INT8_SPEEDUP = 1.1  # one-thread p50, float over INT8: below it an INT8 copy is only weight


def int8_too_slow(fp32_ms: float, int8_ms: float) -> str | None:
    """Why an INT8 graph that keeps accuracy still does not ship (not ``MIN_INT8_SPEEDUP`` times faster at one
    thread on the build machine), or None."""
    speedup = fp32_ms / int8_ms
    if speedup >= MIN_INT8_SPEEDUP:
        return None
    return (f"not shipped: INT8 keeps accuracy but runs {speedup:.2f}x the float graph's speed at one thread on this "
            f"CPU (p50 {int8_ms:.2f} vs {fp32_ms:.2f} ms)")


class _Reader(CalibrationDataReader):
    def __init__(self, feeds: Iterable[dict[str, np.ndarray]]):
        self._it = iter(feeds)

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._it, None)


def quantize_qdq(model: onnx.ModelProto, calibration: Iterable[dict[str, np.ndarray]], *, per_channel: bool = True,
                 method: CalibrationMethod = CalibrationMethod.MinMax,
                 exclude: Iterable[str] = ()) -> onnx.ModelProto:
    """``model`` with QuantizeLinear/DequantizeLinear around its convolutions: activations uint8, weights int8
    (per output channel), ranges from running ``calibration`` feeds (input name → array) through the float model.
    ``exclude`` names nodes kept in float."""
    with tempfile.TemporaryDirectory(prefix="quantize_") as tmp:
        src, dst = Path(tmp) / "float.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, src)
        quantize_static(str(src), str(dst), _Reader(calibration), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=per_channel,
                        calibrate_method=method, nodes_to_exclude=list(exclude))
        return onnx.load(dst)
