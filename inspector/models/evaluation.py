"""Judge packages on the station's own kept images: a candidate beside the live model on QA-verified parts
(``evaluate``), or one package over every kept image in a time range (``rescore``). Results go to the store's
re-score tables, beside the parts' own decisions."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from inspector.export.selection import iter_items
from inspector.models.lifecycle import Entry, ModelRegistry
from inspector.models.rescore import Job, new_rescore_id, score_jobs, summarise
from inspector.store.model_tables import ModelTables


def _jobs(store, *, since: str | None, until: str | None, verified_only: bool,
          names: set[str]) -> tuple[list[Job], dict[int, dict[str, Any]], int]:
    """The kept images of parts decided by a model of ``names`` (any, when empty), QA's truth for them, and how many
    selected parts had no image kept."""
    runs: dict[str, tuple[tuple | None, str]] = {}
    jobs, truths, missing = [], {}, 0
    for item in iter_items(store, since=since, until=until, verified_only=verified_only):
        record = item.record
        if names and not names & set(record.models):
            continue
        image = store.image_file(record)
        if image is None or not Path(image).exists():
            missing += 1
            continue
        if record.run_id not in runs:
            run = store.run(record.run_id) or {}
            config = json.loads(run.get("station_config") or "{}")
            roi = (config.get("camera") or {}).get("roi")
            runs[record.run_id] = (tuple(roi) if roi else None, run.get("recipe_json") or "{}")
        roi, recipe_json = runs[record.run_id]
        jobs.append(Job(record.part_id, str(image), roi, recipe_json))
        if item.source == "qa":
            truths[record.part_id] = {"label": item.label, "count": item.count}
    return jobs, truths, missing


def evaluate(registry: ModelRegistry, entry: Entry, *, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Score QA-verified images with ``entry`` and the live package of its name; record and return both summaries."""
    jobs, truths, missing = _jobs(registry.store, since=None, until=None, verified_only=True, names={entry.name})
    live_folder = registry.live_folder(entry.name)
    folders = [entry.folder] + ([live_folder] if live_folder != entry.folder else [])
    tables = ModelTables(registry.store)
    rescore_id = new_rescore_id("evaluate")
    tables.start_rescore(rescore_id, entry.package_id, "evaluate", {"verified_only": True})
    candidate: dict[int, tuple[str, dict]] = {}
    live: dict[int, tuple[str, dict]] = {}
    unreadable = 0
    for part_id, scored, problem in score_jobs(jobs, folders, registry.trust.dirs, workers=workers,
                                               progress=progress and (lambda done: progress(done, len(jobs)))):
        if scored is None:
            unreadable += 1
            continue
        candidate[part_id] = scored[0]
        live[part_id] = scored[-1]
    tables.add_rescore_results(rescore_id, [(p, o, r) for p, (o, r) in candidate.items()])
    evaluation = {
        "rescore_id": rescore_id, "images": len(jobs), "no_image_kept": missing, "unreadable": unreadable,
        "candidate": summarise(entry.task, truths, candidate),
        "live": summarise(entry.task, truths, live) | {"folder": str(live_folder)},
    }
    tables.finish_rescore(rescore_id, len(candidate), evaluation)
    registry.record_evaluation(entry, evaluation)
    return evaluation


def rescore(store, folder: Path, package_id: str, task: str, trust_dirs, *, since: str | None, until: str | None,
            workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Score every kept image recorded in ``[since, until)`` with the package at ``folder``."""
    jobs, truths, missing = _jobs(store, since=since, until=until, verified_only=False, names=set())
    tables = ModelTables(store)
    rescore_id = new_rescore_id("rescore")
    tables.start_rescore(rescore_id, package_id, "rescore", {"since": since, "until": until})
    scored: dict[int, tuple[str, dict]] = {}
    batch: list[tuple[int, str, dict]] = []
    unreadable = 0
    for part_id, results, problem in score_jobs(jobs, [folder], trust_dirs, workers=workers,
                                                progress=progress and (lambda done: progress(done, len(jobs)))):
        if results is None:
            unreadable += 1
            continue
        scored[part_id] = results[0]
        batch.append((part_id, *results[0]))
        if len(batch) >= 500:
            tables.add_rescore_results(rescore_id, batch)
            batch = []
    if batch:
        tables.add_rescore_results(rescore_id, batch)
    summary = {"rescore_id": rescore_id, "images": len(jobs), "no_image_kept": missing, "unreadable": unreadable,
               **summarise(task, truths, scored)}
    tables.finish_rescore(rescore_id, len(scored), summary)
    return summary
