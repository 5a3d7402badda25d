"""The MODELS screen (☰ MENU > MODELS): the edge model table plant IT expects, and the lifecycle's steps as big buttons.

The table: every package the station holds (live first), its version, short id, task, state in colour, the builder's
test figures, its evaluation on this station beside the live model's, who approved it and when. Under it the selected
package: the evaluation as a confusion matrix (or count errors) beside the live model's, and for a shadow its agreement
per class. EVALUATE asks the runtime to score the QA-verified images (its job; a progress bar here); SHADOW, PROMOTE
(admin PIN and a reason; only the reason on a station without users), ROLLBACK (the same signature) and IMPORT (the
package folders in the station's ``<data_dir>/incoming/``, or a package zip sent from this computer) are API
operations through ``ModelsModel``: the runtime checks the role, records and audits them.
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QScrollArea, QStackedWidget, QStyle,
                               QStyledItemDelegate, QTableWidgetItem, QVBoxLayout, QWidget)

from inspector.permissions import MODEL_APPROVE
from ui import theme
from ui.tables import title_row, touch_table
from ui.i18n import tr, tr_noop

from ui.login import SignDialog
from ui.models_model import ModelsModel
from ui.sheet import Sheet
from ui.models_text import (STATES, agreement_html, approval_text, evaluated_on, evaluation_html, evaluation_text,
                            metrics_text, who)

COLUMNS = (tr_noop("Name"), tr_noop("Version"), tr_noop("Id"), tr_noop("Task"), tr_noop("State"),
           tr_noop("Test metrics"), tr_noop("On this station vs live"), tr_noop("Approved"))  # headers: tr() each
WIDE_ONLY = ("Task", "Test metrics", "On this station vs live")  # in the panel under the table on a small screen
WIDE_MIN_WIDTH = 1280
PROMOTE_REASONS = (tr_noop("Better on our QA-verified parts"), tr_noop("New product or defect type"),
                   tr_noop("Supplier's model update"), tr_noop("Fixes parts the live model missed"))
ROLLBACK_REASONS = (tr_noop("More rejects or checks than evaluated"), tr_noop("Defects passed on the line"),
                    tr_noop("Promoted by mistake"))  # shown (and audited) in the window's language
HINT = tr_noop("Tap a package, then an action. The same from a shell: inspector models list | evaluate | promote …")


class StateCell(QStyledItemDelegate):
    """The state in its colour, also on the selected row (the selection would paint over an item's background)."""

    def paint(self, painter, option, index) -> None:
        painter.fillRect(option.rect, index.data(Qt.ItemDataRole.BackgroundRole) or QColor("#4b5563"))
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect.adjusted(0, 0, 0, -option.rect.height() + 3), QColor("#60a5fa"))
        painter.setPen(index.data(Qt.ItemDataRole.ForegroundRole).color())
        painter.setFont(option.font)
        painter.drawText(option.rect, Qt.AlignmentFlag.AlignCenter, index.data())


class ModelsView(Sheet):
    """The screen over ``model``; ``login`` (the window's LoginGate, None without users) asks for an admin."""

    def __init__(self, model: ModelsModel, parent: QWidget | None = None, *, login=None, scale: float = 1.0):
        super().__init__(parent)
        self.model, self.login, self.scale = model, login, scale
        self.sign_dialog: SignDialog | None = None
        self.setWindowTitle(tr("Models"))
        self.setStyleSheet(theme.style_sheet(scale) + _style(scale))

        self.message = QLabel(tr(HINT), objectName="modelsMessage", wordWrap=True)
        self.close_button = QPushButton("✕  " + tr("CLOSE"), objectName="modelsClose")
        self.close_button.clicked.connect(self.accept)
        top = title_row(tr("MODELS"), self.message, self.close_button)

        self.table = touch_table(COLUMNS, "models", max(44, round(44 * scale)))  # two lines a cell
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._row_picked)
        self.table.setItemDelegateForColumn(COLUMNS.index("State"), StateCell(self.table))

        self.detail = QLabel(objectName="modelsDetail", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea(objectName="modelsDetailArea", widgetResizable=True)
        scroll.setWidget(self.detail)
        self.progress = QProgressBar(objectName="modelsProgress", textVisible=True)
        self.progress.setFormat(tr("evaluating: %v of %m images"))
        self.progress.hide()

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key, text, slot in (("evaluate", tr("EVALUATE"), self.evaluate), ("shadow", tr("SHADOW"), self.shadow),
                                ("promote", tr("PROMOTE"), self.promote), ("rollback", tr("ROLLBACK"), self.rollback),
                                ("import", tr("IMPORT") + "…", self.show_incoming)):
            button = QPushButton(text, objectName="start" if key == "promote" else f"models_{key}")
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[key] = button
        table_page = QWidget()
        column = QVBoxLayout(table_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 3)  # no taller than its rows (refresh_table): the rest is the panel's
        column.addWidget(self.progress)
        column.addWidget(scroll, 2)
        column.addLayout(actions)

        self.incoming_list = QListWidget(objectName="incoming")
        self.import_button = QPushButton(tr("IMPORT"), objectName="start")
        self.import_button.clicked.connect(self.import_selected)
        self.back_button = QPushButton("◀  " + tr("BACK"), objectName="models_back")
        self.back_button.clicked.connect(self.show_table)
        self.upload_button = QPushButton(tr("FROM THIS COMPUTER") + "…", objectName="models_upload")
        self.upload_button.clicked.connect(self.pick_upload)
        incoming_page = QWidget()
        column = QVBoxLayout(incoming_page)
        column.setContentsMargins(0, 0, 0, 0)
        self.incoming_note = QLabel(objectName="caption", wordWrap=True)
        column.addWidget(self.incoming_note)
        column.addWidget(self.incoming_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.import_button, 1)
        row.addWidget(self.upload_button)
        column.addLayout(row)

        self.pages = QStackedWidget()
        self.pages.addWidget(table_page)
        self.pages.addWidget(incoming_page)
        self.layout().setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self.body)
        m = round(6 * scale)
        layout.setContentsMargins(m, m, m, m)
        layout.setSpacing(m)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        model.changed.connect(self.refresh_table)
        model.selected_changed.connect(self.refresh_selected)
        model.said.connect(lambda text: self.say(text, "ok"))
        model.failed.connect(lambda text: self.say(text, "bad"))
        model.progress.connect(self.show_progress)
        model.evaluating_changed.connect(self.show_evaluating)
        self.refresh_table()

    # -- showing ---------------------------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        wide = self.width() >= WIDE_MIN_WIDTH
        for name in WIDE_ONLY:
            self.table.setColumnHidden(COLUMNS.index(name), not wide)
        super().resizeEvent(event)

    def refresh_table(self) -> None:
        entries = self.model.entries
        self.table.blockSignals(True)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            word, background, colour = state_look(entry.state)
            texts = (entry.name, entry.version, entry.short_id, entry.task, word, metrics_text(entry, sep="\n"),
                     evaluation_text(entry, sep="\n"), approval_text(entry, sep="\n"))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.package_id if COLUMNS[column] == "Id" else text)
                item.setData(Qt.ItemDataRole.UserRole, entry.package_id)
                if COLUMNS[column] == "State":
                    item.setBackground(QBrush(QColor(background)))
                    item.setForeground(QBrush(QColor(colour)))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        frame = 2 * self.table.frameWidth() + self.table.horizontalScrollBar().sizeHint().height()
        self.table.setMaximumHeight(self.table.horizontalHeader().sizeHint().height() + frame
                                    + self.table.verticalHeader().defaultSectionSize() * max(len(entries), 1))
        self.refresh_selected()

    def row_of(self, package_id: str) -> int | None:
        return next((row for row, e in enumerate(self.model.entries) if e.package_id == package_id), None)

    def state_text(self, package_id: str) -> str:
        return self.table.item(self.row_of(package_id), COLUMNS.index("State")).text()

    def refresh_selected(self) -> None:
        entry = self.model.selected
        row = self.row_of(entry.package_id) if entry is not None else None
        if row is not None and self.table.currentRow() != row:
            self.table.blockSignals(True)
            self.table.selectRow(row)
            self.table.blockSignals(False)
        self.detail.setText(self.detail_html(entry))
        waiting = entry is not None and entry.state in ("candidate", "shadow")
        self.buttons["evaluate"].setEnabled(entry is not None and entry.state != "live" and not self.model.evaluating)
        self.buttons["shadow"].setEnabled(entry is not None and entry.state == "candidate")
        self.buttons["promote"].setEnabled(waiting)
        self.buttons["rollback"].setEnabled(self.model.can_roll_back(entry))

    def detail_html(self, entry: Any) -> str:
        """The selected package: what it is, then its evaluation beside the live model's and, for a shadow, its
        agreement on line parts (side by side: the 480 px screen has the height for one row of tables)."""
        if entry is None:
            return escape(tr("No package on this station yet: IMPORT one."))
        word = state_look(entry.state)[0]
        imported = tr("imported {when} by {who}").format(when=entry.imported_at[:16].replace("T", " "),
                                                         who=who(entry.imported_by))
        head = (f"<b>{escape(entry.name)} {escape(entry.version)}</b> · {entry.short_id} · {escape(entry.task)} · "
                f"<b>{escape(word)}</b> · {escape(imported)}"
                f" · {escape(tr('test:'))} {escape(metrics_text(entry, full=True))}")
        if entry.evaluation:
            head += f" · {escape(evaluated_on(entry))}"
        parts = [evaluation_html(entry)]
        if entry.state == "shadow":
            parts.append(agreement_html(self.model.agreement(entry)))
        cells = "<td width=\"12\"></td>".join(f"<td valign=\"top\">{p}</td>" for p in parts if p)
        return f"<div>{head}</div><table cellspacing=\"0\" cellpadding=\"0\"><tr>{cells}</tr></table>"

    def say(self, text: str, tone: str) -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def show_evaluating(self, running: bool) -> None:
        self.progress.setVisible(running)  # when done, the line at the top and the panel say what came out
        if running:
            self.progress.setValue(0)
            self.say(tr("Evaluating on the QA-verified images (the line keeps running)…"), "ok")
        self.refresh_selected()

    # -- taps ------------------------------------------------------------------------------------------------------
    def _row_picked(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        self.model.select(item.data(Qt.ItemDataRole.UserRole) if item is not None else None)

    def _admin(self, then) -> tuple[bool, Any]:
        """(go on, session): without users (True, None); else the logged-in admin, or the login opens and the tap
        is done again once someone has logged in."""
        if self.login is None:
            return True, None
        session = self.login.session_for(MODEL_APPROVE, then=then)
        return session is not None, session

    def evaluate(self) -> bool:
        entry = self.model.selected
        go, _ = self._admin(self.evaluate)
        return entry is not None and go and self.model.evaluate(entry)

    def shadow(self) -> None:
        entry = self.model.selected
        go, session = self._admin(self.shadow)
        if entry is not None and go:
            self.model.shadow(entry)

    def promote(self) -> SignDialog | None:
        entry = self.model.selected
        go, session = self._admin(self.promote)
        if entry is None or not go:
            return None
        return self._sign(tr("Promote {name} {version} ({id}) to live").format(
            name=entry.name, version=entry.version, id=entry.short_id), PROMOTE_REASONS, session,
                          lambda d: self.model.promote(entry, pin=d.pin, reason=d.reason))

    def rollback(self) -> SignDialog | None:
        entry = self.model.selected
        go, session = self._admin(self.rollback)
        if entry is None or not go:
            return None
        return self._sign(tr("Roll {name} back from {version} to the version it replaced").format(
            name=entry.name, version=entry.version),
                          ROLLBACK_REASONS, session,
                          lambda d: self.model.rollback(entry, pin=d.pin, reason=d.reason))

    def _sign(self, what: str, reasons, session, then) -> SignDialog:
        """The signature: PIN and reason for a logged-in admin, the reason alone on a station without users."""
        self.sign_dialog = SignDialog(session, what, [tr(r) for r in reasons], self, scale=self.scale,
                                      ask_pin=session is not None)
        self.sign_dialog.accepted.connect(lambda d=self.sign_dialog: then(d))
        self.sign_dialog.open()
        return self.sign_dialog

    def show_incoming(self) -> None:
        found = self.model.incoming()
        self.incoming_list.clear()
        for package in found:
            item = QListWidgetItem(package.label)
            item.setData(Qt.ItemDataRole.UserRole, package.folder)
            self.incoming_list.addItem(item)
        if found:
            self.incoming_list.setCurrentRow(0)
        where = self.model.incoming_dir
        self.incoming_note.setText(
            (tr("Package folders in {where} (copy them there from a USB stick).") if found else
             tr("No new package folder in {where}: copy one there from a USB stick.")).format(where=where)
            + " " + tr("IMPORT checks its signature and golden cases and holds it as a candidate, never live; "
                       "`inspector models import PKG` does the same from a shell. FROM THIS COMPUTER sends a "
                       "package folder's zip from where this screen runs."))
        self.import_button.setEnabled(bool(found))
        self.pages.setCurrentIndex(1)

    def show_table(self) -> None:
        self.pages.setCurrentIndex(0)

    def import_selected(self) -> None:
        item = self.incoming_list.currentItem()
        go, session = self._admin(self.import_selected)
        if item is None or not go:
            return
        if self.model.import_folder(item.data(Qt.ItemDataRole.UserRole)) is not None:
            self.show_table()

    def pick_upload(self) -> None:
        """A package zip on the computer this screen runs on (the QA desk's), sent to the station."""
        go, _ = self._admin(self.pick_upload)
        if not go:
            return
        path, _ = QFileDialog.getOpenFileName(self, tr("Model package (.zip)"), str(Path.home()),
                                              tr("Packages (*.zip)"),
                                              options=QFileDialog.Option.DontUseNativeDialog)
        if path:
            self.upload(path)

    def upload(self, path: str | Path) -> None:
        if self.model.upload(path) is not None:
            self.show_table()


def state_look(state: str) -> tuple[str, str, str]:
    """(word in the window's language, background, text colour) of a package state."""
    word, background, colour = STATES.get(state, (state.upper(), "#4b5563", "#ffffff"))
    return (tr(word) if state in STATES else word), background, colour


def _style(scale: float) -> str:
    return f"""
    QLabel#modelsMessage {{ font-size: {round(13 * scale)}px; font-weight: 600; color: #b4bfcc; }}
    QLabel#modelsMessage[tone="bad"] {{ color: #f87171; }}
    QLabel#modelsMessage[tone="ok"] {{ color: #86efac; }}
    QLabel#modelsDetail {{ font-size: {round(13 * scale)}px; }}
    QTableWidget#models {{ font-size: {round(14 * scale)}px; }}
    QTableWidget#models QHeaderView::section {{ font-size: {round(13 * scale)}px; font-weight: 700; }}
    QListWidget#incoming::item {{ min-height: {max(theme.TOUCH_MIN_PX, round(48 * scale))}px; }}
    QProgressBar#modelsProgress {{ min-height: {round(24 * scale)}px; font-size: {round(13 * scale)}px; }}
    """
