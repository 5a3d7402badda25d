"""The recipe's rules: model outputs in, one decision with its reason and confidence out."""
from __future__ import annotations

from inspector.config import Recipe
from inspector.types import ClassifyResult, CountResult, Decision, FailSafeCause, ModelResult, Outcome

_SEVERITY = {Outcome.PASS: 0, Outcome.UNCERTAIN: 1, Outcome.REJECT: 2, Outcome.FAIL_SAFE: 3}


def decide_count(result: CountResult, recipe: Recipe) -> Decision:
    expected = recipe.expected_count
    if result.occlusion >= recipe.occlusion_threshold:
        return Decision(Outcome.UNCERTAIN, f"box covered, cannot count (occlusion {result.occlusion:.2f})", result.occlusion)
    confidence = min(1.0 - result.occlusion, min((p[2] for p in result.points), default=1.0))
    if result.count != expected:
        missing = expected - result.count
        what = f"{missing} missing" if missing > 0 else f"{-missing} extra"
        return Decision(Outcome.REJECT, f"count {result.count}/{expected}: {what}", max(confidence, 0.5))
    if confidence < recipe.count_min_confidence:
        return Decision(Outcome.UNCERTAIN, f"count {result.count}/{expected} but weakest item {confidence:.2f}", confidence)
    return Decision(Outcome.PASS, f"count {result.count}/{expected}", confidence)


def decide_classify(result: ClassifyResult, recipe: Recipe) -> Decision:
    p = result.p_defect
    if p >= recipe.reject_at:
        return Decision(Outcome.REJECT, f"{result.label} (p={p:.2f})", p)
    if p < recipe.pass_below:
        return Decision(Outcome.PASS, f"good (p defect={p:.2f})", 1.0 - p)
    return Decision(Outcome.UNCERTAIN, f"doubtful surface (p defect={p:.2f}): QA to check", max(p, 1.0 - p))


def decide(results: list[ModelResult], recipe: Recipe) -> Decision:
    """The most severe decision of the recipe's models wins; reasons of equal severity are joined."""
    if not results:
        return Decision(Outcome.FAIL_SAFE, "no model produced a result", 1.0, FailSafeCause.MODEL_ERROR)
    decisions = []
    for result in results:
        if isinstance(result, CountResult):
            decisions.append(decide_count(result, recipe))
        elif isinstance(result, ClassifyResult):
            decisions.append(decide_classify(result, recipe))
        else:
            raise TypeError(f"no rule for model result {type(result).__name__}")
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
