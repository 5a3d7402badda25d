"""Tiny real ONNX graphs packaged as the station expects, for exercising the runtime without shipped models."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper

from tests.signing import resign


H, W, STRIDE = 32, 48, 4


def _model(nodes: list, outputs: list, input_type: int = TensorProto.FLOAT, frame_input: bool = False) -> bytes:
    graph_input = (helper.make_tensor_value_info("frame", TensorProto.UINT8, [1, H, W, 3]) if frame_input
                   else helper.make_tensor_value_info("image", input_type, [1, 3, H, W]))
    graph = helper.make_graph(
        nodes, "tiny", [graph_input], outputs,
        initializer=[helper.make_tensor("axes_c", TensorProto.INT64, [1], [1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def tiny_count_model() -> bytes:
    """heatmap = channel mean pooled over STRIDE x STRIDE blocks; occlusion = mean of the red channel (RGB input)."""
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["grey"], axes=[1], keepdims=1),
        helper.make_node("AveragePool", ["grey"], ["heatmap"], kernel_shape=[STRIDE, STRIDE], strides=[STRIDE, STRIDE]),
        helper.make_node("Slice", ["image", "zero", "one", "axes_c"], ["red"]),
        helper.make_node("ReduceMean", ["red"], ["occlusion"], keepdims=0),
    ]
    consts = [
        helper.make_node("Constant", [], ["zero"], value=helper.make_tensor("z", TensorProto.INT64, [1], [0])),
        helper.make_node("Constant", [], ["one"], value=helper.make_tensor("o", TensorProto.INT64, [1], [1])),
    ]
    outputs = [
        helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, [1, 1, H // STRIDE, W // STRIDE]),
        helper.make_tensor_value_info("occlusion", TensorProto.FLOAT, []),
    ]
    return _model(consts + nodes, outputs)


def tiny_frame_count_model() -> bytes:
    """:func:`tiny_count_model` with its preprocessing inside: takes the BGR frame (uint8 NHWC), scales it to 0..1
    in the graph; its occlusion is the mean of the red channel (the frame's third)."""
    front = [
        helper.make_node("Transpose", ["frame"], ["nchw"], perm=[0, 3, 1, 2]),
        helper.make_node("Cast", ["nchw"], ["float"], to=TensorProto.FLOAT),
        helper.make_node("Constant", [], ["scale"], value=helper.make_tensor("s", TensorProto.FLOAT, [], [1 / 255])),
        helper.make_node("Mul", ["float", "scale"], ["image"]),
    ]
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["grey"], axes=[1], keepdims=1),
        helper.make_node("AveragePool", ["grey"], ["heatmap"], kernel_shape=[STRIDE, STRIDE], strides=[STRIDE, STRIDE]),
        helper.make_node("Constant", [], ["two"], value=helper.make_tensor("t", TensorProto.INT64, [1], [2])),
        helper.make_node("Constant", [], ["three"], value=helper.make_tensor("r", TensorProto.INT64, [1], [3])),
        helper.make_node("Slice", ["image", "two", "three", "axes_c"], ["red"]),
        helper.make_node("ReduceMean", ["red"], ["occlusion"], keepdims=0),
    ]
    outputs = [
        helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, [1, 1, H // STRIDE, W // STRIDE]),
        helper.make_tensor_value_info("occlusion", TensorProto.FLOAT, []),
    ]
    return _model(front + nodes, outputs, frame_input=True)


def tiny_classify_model(nan_when_bright: bool = False) -> bytes:
    """defect_map = channel mean (stride 1); p_defect = its maximum (or sqrt(-max): NaN on any bright pixel)."""
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["defect_map"], axes=[1], keepdims=1),
        helper.make_node("ReduceMax", ["defect_map"], ["p_max" if nan_when_bright else "p_defect"], keepdims=0),
    ]
    if nan_when_bright:
        nodes += [helper.make_node("Neg", ["p_max"], ["neg"]), helper.make_node("Sqrt", ["neg"], ["p_defect"])]
    outputs = [
        helper.make_tensor_value_info("defect_map", TensorProto.FLOAT, [1, 1, H, W]),
        helper.make_tensor_value_info("p_defect", TensorProto.FLOAT, []),
    ]
    return _model(nodes, outputs)


def count_manifest(**overrides: Any) -> dict[str, Any]:
    manifest = {
        "name": "tiny_counter", "task": "count", "version": "1.0.0", "kind": "test", "created": "2026-01-01T00:00:00Z",
        "input": {"name": "image", "shape": [1, 3, H, W], "color_order": "RGB", "resize": "area",
                  "scale": 1 / 255, "mean": [0, 0, 0], "std": [1, 1, 1], "dtype": "float32"},
        "outputs": [{"name": "heatmap", "shape": [1, 1, H // STRIDE, W // STRIDE], "meaning": "brightness"},
                    {"name": "occlusion", "shape": [], "meaning": "redness"}],
        "postprocess": {"heatmap": "heatmap", "stride": STRIDE, "peak_threshold": 0.2, "min_peak_distance": 1,
                        "occlusion": "occlusion"},
        "labels": ["blob"], "thresholds": {"occlusion": 0.5},
    }
    manifest.update(overrides)
    return manifest


FRAME_INPUT = {"name": "frame", "shape": [1, H, W, 3], "layout": "NHWC", "dtype": "uint8", "preprocessing": "in_graph",
               "color_order": "BGR", "resize": "area", "scale": 1 / 255}


def frame_count_manifest(**overrides: Any) -> dict[str, Any]:
    """:func:`count_manifest` for :func:`tiny_frame_count_model`: the frame fed as it comes."""
    return count_manifest(**{"name": "tiny_frame_counter", "input": dict(FRAME_INPUT), **overrides})


def classify_manifest(**overrides: Any) -> dict[str, Any]:
    manifest = {
        "name": "tiny_classifier", "task": "classify", "version": "1.0.0", "kind": "test",
        "created": "2026-01-01T00:00:00Z",
        "input": {"name": "image", "shape": [1, 3, H, W], "color_order": "BGR", "resize": "linear",
                  "scale": 1 / 255, "dtype": "float32"},
        "outputs": [{"name": "defect_map", "meaning": "brightness"}, {"name": "p_defect", "meaning": "max"}],
        "postprocess": {"probability": "p_defect", "defect_map": "defect_map", "map_stride": 1, "map_threshold": 0.5},
        "labels": ["good", "defect"], "thresholds": {"defect": 0.5},
    }
    manifest.update(overrides)
    return manifest


def blobs_image(centres: list[tuple[int, int]], size: tuple[int, int] = (H * 5, W * 5), radius: int = 6) -> np.ndarray:
    """A black BGR frame (h, w) with white discs at (x, y) centres."""
    image = np.zeros((*size, 3), np.uint8)
    for x, y in centres:
        cv2.circle(image, (x, y), radius, (255, 255, 255), -1)
    return image


def edit_manifest(folder: Path, change: Callable[[dict], None], *, sign: bool = True) -> None:
    """Change the manifest; by default re-signed with the test key (golden hashes brought up to date), so the loader's
    own check of the changed value is what answers."""
    path = folder / "manifest.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    if sign:
        resign(folder)


MANIFESTS = {"count": count_manifest, "classify": classify_manifest, "frame_count": frame_count_manifest}
MODELS = {"count": tiny_count_model, "classify": tiny_classify_model, "frame_count": tiny_frame_count_model}


def covering_images() -> dict[str, dict[str, np.ndarray]]:
    """Per task, images on which the tiny graphs give each outcome the task can give."""
    red = np.zeros((H * 5, W * 5, 3), np.uint8)
    red[..., 2] = 255
    counting = {"empty": np.zeros((H * 5, W * 5, 3), np.uint8), "one_blob": blobs_image([(120, 80)], radius=12),
                "covered": red}
    return {"count": counting, "frame_count": counting,
            "classify": {"good": np.zeros((H * 5, W * 5, 3), np.uint8), "defect": blobs_image([(60, 50)], radius=8)}}


def _covering_cases(folder: Path, kind: str) -> list[dict]:
    """Golden cases computed with the package's own graph (as a build does), one per outcome; none where the graph
    cannot run or gives no finite result (a test of that graph says so itself)."""
    from inspector.golden import expected_from
    from inspector.runtime import load_package

    try:
        model = load_package(folder, threads=1, warmup_runs=0, unsigned_build_check=True)
    except Exception:
        return []
    cases = []
    for name, image in covering_images()[kind].items():
        try:
            result = model.infer(image)
        except Exception:
            continue
        keys = ("label", "p_defect") if model.task == "classify" else (
            ("occlusion",) if result.occlusion >= 0.5 else ("count", "occlusion"))
        cv2.imwrite(str(folder / "golden" / f"cover_{name}.png"), image)
        cases.append({"input": f"golden/cover_{name}.png", "expected": expected_from(result, keys),
                      "tolerance": {"value": 1e-3}})
    return cases


def build_package(folder: Path, kind: str = "count", *, model: bytes | None = None,
                  golden: list[tuple[np.ndarray, dict, dict]] = (), cover: bool = True, signed: bool = True,
                  **overrides: Any) -> Path:
    """A package folder as a build writes it: the given golden cases (image, expected, tolerance) first, then one
    case per outcome computed with its own graph (``cover``), signed with the test key (``signed``)."""
    from inspector.manifest import write_package

    folder = Path(folder)
    (folder / "golden").mkdir(parents=True, exist_ok=True)
    cases = []
    for i, (image, expected, tolerance) in enumerate(golden):
        cv2.imwrite(str(folder / "golden" / f"{i}.png"), image)
        cases.append({"input": f"golden/{i}.png", "expected": expected, "tolerance": tolerance})
    model = MODELS[kind]() if model is None else model
    if cover:
        write_package(folder, model, MANIFESTS[kind](**{**overrides, "golden": []}))
        cases += _covering_cases(folder, kind)
    write_package(folder, model, MANIFESTS[kind](golden=cases, **overrides))
    if signed:
        resign(folder)
    return folder
