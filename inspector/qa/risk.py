"""What QA must see first, and how a part the model could not judge is shown.

A box covered by a hand is decided "uncertain" with the confidence of the occlusion score (1.00 for a hand): sorted by
confidence it came last, and its count (whatever the heat map found under the hand) looked like a box with items
missing. Here it is a part of its own kind, *covered*: ranked right after the fail-safes, shown as "covered: recount"
with no count and no confidence, and never exported with the model's count.
"""
from __future__ import annotations

from typing import Any

from inspector.tasks.count import COVERED_REASON

COVERED = "covered"  # the class of a covered box: what QA's confirm of one says, and what training reads as covered
COVERED_TEXT = "covered: recount"
RISK_RANKS = {"fail_safe": 0, COVERED: 1, "uncertain": 2, "reject": 3, "pass": 4}
"""The default review order: fail-safes, covered boxes, other uncertain parts, rejects, passes (each by rising
confidence). ``review_items.risk`` (schema step "review risk order, second-reviewer audits") holds these ranks."""


def covered_sql(table: str = "parts") -> str:
    """SQL true for a covered part's row of ``table`` (one with ``outcome`` and ``reason``)."""
    return f"({table}.outcome = 'uncertain' AND {table}.reason LIKE '%{COVERED_REASON}%')"


def is_covered(record: Any) -> bool:
    """Whether a part record is a covered box: uncertain because the view could not be counted."""
    return record.outcome == "uncertain" and COVERED_REASON in (record.reason or "")


def risk_rank(record: Any) -> int:
    """The record's place in the default review order (lower first)."""
    return RISK_RANKS[COVERED] if is_covered(record) else RISK_RANKS.get(record.outcome, RISK_RANKS["pass"])


def outcome_ranks(outcome: str) -> tuple[int, int]:
    """The ranks (lowest, highest) the parts of one outcome can have: uncertain spans covered and uncertain."""
    if outcome == "uncertain":
        return RISK_RANKS[COVERED], RISK_RANKS["uncertain"]
    return RISK_RANKS[outcome], RISK_RANKS[outcome]


def model_says(record: Any) -> str:
    """What the model said, as one line for people: "covered: recount" for a covered box (count unknown), else the
    count against the expected one or the class, with the confidence."""
    if is_covered(record):
        return COVERED_TEXT
    if record.count is not None:
        what = f"count {record.count}/{record.expected}" if record.expected is not None else f"count {record.count}"
    else:
        what = record.label or record.outcome
    return f"{what} · conf {record.confidence:.2f}" if record.confidence is not None else what


def model_value_of(record: Any) -> dict[str, Any]:
    """What the model said, in the shape a label holds: a covered box has the class ``covered`` and no count."""
    if is_covered(record):
        return {"label": COVERED, "count": None, "points": None, "defect_box": None}
    return {"label": record.label, "count": record.count, "points": record.points, "defect_box": record.defect_box}
