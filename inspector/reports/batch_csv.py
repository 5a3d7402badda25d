"""The batch report as one CSV file: a ``summary`` section, then one section per table.

Each section is a row ``#section,<key>``, a header row, its data rows and an empty row; a reader splits on the
``#section`` rows. Values are plain (times ISO 8601 UTC, ids in full), written whole or not at all.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from inspector.reports.batch import BatchReport

SECTION_MARK = "#section"


def summary_rows(report: BatchReport) -> list[list[object]]:
    return [["station", report.station], ["lot", report.lot], ["recipes", " + ".join(report.recipes)],
            ["first_part_utc", report.first], ["last_part_utc", report.last], ["parts", report.parts],
            ["chain_ok", report.chain.ok], ["chain", report.chain.text], ["generated_utc", report.generated_at]]


def write_batch_csv(report: BatchReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerows([[SECTION_MARK, "summary"], ["key", "value"], *summary_rows(report), []])
            for table in report.tables:
                out.writerows([[SECTION_MARK, table.key], table.columns, *table.rows, []])
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def read_batch_csv(path: str | Path) -> dict[str, list[dict[str, str]]]:
    """The sections of a batch CSV by key, each as rows of column -> text (for checks and tools)."""
    sections: dict[str, list[dict[str, str]]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    i = 0
    while i < len(rows):
        if rows[i][:1] == [SECTION_MARK]:
            key, header, i = rows[i][1], rows[i + 1], i + 2
            body = []
            while i < len(rows) and rows[i]:
                body.append(dict(zip(header, rows[i])))
                i += 1
            sections[key] = body
        i += 1
    return sections
