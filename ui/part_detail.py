"""One part full size: its frame with overlays, the verdict and why, and what decided it."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.model import InspectedPart
from ui.part_image import PartImage
from ui.sheet import Sheet
from ui.verdict import detail_line, verdict_of


def facts(part: InspectedPart) -> list[tuple[str, str]]:
    """(caption, value) rows shown beside the picture."""
    r = part.record
    rows = [("Part", f"#{r.part_id}"), ("Why", r.reason), ("Result", detail_line(part))]
    try:
        rows.append(("Time", datetime.fromisoformat(r.wall_time).astimezone().strftime("%H:%M:%S.%f")[:-3]))
    except ValueError:
        pass
    if "trigger_to_decision" in r.timings_ms:
        rows.append(("Decided in", f"{r.timings_ms['trigger_to_decision']:.0f} ms"))
    rows.append(("Pushed off", "yes" if r.actuated else "no"))
    if r.fail_safe_cause:
        rows.append(("Fail-safe", r.fail_safe_cause))
    overlay = part.overlay
    if overlay.empty_slots:
        rows.append(("Unseen slots" if overlay.slots_unseen else "Empty slots", str(len(overlay.empty_slots))))
    rows += [(f"Model {name}", version) for name, version in r.models.items()]
    rows.append(("Recipe", r.recipe))
    return rows


class PartDetail(Sheet):
    """Fills the window; one big button, always in view, closes it."""

    def __init__(self, part: InspectedPart, parent: QWidget | None = None):
        super().__init__(parent)
        self.part = part
        self.setWindowTitle(f"Part #{part.record.part_id}")
        self.image = PartImage(part)
        word, background, colour = verdict_of(part)  # COVERED for a covered box
        self.verdict = QLabel(word, alignment=Qt.AlignmentFlag.AlignCenter, objectName="title")
        self.verdict.setStyleSheet(f"background: {background}; color: {colour}; border-radius: 6px; padding: 6px;")
        side = QGridLayout()  # caption beside its value: the facts fit 480 px without scrolling
        side.setVerticalSpacing(2)
        side.setColumnStretch(1, 1)
        self.rows: dict[str, QLabel] = {}
        for row, (caption, value) in enumerate(facts(part)):
            side.addWidget(QLabel(caption, objectName="caption"), row, 0, Qt.AlignmentFlag.AlignTop)
            label = QLabel(value, wordWrap=True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            side.addWidget(label, row, 1)
            self.rows[caption] = label
        side.setRowStretch(len(self.rows), 1)
        close = QPushButton("CLOSE")
        close.clicked.connect(self.accept)
        self.pin_buttons(self.verdict, stretch=1)
        self.pin_buttons(close, stretch=1)
        layout = QHBoxLayout(self.body)
        layout.addWidget(self.image, 3)
        layout.addLayout(side, 2)
