"""The count task: a heat map whose peaks are items, an occlusion score, and the recipe's expected count.

Golden cases must show boxes with different counts (a full one and one with items missing): a graph that always gives
the same count fails them. A package that claims to flag covered views (an ``occlusion`` threshold in its manifest)
must also show a covered box at or above it; one taught without any covered view makes no such claim.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from inspector import golden
from inspector.manifest import ManifestBase, _Strict
from inspector.postprocess import MapGeometry, extract_peaks, graph_peaks, peaks_to_points
from inspector.tasks import Task, shifted_points
from inspector.types import CountResult, Decision, Outcome

COUNT_FIELDS = {"count", "points", "occlusion"}
COVERED_REASON = "box covered, cannot count"  # the reason of a covered box: review and export find it by this text


class CountPostprocess(_Strict):
    """Peaks of a heat map are items; cell (i, j) stands for the centre of its ``stride``-square block of input.

    With ``peak_mask`` the graph has already suppressed non-maxima: that output is true where the heat is the maximum
    of its ``2 * min_peak_distance + 1`` square window and at or above its own threshold (which ``peak_threshold``
    may raise, not lower); the station then only reads those cells. ``peak_table`` goes further: ``[1, K, 3]`` rows
    ``col, row, score`` of the masked cells, strongest first, at sub-cell positions, score 0 past the last; K must
    hold every peak that can be. Only where two scores are equal (a plateau to merge) is the mask read instead.
    """

    heatmap: str
    stride: Annotated[int, Field(ge=1)]
    peak_threshold: float
    min_peak_distance: Annotated[int, Field(ge=1, description="heat-map cells")]
    occlusion: str
    peak_mask: str | None = None
    peak_table: str | None = None

    @model_validator(mode="after")
    def _table_needs_mask(self) -> CountPostprocess:
        if self.peak_table is not None and self.peak_mask is None:
            raise ValueError("peak_table needs peak_mask too (read where equal scores may be one plateau)")
        return self


class CountManifest(ManifestBase):
    task: Literal["count"]
    postprocess: CountPostprocess

    @model_validator(mode="after")
    def _refs(self) -> CountManifest:
        p = self.postprocess
        refs = {"heatmap": p.heatmap, "occlusion": p.occlusion, "peak_mask": p.peak_mask,
                "peak_table": p.peak_table}
        self._check_refs({k: v for k, v in refs.items() if v is not None}, COUNT_FIELDS)
        return self


class CountTask(Task):
    name = "count"
    manifest_type = CountManifest
    result_type = CountResult
    golden_fields = {"count": golden.check_exact, "points": golden.check_points}
    overlay = "a dot per item found (points), empty slots of the recipe's layout, 'covered' when occluded"

    def postprocessor(self, model):
        from inspector.runtime import finite_scalar

        p = model.manifest.postprocess
        name, version, input_hw = model.name, model.version, model.input_hw

        def post(raw: dict[str, np.ndarray], frame_hw: tuple[int, int]) -> CountResult:
            if p.peak_mask is not None:
                table = raw[p.peak_table] if p.peak_table is not None else None
                peaks = graph_peaks(raw[p.peak_mask], raw[p.heatmap], p.peak_threshold, p.min_peak_distance, table)
            else:
                peaks = extract_peaks(raw[p.heatmap], p.peak_threshold, p.min_peak_distance)
            points = peaks_to_points(peaks, MapGeometry.for_frame(p.stride, frame_hw, input_hw))
            return CountResult(len(points), points, finite_scalar(raw, p.occlusion), name, version)

        return post

    def decide(self, result: CountResult, recipe) -> Decision:
        expected = recipe.expected_count
        if result.occlusion >= recipe.occlusion_threshold:
            return Decision(Outcome.UNCERTAIN, f"{COVERED_REASON} (occlusion {result.occlusion:.2f})",
                            result.occlusion)
        confidence = min(1.0 - result.occlusion, min((p[2] for p in result.points), default=1.0))
        if result.count != expected:
            missing = expected - result.count
            what = f"{missing} missing" if missing > 0 else f"{-missing} extra"
            return Decision(Outcome.REJECT, f"count {result.count}/{expected}: {what}", max(confidence, 0.5))
        if confidence < recipe.count_min_confidence:
            return Decision(Outcome.UNCERTAIN, f"count {result.count}/{expected} but weakest item {confidence:.2f}",
                            confidence)
        return Decision(Outcome.PASS, f"count {result.count}/{expected}", confidence)

    def missing_golden(self, manifest: CountManifest) -> str | None:
        cut = manifest.thresholds.get("occlusion")
        covered = [c for c in manifest.golden if cut is not None and c.expected.get("occlusion", -1.0) >= cut]
        counts = {c.expected["count"] for c in manifest.golden if "count" in c.expected and c not in covered}
        gaps = []
        if len(counts) < 2:
            gaps.append(f"boxes with at least two different counts (a complete box and one with items missing; "
                        f"found counts {sorted(counts)})")
        if cut is not None and not covered:
            gaps.append(f"a covered box (expected occlusion >= {cut:g})")
        return " and ".join(gaps) or None

    def record_fields(self, result: CountResult) -> dict[str, Any]:
        return {"count": result.count, "occlusion": round(result.occlusion, 4),
                "points": [[round(x, 1), round(y, 1), round(s, 3)] for x, y, s in result.points]}

    def summary(self, result: CountResult) -> dict[str, Any]:
        return {"count": result.count, "occlusion": round(result.occlusion, 4)}

    def shift(self, result: CountResult, dx: int, dy: int) -> CountResult:
        from dataclasses import replace

        return replace(result, points=shifted_points(result.points, dx, dy))


__all__ = ["CountManifest", "CountPostprocess", "CountTask", "COUNT_FIELDS"]
