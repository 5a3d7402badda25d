"""INT8 static quantisation with ONNX Runtime (QDQ format), calibrated on inputs the caller supplies."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterable

import numpy as np
import onnx
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static


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
