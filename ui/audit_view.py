"""The audit trail on the station screen, read-only, for QA and admins: newest entry first (time, user, action,
target, reason, before → after) and VERIFY CHAIN, which says OK or names the first broken entry.

Views only: reading and verifying are ``inspector.actions.read_audit`` / ``verify_audit`` (role checked in the core).
"""
from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from inspector import actions
from inspector.audit import Entry
from inspector.permissions import PermissionDenied
from ui import theme
from ui.sheet import Sheet

COLUMNS = ("Time", "User", "Action", "Target", "Reason", "Change")  # before → after; one short word keeps every column narrow
SHOWN = 500  # newest entries listed; VERIFY CHAIN always checks the whole trail
MAX_FINDINGS_SHOWN = 8  # findings of the record check listed under the verdict; all of them in its tooltip


def change_text(entry: Entry) -> str:
    """``before → after`` in one line: ``key old → new`` for each changed key when both are objects."""
    before = json.loads(entry.before) if entry.before else None
    after = json.loads(entry.after) if entry.after else None
    if isinstance(before, dict) and isinstance(after, dict):
        parts = [f"{key} {_short(before.get(key))} → {_short(after.get(key))}"
                 for key in sorted(set(before) | set(after))]
        return "; ".join(parts)
    return f"{_short(before)} → {_short(after)}"


def _short(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


class AuditView(Sheet):
    """The trail of ``store`` as ``session`` may read it (None on a station without users)."""

    def __init__(self, store: Any, session: Any = None, parent: QWidget | None = None, *, scale: float = 1.0):
        super().__init__(parent)
        self.store, self.session = store, session
        self.entries: list[Entry] = []
        self.setWindowTitle("Audit trail")
        self.setStyleSheet(theme.style_sheet(scale))
        self.table = QTableWidget(0, len(COLUMNS), objectName="audit")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.result = QLabel(objectName="status", wordWrap=True)
        self.verify_button = QPushButton("VERIFY CHAIN", objectName="start")
        self.verify_button.clicked.connect(self.verify)
        self.close_button = QPushButton("CLOSE")
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Audit trail, newest first (read-only)", objectName="title"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)
        self.pin_buttons(self.verify_button, self.close_button)
        theme.whole_headers(self.table)
        self.reload()

    def reload(self) -> None:
        try:
            self.entries = actions.read_audit(self.session, self.store, limit=SHOWN)
        except PermissionDenied as e:
            self.entries = []
            self._say(str(e), "bad")
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            who = f"{entry.user} ({entry.role})"
            reason = entry.reason + ("  ✍ signed" if entry.signed else "")
            for column, text in enumerate((entry.time.replace("T", " ")[:19], who, entry.action, entry.target,
                                           reason, change_text(entry))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)

    def row_of(self, entry_id: int) -> int | None:
        return next((row for row, entry in enumerate(self.entries) if entry.id == entry_id), None)

    def verify(self) -> bool:
        """Check the whole chain; OK with the count, or the first broken entry named and selected."""
        try:
            verdict = actions.verify_audit(self.session, self.store)
            records = actions.verify_records(self.session, self.store)
        except PermissionDenied as e:
            self._say(str(e), "bad")
            return False
        self.reload()
        shown = records.findings[:MAX_FINDINGS_SHOWN]
        more = len(records.findings) - len(shown)
        details = "".join(f"\n{finding}" for finding in shown) + (f"\n… and {more} more" if more > 0 else "")
        self.result.setToolTip("\n".join(str(f) for f in records.findings) or records.summary())
        if verdict.ok:
            self._say(f"Chain OK: {verdict.entries} entries, none changed, deleted or reordered\n"
                      f"{records.summary()}{details}", "ok" if records.ok else "bad")
            return records.ok
        self._say(f"Chain BROKEN at {verdict.broken}\n{records.summary()}{details}", "bad")
        row = self.row_of(verdict.broken.entry_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))
        return False

    def _say(self, text: str, tone: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("color: #86efac; font-weight: 700;" if tone == "ok"
                                  else "color: #f87171; font-weight: 700;")
