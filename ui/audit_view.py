"""The audit trail on a screen, read-only, for QA and admins: newest entry first (time, user, action, target, reason,
before → after), a page at a time, narrowed to one person or one kind of change, and VERIFY CHAIN, which says OK or
names (and shows) the first broken entry, with the record chain's verdict under it.

A client of the runtime: every read is an API operation (``audit_page``, ``audit_verify``) whose role check is the
runtime's. ``client`` is anything with ``call(op, **args)`` (:class:`inspector.api.client.Client`).
"""
from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from inspector.api.protocol import ApiError
from inspector.audit import Entry
from ui import theme
from ui.sheet import Sheet

COLUMNS = ("Time", "User", "Action", "Target", "Reason", "Change")  # before → after; one short word keeps every column narrow
SHOWN = 100  # entries a page; VERIFY CHAIN always checks the whole trail
MAX_FINDINGS_SHOWN = 8  # findings of the record check listed under the verdict; all of them in its tooltip
ALL_USERS, ALL_ACTIONS = "All users", "All actions"


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


def action_choices(actions: list[str]) -> list[tuple[str, str]]:
    """(shown, filter) for the action pick list: each kind of change (``model.``: all model changes) before the
    actions of that kind."""
    kinds = sorted({a.split(".")[0] for a in actions if "." in a})
    choices = [(ALL_ACTIONS, "")]
    for kind in kinds:
        mine = [a for a in actions if a.startswith(kind + ".")]
        if len(mine) > 1:
            choices.append((f"{kind} (all)", f"{kind}."))
        choices += [(a, a) for a in mine]
    return choices + [(a, a) for a in actions if "." not in a]


class AuditView(Sheet):
    """The station's trail as the runtime lets the client's login read it (anyone locally without users)."""

    def __init__(self, client: Any, parent: QWidget | None = None, *, scale: float = 1.0):
        super().__init__(parent)
        self.client = client
        self.entries: list[Entry] = []
        self.before: int | None = None  # this page: ids below it (None: the newest)
        self.newer: list[int | None] = []  # the pages before this one, to go back
        self.next_before: int | None = None
        self.total = self.skipped = 0
        self.setWindowTitle("Audit trail")
        touch = max(theme.TOUCH_MIN_PX, round(48 * scale))
        self.setStyleSheet(theme.style_sheet(scale)
                           + f"QComboBox {{ min-height: {touch}px; font-size: {round(14 * scale)}px; }}")
        self.table = QTableWidget(0, len(COLUMNS), objectName="audit")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.who = QComboBox(objectName="auditUser")
        self.what = QComboBox(objectName="auditAction")
        self.who.activated.connect(lambda _=0: self.first_page())
        self.what.activated.connect(lambda _=0: self.first_page())
        self.where = QLabel(objectName="caption")
        self.result = QLabel(objectName="status", wordWrap=True)
        self.newer_button = QPushButton("◀  NEWER", objectName="auditNewer")
        self.newer_button.clicked.connect(self.newer_page)
        self.older_button = QPushButton("OLDER  ▶", objectName="auditOlder")
        self.older_button.clicked.connect(self.older_page)
        self.verify_button = QPushButton("VERIFY CHAIN", objectName="start")
        self.verify_button.clicked.connect(self.verify)
        self.close_button = QPushButton("CLOSE")
        self.close_button.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("AUDIT TRAIL", objectName="title"))
        top.addWidget(self.who, 1)
        top.addWidget(self.what, 1)
        top.addWidget(self.where)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)
        self.pin_buttons(self.newer_button, self.older_button, self.verify_button, self.close_button)
        theme.whole_headers(self.table)
        self.reload(facets=True)

    # -- pages -----------------------------------------------------------------------------------------------------
    @property
    def filters(self) -> dict[str, str]:
        return {k: v for k, v in (("user", self.who.currentData()), ("action", self.what.currentData())) if v}

    def reload(self, *, facets: bool = False) -> bool:
        """This page again (and the pick lists with ``facets``); False with the runtime's refusal shown."""
        try:
            page = self.client.call("audit_page", before=self.before, limit=SHOWN, facets=facets, **self.filters)
        except ApiError as e:
            self.entries, self.next_before, self.total, self.skipped = [], None, 0, 0
            self._show()
            self._say(e.message, "bad")
            return False
        if facets:
            self._fill_choices(page["facets"])
        self.entries = [Entry(**e) for e in page["entries"]]
        self.next_before, self.total, self.skipped = page["next_before"], page["total"], page["newer"]
        self._show()
        return True

    def first_page(self) -> None:
        self.before, self.newer = None, []
        self.reload()

    def older_page(self) -> None:
        if self.next_before is not None:
            self.newer.append(self.before)
            self.before = self.next_before
            self.reload()

    def newer_page(self) -> None:
        if self.newer:
            self.before = self.newer.pop()
            self.reload()

    def _fill_choices(self, facets: dict[str, list[str]]) -> None:
        user, action = self.who.currentData(), self.what.currentData()
        self.who.clear()
        self.who.addItem(ALL_USERS, "")
        for name in facets["users"]:
            self.who.addItem(name, name)
        self.what.clear()
        for shown, value in action_choices(facets["actions"]):
            self.what.addItem(shown, value)
        self.who.setCurrentIndex(max(0, self.who.findData(user or "")))
        self.what.setCurrentIndex(max(0, self.what.findData(action or "")))

    def _show(self) -> None:
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            who = f"{entry.user} ({entry.role})"
            reason = entry.reason + ("  ✍ signed" if entry.signed else "")
            for column, text in enumerate((entry.time.replace("T", " ")[:19], who, entry.action, entry.target,
                                           reason, change_text(entry))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.where.setText(f"{self.skipped + 1}–{self.skipped + len(self.entries)} of {self.total}" if self.entries
                           else f"0 of {self.total}")
        self.newer_button.setEnabled(bool(self.newer))
        self.older_button.setEnabled(self.next_before is not None)

    def row_of(self, entry_id: int) -> int | None:
        return next((row for row, entry in enumerate(self.entries) if entry.id == entry_id), None)

    # -- verify ----------------------------------------------------------------------------------------------------
    def verify(self) -> bool:
        """Check the whole chain; OK with the count, or the first broken entry named, shown and selected."""
        try:
            verdict = self.client.call("audit_verify")
        except ApiError as e:
            self._say(e.message, "bad")
            return False
        chain, records = verdict["chain"], verdict["records"]
        findings = records["findings"]
        shown = findings[:MAX_FINDINGS_SHOWN]
        more = len(findings) - len(shown)
        details = "".join(f"\n{finding}" for finding in shown) + (f"\n… and {more} more" if more > 0 else "")
        self.result.setToolTip("\n".join(findings) or records["summary"])
        if chain["ok"]:
            self.reload()
            self._say(f"Chain OK: {chain['entries']} entries, none changed, deleted or reordered\n"
                      f"{records['summary']}{details}", "ok" if records["ok"] else "bad")
            return bool(records["ok"])
        broken = chain["broken"]
        self.who.setCurrentIndex(0)
        self.what.setCurrentIndex(0)
        self.before, self.newer = broken["entry_id"] + 1, [None]  # its page starts at it; NEWER leads back
        self.reload()
        self._say(f"Chain BROKEN at {broken['text']}\n{records['summary']}{details}", "bad")
        row = self.row_of(broken["entry_id"])
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))
        return False

    def _say(self, text: str, tone: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("color: #86efac; font-weight: 700;" if tone == "ok"
                                  else "color: #f87171; font-weight: 700;")
