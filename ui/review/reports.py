"""Reviewer and quality reports (pyqtgraph): items per reviewer per day; per reviewer items, min / mean / median /
max seconds per item, the second-reviewer audit pass rate and agreement with the model; per model version the
agreement of model and QA (confusion matrix, count-error histogram); EXPORT CSV writes them through
``inspector.review_reports.write_csv``.

The figures come from a source: the runtime over the API (``ui.review.remote.RemoteReports``, the window's case) or
a database on this machine (``LocalReports``: screenshots, benchmarks, tests of the charts)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from inspector import review_reports
from inspector.review import ReviewError
from inspector.store import Store
from ui import theme
from ui.controls import ChoicePicker
from ui.review.remote import BatchSummary
from ui.review.queue_panel import TIME_RANGES, since_for

ALL_MODELS = "ALL MODELS"
REVIEWER_COLUMNS = {"Reviewer": None, "Items": "items", "Min\ns": "min_seconds", "Mean\ns": "mean_seconds",
                    "Median\ns": "median_seconds", "Max\ns": "max_seconds", "Audits": "audited",
                    "Audit\npass": "audit_pass_rate", "Model\nagrees": "model_agreement"}
REVIEWER_COLOURS = ("#38bdf8", "#a78bfa", "#f472b6", "#fbbf24", "#4ade80", "#fb923c", "#94a3b8")


def _plot(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(title=title)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(x=False, y=True, alpha=0.25)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)
    return plot


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _cell(text: object, *, background: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem("–" if text is None else str(text))
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    if background:
        item.setBackground(QColor(background))
    return item


def _shown(key: str, total: dict) -> object:
    """One figure of a reviewer as the table shows it: seconds to 0.1, rates as percent."""
    value = total[key]
    if value is None:
        return None
    if key in ("audit_pass_rate", "model_agreement"):
        return f"{100 * value:.0f}%"  # "100%" fits the narrow column
    return round(value, 1) if key.endswith("_seconds") else value


class LocalReports:
    """The reports of a database on this machine, with the methods of ``RemoteReports``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def default_dir(self) -> Path:
        return (self.store.path.parent if self.store.path else Path.cwd()) / "reports"

    def reviewer_report(self, **window) -> tuple[list[dict], dict[str, dict]]:
        return review_reports.reviewer_report(self.store, **window)

    def agreement(self, **window) -> dict[str, review_reports.Agreement]:
        return review_reports.agreement(self.store, **window)

    def write_csv(self, folder: Path, **window) -> list[Path]:
        return review_reports.write_csv(self.store, folder, **window)

    def lots(self) -> list[str]:
        from inspector.store.lots import known_lots

        return [row["lot"] for row in known_lots(self.store)]

    def batch_report(self, lot: str, path: Path) -> BatchSummary:
        from inspector.reports import batch_report, write_batch_pdf

        report = batch_report(self.store, lot)
        write_batch_pdf(report, path)
        return BatchSummary(report.lot, report.parts, report.chain.ok, report.chain.text)


class ReportsView(QWidget):
    """The reports over one model version (or all) and one time range of verdicts; EXPORT CSV writes what is shown.

    ``source``: where the figures come from (``RemoteReports`` or ``LocalReports``; a ``Store`` is read locally)."""

    def __init__(self, source, *, export_dir: Path | None = None, parent=None):
        super().__init__(parent)
        self.source = source if hasattr(source, "reviewer_report") else LocalReports(source)
        self.export_dir = export_dir or self.source.default_dir()
        self.model_key: str | None = None  # None: every model version
        self.time_range = TIME_RANGES[0]
        self.since: datetime | None = None
        self.days: list[dict] = []
        self.totals: dict[str, dict] = {}
        self.models: dict[str, review_reports.Agreement] = {}
        self.picker: ChoicePicker | None = None
        self.exported: list[Path] = []

        self.model_button = QPushButton(objectName="picker")
        self.model_button.clicked.connect(self.pick_model)
        self.time_button = QPushButton(objectName="picker")
        self.time_button.clicked.connect(self.pick_time)
        self.export_button = QPushButton("EXPORT CSV")
        self.export_button.clicked.connect(self.export)
        self.batch_button = QPushButton("BATCH REPORT", objectName="batchReport")  # a lot's PDF, to sign
        self.batch_button.clicked.connect(self.pick_lot)
        self.summary = QLabel(objectName="dim", wordWrap=True)
        self.message = QLabel(objectName="message", wordWrap=True)
        top = QHBoxLayout()  # the short buttons keep their words; the model's long name and the summary share the rest
        top.addWidget(self.model_button, 3)
        top.addWidget(self.time_button, 0)
        top.addWidget(self.summary, 2)
        top.addWidget(self.export_button, 0)
        top.addWidget(self.batch_button, 0)

        self.per_day = _plot("Items reviewed per reviewer per day")
        self.legend = self.per_day.addLegend(offset=(-4, 4))
        self.errors = _plot("Count error (model − QA)")
        self.errors.setLabel("left", "parts")
        self.reviewers = _table(list(REVIEWER_COLUMNS))
        self.reviewers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # names
        self.confusion = _table([])
        grid = QGridLayout()
        grid.addWidget(self.per_day, 0, 0)
        grid.addWidget(self.reviewers, 0, 1)
        grid.addWidget(self.confusion, 1, 0)
        grid.addWidget(self.errors, 1, 1)
        grid.setColumnStretch(0, 1)  # the reviewer table needs its nine columns readable
        grid.setColumnStretch(1, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addLayout(grid, 1)
        column.addWidget(self.message)

    def set_scale(self, scale: float) -> None:
        font = QFont()
        font.setPixelSize(max(11, round(12 * scale)))
        for plot in (self.per_day, self.errors):
            item = plot.getPlotItem()
            item.titleLabel.setText(item.titleLabel.text, size=f"{round(13 * scale)}px")
            for side in ("left", "bottom"):
                plot.getAxis(side).setStyle(tickFont=font)
        for table in (self.reviewers, self.confusion):
            table.verticalHeader().setDefaultSectionSize(round(30 * scale))
            theme.whole_headers(table)  # no header cut at 800 x 480: the table scrolls sideways
        self.legend.setLabelTextSize(f"{round(12 * scale)}px")

    # -- data -------------------------------------------------------------------------------------------------------
    def filters(self) -> dict:
        return {"since": self.since, "model_key": self.model_key}

    def refresh(self) -> None:
        self.since = since_for(self.time_range)
        try:
            self.models = self.source.agreement(since=self.since)
            if self.model_key is not None and self.model_key not in self.models:
                self.model_key = None
            self.days, self.totals = self.source.reviewer_report(**self.filters())
        except (ValueError, OSError) as e:  # the runtime refused or is gone: say so, keep what was shown
            self.message.setText(f"The reports could not be read: {e}")
            return
        self.time_button.setText(f"TIME: {self.time_range}")
        self._per_day()
        self._reviewer_table()
        self._agreement()

    def pick_model(self) -> ChoicePicker:
        current = self.model_key if self.model_key is not None else ALL_MODELS
        self.picker = ChoicePicker("MODEL VERSION", [ALL_MODELS, *sorted(self.models)], current, self)
        self.picker.accepted.connect(lambda: self.set_model(self.picker.chosen))
        self.picker.open()
        return self.picker

    def pick_time(self) -> ChoicePicker:
        self.picker = ChoicePicker("VERDICTS GIVEN", list(TIME_RANGES), self.time_range, self)
        self.picker.accepted.connect(lambda: self.set_time_range(self.picker.chosen))
        self.picker.open()
        return self.picker

    def set_model(self, key: str | None) -> None:
        """Shows one model version's parts (None or ALL MODELS: every version's)."""
        key = None if key == ALL_MODELS else key
        if key is None or key in self.models:
            self.model_key = key
            self.refresh()

    def set_time_range(self, name: str | None) -> None:
        if name in TIME_RANGES:
            self.time_range = name
            self.refresh()

    def export(self) -> list[Path]:
        folder = Path(self.export_dir) / datetime.now(timezone.utc).strftime("review-%Y%m%d-%H%M%S")
        try:
            self.exported = self.source.write_csv(folder, **self.filters())
        except (OSError, ReviewError) as e:  # PermissionDenied is an OSError: the runtime refused
            self.message.setText(f"Export to {folder} failed: {getattr(e, 'strerror', None) or e}")
            return []
        self.message.setText(f"Wrote {len(self.exported)} CSV files to {folder}")
        return self.exported

    def pick_lot(self) -> ChoicePicker:
        """The lots recorded, newest first; tapping one writes its batch report (PDF) beside the CSV exports."""
        try:
            lots = self.source.lots()
        except (OSError, ReviewError) as e:
            lots = []
            self.message.setText(f"The lots could not be read: {e}")
        self.picker = ChoicePicker("BATCH REPORT OF LOT", lots, None, self)
        self.picker.accepted.connect(lambda: self.picker.chosen and self.batch_report(self.picker.chosen))
        self.picker.open()
        if not lots:
            self.message.setText("No lot recorded yet: a lot is given at START (or inspector run --lot L)")
        return self.picker

    def batch_report(self, lot: str) -> Path | None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        path = Path(self.export_dir) / f"batch-{re.sub(r'[^A-Za-z0-9._-]', '_', lot)}-{stamp}.pdf"
        try:
            report = self.source.batch_report(lot, path)
        except (ValueError, OSError) as e:  # BatchReportError, ReviewError: a ValueError naming the cause
            self.message.setText(f"Batch report of lot {lot} failed: {getattr(e, 'strerror', None) or e}")
            return None
        chain = "records intact" if report.chain_ok else "RECORDS CHAIN BROKEN: " + report.chain
        self.message.setText(f"Wrote the batch report of lot {lot} ({report.parts} parts; {chain}) to {path}")
        return path

    # -- charts -----------------------------------------------------------------------------------------------------
    def _per_day(self) -> None:
        self.per_day.clear()
        self.legend.clear()
        days = sorted({d["day"] for d in self.days})
        people = sorted({d["reviewer"] for d in self.days})
        width = 0.8 / max(1, len(people))
        counts = {(d["reviewer"], d["day"]): d["items"] for d in self.days}
        self.bars = {}
        for i, person in enumerate(people):
            x = np.arange(len(days)) - 0.4 + width * (i + 0.5)
            heights = [counts.get((person, day), 0) for day in days]
            colour = REVIEWER_COLOURS[i % len(REVIEWER_COLOURS)]
            bars = pg.BarGraphItem(x=x, height=heights, width=width * 0.9, brush=colour, pen=None)
            self.per_day.addItem(bars)
            self.legend.addItem(bars, person)
            self.bars[person] = heights
        self.per_day.getAxis("bottom").setTicks([[(i, day[5:]) for i, day in enumerate(days)]])
        self.per_day.setXRange(-0.6, max(0.6, len(days) - 0.4), padding=0)
        top = max([d["items"] for d in self.days], default=1)
        self.per_day.setYRange(0, top * 1.15, padding=0)

    def _reviewer_table(self) -> None:
        """Per reviewer: items over the range; min / mean / median / max seconds over every item they timed; the
        share of their audited verdicts another reviewer agreed with (of how many); how often they agreed with the
        model."""
        self.reviewers.setRowCount(len(self.totals))
        theme.whole_headers(self.reviewers)  # here too: on the first refresh the table has its screen's font
        self.medians: dict[str, float | None] = {}
        for row, (person, total) in enumerate(sorted(self.totals.items())):
            median = total["median_seconds"]
            self.medians[person] = None if median is None else round(median, 1)
            for col, key in enumerate(REVIEWER_COLUMNS.values()):
                self.reviewers.setItem(row, col, _cell(person if key is None else _shown(key, total)))

    def _agreement(self) -> None:
        if self.model_key is None:
            a = review_reports.Agreement.merged(ALL_MODELS, list(self.models.values())) if self.models else None
        else:
            a = self.models.get(self.model_key)
        key = self.model_key if self.model_key is not None else ALL_MODELS.lower()
        self.model_button.setText(f"MODEL: {key if len(key) <= 40 else key[:39] + '…'}")
        self.model_button.setEnabled(len(self.models) > 1)
        if a is None or not a.reviewed:
            self.summary.setText("No verdicts with a value yet.")
            self.confusion.setRowCount(0)
            self.confusion.setColumnCount(0)
            self.errors.clear()
            return
        self.summary.setText(f"{a.reviewed} parts reviewed · model and QA agree on {100 * (a.agreement or 0):.1f} %")
        classes = sorted({m for m in a.confusion} | {q for row in a.confusion.values() for q in row})
        self.confusion.setRowCount(len(classes))
        self.confusion.setColumnCount(len(classes) + 1)
        self.confusion.setHorizontalHeaderLabels(["model ↓ QA →", *classes])
        theme.whole_headers(self.confusion)
        for r, m in enumerate(classes):
            self.confusion.setItem(r, 0, _cell(m))
            for c, q in enumerate(classes):
                n = a.confusion.get(m, {}).get(q, 0)
                tint = None if n == 0 else ("#14532d" if m == q else "#7f1d1d")
                self.confusion.setItem(r, c + 1, _cell(n, background=tint))
        self.errors.clear()
        errors = sorted(a.count_errors.items())
        title = "Count error (model − QA)" + ("" if errors else ": this model counts nothing")
        self.errors.getPlotItem().titleLabel.setText(title)
        if errors:
            x, n = zip(*errors)
            self.errors.addItem(pg.BarGraphItem(x=list(x), height=list(n), width=0.8, brush="#a78bfa", pen=None))
            self.errors.setXRange(min(x) - 1, max(x) + 1, padding=0)
            self.errors.setYRange(0, max(n) * 1.15, padding=0)
