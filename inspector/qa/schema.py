"""Schema step "review risk order, second-reviewer audits" (one step in ``inspector.store.schema.MIGRATIONS``).

``review_items.covered`` is set by a trigger for a covered box (only uncertain parts are looked at, so the writer's
cost is unchanged for the others); ``review_items.risk`` is a virtual column of outcome and covered, indexed with
confidence so the risk-first queue is an index walk. ``review_audits`` holds the verdicts sampled for a second,
blind look: the first verdict, then the second one and whether they agree.
"""
from __future__ import annotations

from sqlite_utils import Database

from inspector.qa.risk import RISK_RANKS, covered_sql

NAME = "review risk order (covered boxes), second-reviewer audits"

RISK_SQL = (f"CASE outcome WHEN 'fail_safe' THEN {RISK_RANKS['fail_safe']} "
            f"WHEN 'uncertain' THEN (CASE covered WHEN 1 THEN {RISK_RANKS['covered']} ELSE {RISK_RANKS['uncertain']} END) "
            f"WHEN 'reject' THEN {RISK_RANKS['reject']} ELSE {RISK_RANKS['pass']} END")


def add_review_risk_and_audits(db: Database) -> None:
    db.execute("ALTER TABLE review_items ADD COLUMN covered INTEGER NOT NULL DEFAULT 0")
    db.execute(f"UPDATE review_items SET covered = 1 WHERE outcome = 'uncertain' AND part_id IN "
               f"(SELECT part_id FROM parts WHERE {covered_sql('parts')})")
    db.execute(f"ALTER TABLE review_items ADD COLUMN risk INTEGER GENERATED ALWAYS AS ({RISK_SQL}) VIRTUAL")
    db.execute("CREATE INDEX review_items_risk ON review_items (reviewed, risk, confidence)")
    db.execute("CREATE TRIGGER review_item_covered AFTER INSERT ON review_items WHEN NEW.outcome = 'uncertain' "
               "BEGIN UPDATE review_items SET covered = 1 WHERE part_id = NEW.part_id AND EXISTS "
               f"(SELECT 1 FROM parts WHERE parts.part_id = NEW.part_id AND {covered_sql('parts')}); END")
    db.execute(
        """
        CREATE TABLE review_audits (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            part_id INTEGER NOT NULL,
            label_id INTEGER NOT NULL UNIQUE,
            first_reviewer TEXT NOT NULL,
            sampled_at TEXT NOT NULL,
            audit_label_id INTEGER,
            auditor TEXT,
            result TEXT CHECK (result IN ('pass', 'fail')),
            decided_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX review_audits_open ON review_audits (audit_label_id, id)")
    db.execute("CREATE INDEX review_audits_part ON review_audits (part_id)")
    db.execute("CREATE INDEX review_audits_reviewer ON review_audits (first_reviewer, result)")
