"""The review screen's model: the queue page on show, the item being reviewed, the reviewer's unsaved edits.

Views take it in ``__init__`` and follow its signals; every verdict goes through ``inspector.review.Review.submit``,
which writes a ``labels`` row and never touches the part's own row. A tap on the picture edits points only with the
POINT tool chosen (``tool``); the default tool only looks (zoom and pan). A saved verdict is undone through
``inspector.actions.undo_label``: a new label row, audited, with a reason (and the PIN again when logged in).
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QObject, Signal

from inspector.actions import submit_label, undo_label
from inspector.api.protocol import ApiError
from inspector.audit import AuditError
from inspector.qa.audits import ReviewAudits
from inspector.qa.risk import COVERED, is_covered
from inspector.review import PAGE_SIZE, ItemTimer, Label, QueueFilter, QueueItem, Review, ReviewError
from inspector.permissions import PermissionDenied
from inspector.users import LoginError

CLASSES = ("good", "defect")
TOOLS = ("look", "point")  # what a tap on the picture does: nothing (zoom and pan only), or add / remove a point
SORT_NAMES = {"risk": "RISK FIRST", "confidence": "LOWEST FIRST", "-confidence": "HIGHEST FIRST",
              "newest": "NEWEST FIRST"}


@dataclass
class Draft:
    """What the reviewer changed on the item shown, not yet saved."""

    label: str | None = None  # a new class
    points: list[list[float]] | None = None  # the cartridge centres after taps (None: not touched)
    count: int | None = None  # a count set with the +/- buttons, without points
    comment: str = ""

    @property
    def edited(self) -> bool:
        return self.label is not None or self.points is not None or self.count is not None


@dataclass(frozen=True)
class Shown:
    """The value on screen before any edit: the latest QA value of the part, else the model's."""

    label: str | None
    count: int | None
    points: list[list[float]] = field(default_factory=list)
    source: str = "model"


def shown_value(item: QueueItem) -> Shown:
    latest = item.label
    if latest is not None and latest.is_truth:
        return Shown(latest.label, latest.count, [list(p[:2]) for p in latest.points or []], "qa")
    r = item.record
    if is_covered(r):  # what the heat map found under a hand is no count: nothing to confirm but "covered"
        return Shown(COVERED, None, [])
    return Shown(r.label, r.count, [[float(p[0]), float(p[1])] for p in r.points or []])


class ReviewModel(QObject):
    queue_changed = Signal()
    current_changed = Signal()
    draft_changed = Signal()
    submitted = Signal(object)  # the Label written
    reviewer_changed = Signal(str)
    failed = Signal(str)  # a verdict the core refused: the message says why
    signature_needed = Signal(str)  # a logged-in user's correction: PIN again and a reason (finish_signed)
    tool_changed = Signal(str)
    undo_needed = Signal(str)  # undo of a saved verdict asked: a reason (and the PIN when logged in), finish_undo
    undone = Signal(object)  # the undo row written

    def __init__(self, review: Review, *, reviewer: str | None = None, session=None, page_size: int = PAGE_SIZE,
                 audits: ReviewAudits | None = None, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.review, self.session, self.page_size, self.audits = review, session, page_size, audits
        self._reviewer = (reviewer or "").strip()
        self.filters = QueueFilter()
        self.sort = "risk"
        self.auditing = False  # showing the audits this reviewer may take (blind) instead of the queue
        self.audit_ids: dict[int, int] = {}  # part id -> audit id, of the items on show while auditing
        self.disputed: set[int] = set()  # parts on show that failed their audit and wait for a third look
        self.items: list[QueueItem] = []
        self.next_after: tuple | None = None
        self.index = -1
        self.draft = Draft()
        self.timer = ItemTimer(clock)
        self.reviewed = 0  # verdicts given on this screen
        self.pending: tuple[int, str, dict] | None = None  # a correction waiting for its signature
        self.tool = "look"
        self.last_saved: tuple[Label, QueueItem] | None = None  # the latest verdict given here, for UNDO
        self.undoing: tuple[Label, QueueItem] | None = None  # an undo waiting for its reason

    # -- who ----------------------------------------------------------------------------------------------------
    @property
    def reviewer(self) -> str:
        user = getattr(self.session, "user", None)
        return getattr(user, "name", None) or self._reviewer

    def set_reviewer(self, name: str) -> None:
        if name.strip() != self._reviewer:
            self.last_saved = None  # UNDO LAST is the last verdict of the person reviewing now
        self._reviewer = name.strip()
        self.reviewer_changed.emit(self.reviewer)

    # -- the queue ----------------------------------------------------------------------------------------------
    def set_filters(self, **changes) -> None:
        """Change some filters (QueueFilter's fields) and reload; a bad value raises ReviewError, nothing changes."""
        self.filters = dataclasses.replace(self.filters, **changes)
        self.reload()

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.reload()

    def set_auditing(self, on: bool) -> None:
        """Show the audits this reviewer may take (others' verdicts, blind), or the queue again."""
        self.auditing = bool(on) and self.audits is not None
        self.reload()

    def pending_audits(self) -> int:
        return self.audits.pending_count(self.reviewer or None) if self.audits is not None else 0

    def reload(self) -> None:
        if self.auditing:
            pending = self.audits.pending(self.reviewer, limit=self.page_size)
            self.audit_ids = {item.record.part_id: audit.id for audit, item in pending}
            self.items, self.next_after = [item for _, item in pending], None
        else:
            page = self.review.queue(self.filters, sort=self.sort, limit=self.page_size)
            self.items, self.next_after = page.items, page.next_after
        self._mark_disputed()
        self.queue_changed.emit()
        self._show(0 if self.items else -1)

    def load_more(self) -> bool:
        if self.next_after is None:
            return False
        page = self.review.queue(self.filters, sort=self.sort, after=self.next_after, limit=self.page_size)
        known = {i.record.part_id for i in self.items}
        self.items += [i for i in page.items if i.record.part_id not in known]
        self.next_after = page.next_after
        self._mark_disputed()
        self.queue_changed.emit()
        return True

    def _mark_disputed(self) -> None:
        ids = [i.record.part_id for i in self.items]
        self.disputed = self.audits.disputed(ids) if self.audits is not None and not self.auditing else set()

    @property
    def current(self) -> QueueItem | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    @property
    def shown(self) -> Shown | None:
        item = self.current
        return None if item is None else shown_value(item)

    def go(self, index: int) -> None:
        if 0 <= index < len(self.items) and index != self.index:
            self._show(index)

    def next(self) -> None:
        if self.index + 1 >= len(self.items):
            self.load_more()
        self.go(self.index + 1)

    def prev(self) -> None:
        self.go(self.index - 1)

    def _show(self, index: int) -> None:
        self.index = index
        self.draft = Draft()
        self.timer.restart()
        if self.tool == "point" and not self.counted:
            self.set_tool("look")
        self.current_changed.emit()
        self.draft_changed.emit()

    # -- the picture's tool -------------------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        """``look`` (taps only zoom and pan) or ``point`` (a tap adds or removes a cartridge point; counted parts)."""
        if tool not in TOOLS:
            raise ReviewError(f"tool {tool!r} is not one of {', '.join(TOOLS)}")
        if tool == "point" and not self.counted:
            tool = "look"
        if tool != self.tool:
            self.tool = tool
            self.tool_changed.emit(tool)

    def toggle_point_tool(self) -> None:
        self.set_tool("look" if self.tool == "point" else "point")

    # -- edits --------------------------------------------------------------------------------------------------
    @property
    def points(self) -> list[list[float]]:
        """The cartridge centres on show: the reviewer's, else the shown value's."""
        if self.draft.points is not None:
            return self.draft.points
        shown = self.shown
        return [list(p) for p in shown.points] if shown else []

    @property
    def count(self) -> int | None:
        if self.draft.count is not None:
            return self.draft.count
        if self.draft.points is not None:
            return len(self.draft.points)
        shown = self.shown
        return shown.count if shown else None

    @property
    def label(self) -> str | None:
        shown = self.shown
        return self.draft.label or (shown.label if shown else None)

    @property
    def counted(self) -> bool:
        """Whether the part on show is one whose items are counted (a box of cartridges)."""
        r = self.current.record if self.current else None
        return r is not None and (r.count is not None or r.expected is not None)

    def tap(self, x: float, y: float, radius: float) -> bool:
        """A tap on the picture at frame pixel (x, y) with the POINT tool: on a point (within ``radius``) removes it,
        else adds one. With the LOOK tool, or on a part that is not counted, nothing changes (False)."""
        if self.tool != "point" or not self.counted:
            return False
        points = [list(p) for p in self.points]
        near = min(range(len(points)), key=lambda i: math.dist(points[i][:2], (x, y)), default=None)
        if near is not None and math.dist(points[near][:2], (x, y)) <= radius:
            del points[near]
        else:
            points.append([round(float(x), 1), round(float(y), 1)])
        self.draft.points, self.draft.count = points, None
        self.draft_changed.emit()
        return True

    def step_count(self, delta: int) -> None:
        """Count +/- without placing points (a cartridge the picture cannot show)."""
        if not self.counted:
            return
        self.draft.count = max(0, (self.count or 0) + delta)
        self.draft.points = None
        self.draft_changed.emit()

    def set_comment(self, text: str) -> None:
        self.draft.comment = text

    def undo_edits(self) -> None:
        self.draft = Draft(comment=self.draft.comment)
        self.draft_changed.emit()

    def undo(self) -> None:
        """UNDO (Z): the unsaved edits first; with none, the last saved verdict (a reason is asked)."""
        if self.draft.edited:
            self.undo_edits()
        else:
            self.undo_verdict()

    # -- verdicts -----------------------------------------------------------------------------------------------
    def confirm(self) -> Label | None:
        """Save what is shown: a confirm when nothing was changed, else a correction with the changes."""
        return self._submit(None)

    def set_class(self, label: str) -> Label | None:
        """The part is ``label`` (good or defect): a confirm when the shown class already says so, else a correction."""
        if label not in CLASSES:
            raise ReviewError(f"class {label!r} is not one of {', '.join(CLASSES)}")
        shown = self.shown
        if shown is not None and label != shown.label:
            self.draft.label = label
        return self._submit(None)

    def inconclusive(self) -> Label | None:
        return self._submit("inconclusive")

    def _submit(self, verdict: str | None) -> Label | None:
        item = self.current
        if item is None:
            return None
        d, shown = self.draft, shown_value(item)
        values: dict = {}
        if verdict is None:
            if d.label is not None and d.label != shown.label:
                values["label"] = d.label
            if d.points is not None and [p[:2] for p in d.points] != [p[:2] for p in shown.points]:
                values["points"] = d.points
            elif d.count is not None and d.count != shown.count:
                values["count"] = d.count
            verdict = "correct" if values else "confirm"
        kwargs = {"comment": d.comment.strip() or None, "seconds_spent": min(self.timer.seconds, 86399.0), **values}
        if self.session is not None and verdict == "correct":
            self.pending = (item.record.part_id, verdict, kwargs)
            what = ", ".join(f"{k} → {len(v) if k == 'points' else v}" for k, v in values.items())
            self.signature_needed.emit(f"Correct part #{item.record.part_id}: {what.replace('points', 'count')}")
            return None
        return self._write(item.record.part_id, verdict, kwargs)

    def finish_signed(self, pin: str | None, reason: str | None) -> Label | None:
        """The signature for the pending correction (None, None: cancelled, nothing is written)."""
        pending, self.pending = self.pending, None
        if pending is None or pin is None:
            return None
        return self._write(*pending, pin=pin, reason=reason)

    def _write(self, part_id: int, verdict: str, kwargs: dict, **signature) -> Label | None:
        """Through the core: as the logged-in user (checked and audited) when there is one, else as the named one."""
        try:
            as_user = getattr(self.review, "submit_as", None)  # over the API: the runtime checks, signs, audits
            if self.session is not None and as_user is not None:
                def write(part, said, **kw):
                    return as_user(self.session, part, said, **signature, **kw)
            elif self.session is not None:
                def write(part, said, **kw):
                    return submit_label(self.session, self.review, part, said, **signature, **kw)
            else:
                def write(part, said, **kw):
                    return self.review.submit(part, self.reviewer, said, **kw)
            if self.auditing and part_id in self.audit_ids:  # the second, blind verdict on another's
                label, _ = self.audits.submit(self.audit_ids[part_id], self.reviewer, verdict, via=write, **kwargs)
            else:
                label = write(part_id, verdict, **kwargs)
        except (ReviewError, PermissionError, LoginError, AuditError) as e:
            self.failed.emit(str(e))
            return None
        item = next((i for i in self.items if i.record.part_id == part_id), None)
        if item is not None and not self.auditing:
            self.last_saved = (label, QueueItem(item.record, label))
        self.reviewed += 1
        self.submitted.emit(label)
        if self.current is not None and self.current.record.part_id == part_id:
            self._advance(label)
        return label

    def _advance(self, label: Label) -> None:
        """Move on: in the open queue the reviewed item leaves the list; elsewhere it stays with its new label."""
        if self.filters.state == "open" or self.auditing:
            del self.items[self.index]
            self.queue_changed.emit()
            if self.index >= len(self.items):
                self.load_more()
            self._show(min(self.index, len(self.items) - 1))
        else:
            self.items[self.index] = QueueItem(self.items[self.index].record, label)
            self.queue_changed.emit()
            if self.index + 1 < len(self.items) or self.load_more():
                self._show(self.index + 1)
            else:
                self._show(self.index)

    # -- undo of a saved verdict --------------------------------------------------------------------------------
    def undo_target(self) -> tuple[Label, QueueItem] | None:
        """The verdict UNDO takes back: the last one given on this screen, else the one on the part shown (never a
        blind audit's: the first reviewer's verdict stays hidden)."""
        if self.auditing:
            return None
        if self.last_saved is not None:
            return self.last_saved
        item = self.current
        return (item.label, item) if item is not None and item.label is not None else None

    def undo_verdict(self) -> bool:
        """Ask for the reason (and the PIN when logged in) to undo ``undo_target``; False when there is none."""
        target = self.undo_target()
        if target is None:
            return False
        self.undoing = target
        label, item = target
        self.undo_needed.emit(f"Undo the verdict on part #{item.record.part_id}: {label.verdict} by {label.reviewer}")
        return True

    def finish_undo(self, pin: str | None, reason: str | None) -> Label | None:
        """The reason (and PIN) for the asked undo; ``reason`` None: cancelled, nothing is written. The part comes
        back on show with the value before the undone verdict."""
        target, self.undoing = self.undoing, None
        if target is None or reason is None:
            return None
        label, item = target
        part_id = item.record.part_id
        seconds = min(self.timer.seconds, 86399.0)
        try:
            remote = getattr(self.review, "undo_verdict", None)  # a client's adapter: op review_undo on the runtime
            if remote is not None:
                undo = remote(part_id, reason=reason, pin=pin, label_id=label.id, seconds_spent=seconds,
                              reviewer=None if self.session is not None else self.reviewer)
            else:
                undo = undo_label(self.session, self.review, part_id, reason=reason, pin=pin, label_id=label.id,
                                  reviewer=self.reviewer, seconds_spent=seconds)
        except (ReviewError, PermissionError, PermissionDenied, LoginError, AuditError, ApiError) as e:
            self.failed.emit(str(e))
            return None
        self.last_saved = None
        back = QueueItem(item.record, undo)
        at = next((n for n, i in enumerate(self.items) if i.record.part_id == part_id), None)
        if at is None:
            at = max(0, self.index)
            self.items.insert(at, back)
        else:
            self.items[at] = back
        self.queue_changed.emit()
        self.undone.emit(undo)
        self._show(at)
        return undo
