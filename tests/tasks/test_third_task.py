"""A third task is one module: registered from here, it loads a signed package, is decided and recorded, and nothing
else in the station is changed for it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import cv2
import numpy as np
import pytest
from onnx import TensorProto, helper

from inspector import tasks
from inspector.config import Recipe
from inspector.decide import decide
from inspector.inference import RecipeModels
from inspector.manifest import ManifestBase, PackageError, _Strict, write_package
from inspector.runtime import finite_scalar, load_package
from inspector.types import Decision, Outcome
from tests.signing import sign

H, W = 16, 16


@dataclass(frozen=True)
class LevelResult:
    level: float  # mean brightness, 0..1
    spot: tuple[int, int]  # x, y of the brightest pixel, frame pixels
    model: str = ""
    version: str = ""


class LevelPostprocess(_Strict):
    level: str
    cut: float


class LevelManifest(ManifestBase):
    task: Literal["level"]
    postprocess: LevelPostprocess


class LevelTask(tasks.Task):
    """Too bright is a reject: the smallest task there can be."""

    name = "level"
    manifest_type = LevelManifest
    result_type = LevelResult
    overlay = "a cross on the brightest pixel"

    def postprocessor(self, model):
        p = model.manifest.postprocess

        def post(raw, frame_hw):
            return LevelResult(finite_scalar(raw, p.level), (0, 0), model.name, model.version)

        return post

    def decide(self, result, recipe):
        if result.level >= 0.5:
            return Decision(Outcome.REJECT, f"too bright ({result.level:.2f})", result.level)
        return Decision(Outcome.PASS, f"level {result.level:.2f}", 1.0 - result.level)

    def missing_golden(self, manifest):
        levels = [c.expected.get("level", 0.0) for c in manifest.golden]
        missing = [what for what, seen in (("a dark case", any(v < 0.5 for v in levels)),
                                           ("a bright case", any(v >= 0.5 for v in levels))) if not seen]
        return " and ".join(missing) or None

    def record_fields(self, result):
        return {"label": "bright" if result.level >= 0.5 else "dark"}

    def shift(self, result, dx, dy):
        return replace(result, spot=(result.spot[0] + dx, result.spot[1] + dy))


def level_graph() -> bytes:
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["image"], ["level"], keepdims=0)], "level",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, H, W])],
        [helper.make_tensor_value_info("level", TensorProto.FLOAT, [])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def level_package(folder, golden_levels=(10, 240)):
    (folder / "golden").mkdir(parents=True)
    cases = []
    for grey in golden_levels:
        cv2.imwrite(str(folder / "golden" / f"{grey}.png"), np.full((H, W, 3), grey, np.uint8))
        cases.append({"input": f"golden/{grey}.png", "expected": {"level": grey / 255}, "tolerance": {"value": 1e-4}})
    write_package(folder, level_graph(), {
        "name": "brightness", "task": "level", "version": "0.1.0", "created": "2026-01-01T00:00:00Z",
        "input": {"name": "image", "shape": [1, 3, H, W], "color_order": "RGB", "resize": "area"},
        "outputs": [{"name": "level"}], "labels": ["dark", "bright"], "postprocess": {"level": "level", "cut": 0.5},
        "golden": cases})
    return sign(folder)


@pytest.fixture
def level_task():
    task = tasks.register(LevelTask)
    yield task
    tasks.unregister("level")


RECIPE = Recipe(name="lamp", product="part", models=["brightness"])


def test_a_registered_task_loads_its_package_and_decides_a_part(level_task, tmp_path):
    model = load_package(level_package(tmp_path / "brightness"), threads=1)
    assert model.task == "level" and model.task_type is level_task
    bright, dark = np.full((40, 40, 3), 230, np.uint8), np.full((40, 40, 3), 20, np.uint8)
    models = RecipeModels([model], roi=(5, 7, 30, 30))
    (result,) = models.run(bright)
    assert result.level == pytest.approx(230 / 255, abs=1e-4) and result.spot == (5, 7)  # shifted back by the ROI
    assert decide(models.run(bright), RECIPE).outcome is Outcome.REJECT
    assert decide(models.run(dark), RECIPE).outcome is Outcome.PASS
    assert tasks.for_result(result).record_fields(result) == {"label": "bright"}


def test_the_registry_checks_the_new_tasks_golden_coverage(level_task, tmp_path):
    with pytest.raises(PackageError, match="golden cases of a level package must cover a bright case"):
        load_package(level_package(tmp_path / "dark_only", golden_levels=(10, 30)))


def test_a_package_of_a_task_nobody_registered_is_refused_naming_those_that_are(tmp_path):
    tasks.register(LevelTask)
    folder = level_package(tmp_path / "brightness")
    tasks.unregister("level")
    with pytest.raises(PackageError, match=r"task = 'level': unknown task; registered: 'count', 'classify'"):
        load_package(folder)


def test_the_shipped_tasks_are_registered_by_name():
    assert {"count", "classify"} <= set(tasks.names())
    assert tasks.get("count").manifest_type.__name__ == "CountManifest"
    with pytest.raises(tasks.UnknownTask, match="registered"):
        tasks.get("segment")
