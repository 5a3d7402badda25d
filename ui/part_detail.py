"""One part full size: its frame with overlays, the verdict and why, and what decided it."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.i18n import tr, tr_noop
from ui.model import InspectedPart
from ui.part_image import PartImage
from ui.reasons import reason_text
from ui.sheet import Sheet
from ui.verdict import detail_line, verdict_of


# the runtime's fail-safe causes (inspector.types.FailSafeCause) in the window's language
FAIL_SAFE_CAUSES = {
    "no_frame": tr_noop("no frame"), "model_error": tr_noop("model error"), "late": tr_noop("too late"),
    "queue_full": tr_noop("queue full"), "stopped": tr_noop("line stopped"),
    "record_not_durable": tr_noop("record not durable"), "not_journaled": tr_noop("not journaled"),
    "lost_in_crash": tr_noop("lost in a crash"),
}


def facts(part: InspectedPart) -> list[tuple[str, str]]:
    """(caption, value) rows shown beside the picture (captions in the window's language; the runtime's reason as
    it wrote it)."""
    r = part.record
    rows = [(tr("Part"), f"#{r.part_id}"), (tr("Why"), reason_text(r.reason)), (tr("Result"), detail_line(part))]
    try:
        rows.append((tr("Time"), datetime.fromisoformat(r.wall_time).astimezone().strftime("%H:%M:%S.%f")[:-3]))
    except ValueError:
        pass
    if "trigger_to_decision" in r.timings_ms:
        rows.append((tr("Decided in"), f"{r.timings_ms['trigger_to_decision']:.0f} ms"))
    rows.append((tr("Pushed off"), tr("yes") if r.actuated else tr("no")))
    if r.fail_safe_cause:
        cause = FAIL_SAFE_CAUSES.get(r.fail_safe_cause)
        rows.append((tr("Fail-safe"), tr(cause) if cause else r.fail_safe_cause))
    overlay = part.overlay
    if overlay.empty_slots:
        rows.append((tr("Unseen slots") if overlay.slots_unseen else tr("Empty slots"), str(len(overlay.empty_slots))))
    rows += [(tr("Model {name}").format(name=name), version) for name, version in r.models.items()]
    rows.append((tr("Recipe"), r.recipe))
    return rows


class PartDetail(Sheet):
    """Fills the window; one big button, always in view, closes it."""

    def __init__(self, part: InspectedPart, parent: QWidget | None = None):
        super().__init__(parent)
        self.part = part
        self.setWindowTitle(tr("Part #{part}").format(part=part.record.part_id))
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
        close = QPushButton(tr("CLOSE"))
        close.clicked.connect(self.accept)
        self.pin_buttons(self.verdict, stretch=1)
        self.pin_buttons(close, stretch=1)
        layout = QHBoxLayout(self.body)
        layout.addWidget(self.image, 3)
        layout.addLayout(side, 2)
