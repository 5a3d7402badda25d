"""The second-reviewer audit: a sample of each reviewer's verdicts is looked at again by another reviewer, blind.

When a verdict that gives a value (confirm or correct) is written, ``fraction`` of them are sampled into
``review_audits`` (in the verdict's own transaction). Another reviewer then sees the part as the model left it — the
first verdict is not shown — and gives a verdict of their own (``submit``, written with ``blind=True``). Same class and
same count: the audit passes. Otherwise (an inconclusive second look included) it fails, and the part goes back to the
open queue as *disputed* for a third look, which is an ordinary verdict.
"""
from __future__ import annotations

import contextvars
import random
from dataclasses import dataclass
from typing import Any, Callable

from inspector.review import Label, QueueItem, Review, ReviewError, class_of
from inspector.store import utc_now
from inspector.store.rows import row_to_record

_resolving: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("audit_resolving", default=None)


@dataclass(frozen=True)
class Audit:
    id: int
    part_id: int
    label_id: int  # the first verdict
    first_reviewer: str
    sampled_at: str
    audit_label_id: int | None = None
    auditor: str | None = None
    result: str | None = None  # "pass" / "fail", None while pending
    decided_at: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Audit:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


def agrees(first: Label, second: Label, expected: int | None) -> bool:
    """Whether two verdicts say the same: both give a value, of the same class and the same count."""
    if not (first.is_truth and second.is_truth):
        return False
    return (class_of(first.label, first.count, expected) == class_of(second.label, second.count, expected)
            and first.count == second.count)


class ReviewAudits:
    """Samples verdicts on ``review`` for a blind second look, and takes those second looks.

    ``fraction``: the share of each reviewer's verdicts sampled (0..1, the station file's
    ``[review] audit_fraction``). ``draw``: a number in [0, 1) per verdict; below ``fraction`` samples it.
    """

    def __init__(self, review: Review, fraction: float, *, draw: Callable[[], float] = random.random,
                 clock: Callable[[], str] = utc_now) -> None:
        if not 0.0 <= fraction <= 1.0:
            raise ReviewError(f"audit_fraction {fraction} is outside 0..1")
        self.review, self.fraction, self.draw, self.clock = review, fraction, draw, clock
        # one sampler per Review: a second would sample the same verdict twice
        review.on_submit[:] = [listener for listener in review.on_submit
                               if not isinstance(getattr(listener, "__self__", None), ReviewAudits)]
        review.on_submit.append(self._on_submit)

    # -- sampling and resolving, inside the verdict's transaction ------------------------------------------------
    def _on_submit(self, conn: Any, label: Label, record: Any) -> None:
        audit = _resolving.get()
        if audit is not None and audit["part_id"] == label.part_id:
            self._resolve(conn, audit, label, record)
            return
        if not label.is_truth or self.fraction <= 0.0:
            return
        seen = conn.execute("SELECT 1 FROM review_audits WHERE part_id = ? LIMIT 1", [label.part_id]).fetchone()
        if seen is None and self.draw() < self.fraction:  # a part is audited once: a third look is not resampled
            conn.execute("INSERT INTO review_audits (part_id, label_id, first_reviewer, sampled_at) VALUES (?, ?, ?, ?)",
                         [label.part_id, label.id, label.reviewer, self.clock()])

    def _resolve(self, conn: Any, audit: dict[str, Any], label: Label, record: Any) -> None:
        cursor = conn.execute("SELECT * FROM labels WHERE id = ?", [audit["label_id"]])
        first = Label.from_row(dict(zip([d[0] for d in cursor.description], cursor.fetchone())))
        result = "pass" if agrees(first, label, record.expected) else "fail"
        conn.execute("UPDATE review_audits SET audit_label_id = ?, auditor = ?, result = ?, decided_at = ? "
                     "WHERE id = ? AND audit_label_id IS NULL", [label.id, label.reviewer, result, label.created_at,
                                                                 audit["id"]])
        if result == "fail":  # disputed: back to the open queue for a third look
            conn.execute("UPDATE review_items SET reviewed = 0 WHERE part_id = ?", [label.part_id])

    # -- the second reviewer's side ------------------------------------------------------------------------------
    def pending(self, reviewer: str, *, limit: int = 50) -> list[tuple[Audit, QueueItem]]:
        """The audits ``reviewer`` may take (verdicts of others), oldest first, each with its part as the model left
        it: the queue item carries no label, so the first verdict is not shown."""
        rows = self.review.store.query(
            "SELECT a.*, p.* FROM review_audits a JOIN parts p ON p.part_id = a.part_id "
            "WHERE a.audit_label_id IS NULL AND a.first_reviewer != ? ORDER BY a.id LIMIT ?", [reviewer, int(limit)])
        return [(Audit.from_row(r), QueueItem(row_to_record(r), None)) for r in rows]

    def pending_count(self, reviewer: str | None = None) -> int:
        """Audits waiting: all of them, or those ``reviewer`` may take."""
        where, params = "audit_label_id IS NULL", []
        if reviewer is not None:
            where, params = where + " AND first_reviewer != ?", [reviewer]
        return self.review.store.query(f"SELECT count(*) AS n FROM review_audits WHERE {where}", params)[0]["n"]

    def get(self, audit_id: int) -> Audit | None:
        rows = self.review.store.query("SELECT * FROM review_audits WHERE id = ?", [audit_id])
        return Audit.from_row(rows[0]) if rows else None

    def for_part(self, part_id: int) -> Audit | None:
        rows = self.review.store.query("SELECT * FROM review_audits WHERE part_id = ? ORDER BY id DESC LIMIT 1",
                                       [part_id])
        return Audit.from_row(rows[0]) if rows else None

    def disputed(self, part_ids: list[int]) -> set[int]:
        """Which of ``part_ids`` failed their audit and have had no verdict since (waiting for a third look)."""
        if not part_ids:
            return set()
        marks = ", ".join("?" for _ in part_ids)
        rows = self.review.store.query(
            f"SELECT a.part_id FROM review_audits a WHERE a.result = 'fail' AND a.part_id IN ({marks}) AND NOT EXISTS "
            "(SELECT 1 FROM labels l WHERE l.part_id = a.part_id AND l.id > a.audit_label_id)", list(part_ids))
        return {r["part_id"] for r in rows}

    def submit(self, audit_id: int, reviewer: str, verdict: str, *, via: Callable[..., Label] | None = None,
               **value: Any) -> tuple[Label, Audit]:
        """The second, blind verdict on an audited part; returns it and the decided audit.

        ``via``: how the verdict is written (default ``review.submit``; the screen passes ``submit_label`` with the
        session, so it is checked, signed and audited like any verdict). Refused: an unknown or decided audit, or
        the first reviewer auditing their own verdict.
        """
        audit = self.get(audit_id)
        if audit is None:
            raise ReviewError(f"audit {audit_id} does not exist")
        if audit.result is not None:
            raise ReviewError(f"audit {audit_id} of part {audit.part_id} was already decided ({audit.result}) by "
                              f"{audit.auditor}")
        reviewer = (reviewer or "").strip()
        if reviewer == audit.first_reviewer:
            raise ReviewError(f"audit {audit_id}: {reviewer} gave the first verdict on part {audit.part_id}; "
                              "another reviewer must give the second")
        token = _resolving.set({"id": audit.id, "part_id": audit.part_id, "label_id": audit.label_id})
        try:
            write = via or (lambda part_id, verdict, **kw: self.review.submit(part_id, reviewer, verdict, **kw))
            label = write(audit.part_id, verdict, blind=True, **value)
        finally:
            _resolving.reset(token)
        decided = self.get(audit_id)
        if decided is None or decided.result is None:
            raise ReviewError(f"audit {audit_id} was not decided: the verdict was written without its listener")
        return label, decided
