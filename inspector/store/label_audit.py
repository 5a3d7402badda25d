"""Schema step: every label in the audit trail. Before it, a label written without a login (a station without users,
a script) had a row in ``labels`` but no audit entry; from then on ``Review.submit`` audits every label. This step
adds the missing entries once, oldest label first, naming the reviewer as typed (role ``no login``): the entry's time
is the upgrade's, the label's own time stays in ``labels.created_at`` and in the entry's ``after``.
"""
from __future__ import annotations

from typing import Any

NAME = "audit entries for labels written without one (every label in the trail)"
REASON = "label written before every label was audited: entry added at the upgrade"


def unaudited_labels(conn: Any) -> list[dict[str, Any]]:
    """Label rows no ``review.label`` entry names (by ``label_id`` in its ``after``), oldest first."""
    cursor = conn.execute(
        "SELECT * FROM labels WHERE id NOT IN (SELECT json_extract(after, '$.label_id') FROM audit "
        "WHERE action = 'review.label' AND json_valid(after) AND json_extract(after, '$.label_id') IS NOT NULL) "
        "ORDER BY id")
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def audit_unaudited_labels(db: Any) -> None:
    """Migration step (inside its transaction): one audit entry per label that has none."""
    from inspector import audit
    from inspector.permissions import REVIEW_LABEL
    from inspector.review import Label, TypedReviewer, label_change

    conn = db.conn
    for row in unaudited_labels(conn):
        label = Label.from_row(row)
        after = {**label_change(label), "created_at": label.created_at}
        audit.append(conn, TypedReviewer(label.reviewer), REVIEW_LABEL, f"part:{label.part_id}", label.before, after,
                     REASON)

