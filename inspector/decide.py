"""The recipe's rules: model outputs in, one decision with its reason and confidence out.

Each task owns its own rule (:mod:`inspector.tasks`); here the decisions of a recipe's models are combined."""
from __future__ import annotations

from inspector import tasks
from inspector.config import Recipe
from inspector.types import ClassifyResult, CountResult, Decision, FailSafeCause, ModelResult, Outcome

_SEVERITY = {Outcome.PASS: 0, Outcome.UNCERTAIN: 1, Outcome.REJECT: 2, Outcome.FAIL_SAFE: 3}


def decide_count(result: CountResult, recipe: Recipe) -> Decision:
    return tasks.get("count").decide(result, recipe)


def decide_classify(result: ClassifyResult, recipe: Recipe) -> Decision:
    return tasks.get("classify").decide(result, recipe)


def decide(results: list[ModelResult], recipe: Recipe) -> Decision:
    """The most severe decision of the recipe's models wins; reasons of equal severity are joined."""
    if not results:
        return Decision(Outcome.FAIL_SAFE, "no model produced a result", 1.0, FailSafeCause.MODEL_ERROR)
    decisions = []
    for result in results:
        decisions.append(tasks.for_result(result).decide(result, recipe))  # TypeError: no task gives such a result
    worst = max(_SEVERITY[d.outcome] for d in decisions)
    chosen = [d for d in decisions if _SEVERITY[d.outcome] == worst]
    return Decision(
        chosen[0].outcome,
        "; ".join(d.reason for d in chosen),
        min(d.confidence for d in chosen),
        chosen[0].cause,
    )


def fail_safe(cause: FailSafeCause, detail: str) -> Decision:
    return Decision(Outcome.FAIL_SAFE, f"{cause.value}: {detail}", 1.0, cause)
