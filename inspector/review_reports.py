"""Reviewer and quality reports from the QA labels: items per reviewer per day with the median seconds per item, and
per model version how far model and QA agree (confusion matrix of classes, histogram of count errors); as CSV."""
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

from inspector.review import class_of, utc_text
from inspector.store import Store

_LATEST_TRUTH = ("labels.id IN (SELECT max(id) FROM labels GROUP BY part_id) "
                 "AND labels.verdict IN ('confirm', 'correct')")
_FROM = "FROM labels JOIN parts ON parts.part_id = labels.part_id"
Time = str | datetime | None


def _where(since: Time, until: Time, model_key: str | None) -> tuple[list[str], list[Any]]:
    """Clauses on verdict time (``since`` <= created_at < ``until``) and on the parts' model versions."""
    clauses, params = [], []
    for clause, value in (("labels.created_at >= ?", utc_text(since, name="since")),
                          ("labels.created_at < ?", utc_text(until, name="until")),
                          ("parts.model_key = ?", model_key)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return clauses, params


def _median(seconds: list[float]) -> float | None:
    return round(statistics.median(seconds), 2) if seconds else None


def _timed_labels(store: Store, since: Time, until: Time, model_key: str | None) -> list[dict[str, Any]]:
    clauses, params = _where(since, until, model_key)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return store._rows(f"SELECT labels.reviewer, substr(labels.created_at, 1, 10) AS day, labels.seconds_spent, "
                       f"labels.verdict {_FROM} {where} ORDER BY labels.reviewer, day", params)


def reviewer_days(store: Store, *, since: Time = None, until: Time = None,
                  model_key: str | None = None) -> list[dict[str, Any]]:
    """One row per reviewer and UTC day: verdicts given, and the median seconds spent per item (None if unknown).

    ``since``/``until`` bound when the verdict was given; ``model_key`` keeps the parts of one set of model versions.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in _timed_labels(store, since, until, model_key):
        groups[(row["reviewer"], row["day"])].append(row)
    out = []
    for (reviewer, day), items in groups.items():
        verdicts = Counter(r["verdict"] for r in items)
        out.append({"reviewer": reviewer, "day": day, "items": len(items),
                    "median_seconds": _median([r["seconds_spent"] for r in items if r["seconds_spent"] is not None]),
                    "confirm": verdicts["confirm"], "correct": verdicts["correct"],
                    "inconclusive": verdicts["inconclusive"]})
    return out


def reviewer_totals(store: Store, *, since: Time = None, until: Time = None,
                    model_key: str | None = None) -> dict[str, dict[str, Any]]:
    """Per reviewer over the whole range: verdicts given and the median seconds over every timed item."""
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _timed_labels(store, since, until, model_key):
        items[row["reviewer"]].append(row)
    return {reviewer: {"items": len(rows),
                       "median_seconds": _median([r["seconds_spent"] for r in rows if r["seconds_spent"] is not None])}
            for reviewer, rows in items.items()}


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
              model_key: str | None = None) -> dict[str, Agreement]:
    """Per model version (``parts.model_key``): agreement rate, confusion matrix, count error histogram.

    Over the parts whose latest verdict gives a value and, with ``since``/``until``, was given in that range.
    """
    clauses, params = _where(since, until, model_key)
    rows = store._rows(
        "SELECT parts.model_key, parts.label AS m_label, parts.count AS m_count, parts.expected, "
        f"labels.label AS q_label, labels.count AS q_count {_FROM} "
        f"WHERE {' AND '.join([_LATEST_TRUTH, *clauses])} ORDER BY parts.model_key", params)
    out: dict[str, Agreement] = {}
    for row in rows:
        key = row["model_key"] or ""
        a = out.setdefault(key, Agreement(key))
        model_class = class_of(row["m_label"], row["m_count"], row["expected"]) or "none"
        qa_class = class_of(row["q_label"], row["q_count"], row["expected"]) or "none"
        a.reviewed += 1
        a.confusion[model_class][qa_class] += 1
        same = model_class == qa_class
        if row["m_count"] is not None and row["q_count"] is not None:
            error = int(row["m_count"]) - int(row["q_count"])
            a.count_errors[error] += 1
            same = same and error == 0
        a.agreed += same
    return out


def write_csv(store: Store, out_dir: Path | str, *, since: Time = None, until: Time = None,
              model_key: str | None = None) -> list[Path]:
    """reviewers.csv, agreement.csv, confusion.csv and count_errors.csv in ``out_dir``; each file appears whole."""
    days = reviewer_days(store, since=since, until=until, model_key=model_key)
    models = agreement(store, since=since, until=until, model_key=model_key)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{out} is a file, not a folder", str(out))
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "reviewers.csv": (["reviewer", "day", "items", "median_seconds", "confirm", "correct", "inconclusive"], days),
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
