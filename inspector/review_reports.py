"""Reviewer and quality reports from the QA labels: items per reviewer per day with min / mean / median / max seconds
per item; per reviewer the same over the whole range with the second-reviewer audit pass rate and how often the
reviewer agreed with the model; per model version how far model and QA agree (confusion matrix of classes, histogram
of count errors); as CSV."""
from __future__ import annotations

import csv
import errno
import os
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from inspector.qa.risk import COVERED, covered_sql
from inspector.review import utc_text
from inspector.store import Store

_LATEST_TRUTH = ("labels.id IN (SELECT max(id) FROM labels GROUP BY part_id) "
                 "AND labels.verdict IN ('confirm', 'correct')")
_FROM = "FROM labels JOIN parts ON parts.part_id = labels.part_id"
_TRUTH_VERDICT = "labels.verdict IN ('confirm', 'correct')"
Time = str | datetime | None
SECONDS = ("min_seconds", "mean_seconds", "median_seconds", "max_seconds")
TOTAL_COLUMNS = ["reviewer", "items", *SECONDS, "audited", "audit_passed", "audit_pass_rate", "audits_pending",
                 "model_compared", "model_agreed", "model_agreement"]


def _where(since: Time, until: Time, model_key: str | None, lot: str | None = None) -> tuple[list[str], list[Any]]:
    """Clauses on verdict time (``since`` <= created_at < ``until``), the parts' model versions and lot."""
    clauses, params = [], []
    for clause, value in (("labels.created_at >= ?", utc_text(since, name="since")),
                          ("labels.created_at < ?", utc_text(until, name="until")),
                          ("parts.model_key = ?", model_key), ("parts.lot = ?", lot)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return clauses, params


def _class_sql(label: str, count: str) -> str:
    """``class_of`` as SQL, so the agreement is grouped in the database (tens of thousands of labels)."""
    return (f"COALESCE(NULLIF({label}, ''), CASE WHEN {count} IS NULL OR parts.expected IS NULL THEN 'none' "
            f"WHEN {count} = parts.expected THEN 'complete' WHEN {count} < parts.expected THEN 'missing' "
            "ELSE 'extra' END)")


def _median(seconds: list[float]) -> float | None:
    return round(statistics.median(seconds), 2) if seconds else None


def seconds_stats(seconds: list[float]) -> dict[str, float | None]:
    """min / mean / median / max seconds per item (None each when no item was timed)."""
    if not seconds:
        return {"min_seconds": None, "mean_seconds": None, "median_seconds": None, "max_seconds": None}
    return {"min_seconds": round(min(seconds), 2), "mean_seconds": round(statistics.fmean(seconds), 2),
            "median_seconds": _median(seconds), "max_seconds": round(max(seconds), 2)}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _model_class_sql() -> str:
    """The model's class of a part: ``covered`` for a covered box (its count is unknown), else as ``class_of``."""
    return f"CASE WHEN {covered_sql('parts')} THEN '{COVERED}' ELSE {_class_sql('parts.label', 'parts.count')} END"


_MODEL_COUNT = f"CASE WHEN {covered_sql('parts')} THEN NULL ELSE parts.count END"


def _tuples(store: Store, sql: str, params: list[Any]) -> list[tuple]:
    """Rows as plain tuples: the reports read tens of thousands of labels per refresh."""
    return store.query_tuples(sql, params)


def _timed_labels(store: Store, since: Time, until: Time, model_key: str | None,
                  lot: str | None = None) -> list[tuple]:
    """(reviewer, day, verdict, seconds_spent, agrees) of every verdict the filters take; ``agrees``: 1 when the
    verdict gives the model's value (same class and count), 0 when another, None when it gives none."""
    clauses, params = _where(since, until, model_key, lot)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    qa_class = _class_sql("labels.label", "labels.count")
    agrees = (f"CASE WHEN {_TRUTH_VERDICT} THEN ({_model_class_sql()} = {qa_class} "
              f"AND COALESCE({_MODEL_COUNT} - labels.count, 0) = 0) END")
    return _tuples(store, "SELECT labels.reviewer, substr(labels.created_at, 1, 10), labels.verdict, "
                          f"labels.seconds_spent, {agrees} {_FROM} {where}", params)


def reviewer_report(store: Store, *, since: Time = None, until: Time = None,
                    model_key: str | None = None,
                    lot: str | None = None) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """``reviewer_days`` and ``reviewer_totals`` from one read of the labels (what the reports screen shows)."""
    verdicts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    seconds: dict[tuple[str, str], list[float]] = defaultdict(list)
    models: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # reviewer -> [agreed, compared]
    for reviewer, day, verdict, spent, agrees in _timed_labels(store, since, until, model_key, lot):
        verdicts[reviewer, day][verdict] += 1
        if spent is not None:
            seconds[reviewer, day].append(spent)
        if agrees is not None:
            models[reviewer][0] += int(agrees)
            models[reviewer][1] += 1
    days = [{"reviewer": reviewer, "day": day, "items": sum(v.values()), **seconds_stats(seconds[reviewer, day]),
             "confirm": v["confirm"], "correct": v["correct"], "inconclusive": v["inconclusive"]}
            for (reviewer, day), v in sorted(verdicts.items())]
    items: Counter = Counter()
    timed: dict[str, list[float]] = defaultdict(list)
    for (reviewer, day), v in verdicts.items():
        items[reviewer] += sum(v.values())
        timed[reviewer] += seconds[reviewer, day]
    audits = _audits(store, since, until, model_key, lot)
    totals = {}
    for reviewer, n in sorted(items.items()):
        passed, failed, pending = (audits.get((reviewer, r), 0) for r in ("pass", "fail", None))
        agreed, compared = models.get(reviewer, (0, 0))
        totals[reviewer] = {"items": n, **seconds_stats(timed[reviewer]), "audited": passed + failed,
                            "audit_passed": passed, "audit_pass_rate": _rate(passed, passed + failed),
                            "audits_pending": pending, "model_compared": compared, "model_agreed": agreed,
                            "model_agreement": _rate(agreed, compared)}
    return days, totals


def _audits(store: Store, since: Time, until: Time, model_key: str | None,
            lot: str | None = None) -> dict[tuple[str, str | None], int]:
    """(first reviewer, result) -> audits, of the verdicts the filters take; result None: still pending."""
    clauses, params = _where(since, until, model_key, lot)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = _tuples(store, "SELECT a.first_reviewer, a.result, count(*) FROM review_audits a "
                          "JOIN labels ON labels.id = a.label_id JOIN parts ON parts.part_id = a.part_id "
                          f"{where} GROUP BY 1, 2", params)
    return {(reviewer, result): n for reviewer, result, n in rows}


def reviewer_days(store: Store, *, since: Time = None, until: Time = None,
                  model_key: str | None = None, lot: str | None = None) -> list[dict[str, Any]]:
    """One row per reviewer and UTC day: verdicts given, and the median seconds spent per item (None if unknown).

    ``since``/``until`` bound when the verdict was given; ``model_key`` keeps the parts of one set of model versions.
    """
    return reviewer_report(store, since=since, until=until, model_key=model_key, lot=lot)[0]


def reviewer_totals(store: Store, *, since: Time = None, until: Time = None,
                    model_key: str | None = None, lot: str | None = None) -> dict[str, dict[str, Any]]:
    """Per reviewer over the whole range: verdicts given; min / mean / median / max seconds over every timed item;
    audits of their verdicts decided, passed, pass rate and pending; verdicts giving a value that agree with the
    model (same class and count; a covered box's model class is ``covered``), and that rate."""
    return reviewer_report(store, since=since, until=until, model_key=model_key, lot=lot)[1]


@dataclass
class Agreement:
    """Model against QA for one set of model versions, over the parts whose latest verdict gives a value."""

    model_key: str
    reviewed: int = 0
    agreed: int = 0
    confusion: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # model class -> QA class
    count_errors: Counter = field(default_factory=Counter)  # model count - QA count -> parts

    @property
    def agreement(self) -> float | None:
        return round(self.agreed / self.reviewed, 4) if self.reviewed else None

    @classmethod
    def merged(cls, key: str, parts: list[Agreement]) -> Agreement:
        """Several model versions' agreement as one (for a view over every version)."""
        out = cls(key)
        for a in parts:
            out.reviewed += a.reviewed
            out.agreed += a.agreed
            out.count_errors.update(a.count_errors)
            for model_class, row in a.confusion.items():
                out.confusion[model_class].update(row)
        return out


def agreement(store: Store, *, since: Time = None, until: Time = None,
              model_key: str | None = None, lot: str | None = None) -> dict[str, Agreement]:
    """Per model version (``parts.model_key``): agreement rate, confusion matrix, count error histogram.

    Over the parts whose latest verdict gives a value and, with ``since``/``until``, was given in that range.
    """
    clauses, params = _where(since, until, model_key, lot)
    model_class, qa_class = _model_class_sql(), _class_sql("labels.label", "labels.count")
    rows = _tuples(store, f"SELECT parts.model_key, {model_class}, {qa_class}, {_MODEL_COUNT} - labels.count, count(*) "
                          f"{_FROM} WHERE {' AND '.join([_LATEST_TRUTH, *clauses])} GROUP BY 1, 2, 3, 4", params)
    out: dict[str, Agreement] = {}
    for key, model_cls, qa_cls, error, parts in sorted(rows, key=lambda r: r[0] or ""):
        a = out.setdefault(key or "", Agreement(key or ""))
        a.reviewed += parts
        a.confusion[model_cls][qa_cls] += parts
        if error is not None:
            a.count_errors[int(error)] += parts
        a.agreed += parts if model_cls == qa_cls and not error else 0
    return out


def write_csv(store: Store, out_dir: Path | str, *, since: Time = None, until: Time = None,
              model_key: str | None = None, lot: str | None = None) -> list[Path]:
    """reviewers.csv (per day), reviewer_totals.csv, agreement.csv, confusion.csv and count_errors.csv in
    ``out_dir``; each file appears whole."""
    days, totals = reviewer_report(store, since=since, until=until, model_key=model_key, lot=lot)
    models = agreement(store, since=since, until=until, model_key=model_key, lot=lot)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{out} is a file, not a folder", str(out))
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "reviewers.csv": (["reviewer", "day", "items", *SECONDS, "confirm", "correct", "inconclusive"], days),
        "reviewer_totals.csv": (TOTAL_COLUMNS, [{"reviewer": r, **t} for r, t in totals.items()]),
        "agreement.csv": (["model_key", "reviewed", "agreed", "agreement"],
                          [{"model_key": a.model_key, "reviewed": a.reviewed, "agreed": a.agreed,
                            "agreement": a.agreement} for a in models.values()]),
        "confusion.csv": (["model_key", "model_class", "qa_class", "parts"],
                          [{"model_key": a.model_key, "model_class": m, "qa_class": q, "parts": n}
                           for a in models.values() for m, row in sorted(a.confusion.items())
                           for q, n in sorted(row.items())]),
        "count_errors.csv": (["model_key", "model_minus_qa", "parts"],
                             [{"model_key": a.model_key, "model_minus_qa": e, "parts": n}
                              for a in models.values() for e, n in sorted(a.count_errors.items())]),
    }
    written = []
    for name, (columns, rows) in tables.items():
        path = out / name
        partial = out / f".{name}.partial"
        try:
            with open(partial, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, columns)
                writer.writeheader()
                writer.writerows(rows)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        written.append(path)
    return written
