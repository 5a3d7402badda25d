"""The verdict buttons (big enough for a gloved finger) and what the model said about the part on show."""
from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from inspector.qa.risk import is_covered
from ui.i18n import tr, tr_noop
from ui.review.model import CLASS_WORDS, VERDICT_WORDS, ReviewModel, word
from ui.review.queue_panel import covered_text, outcome_word

# name -> (text, tooltip, key hint, object name for the style sheet)
BUTTONS = {
    "confirm": (tr_noop("CONFIRM"), tr_noop("Confirm"), "Enter", "confirm"),
    "defect": (tr_noop("DEFECT"), tr_noop("Defect"), "D", "defect"),
    "good": (tr_noop("GOOD"), tr_noop("Good"), "G", "good"),
    "minus": (tr_noop("COUNT −"), tr_noop("Count −"), "−", ""),
    "plus": (tr_noop("COUNT +"), tr_noop("Count +"), "+", ""),
    "inconclusive": (tr_noop("UNSURE"), tr_noop("Unsure"), "I", ""),
    "undo": (tr_noop("UNDO"), tr_noop("Undo"), "Z", ""),
}


class VerdictBar(QWidget):
    def __init__(self, model: ReviewModel, parent=None):
        super().__init__(parent)
        self.model = model
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        places = {"confirm": (0, 0, 1, 2), "defect": (1, 0, 1, 1), "good": (1, 1, 1, 1), "minus": (2, 0, 1, 1),
                  "plus": (2, 1, 1, 1), "inconclusive": (3, 0, 1, 1), "undo": (3, 1, 1, 1)}
        for name, (text, tip, key, style) in BUTTONS.items():
            button = QPushButton(tr(text))
            button.setToolTip(f"{tr(tip)} ({key})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the screen's shortcuts
            button.setObjectName(style or "verdict")
            grid.addWidget(button, *places[name])
            self.buttons[name] = button
        b = self.buttons
        b["confirm"].clicked.connect(model.confirm)
        b["defect"].clicked.connect(lambda: model.set_class("defect"))
        b["good"].clicked.connect(lambda: model.set_class("good"))
        b["minus"].clicked.connect(lambda: model.step_count(-1))
        b["plus"].clicked.connect(lambda: model.step_count(+1))
        b["inconclusive"].clicked.connect(model.inconclusive)
        b["undo"].clicked.connect(model.undo)
        model.current_changed.connect(self.refresh)
        model.draft_changed.connect(self.refresh)
        model.submitted.connect(self.refresh)
        model.undone.connect(self.refresh)
        self.refresh()

    def refresh(self, *_) -> None:
        item, edited = self.model.current, self.model.draft.edited
        for button in self.buttons.values():
            button.setEnabled(item is not None)
        target = None if edited else self.model.undo_target()
        undo = self.buttons["undo"]
        undo.setEnabled(edited or target is not None)  # the last verdict can be taken back with the queue empty
        undo.setText(tr("UNDO EDIT") if edited else (tr("UNDO LAST") if target is not None else tr("UNDO")))
        undo.setToolTip(tr("Undo the unsaved edits (Z)") if edited else (
            tr("Undo the {verdict} on part #{part} (Z)").format(verdict=word(target[0].verdict, VERDICT_WORDS),
                                                              part=target[1].record.part_id)
            if target else tr("Nothing to undo")))
        self.buttons["confirm"].setText(tr("SAVE CORRECTION") if edited else tr("CONFIRM"))
        counted = self.model.counted
        self.buttons["minus"].setVisible(counted)
        self.buttons["plus"].setVisible(counted)
        classified = item is None or item.record.label is not None or item.record.p_defect is not None
        self.buttons["defect"].setVisible(classified or not counted)
        self.buttons["good"].setVisible(classified or not counted)


def item_rows(model: ReviewModel) -> list[tuple[str, str]]:
    """(caption, value) rows: the model's output, the value on show and its edits, where the part came from."""
    item = model.current
    if item is None:
        return []
    r, shown = item.record, model.shown
    covered = is_covered(r)
    rows = [(tr("Part"), f"#{r.part_id}  {outcome_word(r.outcome)}"),
            (tr("Confidence"), "–" if covered else f"{r.confidence:.3f}")]
    said = []
    if covered:  # what was found under the hand is not shown as a count
        said.append(tr("{covered} (count unknown, {n} expected)").format(covered=covered_text(), n=r.expected)
                    if r.expected is not None else tr("{covered} (count unknown)").format(covered=covered_text()))
    if r.label is not None:
        said.append(word(r.label, CLASS_WORDS) + (f" (p {r.p_defect:.2f})" if r.p_defect is not None else ""))
    if r.count is not None and not covered:
        said.append(tr("{n} counted of {expected}").format(n=r.count, expected=r.expected)
                    if r.expected is not None else tr("{n} counted").format(n=r.count))
    rows.append((tr("Model said"), ", ".join(said) or r.reason))  # the runtime's reason stays as it wrote it
    if model.auditing:
        rows.append((tr("Audit"), tr("second look: give your own verdict; the first one is not shown")))
    elif r.part_id in model.disputed:
        rows.append((tr("Disputed"), tr("the audit disagreed: a third look decides")))
    if shown.source == "qa":
        rows.append((tr("QA said"), ", ".join(word(v, CLASS_WORDS) for v in (shown.label, shown.count)
                                               if v is not None)))
    now = []
    if model.draft.label is not None:
        now.append(tr("class → {value}").format(value=word(model.draft.label, CLASS_WORDS)))
    if model.draft.points is not None or model.draft.count is not None:
        now.append(tr("count → {value}").format(value=model.count))
    if now:
        rows.append((tr("Your edit"), ", ".join(now)))
    if item.label is not None and not model.auditing:
        text = tr("{verdict} by {reviewer} (an undo)") if item.label.undoes is not None else tr("{verdict} by {reviewer}")
        rows.append((tr("Reviewed"), text.format(verdict=word(item.label.verdict, VERDICT_WORDS),
                                                 reviewer=item.label.reviewer)))
    target = model.undo_target()
    if target is not None and not model.draft.edited and target[1].record.part_id != r.part_id:
        rows.append((tr("UNDO LAST"), tr("takes back the {verdict} on #{part}").format(
            verdict=word(target[0].verdict, VERDICT_WORDS), part=target[1].record.part_id)))
    try:
        rows.append((tr("Time"), datetime.fromisoformat(r.wall_time).astimezone().strftime("%d.%m. %H:%M:%S")))
    except ValueError:
        pass
    rows.append((tr("Recipe"), r.recipe))
    rows += [(name, version) for name, version in r.models.items()]
    return rows


class ItemInfo(QWidget):
    def __init__(self, model: ReviewModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.text = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        self.setMinimumHeight(40)
        scroll.setMinimumHeight(40)
        model.current_changed.connect(self.refresh)
        model.draft_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        rows = item_rows(self.model)
        if not rows:
            self.text.setText(f"<span style='color:#b4bfcc'>{html.escape(tr('The queue is empty for these filters.'))}"
                              "</span>")
            return
        self.text.setText("".join(f"<span style='color:#b4bfcc'>{html.escape(c)}:</span> <b>{html.escape(v)}</b><br>"
                                  for c, v in rows))

    def row(self, caption: str) -> str | None:
        """The value of the row ``caption`` (its English caption, shown in the window's language)."""
        return dict(item_rows(self.model)).get(tr(caption))
