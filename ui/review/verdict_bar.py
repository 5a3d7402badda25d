"""The verdict buttons (big enough for a gloved finger) and what the model said about the part on show."""
from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from inspector.qa.risk import COVERED_TEXT, is_covered
from ui import theme
from ui.review.model import ReviewModel

# name -> (text, key hint, object name for the style sheet)
BUTTONS = {
    "confirm": ("CONFIRM", "Enter", "confirm"),
    "defect": ("DEFECT", "D", "defect"),
    "good": ("GOOD", "G", "good"),
    "minus": ("COUNT −", "−", ""),
    "plus": ("COUNT +", "+", ""),
    "inconclusive": ("UNSURE", "I", ""),
    "undo": ("UNDO", "Z", ""),
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
        for name, (text, key, style) in BUTTONS.items():
            button = QPushButton(text)
            button.setToolTip(f"{text.title()} ({key})")
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
        undo.setText("UNDO EDIT" if edited else ("UNDO LAST" if target is not None else "UNDO"))
        undo.setToolTip("Undo the unsaved edits (Z)" if edited else (
            f"Undo the {target[0].verdict} on part #{target[1].record.part_id} (Z)" if target else "Nothing to undo"))
        self.buttons["confirm"].setText("SAVE CORRECTION" if edited else "CONFIRM")
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
    rows = [("Part", f"#{r.part_id}  {theme.verdict(r.outcome)[0]}"),
            ("Confidence", "–" if covered else f"{r.confidence:.3f}")]
    said = []
    if covered:  # what was found under the hand is not shown as a count
        said.append(f"{COVERED_TEXT} (count unknown" + (f", {r.expected} expected)" if r.expected is not None else ")"))
    if r.label is not None:
        said.append(r.label + (f" (p {r.p_defect:.2f})" if r.p_defect is not None else ""))
    if r.count is not None and not covered:
        said.append(f"{r.count} counted" + (f" of {r.expected}" if r.expected is not None else ""))
    rows.append(("Model said", ", ".join(said) or r.reason))
    if model.auditing:
        rows.append(("Audit", "second look: give your own verdict; the first one is not shown"))
    elif r.part_id in model.disputed:
        rows.append(("Disputed", "the audit disagreed: a third look decides"))
    if shown.source == "qa":
        rows.append(("QA said", ", ".join(str(v) for v in (shown.label, shown.count) if v is not None)))
    now = []
    if model.draft.label is not None:
        now.append(f"class → {model.draft.label}")
    if model.draft.points is not None or model.draft.count is not None:
        now.append(f"count → {model.count}")
    if now:
        rows.append(("Your edit", ", ".join(now)))
    if item.label is not None and not model.auditing:
        undone = " (an undo)" if item.label.undoes is not None else ""
        rows.append(("Reviewed", f"{item.label.verdict} by {item.label.reviewer}{undone}"))
    target = model.undo_target()
    if target is not None and not model.draft.edited and target[1].record.part_id != r.part_id:
        rows.append(("UNDO LAST", f"takes back the {target[0].verdict} on #{target[1].record.part_id}"))
    try:
        rows.append(("Time", datetime.fromisoformat(r.wall_time).astimezone().strftime("%d %b %H:%M:%S")))
    except ValueError:
        pass
    rows.append(("Recipe", r.recipe))
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
            self.text.setText("<span style='color:#b4bfcc'>The queue is empty for these filters.</span>")
            return
        self.text.setText("".join(f"<span style='color:#b4bfcc'>{html.escape(c)}:</span> <b>{html.escape(v)}</b><br>"
                                  for c, v in rows))

    def row(self, caption: str) -> str | None:
        return dict(item_rows(self.model)).get(caption)
