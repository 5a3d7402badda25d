"""The QA review screen: the queue on the left, the part in the middle, what the model said and the verdicts on the
right; the reports one tap away; AUDITS lists the others' verdicts sampled for this reviewer's blind second look.
Works with keys (Enter, D, G, I, arrows, O, P, +/−, Z) and with touch alike: the picture zooms (pinch, double tap,
wheel) and only the POINT tool edits points; UNDO takes back unsaved edits, else the last saved verdict (a new label
row, with a reason); names, comments and reasons are typed on the on-screen keyboard (``ui.keyboard``) or picked.

On a small screen (the Pi's 800 x 480) the filters take the place of the review while FILTERS is pressed.
"""
from __future__ import annotations

from pathlib import Path
from string import Template

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLayout, QLineEdit, QPushButton, QSizePolicy, QStackedWidget,
                               QVBoxLayout, QWidget)

from inspector import shipped
from inspector.qa.audits import ReviewAudits
from inspector.review import Review
from ui import keyboard, theme
from ui.review.item_view import ItemView
from ui.review.model import ReviewModel
from ui.controls import ChoicePicker
from ui.review.queue_panel import FilterPanel, QueueList
from ui.review.verdict_bar import ItemInfo, VerdictBar

REVIEW_QSS = shipped.resource("theme/review.qss")
WIDE_MIN = (1280, 720)  # from this size on, the filters stay beside the list

CORRECTION_REASONS = ("Model missed a defect", "Model called a good part defect", "Count was wrong",
                      "Other: see the comment")
UNDO_REASONS = ("Tapped the wrong verdict", "Wrong part on show", "Miscounted", "Other: see the details")
COMMENT_PHRASES = ("glare", "blurred", "partly covered", "second look needed")

SHORTCUTS = {
    "confirm": ("Return", "Enter"), "defect": ("D",), "good": ("G",), "inconclusive": ("I",),
    "next": ("Right", "Down"), "prev": ("Left", "Up"), "overlays": ("O",), "plus": ("+", "="), "minus": ("-",),
    "undo": ("Z",), "point": ("P",),
}


def style_sheet(scale: float) -> str:
    """The operator style sheet and the review additions, for a screen ``scale`` times 800 x 480."""
    sizes = {"touch": max(theme.TOUCH_MIN_PX, round(52 * scale)), "radius": round(6 * scale),
             "pad": round(12 * scale), "base": round(16 * scale), "small": round(13 * scale), "bar": round(20 * scale)}
    return theme.style_sheet(scale) + Template(REVIEW_QSS.read_text()).substitute(sizes)


def known_reviewers(review: Review) -> list[str]:
    """Names to pick from: the station's QA users (when users are set up), then everyone who has reviewed."""
    if hasattr(review, "reviewers"):  # over the API (ui.review.remote): the runtime reads them
        return review.reviewers()
    store = review.store
    names: list[str] = []
    try:
        names += [r["name"] for r in store.query("SELECT name FROM users WHERE role = 'qa' AND active = 1 ORDER BY name")]
    except Exception:  # noqa: BLE001 - a database from before the users table
        pass
    names += [r["reviewer"] for r in store.query("SELECT DISTINCT reviewer FROM labels ORDER BY reviewer")]
    return list(dict.fromkeys(names))


class ReviewScreen(QWidget):
    back = Signal()  # to the operator screen

    def __init__(self, review: Review, *, reviewer: str | None = None, session=None, reviewers: list[str] = (),
                 export_dir: Path | None = None, audits: ReviewAudits | None = None, clock=None, parent=None):
        super().__init__(parent)
        self.review = review
        timing = {"clock": clock} if clock is not None else {}
        self.model = ReviewModel(review, reviewer=reviewer, session=session, audits=audits, parent=self, **timing)
        self.reviewers = list(reviewers)
        self.export_dir = export_dir
        self.reports = None
        self.picker: ChoicePicker | None = None
        self.scale, self.wide = 0.0, None

        self.back_button = QPushButton("◀  LINE")
        self.back_button.clicked.connect(self.back.emit)
        self.reviewer_button = QPushButton()
        self.reviewer_button.clicked.connect(self.pick_reviewer)
        self.filters_button = QPushButton("FILTERS", checkable=True)
        self.filters_button.clicked.connect(self.toggle_filters)
        self.reports_button = QPushButton("REPORTS", checkable=True)
        self.reports_button.clicked.connect(self.toggle_reports)
        self.audits_button = QPushButton("AUDITS", checkable=True)
        self.audits_button.clicked.connect(self.toggle_audits)
        self.audits_button.setVisible(audits is not None)
        self.counter = QLabel(objectName="caption", wordWrap=True)  # two short lines rather than squeezed buttons
        self.message = QLabel(objectName="message")
        news = QVBoxLayout()
        news.setSpacing(0)
        news.addWidget(self.counter)
        news.addWidget(self.message)
        header = QHBoxLayout()
        header.addWidget(self.back_button, 0)
        header.addWidget(self.reviewer_button, 0)
        header.addLayout(news, 1)
        header.addWidget(self.filters_button, 0)
        header.addWidget(self.audits_button, 0)
        header.addWidget(self.reports_button, 0)

        self.filters = FilterPanel(self.model)
        self.filters.error.connect(self.message.setText)
        self.queue = QueueList(self.model)
        self.item = ItemView(self.model)
        self.info = ItemInfo(self.model)
        self.verdicts = VerdictBar(self.model)
        self.overlays_button = QPushButton("OVERLAYS", checkable=True, checked=True)
        self.overlays_button.toggled.connect(self.item.set_overlays)
        self.item.toggled.connect(self.overlays_button.setChecked)
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.prev_button.clicked.connect(self.model.prev)
        self.next_button.clicked.connect(self.model.next)
        self.point_button = QPushButton("POINT", checkable=True)
        self.point_button.setToolTip("POINT tool (P): a tap on the picture adds or removes a cartridge")
        self.point_button.clicked.connect(self.model.toggle_point_tool)
        self.model.tool_changed.connect(lambda tool: self.point_button.setChecked(tool == "point"))
        self.item.looked.connect(self.message.setText)
        self.comment = keyboard.attach(QLineEdit(placeholderText="Comment"), phrases=COMMENT_PHRASES)
        self.comment.textEdited.connect(self.model.set_comment)
        for button in (self.back_button, self.reviewer_button, self.filters_button, self.reports_button,
                       self.audits_button, self.overlays_button, self.point_button, self.prev_button,
                       self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for button in (self.prev_button, self.next_button):  # the room goes to the comment
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        self.left = QVBoxLayout()
        self.left.setContentsMargins(0, 0, 0, 0)
        self.left.addWidget(self.queue, 1)
        centre = QVBoxLayout()
        centre.addWidget(self.item, 1)
        self.under = QHBoxLayout()
        self.under.addWidget(self.prev_button)
        self.under.addWidget(self.comment, 1)
        self.under.addWidget(self.point_button)
        self.under.addWidget(self.overlays_button)
        self.under.addWidget(self.next_button)
        centre.addLayout(self.under)
        self.comment_row = QHBoxLayout()  # the comment's own row on a small screen, where the arrows leave it no room
        centre.addLayout(self.comment_row)
        side = QVBoxLayout()
        side.addWidget(self.info, 1)
        side.addWidget(self.verdicts, 0)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(self.left, 24)
        row.addLayout(centre, 48)
        row.addLayout(side, 28)
        self.filters_page = QWidget()
        QVBoxLayout(self.filters_page).setContentsMargins(0, 0, 0, 0)
        self.reports_page = QWidget()
        QVBoxLayout(self.reports_page).setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget()
        for page in (body, self.filters_page, self.reports_page):
            self.pages.addWidget(page)
        self.column = QVBoxLayout(self)
        self.column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # sizes follow the screen (fit_screen)
        self.column.addLayout(header)
        self.column.addWidget(self.pages, 1)

        self.shortcuts: dict[str, list[QShortcut]] = {}
        actions = {"confirm": self.model.confirm, "defect": lambda: self.model.set_class("defect"),
                   "good": lambda: self.model.set_class("good"), "inconclusive": self.model.inconclusive,
                   "next": self.model.next, "prev": self.model.prev, "overlays": self.item.toggle_overlays,
                   "plus": lambda: self.model.step_count(+1), "minus": lambda: self.model.step_count(-1),
                   "undo": self.model.undo, "point": self.model.toggle_point_tool}
        for name, keys in SHORTCUTS.items():
            self.shortcuts[name] = []
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(actions[name])
                self.shortcuts[name].append(shortcut)

        self.model.queue_changed.connect(self._count)
        self.model.current_changed.connect(self._item_changed)
        self.model.submitted.connect(lambda _: self._count())
        self.model.reviewer_changed.connect(self._reviewer_changed)
        self.model.failed.connect(self.message.setText)
        self.model.signature_needed.connect(self.sign)
        self.model.undo_needed.connect(self.ask_undo)
        self.model.undone.connect(lambda label: self.message.setText(
            f"#{label.part_id}: verdict undone by {label.reviewer} ({label.comment})"))
        self.model.current_changed.connect(self._tool_allowed)
        self.signing = None
        self.model.submitted.connect(lambda label: self.message.setText(
            f"#{label.part_id}: {label.verdict} by {label.reviewer} ({label.seconds_spent:.1f} s)"))
        self._reviewer_changed(self.model.reviewer)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.model.reload()

    # -- screen size -----------------------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self.fit_screen(self.window().width(), self.window().height())
        super().resizeEvent(event)

    def fit_screen(self, width: int, height: int) -> None:
        scale = theme.scale_for(width, height)
        if abs(scale - self.scale) > 0.02:
            self.scale = scale
            self.setStyleSheet(style_sheet(scale))
            m = round(4 * scale)
            self.column.setContentsMargins(m, m, m, m)
            self.column.setSpacing(m)
            if self.reports is not None:
                self.reports.set_scale(scale)
        wide = width >= WIDE_MIN[0] and height >= WIDE_MIN[1]
        if wide != self.wide:
            self.wide = wide
            self.filters.arrange(narrow=wide)
            if wide:
                self.left.insertWidget(0, self.filters, 0)
                if self.pages.currentIndex() == 1:
                    self.pages.setCurrentIndex(0)
            else:
                self.filters_page.layout().addWidget(self.filters)
            if wide:
                self.comment_row.removeWidget(self.comment)
                self.under.insertWidget(1, self.comment, 1)
            else:
                self.under.removeWidget(self.comment)
                self.comment_row.addWidget(self.comment)
            self.filters_button.setVisible(not wide)
            self.filters_button.setChecked(self.pages.currentIndex() == 1)

    # -- pages -----------------------------------------------------------------------------------------------------
    def toggle_filters(self) -> None:
        self._page(0 if self.pages.currentIndex() == 1 else 1)

    def toggle_reports(self) -> None:
        if self.reports is None:
            from ui.review.reports import ReportsView  # pyqtgraph only once the reports are asked for

            source = getattr(self.review, "reports", None) or self.review.store  # the runtime's, or a database's
            self.reports = ReportsView(source, export_dir=self.export_dir)
            self.reports.set_scale(self.scale or 1.0)
            self.reports_page.layout().addWidget(self.reports)
        showing = self.pages.currentIndex() == 2
        if not showing:
            self.reports.refresh()
        self._page(0 if showing else 2)

    def toggle_audits(self) -> None:
        """The audits this reviewer may take (blind), or the queue again."""
        self.model.set_auditing(not self.model.auditing)
        self.audits_button.setChecked(self.model.auditing)
        self._page(0)

    def _page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.filters_button.setChecked(index == 1)
        self.reports_button.setChecked(index == 2)
        if index == 0:
            self.setFocus()

    # -- reviewer --------------------------------------------------------------------------------------------------
    def pick_reviewer(self) -> ChoicePicker | None:
        """Who reviews: one big button per name (from the session when logged in, then nothing to pick)."""
        if getattr(self.model.session, "user", None) is not None:
            return None
        names = list(dict.fromkeys([*self.reviewers, *known_reviewers(self.review)]))
        self.picker = ChoicePicker("WHO IS REVIEWING?", names, self.model.reviewer or None, self,
                                   new_text=None if names else "No reviewers yet: type your name, then Enter")
        self.picker.accepted.connect(lambda: self.picker.chosen and self.model.set_reviewer(self.picker.chosen))
        if self.picker.new is not None:
            keyboard.attach(self.picker.new)
        self.picker.open()
        return self.picker

    def _reviewer_changed(self, name: str) -> None:
        self.reviewer_button.setText(f"REVIEWER: {name}" if name else "REVIEWER: TAP TO PICK")
        if self.model.auditing:  # another reviewer may take other audits
            self.model.reload()
        elif hasattr(self, "counter"):
            self._count()  # the audits waiting are this reviewer's

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.setFocus()
        if not self.model.reviewer and self.picker is None:
            self.pick_reviewer()

    def set_session(self, session) -> None:
        """Who is logged in at the station now (None: nobody); verdicts are given as them."""
        if session is not self.model.session:
            self.model.last_saved = None  # UNDO LAST is the last verdict of the person logged in now
        self.model.session = session
        self._reviewer_changed(self.model.reviewer)

    def sign(self, what: str):
        """A logged-in user's correction is signed: PIN again and a reason, on the login helper's dialog."""
        from ui.login import SignDialog

        self.signing = SignDialog(self.model.session, what, list(CORRECTION_REASONS), self, scale=self.scale or 1.0)
        self.signing.accepted.connect(lambda d=self.signing: self.model.finish_signed(d.pin, d.reason))
        self.signing.rejected.connect(lambda: self.model.finish_signed(None, None))
        keyboard.attach(self.signing.details)
        self.signing.open()
        return self.signing

    def ask_undo(self, what: str):
        """Undo of a saved verdict: a reason picked (details on the on-screen keyboard), the PIN again if logged in."""
        from ui.login import SignDialog

        session = self.model.session
        self.signing = SignDialog(session, what, list(UNDO_REASONS), self, scale=self.scale or 1.0,
                                  ask_pin=session is not None)
        self.signing.accepted.connect(lambda d=self.signing: self.model.finish_undo(d.pin, d.reason))
        self.signing.rejected.connect(lambda: self.model.finish_undo(None, None))
        keyboard.attach(self.signing.details)
        self.signing.open()
        return self.signing

    # -- feedback --------------------------------------------------------------------------------------------------
    def _count(self) -> None:
        """How many parts the filters take in all (not only the pages loaded), and the verdicts given here."""
        pending = self.model.pending_audits()
        self.audits_button.setText(f"AUDITS {pending}" if pending else "AUDITS")
        if self.model.auditing:
            self.counter.setText(f"{pending} blind audits for {self.model.reviewer or 'you'} · "
                                 f"{self.model.reviewed} done here")  # short: whole at 800 px
            return
        total = self.review.count(self.model.filters)
        word = {"open": "to review", "reviewed": "reviewed"}.get(self.model.filters.state, "listed")
        self.counter.setText(f"{total} {word} · {self.model.reviewed} done here")

    def _item_changed(self) -> None:
        self.comment.setText("")

    def _tool_allowed(self) -> None:
        """POINT only where something is counted."""
        self.point_button.setEnabled(self.model.counted)
        self.point_button.setChecked(self.model.tool == "point")
