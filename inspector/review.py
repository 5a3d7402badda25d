"""QA review: the queue of parts that need a person, and the verdicts they give.

A verdict never touches the model's row in ``parts``: it is a new row in ``labels`` with the reviewer, the time, the
seconds spent and the value before it. The latest label of a part is its QA truth; older ones stay as history.
Every label is written by ``Review.submit``, in one transaction that ``on_submit`` listeners share (and may refuse
the verdict by raising). Every label is audited in that transaction too: by ``audit_label``, which names the reviewer
as typed until ``inspector.actions.guard_review`` puts the logged-in session's entry (and its refusal) in its place.
A saved verdict is undone by ``Review.undo``: a new row that restores the value before it (``undoes`` names the row
undone); nothing is deleted or rewritten, and the undo is audited like a label.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Sequence

from inspector import audit
from inspector.permissions import REVIEW_LABEL
from inspector.qa.risk import COVERED, model_value_of, outcome_ranks, risk_rank
from inspector.record import PartRecord
from inspector.store import Store, utc_now
from inspector.store.chain import chain_rows
from inspector.store.rows import dumps, row_to_record

VERDICTS = ("confirm", "correct", "inconclusive")
QUEUE_OUTCOMES = ("reject", "fail_safe", "uncertain", "pass")
SORTS = ("risk", "confidence", "-confidence", "newest")  # risk: what QA must see first (inspector.qa.risk)
REVIEW_STATES = ("open", "reviewed", "all")
PAGE_SIZE = 50
TIME_PROBE_ROWS = 4000  # a time range with fewer queue rows than this drives the query by time, then sorts

_LABEL_COLUMNS = ("part_id", "reviewer", "created_at", "verdict", "label", "count", "points", "defect_box", "before",
                  "comment", "seconds_spent", "undoes")


class ReviewError(ValueError):
    """A verdict or filter the review refuses; the message names the value and what is allowed."""


def utc_text(value: str | datetime | None, *, name: str = "time") -> str | None:
    """A time as the database writes it (ISO 8601 UTC, milliseconds); a naive time is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as e:
            raise ReviewError(f"{name} {value!r} is not an ISO 8601 time (e.g. 2026-11-22 or 2026-11-22T10:00)") from e
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. Times are ISO 8601 (UTC when naive); ``until`` is exclusive."""

    outcomes: Sequence[str] | None = None
    since: str | datetime | None = None
    until: str | datetime | None = None
    recipe: str | None = None
    model_key: str | None = None  # as listed by Review.model_keys()
    min_confidence: float | None = None
    max_confidence: float | None = None
    state: str = "open"  # open: no label yet; reviewed: labelled; all
    lot: str | None = None  # the parts of one lot (inspector.line.lots)

    def __post_init__(self) -> None:
        for outcome in self.outcomes or ():
            if outcome not in QUEUE_OUTCOMES:
                raise ReviewError(f"outcome {outcome!r} is not one of {', '.join(QUEUE_OUTCOMES)}")
        if self.state not in REVIEW_STATES:
            raise ReviewError(f"review state {self.state!r} is not one of {', '.join(REVIEW_STATES)}")
        for name in ("min_confidence", "max_confidence"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ReviewError(f"{name} {value} is outside 0..1")
        utc_text(self.since, name="since")
        utc_text(self.until, name="until")


@dataclass(frozen=True)
class Label:
    id: int
    part_id: int
    reviewer: str
    created_at: str
    verdict: str
    label: str | None
    count: int | None
    points: list[list[float]] | None
    defect_box: list[int] | None
    before: dict[str, Any]
    comment: str | None
    seconds_spent: float | None
    undoes: int | None = None  # the label this row undoes (an undo restores the value before that one)

    @property
    def value(self) -> dict[str, Any]:
        return {"label": self.label, "count": self.count, "points": self.points, "defect_box": self.defect_box}

    @property
    def is_truth(self) -> bool:
        """Whether this label gives a value (confirm or correct); inconclusive gives none."""
        return self.verdict != "inconclusive"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Label:
        values = {k: row.get(k) for k in ("id", *_LABEL_COLUMNS)}
        for key in ("points", "defect_box", "before"):
            values[key] = json.loads(row[key]) if row[key] is not None else None
        return cls(**values)


@dataclass
class QueueItem:
    record: PartRecord
    label: Label | None  # the latest verdict, if any

    def cursor(self, sort: str = "risk") -> tuple[Any, ...]:
        return _cursor(self.record, sort)


@dataclass
class QueuePage:
    items: list[QueueItem]
    next_after: tuple[Any, ...] | None  # (sort keys..., part id): pass as ``after`` for the next page; None at the end
    plan: list[str] = field(default_factory=list)  # EXPLAIN QUERY PLAN, for benchmarks and tests


def class_of(label: str | None, count: int | None, expected: int | None) -> str | None:
    """One class for what an image shows: the label; for a counted box complete / missing / extra."""
    if label:
        return str(label)
    if count is not None and expected is not None:
        return "complete" if count == expected else ("missing" if count < expected else "extra")
    return None


def model_value(record: PartRecord) -> dict[str, Any]:
    """What the model said, in the shape a label holds (a covered box: class ``covered``, no count)."""
    return model_value_of(record)


SubmitListener = Callable[[Any, Label, PartRecord], None]
UndoListener = Callable[[Any, Label, Label, PartRecord], None]  # (conn, the undo row, the row undone, the part)


class Review:
    """The review queue and verdicts over one ``Store``."""

    def __init__(self, store: Store, *, clock: Callable[[], str] = utc_now) -> None:
        self.store = store
        self.clock = clock
        self.on_submit: list[SubmitListener] = []  # called inside the label's transaction: (conn, label, record)
        self.audit_label: SubmitListener = audit_as_typed  # the label's audit entry, in the same transaction
        self.on_undo: list[UndoListener] = []  # called inside the undo's transaction

    # The queue

    def queue(self, filters: QueueFilter | None = None, *, sort: str = "risk", after: tuple | None = None,
              limit: int = PAGE_SIZE, explain: bool = False) -> QueuePage:
        """One page of the queue, risk first by default (fail-safes, covered, uncertain, rejects, passes; each by
        rising confidence); keyset paging with ``after``.

        ``after`` is the ``next_after`` of the page before. Each index walk is bounded by the page size: state
        "all" merges an open and a reviewed page, several outcomes merge one page per outcome.
        """
        f = filters or QueueFilter()
        states = (0, 1) if f.state == "all" else ((1,) if f.state == "reviewed" else (0,))
        parts = [replace(f, outcomes=[o]) for o in dict.fromkeys(f.outcomes)] if f.outcomes else [f]
        keys, plan = [], []
        for reviewed in states:
            for one in parts:
                sql, params = self.queue_sql(one, sort=sort, after=after, limit=limit, reviewed=reviewed)
                keys += [(*(r[f"k{i}"] for i in range(len(_ordering(sort)[0]))), r["part_id"])
                         for r in self.store.query(sql, params)]
                if explain:
                    plan += [r["detail"] for r in self.store.query("EXPLAIN QUERY PLAN " + sql, params)]
        keys = sorted(keys, reverse=_ordering(sort)[1])[:limit]
        ids = [key[-1] for key in keys]
        rows = {r["part_id"]: r for r in self.store.query(
            f"SELECT * FROM parts WHERE part_id IN ({', '.join('?' for _ in ids)})", ids)} if ids else {}
        labels = self.latest_labels(ids)
        items = [QueueItem(row_to_record(rows[i]), labels.get(i)) for i in ids if i in rows]
        next_after = keys[-1] if len(keys) == limit else None
        return QueuePage(items, next_after, plan)

    def queue_sql(self, f: QueueFilter, *, sort: str = "risk", after: tuple | None = None,
                  limit: int = PAGE_SIZE, reviewed: int = 0) -> tuple[str, list[Any]]:
        if sort not in SORTS:
            raise ReviewError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
        if limit < 1:
            raise ReviewError(f"page size {limit} must be at least 1")
        where, params = _filter_clauses(f, reviewed)
        since, until = utc_text(f.since, name="since"), utc_text(f.until, name="until")
        order_where, order_params, order = _order_sql(f, sort, after)
        where, params = where + order_where, params + order_params
        index = self._driving_index(f, sort, since, until, int(reviewed))
        # The page is chosen on review_items alone; only its rows are then read from parts.
        selected = ", ".join(f"{k} AS k{i}" for i, k in enumerate(_ordering(sort)[0]))
        sql = (f"SELECT r.part_id, {selected} FROM review_items AS r INDEXED BY {index} "
               f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?")
        return sql, [*params, int(limit)]

    def count(self, filters: QueueFilter | None = None) -> int:
        """How many parts the filters take (open ones by default): for "N to review" beside the queue."""
        f = filters or QueueFilter()
        states = (0, 1) if f.state == "all" else ((1,) if f.state == "reviewed" else (0,))
        total = 0
        for reviewed in states:
            where, params = _filter_clauses(f, reviewed)
            total += self.store.query(f"SELECT count(*) AS n FROM review_items AS r WHERE {' AND '.join(where)}",
                                      params)[0]["n"]
        return total

    def _driving_index(self, f: QueueFilter, sort: str, since: str | None, until: str | None, reviewed: int) -> str:
        """The index that walks the fewest rows for the first page.

        SQLite cannot tell how narrow a time range is, so a bounded count decides: a short range is read through
        the time index and sorted; otherwise an index in confidence order is walked and the other filters checked.
        """
        if sort == "newest":
            return "review_items_time"
        if since or until:
            clauses = ["reviewed = ?"] + (["wall_time >= ?"] if since else []) + (["wall_time < ?"] if until else [])
            params = [reviewed, *(t for t in (since, until) if t)]
            probe = (f"SELECT count(*) AS n FROM (SELECT 1 FROM review_items INDEXED BY review_items_time "
                     f"WHERE {' AND '.join(clauses)} LIMIT {TIME_PROBE_ROWS})")
            if self.store.query(probe, params)[0]["n"] < TIME_PROBE_ROWS:
                return "review_items_time"
        if f.lot is not None:
            return "review_items_lot"
        if sort == "risk":  # walked in risk order, the other filters checked: the model and recipe indexes would sort
            return "review_items_risk"
        if f.model_key is not None:
            return "review_items_model"
        if f.recipe is not None:
            return "review_items_recipe"
        if f.outcomes and len(f.outcomes) == 1:
            return "review_items_outcome"
        return "review_items_confidence"

    def model_keys(self) -> list[str]:
        """The sets of model versions that made the parts in the queue, for the model-version filter."""
        rows = self.store.query("SELECT DISTINCT model_key FROM review_items ORDER BY model_key")
        return [r["model_key"] for r in rows if r["model_key"] is not None]

    # Labels

    def latest_labels(self, part_ids: Iterable[int]) -> dict[int, Label]:
        ids = list(part_ids)
        if not ids:
            return {}
        found: dict[int, Label] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.store.query(
                f"SELECT * FROM labels WHERE id IN (SELECT max(id) FROM labels WHERE part_id IN "
                f"({', '.join('?' for _ in chunk)}) GROUP BY part_id)", chunk)
            found.update((r["part_id"], Label.from_row(r)) for r in rows)
        return found

    def latest_label(self, part_id: int) -> Label | None:
        return self.latest_labels([part_id]).get(part_id)

    def history(self, part_id: int) -> list[Label]:
        """Every verdict on ``part_id``, oldest first."""
        rows = self.store.query("SELECT * FROM labels WHERE part_id = ? ORDER BY id", [part_id])
        return [Label.from_row(r) for r in rows]

    def submit(self, part_id: int, reviewer: str, verdict: str, *, label: str | None = None,
               count: int | None = None, points: Sequence[Sequence[float]] | None = None,
               defect_box: Sequence[int] | None = None, comment: str | None = None,
               seconds_spent: float | None = None, blind: bool = False) -> Label:
        """Records a verdict on one part, in one transaction; returns the label row.

        confirm: the value shown (the latest QA value, else the model's) is right. correct: give ``label`` (the
        class), ``points`` (cartridge centres; the count follows from them) or ``count``. inconclusive: no value.
        ``blind``: the reviewer was shown the model's value only (a second reviewer's audit), so that is what a
        confirm confirms and what ``before`` holds. A covered box's model value is the class ``covered`` with no
        count: confirming it says "covered"; a count given for it replaces that class.
        """
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise ReviewError("a verdict needs the reviewer's name")
        if verdict not in VERDICTS:
            raise ReviewError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        if seconds_spent is not None and not 0 <= seconds_spent < 86400:
            raise ReviewError(f"seconds_spent {seconds_spent} is outside 0..86400")
        points_list = _points(points)
        if count is not None and (int(count) != count or count < 0):
            raise ReviewError(f"count {count} must be a whole number >= 0")
        if points_list is not None and count is not None and len(points_list) != count:
            raise ReviewError(f"count {count} does not match the {len(points_list)} points given")
        if points_list is not None:
            count = len(points_list)
        box = _box(defect_box)
        given = label is not None or count is not None or box is not None
        if verdict == "correct" and not given:
            raise ReviewError("a correction needs a class (label), a count or points")
        if verdict != "correct" and given:
            raise ReviewError(f"a {verdict} verdict takes no value; say 'correct' to change the class or count")
        with self.store.transaction() as conn:
            row = _one(conn, "SELECT * FROM parts WHERE part_id = ?", [part_id])
            if row is None:
                raise ReviewError(f"part {part_id} is not in the database")
            record = row_to_record(row)
            previous = _one(conn, "SELECT * FROM labels WHERE part_id = ? AND (verdict != 'inconclusive' OR "
                                  "undoes IS NOT NULL) ORDER BY id DESC LIMIT 1", [part_id])
            if previous is not None and previous["verdict"] == "inconclusive":  # an undo back to the model's value
                previous = None
            if previous is not None and not blind:
                shown = Label.from_row(previous)
                before = {"source": "qa", "label_id": shown.id, "label": shown.label, "count": shown.count,
                          "points": shown.points, "defect_box": shown.defect_box}
            else:
                before = {"source": "model", **model_value(record)}
            value = {"label": None, "count": None, "points": None, "defect_box": None}
            if verdict == "confirm":
                value = {k: before[k] for k in value}
            elif verdict == "correct":
                value = {k: before[k] for k in value}
                if label is not None:
                    value["label"] = str(label)
                    value["defect_box"] = None  # a box drawn for the old class does not hold for the new one
                if count is not None:
                    value["count"] = int(count)
                    value["points"] = points_list
                    if label is None and value["label"] == COVERED:
                        value["label"] = None  # a recount of a covered box: the count is the truth now
                if box is not None:
                    value["defect_box"] = box
            created = self.clock()
            values = [part_id, reviewer, created, verdict, value["label"], value["count"],
                      dumps(value["points"]) if value["points"] is not None else None,
                      dumps(value["defect_box"]) if value["defect_box"] is not None else None,
                      dumps(before), comment or None, seconds_spent, None]
            cursor = conn.execute(f"INSERT INTO labels ({', '.join(_LABEL_COLUMNS)}) VALUES "
                                  f"({', '.join('?' for _ in _LABEL_COLUMNS)})", values)
            chain_rows(conn, "labels", [int(cursor.lastrowid)], "insert")
            result = Label(int(cursor.lastrowid), part_id, reviewer, created, verdict, value["label"],
                           value["count"], value["points"], value["defect_box"], before, comment or None,
                           seconds_spent)
            for listener in self.on_submit:
                listener(conn, result, record)
            self.audit_label(conn, result, record)
        return result

    def undo(self, part_id: int, reviewer: str, *, reason: str, label_id: int | None = None,
             seconds_spent: float | None = None) -> Label:
        """Undo the latest verdict on ``part_id`` with a new label row; returns it. Nothing is deleted: the history
        keeps the verdict undone and the undo (``undoes`` = its id, ``comment`` = the reason).

        The value before the undone verdict comes back: an earlier QA value as a ``correct`` row holding it, or,
        when the model's value was on show before it, an ``inconclusive`` row (no QA value) and the part is open
        in the queue again. ``label_id``: the verdict the reviewer saw; refused when a newer one exists.
        """
        reviewer, reason = (reviewer or "").strip(), (reason or "").strip()
        if not reviewer:
            raise ReviewError("an undo needs the reviewer's name")
        if not reason:
            raise ReviewError(f"undo of the verdict on part {part_id}: a reason is required")
        if seconds_spent is not None and not 0 <= seconds_spent < 86400:
            raise ReviewError(f"seconds_spent {seconds_spent} is outside 0..86400")
        with self.store.transaction() as conn:
            row = _one(conn, "SELECT * FROM parts WHERE part_id = ?", [part_id])
            if row is None:
                raise ReviewError(f"part {part_id} is not in the database")
            record = row_to_record(row)
            latest = _one(conn, "SELECT * FROM labels WHERE part_id = ? ORDER BY id DESC LIMIT 1", [part_id])
            if latest is None:
                raise ReviewError(f"part {part_id} has no verdict to undo")
            undone = Label.from_row(latest)
            if label_id is not None and int(label_id) != undone.id:
                raise ReviewError(f"label {label_id} is not the latest verdict on part {part_id} (label {undone.id} "
                                  f"is): only the latest can be undone")
            restored = undone.before or {"source": "model"}
            back_to_qa = restored.get("source") == "qa"
            value = {k: restored.get(k) for k in ("label", "count", "points", "defect_box")} if back_to_qa else \
                {"label": None, "count": None, "points": None, "defect_box": None}
            before = {"source": "qa", "label_id": undone.id, **undone.value}
            verdict = "correct" if back_to_qa else "inconclusive"
            created = self.clock()
            values = [part_id, reviewer, created, verdict, value["label"], value["count"],
                      dumps(value["points"]) if value["points"] is not None else None,
                      dumps(value["defect_box"]) if value["defect_box"] is not None else None,
                      dumps(before), reason, seconds_spent, undone.id]
            cursor = conn.execute(f"INSERT INTO labels ({', '.join(_LABEL_COLUMNS)}) VALUES "
                                  f"({', '.join('?' for _ in _LABEL_COLUMNS)})", values)
            chain_rows(conn, "labels", [int(cursor.lastrowid)], "insert")
            if not back_to_qa:  # no QA value any more: the part needs a person again
                conn.execute("UPDATE review_items SET reviewed = 0 WHERE part_id = ?", [part_id])
            result = Label(int(cursor.lastrowid), part_id, reviewer, created, verdict, value["label"], value["count"],
                           value["points"], value["defect_box"], before, reason, seconds_spent, undone.id)
            for listener in self.on_undo:
                listener(conn, result, undone, record)
            if not self.on_undo:  # no session's entry in its place: the reviewer as typed
                audit_undo_as_typed(conn, result, undone, record)
        return result


REVIEW_UNDO = "review.undo"  # the audit trail's action for an undone verdict (allowed to whoever may label)
TYPED_ROLE = "no login"  # the name is as typed: no PIN checked it


@dataclass(frozen=True)
class TypedReviewer:
    """The actor of a label written without a login (a station without users, a script): the name as typed."""

    name: str
    role: str = TYPED_ROLE


def label_change(label: Label) -> dict[str, Any]:
    """What a label's audit entry records as ``after``."""
    return {"verdict": label.verdict, "label": label.label, "count": label.count, "points": label.points,
            "defect_box": label.defect_box, "label_id": label.id}


def audit_as_typed(conn: Any, label: Label, record: PartRecord) -> None:
    """The audit entry of a label written without a session: the reviewer named as typed (no PIN checked it)."""
    audit.append(conn, TypedReviewer(label.reviewer), REVIEW_LABEL, f"part:{label.part_id}", label.before,
                 label_change(label), label.comment or f"{label.verdict} at review")


class ItemTimer:
    """Seconds a reviewer spends on one item: started when it is shown, read when the verdict is given."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()

    def restart(self) -> None:
        self.started = self.clock()

    @property
    def seconds(self) -> float:
        return round(self.clock() - self.started, 3)


def _filter_clauses(f: QueueFilter, reviewed: int) -> tuple[list[str], list[Any]]:
    where, params = ["r.reviewed = ?"], [int(reviewed)]
    if f.outcomes:
        where.append(f"r.outcome IN ({', '.join('?' for _ in f.outcomes)})")
        params += list(f.outcomes)
    for clause, value in (("r.wall_time >= ?", utc_text(f.since)), ("r.wall_time < ?", utc_text(f.until)),
                          ("r.recipe = ?", f.recipe), ("r.model_key = ?", f.model_key), ("r.lot = ?", f.lot),
                          ("r.confidence >= ?", f.min_confidence), ("r.confidence <= ?", f.max_confidence)):
        if value is not None:
            where.append(clause)
            params.append(value)
    return where, params


def _ordering(sort: str) -> tuple[tuple[str, ...], bool]:
    """The queue's order, in one place: the review_items columns of the sort key, and whether it descends."""
    return {"risk": (("r.risk", "r.confidence"), False), "confidence": (("r.confidence",), False),
            "-confidence": (("r.confidence",), True), "newest": (("r.wall_time",), True)}[sort]


def _order_sql(f: QueueFilter, sort: str, after: tuple | None) -> tuple[list[str], list[Any], str]:
    """The queue's ORDER BY, and the clauses that go with it: the keyset cursor ``after`` (sort keys..., part id)
    and, risk first over one outcome, the range of ranks that outcome spans (so the risk index seeks to it)."""
    keys, descending = _ordering(sort)
    where: list[str] = []
    params: list[Any] = []
    if sort == "risk" and f.outcomes and len(f.outcomes) == 1:
        where.append("r.risk BETWEEN ? AND ?")
        params += list(outcome_ranks(f.outcomes[0]))
    if after is not None:
        if len(after) != len(keys) + 1:
            raise ReviewError(f"page cursor {tuple(after)} does not fit sort {sort!r}")
        where.append(f"({', '.join(keys)}, r.part_id) {'<' if descending else '>'} ({', '.join('?' for _ in after)})")
        params += [*after[:-1], int(after[-1])]
    direction = " DESC" if descending else ""
    return where, params, ", ".join(f"{k}{direction}" for k in (*keys, "r.part_id"))


def _cursor(record: PartRecord, sort: str) -> tuple[Any, ...]:
    if sort == "risk":
        return (risk_rank(record), record.confidence, record.part_id)
    return (record.wall_time if sort == "newest" else record.confidence, record.part_id)


def _one(conn: Any, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    cursor = conn.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else dict(zip([d[0] for d in cursor.description], row))


def _points(points: Sequence[Sequence[float]] | None) -> list[list[float]] | None:
    if points is None:
        return None
    out = []
    for p in points:
        if len(p) < 2:
            raise ReviewError(f"point {list(p)} needs x and y")
        out.append([round(float(v), 1) for v in p[:2]])
    return out


def _box(box: Sequence[int] | None) -> list[int] | None:
    if box is None:
        return None
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        raise ReviewError(f"defect box {list(box)} must be [x, y, w, h] with w, h > 0")
    return [int(v) for v in box]

def audit_undo_as_typed(conn: Any, undo: Label, undone: Label, record: PartRecord) -> None:
    """The audit entry of an undo written without a session: the reviewer named as typed."""
    before = {"label_id": undone.id, "verdict": undone.verdict, **undone.value}
    audit.append(conn, TypedReviewer(undo.reviewer), REVIEW_UNDO, f"part:{undo.part_id}", before,
                 {"label_id": undo.id, **undo.value}, undo.comment)
