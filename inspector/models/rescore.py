"""Re-score stored images with model packages, one worker process per core, beside (never over) the decisions.

``evaluate`` scores the station's QA-verified images with a candidate and the live model on the same images and sums
them up against QA's truth (confusion matrix for a defect model, count errors for a counter); ``rescore`` runs one
package over every kept image in a time range. Each worker process loads its packages once (one ONNX Runtime thread
each) and decides every image with the recipe its part was recorded under.
"""
from __future__ import annotations

import json
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import cv2

CHUNK = 16


@dataclass(frozen=True)
class Job:
    """One stored image to score: the part, its image file, the ROI and the recipe it was decided under."""

    part_id: int
    image: str
    roi: tuple[int, int, int, int] | None
    recipe_json: str


_models: list[Any] = []
_recipes: dict[str, Any] = {}


def _init(folders: Sequence[str], trust_dirs: Sequence[str]) -> None:
    from inspector.models.trust import TrustStore
    from inspector.runtime import load_package

    trust = TrustStore([Path(d) for d in trust_dirs])
    _models[:] = [load_package(folder, threads=1, trust=trust, warmup_runs=1) for folder in folders]


def _recipe(text: str):
    from inspector.config import parse_recipe

    if text not in _recipes:
        _recipes[text] = parse_recipe(json.loads(text))
    return _recipes[text]


def _score(jobs: Sequence[Job]) -> list[tuple[int, list[tuple[str, dict[str, Any]] | None], str | None]]:
    """Per job: one (outcome, result) per loaded package, or None and why the image could not be scored."""
    from inspector.decide import decide
    from inspector.inference import RecipeModels

    out = []
    for job in jobs:
        image = cv2.imread(job.image, cv2.IMREAD_COLOR)
        if image is None:
            out.append((job.part_id, None, f"image {job.image} is missing or unreadable"))
            continue
        recipe = _recipe(job.recipe_json)
        scored = []
        for model in _models:
            model.outline_from = recipe.pass_below
            results = RecipeModels([model], roi=job.roi).run(image)
            decision = decide(results, recipe)
            scored.append((decision.outcome.value, result_value(results[0])))
        out.append((job.part_id, scored, None))
    return out


def result_value(result: Any) -> dict[str, Any]:
    """What a re-score keeps of a result: the number a decision rests on."""
    if hasattr(result, "count"):
        return {"count": int(result.count), "occlusion": round(float(result.occlusion), 4)}
    return {"p_defect": round(float(result.p_defect), 5)}


def score_jobs(jobs: Sequence[Job], folders: Sequence[Path], trust_dirs: Sequence[Path], *, workers: int | None = None,
               progress: Callable[[int], None] | None = None) -> Iterable[tuple[int, Any, str | None]]:
    """Yield ``(part_id, [(outcome, result) per folder] or None, problem)`` as workers finish chunks."""
    workers = max(1, workers or len(os.sched_getaffinity(0)))
    chunks = [list(jobs[i:i + CHUNK]) for i in range(0, len(jobs), CHUNK)]
    done = 0
    args = ([str(f) for f in folders], [str(d) for d in trust_dirs])
    if workers == 1:
        _init(*args)
        results = map(_score, chunks)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=args)
        results = pool.map(_score, chunks)
    try:
        for chunk in results:
            for item in chunk:
                yield item
            done += len(chunk)
            if progress is not None:
                progress(done)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def new_rescore_id(purpose: str) -> str:
    return f"{purpose}-{uuid.uuid4().hex[:10]}"


def summarise(task: str, truths: dict[int, dict[str, Any]], scored: dict[int, tuple[str, dict[str, Any]]]) -> dict:
    """Against QA's truth: a defect model's confusion matrix (truth × outcome), a counter's count errors."""
    summary: dict[str, Any] = {"parts": len(scored)}
    outcomes = [o for o, _ in scored.values()]
    summary["outcomes"] = {o: outcomes.count(o) for o in sorted(set(outcomes))}
    summary["not_pass_rate"] = round(sum(o != "pass" for o in outcomes) / len(outcomes), 4) if outcomes else None
    if task == "count":
        errors: dict[str, int] = {}
        exact = judged = 0
        for part_id, (outcome, result) in scored.items():
            truth = truths.get(part_id, {}).get("count")
            if truth is None:
                continue
            judged += 1
            error = int(result["count"]) - int(truth)
            errors[str(error)] = errors.get(str(error), 0) + 1
            exact += error == 0
        summary.update(count_errors=dict(sorted(errors.items(), key=lambda kv: int(kv[0]))), judged=judged,
                       exact=round(exact / judged, 4) if judged else None)
    else:
        matrix: dict[str, dict[str, int]] = {}
        right = judged = 0
        for part_id, (outcome, _) in scored.items():
            truth = truths.get(part_id, {}).get("label")
            if truth is None:
                continue
            judged += 1
            row = matrix.setdefault(truth, {})
            row[outcome] = row.get(outcome, 0) + 1
            right += (truth == "good") == (outcome == "pass")
        summary.update(confusion=matrix, judged=judged, accuracy=round(right / judged, 4) if judged else None,
                       defects_passed=matrix.get("defect", {}).get("pass", 0))
    return summary
