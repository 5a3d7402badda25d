"""The read-only touch tables of the admin screens (models, users, audit trail) and their title row."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTableWidget

from ui.i18n import tr


def touch_table(columns, name: str, row_px: int, *, single: bool = True) -> QTableWidget:
    """Rows picked whole by a tap (one at a time with ``single``), nothing edited in place, headers translated."""
    table = QTableWidget(0, len(columns), objectName=name)
    table.setHorizontalHeaderLabels([tr(c) for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_px)
    return table


def title_row(title: str, message: QLabel, close_button: QPushButton) -> QHBoxLayout:
    """The screen's name, its message line (taking the room) and CLOSE."""
    row = QHBoxLayout()
    row.addWidget(QLabel(title, objectName="title"))
    row.addWidget(message, 1)
    row.addWidget(close_button)
    return row
