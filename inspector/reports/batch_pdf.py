"""The batch report as a PDF a QA manager signs: title block, one table per section, a signature line, "page n of m".

fpdf2 (pure Python; its only binary dependency, Pillow, has wheels for the Pi and Jetson): no compiler and no Qt on
the station. Tables wrap text inside their columns and repeat their heading on a new page, so nothing runs off the
page; long hashes are shortened (the CSV has them whole), and a very long list shows its first ``MAX_PDF_ROWS`` rows
with a note. The built-in Helvetica holds Latin-1 only: other characters print as "?" (the CSV keeps them).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from inspector.reports.batch import BatchReport, Table

MAX_PDF_ROWS = 80
HASH_CHARS = 16
# Relative column widths per table (the rest share equally); the page is 180 mm wide between the margins.
WIDTHS: dict[str, tuple[float, ...]] = {
    "outcomes": (3, 2, 2),
    "reasons": (2, 2, 7, 1.2),
    "fail_safes": (1.3, 3.6, 2, 6, 1.2),
    "alarms": (3.9, 2.2, 1.2, 5.5, 1.8, 3.9),
    "versions": (2.2, 2.4, 4.2, 1.2, 3.2, 3.2),
    "packages": (2.5, 1.3, 3.2, 2.5, 1.5),
    "calibration": (3, 4, 1.7, 1.1, 1.7, 1.2, 1.8, 1.4, 1.2, 1.8, 1.8),
    "calibration_saves": (3, 1.8, 1.5, 3, 4.5, 3),
    "lot_changes": (3.2, 2, 1.5, 2, 2, 4),
    "qa_summary": (3, 2, 1),
    "qa_dispositions": (1.2, 1.5, 1.6, 1.4, 1.8, 3.2, 1.5, 4),
    "runs": (3, 3.2, 3.2, 1.5, 1.3, 1.8),
    "chain": (1.2, 1.2, 7),
}
TABLE_WIDTHS = {"outcomes": 100, "qa_summary": 110, "chain": None}  # mm, narrower than the page; None: the page
HASH_COLUMNS = {"recipe_sha256", "package_id"}
HEADINGS = {"wb_temperature": "white bal. K", "exposure": "exposure ms", "frame_timeout_s": "frame timeout s",
            "frame_max_age_s": "frame max age s", "fail_safe_cause": "fail-safe cause", "recipe_sha256": "recipe sha256",
            "acknowledged_by": "ack. by", "acknowledged_at": "ack. at (UTC)"}


def _text(value: Any, column: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    if column in HASH_COLUMNS and len(text) > HASH_CHARS:
        text = text[:HASH_CHARS] + "..."
    if column.endswith("_utc") or column == "started_utc":
        text = text.replace("+00:00", "Z").replace("T", " ")
    return text.encode("latin-1", "replace").decode("latin-1")


def _heading(column: str) -> str:
    if column in HEADINGS:
        return HEADINGS[column]
    return column.replace("_utc", " (UTC)").replace("_", " ")


class _Document(FPDF):
    def __init__(self, report: BatchReport) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"Batch report, lot {report.lot}")
        self.set_creator("line-inspector")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90)
        self.cell(0, 5, _text(f"Batch report - lot {self.report.lot} - station {self.report.station}"),
                  new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90)
        self.cell(0, 5, _text(f"lot {self.report.lot}, generated {_text(self.report.generated_at, '_utc')} UTC"),
                  align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)


def write_batch_pdf(report: BatchReport, path: str | Path) -> Path:
    """Writes the PDF whole (a partial file never takes the name)."""
    path = Path(path)
    pdf = _Document(report)
    pdf.alias_nb_pages()
    pdf.add_page()
    _title_block(pdf, report)
    for table in report.tables:
        _table(pdf, table)
    _signature_block(pdf)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        pdf.output(str(partial))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _title_block(pdf: FPDF, report: BatchReport) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _text(f"Batch report: lot {report.lot}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    rows = [("Station", report.station), ("Lot", report.lot), ("Recipe", ", ".join(report.recipes)),
            ("First part", _text(report.first, "_utc")), ("Last part", _text(report.last, "_utc")),
            ("Parts", f"{report.parts:,}"),
            ("Outcomes", ", ".join(f"{k} {v:,}" for k, v in report.outcomes.items())),
            ("Records chain", report.chain.text if report.chain.ok else f"BROKEN: {report.chain.text}"),
            ("Generated", _text(report.generated_at, "_utc"))]
    pdf.set_font("Helvetica", "", 9)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(col_widths=(1, 4), first_row_as_headings=False, line_height=5.5,
                   borders_layout="HORIZONTAL_LINES") as table:
        for name, value in rows:
            row = table.row()
            row.cell(_text(name), style=bold)
            row.cell(_text(value))
    pdf.ln(4)


def _table(pdf: FPDF, table: Table) -> None:
    if pdf.will_page_break(24):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _text(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 7.5)
    rows = table.rows[:MAX_PDF_ROWS]
    if rows:
        widths = WIDTHS.get(table.key)
        if widths is None or len(widths) != len(table.columns):
            widths = tuple(1 for _ in table.columns)
        heading = FontFace(emphasis="BOLD", fill_color=(225, 228, 232))
        width = TABLE_WIDTHS.get(table.key)
        with pdf.table(col_widths=widths, headings_style=heading, line_height=4, text_align="LEFT",
                       repeat_headings=1, width=width, align="LEFT" if width else "CENTER") as out:
            head = out.row()
            for column in table.columns:
                head.cell(_text(_heading(column)))
            for values in rows:
                row = out.row()
                for column, value in zip(table.columns, values):
                    row.cell(_text(value, column))
    notes = [table.note] if table.note else []
    if len(table.rows) > MAX_PDF_ROWS:
        notes.append(f"the first {MAX_PDF_ROWS} of {len(table.rows):,} rows; all of them are in the CSV report "
                     f"(section {table.key})")
    if notes:
        pdf.set_font("Helvetica", "I", 8)
        pdf.multi_cell(0, 4.5, _text("; ".join(notes)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _signature_block(pdf: FPDF) -> None:
    if pdf.will_page_break(40):
        pdf.add_page()
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Release", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, "I have reviewed this batch report and the records it is made from.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    y = pdf.get_y()
    for x, caption in ((15, "Name (QA manager)"), (80, "Signature"), (145, "Date")):
        pdf.line(x, y, x + (55 if x < 145 else 50), y)
        pdf.set_xy(x, y + 1)
        pdf.cell(50, 5, caption)
    pdf.set_xy(pdf.l_margin, y + 8)
