"""The classify task (good / defect): a defect probability, a defect map saying where, and the recipe's cut-offs.

Golden cases must show both labels: a graph that always answers "good" (or always "defect") fails one of them.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from inspector import golden
from inspector.manifest import ManifestBase, _Strict
from inspector.postprocess import MapGeometry, defect_region
from inspector.tasks import Task
from inspector.types import ClassifyResult, Decision, Outcome

CLASSIFY_FIELDS = {"p_defect", "label", "defect_box"}


class ClassifyPostprocess(_Strict):
    """A defect probability, and a defect map whose cells above ``map_threshold`` say where.

    ``map_peak`` names an output holding the map's maximum: at or below ``map_threshold`` the map is not read at all.
    """

    probability: str
    defect_map: str
    map_stride: Annotated[int, Field(ge=1)] = 1
    map_threshold: float
    map_peak: str | None = None


class ClassifyManifest(ManifestBase):
    task: Literal["classify"]
    postprocess: ClassifyPostprocess

    @model_validator(mode="after")
    def _refs(self) -> ClassifyManifest:
        p = self.postprocess
        refs = {"probability": p.probability, "defect_map": p.defect_map, "map_peak": p.map_peak}
        self._check_refs({k: v for k, v in refs.items() if v is not None}, CLASSIFY_FIELDS)
        if len(self.labels) != 2:
            raise ValueError(f"labels must be [good, defect], got {self.labels}")
        if "defect" not in self.thresholds:
            raise ValueError("thresholds must hold 'defect' (the p_defect at and above which the label is defect)")
        return self


class ClassifyTask(Task):
    name = "classify"
    manifest_type = ClassifyManifest
    result_type = ClassifyResult
    golden_fields = {"label": golden.check_exact, "defect_box": golden.check_box}
    overlay = "the defect's outline and box (defect_outline, defect_box) with p_defect; nothing on a good part"

    def postprocessor(self, model):
        from inspector.runtime import finite_scalar

        m = model.manifest
        p, good, defect, cut = m.postprocess, m.labels[0], m.labels[1], m.thresholds["defect"]
        name, version, input_hw = model.name, model.version, model.input_hw

        def post(raw: dict[str, np.ndarray], frame_hw: tuple[int, int]) -> ClassifyResult:
            p_defect = finite_scalar(raw, p.probability)
            if p_defect < model.outline_from or (
                    p.map_peak is not None and finite_scalar(raw, p.map_peak) <= p.map_threshold):
                box, outline = None, []  # a passing part, or nothing above the threshold: the map need not be read
            else:
                geometry = MapGeometry.for_frame(p.map_stride, frame_hw, input_hw)
                box, outline = defect_region(raw[p.defect_map], p.map_threshold, geometry)
            label = defect if p_defect >= cut else good
            return ClassifyResult(p_defect, label, box, outline, name, version)

        return post

    def decide(self, result: ClassifyResult, recipe) -> Decision:
        p = result.p_defect
        if p >= recipe.reject_at:
            return Decision(Outcome.REJECT, f"{result.label} (p={p:.2f})", p)
        if p < recipe.pass_below:
            return Decision(Outcome.PASS, f"good (p defect={p:.2f})", 1.0 - p)
        return Decision(Outcome.UNCERTAIN, f"doubtful surface (p defect={p:.2f}): QA to check", max(p, 1.0 - p))

    def missing_golden(self, manifest: ClassifyManifest) -> str | None:
        cut = manifest.thresholds["defect"]
        seen = set()
        for case in manifest.golden:
            if "label" in case.expected:
                seen.add(case.expected["label"])
            elif "p_defect" in case.expected:
                seen.add(manifest.labels[1] if case.expected["p_defect"] >= cut else manifest.labels[0])
        missing = [label for label in manifest.labels if label not in seen]
        return f"a case of each label; none expects {', '.join(map(repr, missing))}" if missing else None

    def record_fields(self, result: ClassifyResult) -> dict[str, Any]:
        return {"label": result.label, "p_defect": round(result.p_defect, 4),
                "defect_box": list(result.defect_box) if result.defect_box else None}

    def summary(self, result: ClassifyResult) -> dict[str, Any]:
        return {"label": result.label, "p_defect": round(result.p_defect, 4)}

    def shift(self, result: ClassifyResult, dx: int, dy: int) -> ClassifyResult:
        from dataclasses import replace

        box = result.defect_box
        return replace(result, defect_box=None if box is None else (box[0] + dx, box[1] + dy, box[2], box[3]),
                       defect_outline=[(x + dx, y + dy) for x, y in result.defect_outline])


__all__ = ["ClassifyManifest", "ClassifyPostprocess", "ClassifyTask", "CLASSIFY_FIELDS"]
