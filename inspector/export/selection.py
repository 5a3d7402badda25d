"""Which records an export takes, and the label each carries: the QA truth where a person gave one, else the model's.

The latest label of a part is its QA truth when its verdict is confirm or correct; an inconclusive latest verdict
leaves the part unverified (its model output is the label source, and ``--verified-only`` leaves it out).

An uncertain part (a covered box among them) that no QA verdict settled has no label worth learning from: the model
itself said it could not judge, and a covered box's count is whatever the heat map found under the hand. Such parts
are left out unless ``include_unreviewed_uncertain``; then they carry the class ``uncertain`` with no count or points
(label source ``unreviewed``), never the model's count.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from inspector.record import PartRecord
from inspector.review import class_of
from inspector.store import Store
from inspector.store.rows import row_to_record

BATCH = 1000
_LATEST = "(SELECT max(id) FROM labels WHERE labels.part_id = parts.part_id)"
_LABEL_FIELDS = ("id", "verdict", "label", "count", "points", "defect_box", "reviewer", "created_at")
_TRUTH = f"(SELECT verdict FROM labels WHERE id = {_LATEST}) IN ('confirm', 'correct')"
UNCERTAIN = "uncertain"  # the class an unreviewed uncertain part is exported with
UNREVIEWED = "unreviewed"  # its label source


@dataclass(frozen=True)
class ExportItem:
    record: PartRecord
    source: str  # "qa", "model", or "unreviewed" (an uncertain part no QA verdict settled)
    label_id: int | None  # the labels row, for source "qa"
    label: str | None  # class from a classifier or a person
    count: int | None
    points: list[list[float]] | None  # cartridge centres [[x, y, ...], ...]
    defect_box: list[int] | None

    @property
    def class_name(self) -> str | None:
        """What the image shows, as one class: the label; for a counted box complete / missing / extra."""
        return class_of(self.label, self.count, self.record.expected)


def _where(since: str | None, until: str | None, verified_only: bool,
           include_unreviewed_uncertain: bool = False, lot: str | None = None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if lot is not None:
        clauses.append("lot = ?")
        params.append(lot)
    if since:
        clauses.append("wall_time >= ?")
        params.append(since)
    if until:
        clauses.append("wall_time < ?")
        params.append(until)
    if verified_only:
        clauses.append(_TRUTH)
    elif not include_unreviewed_uncertain:
        clauses.append(f"(outcome != 'uncertain' OR {_TRUTH})")
    return (" AND ".join(clauses) or "1"), params


def count_records(store: Store, *, since: str | None, until: str | None, verified_only: bool,
                  include_unreviewed_uncertain: bool = False, lot: str | None = None) -> int:
    where, params = _where(since, until, verified_only, include_unreviewed_uncertain, lot)
    return store.query(f"SELECT count(*) AS n FROM parts WHERE {where}", params)[0]["n"]


def iter_items(store: Store, *, since: str | None, until: str | None, verified_only: bool,
               include_unreviewed_uncertain: bool = False, lot: str | None = None) -> Iterator[ExportItem]:
    """The records in part id order, in batches (a long export never holds the database)."""
    where, params = _where(since, until, verified_only, include_unreviewed_uncertain, lot)
    label_columns = ", ".join(f"l.{c} AS l_{c}" for c in _LABEL_FIELDS)
    sql = (f"SELECT parts.*, {label_columns} FROM parts LEFT JOIN labels l ON l.id = {_LATEST} "
           f"WHERE {where} AND parts.part_id > ? ORDER BY parts.part_id LIMIT {BATCH}")
    last = -1
    while True:
        rows = store.query(sql, [*params, last])
        for row in rows:
            yield _item(row)
        if len(rows) < BATCH:
            return
        last = rows[-1]["part_id"]


def _item(row: dict[str, Any]) -> ExportItem:
    record = row_to_record(row)
    if row["l_verdict"] in ("confirm", "correct"):
        return ExportItem(record, "qa", row["l_id"], row["l_label"], row["l_count"], _json(row["l_points"]),
                          _json(row["l_defect_box"]))
    if record.outcome == "uncertain":
        return ExportItem(record, UNREVIEWED, None, UNCERTAIN, None, None, None)
    return ExportItem(record, "model", None, record.label, record.count, record.points, record.defect_box)


def _json(text: str | None) -> Any:
    return json.loads(text) if text is not None else None
