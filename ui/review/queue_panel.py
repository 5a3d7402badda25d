"""The queue: filter chips and pickers (outcome, time range, recipe, model version, confidence range, sort) and the
list of parts, risk first by default (fail-safes, covered boxes, uncertain, rejects, passes). Every choice is a big
button; no keyboard is needed. A covered box's row says "covered: recount", with no confidence."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QGridLayout, QListWidget, QListWidgetItem, QPushButton,
                               QWidget)

from inspector.qa.risk import COVERED_TEXT, is_covered
from inspector.review import QUEUE_OUTCOMES, ReviewError
from ui import theme
from ui.controls import ChoicePicker
from ui.fitted_button import FittedButton
from ui.i18n import tr, tr_noop
from ui.review.model import SORT_NAMES, ReviewModel

# the names are the filters' keys (in English); tr() shows them in the window's language
CONFIDENCE_RANGES = {tr_noop("ALL"): (None, None), tr_noop("BELOW 0.6"): (None, 0.6), tr_noop("BELOW 0.7"): (None, 0.7),
                     tr_noop("BELOW 0.8"): (None, 0.8), tr_noop("BELOW 0.9"): (None, 0.9),
                     tr_noop("BELOW 0.95"): (None, 0.95), tr_noop("0.95 AND UP"): (0.95, None)}
TIME_RANGES = (tr_noop("ALL"), tr_noop("LAST HOUR"), tr_noop("TODAY"), tr_noop("LAST 24 H"), tr_noop("LAST 7 DAYS"))
STATES = {"open": tr_noop("TO REVIEW"), "reviewed": tr_noop("REVIEWED"), "all": tr_noop("ALL")}
PICKER_CAPTIONS = {"time": tr_noop("TIME"), "recipe": tr_noop("RECIPE"), "model": tr_noop("MODEL"),
                   "confidence": tr_noop("CONFIDENCE"), "sort": tr_noop("SORT"), "state": tr_noop("SHOW")}
TRANSLATED_CHOICES = ("time", "confidence", "sort", "state")  # a fixed vocabulary; recipes and models keep their names
COVERED_WORDS = {COVERED_TEXT: tr_noop("covered: recount")}  # the runtime's words for a covered box


def covered_text() -> str:
    return tr(COVERED_WORDS[COVERED_TEXT])


def outcome_word(outcome: str) -> str:
    """The outcome's word (PASS, REJECT, …) in the window's language."""
    return tr(theme.verdict(outcome)[0])


def since_for(name: str, now: datetime | None = None) -> datetime | None:
    """The start of a named time range (an aware UTC time); None for ALL."""
    now = now or datetime.now(timezone.utc)
    if name == "LAST HOUR":
        return now - timedelta(hours=1)
    if name == "TODAY":
        local = now.astimezone()
        return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
    if name == "LAST 24 H":
        return now - timedelta(days=1)
    if name == "LAST 7 DAYS":
        return now - timedelta(days=7)
    return None


class FilterPanel(QWidget):
    """Outcome chips (none lit: every outcome) and one picker button per other filter."""

    error = Signal(str)

    def __init__(self, model: ReviewModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.picker: ChoicePicker | None = None
        self.time_range, self.confidence = "ALL", "ALL"
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[str, QPushButton] = {}
        for outcome in QUEUE_OUTCOMES:
            chip = FittedButton(outcome_word(outcome), objectName="chip", checkable=True)
            chip.clicked.connect(self._outcomes_changed)
            self.chips[outcome] = chip
        self.pickers: dict[str, QPushButton] = {}
        for name in ("time", "recipe", "model", "confidence", "sort", "state"):
            button = QPushButton(objectName="picker")
            button.clicked.connect(lambda _=False, n=name: self.pick(n))
            self.pickers[name] = button
        self.arrange(narrow=True)
        model.queue_changed.connect(self.refresh)
        self.refresh()

    def arrange(self, *, narrow: bool) -> None:
        """Narrow (above the list): chips two by two; else one row of chips. Pickers two a row, caption over value."""
        for widget in (*self.chips.values(), *self.pickers.values()):
            self.grid.removeWidget(widget)
        per_row = 2 if narrow else 4
        for i, chip in enumerate(self.chips.values()):
            self.grid.addWidget(chip, i // per_row, (i % per_row) * (4 // per_row), 1, 4 // per_row)
        first = (len(self.chips) + per_row - 1) // per_row
        for i, button in enumerate(self.pickers.values()):
            self.grid.addWidget(button, first + i // 2, (i % 2) * 2, 1, 2)
        for column in range(4):
            self.grid.setColumnStretch(column, 1)

    def _outcomes_changed(self) -> None:
        chosen = [o for o, chip in self.chips.items() if chip.isChecked()]
        self.apply(outcomes=chosen or None)

    def apply(self, **changes: Any) -> bool:
        try:
            self.model.set_filters(**changes)
        except ReviewError as e:
            self.error.emit(str(e))
            return False
        return True

    def choices(self, name: str) -> tuple[list[str], str, Callable[[str], dict]]:
        """(choices, current, choice -> filter changes) of one picker."""
        f = self.model.filters
        if name == "time":
            return list(TIME_RANGES), self.time_range, lambda c: {"since": since_for(c), "until": None}
        if name == "recipe":
            review = self.model.review
            recipes = review.recipes() if hasattr(review, "recipes") else [  # the runtime's list over the API
                r["recipe"] for r in review.store.query(  # walks the (recipe, wall_time) index
                    "SELECT DISTINCT recipe FROM parts WHERE recipe IS NOT NULL ORDER BY recipe")]
            return ["ALL", *recipes], f.recipe or "ALL", lambda c: {"recipe": None if c == "ALL" else c}
        if name == "model":
            keys = self.model.review.model_keys()
            return ["ALL", *keys], f.model_key or "ALL", lambda c: {"model_key": None if c == "ALL" else c}
        if name == "confidence":
            return (list(CONFIDENCE_RANGES), self.confidence,
                    lambda c: dict(zip(("min_confidence", "max_confidence"), CONFIDENCE_RANGES[c])))
        if name == "sort":
            names = {v: k for k, v in SORT_NAMES.items()}
            return list(names), SORT_NAMES[self.model.sort], lambda c: {"sort": names[c]}
        states = {v: k for k, v in STATES.items()}
        return list(states), STATES[f.state], lambda c: {"state": states[c]}

    def pick(self, name: str) -> ChoicePicker:
        """One picker's dialog, its choices in the window's language (ALL too); the choice goes back as its key."""
        choices, current, _ = self.choices(name)
        if name in TRANSLATED_CHOICES:
            shown = {tr(c): c for c in choices}
        else:
            shown = {(tr(c) if c == "ALL" else c): c for c in choices}
        said = {key: text for text, key in shown.items()}
        self.picker = ChoicePicker(tr(PICKER_CAPTIONS[name]), list(shown), said.get(current, current), self)
        self.picker.accepted.connect(lambda: self.choose(name, shown.get(self.picker.chosen, self.picker.chosen)))
        self.picker.open()
        return self.picker

    def choose(self, name: str, choice: str | None) -> None:
        """Apply one picker's choice (what a tap in its dialog does)."""
        if choice is None:
            return
        _, _, changes_for = self.choices(name)
        changes = changes_for(choice)
        if name == "sort":
            self.model.set_sort(changes["sort"])
            return
        if self.apply(**changes):
            if name == "time":
                self.time_range = choice
            elif name == "confidence":
                self.confidence = choice
            self.refresh()

    def refresh(self) -> None:
        f = self.model.filters
        for outcome, chip in self.chips.items():
            chip.setChecked(outcome in (f.outcomes or ()))
        values = {"time": self.time_range, "recipe": f.recipe or "ALL", "model": f.model_key or "ALL",
                  "confidence": self.confidence, "sort": SORT_NAMES[self.model.sort], "state": STATES[f.state]}
        for name, value in values.items():
            if name in TRANSLATED_CHOICES or value == "ALL":
                value = tr(value)
            short = value if len(value) <= 18 else value[:17] + "…"
            self.pickers[name].setText(f"{tr(PICKER_CAPTIONS[name])}\n{short}")
            self.pickers[name].setToolTip(value)


class QueueList(QListWidget):
    """The parts of the queue page by page; the row on show is selected, tapping a row shows it."""

    def __init__(self, model: ReviewModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.currentRowChanged.connect(self._tapped)
        self.verticalScrollBar().valueChanged.connect(self._maybe_more)
        model.queue_changed.connect(self.refresh)
        model.current_changed.connect(self._follow)
        self._filling = False
        self.refresh()

    def refresh(self) -> None:
        self._filling = True
        self.clear()
        for item in self.model.items:
            r = item.record
            _, background, _ = theme.verdict(r.outcome)
            done = " ✔" if item.label is not None else ""
            disputed = " · " + tr("DISPUTED") if r.part_id in self.model.disputed else ""
            said = covered_text().upper() if is_covered(r) else f"{r.confidence:.3f} {outcome_word(r.outcome)}"
            row = QListWidgetItem(f"{said}{done}{disputed}")
            row.setToolTip(f"#{r.part_id} {r.reason}")
            row.setForeground(QColor(background if r.outcome != "pass" else "#4ade80"))
            self.addItem(row)
        self._filling = False
        self._follow()

    def _follow(self) -> None:
        self._filling = True
        self.setCurrentRow(self.model.index)
        if self.currentItem() is not None:
            self.scrollToItem(self.currentItem())
        self._filling = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.currentItem() is not None:  # the row on show stays in sight when the list changes size
            self.scrollToItem(self.currentItem())

    def _tapped(self, row: int) -> None:
        if not self._filling and row >= 0:
            self.model.go(row)

    def _maybe_more(self, value: int) -> None:
        if value >= self.verticalScrollBar().maximum() and self.model.next_after is not None:
            self.model.load_more()
