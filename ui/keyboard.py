"""An on-screen keyboard for the touchscreen, which has no keyboard of its own: names, comments and reasons.

``attach(edit, phrases=...)`` makes a tap on a line edit open the keyboard docked at the bottom of the edit's window
(an in-window panel, no second window). It shows the text being typed in its own echo line (the field may lie under
it), a row of common phrases to pick instead of typing, and keys of at least 48 px. Keys reach the edit as real key
events, so the edit behaves exactly as with a physical keyboard, which keeps working beside it. DONE sends Enter and
closes the panel; ✕ only closes it.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSizePolicy, QVBoxLayout, QWidget)

from ui import theme

LETTERS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm,.:")
MAX_WIDTH = 1100  # on a big screen the keys stay a hand's width apart
STYLE = """
QFrame#keyboard { background: #111827; border-top: 2px solid #374151; }
QLabel#keyboardEcho { background: #1f2937; color: #f9fafb; padding: 4px 8px; border-radius: 4px; }
QPushButton#key, QPushButton#keyWide, QPushButton#phrase { background: #374151; color: #f9fafb; border-radius: 6px; }
QPushButton#phrase { background: #1e3a5f; }
QPushButton#key:pressed, QPushButton#keyWide:pressed, QPushButton#phrase:pressed { background: #6b7280; }
QPushButton#keyWide:checked { background: #2563eb; }
"""


class Keyboard(QFrame):
    """Docked at the bottom of ``window``; types into the line edit it was opened for."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("keyboard")
        self.setStyleSheet(STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QLineEdit | None = None
        self.echo = QLabel(objectName="keyboardEcho")
        self.echo.setTextFormat(Qt.TextFormat.PlainText)
        self.phrase_row = QHBoxLayout()
        self.phrases: dict[str, QPushButton] = {}
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for row, letters in enumerate(LETTERS):
            for col, letter in enumerate(letters):
                grid.addWidget(self._key(letter, letter, lambda _=False, t=letter: self.type_text(self._cased(t))),
                               row, col)
        self.shift = self._key("shift", "⇧ SHIFT", None, wide=True)
        self.shift.setCheckable(True)
        bottom = [(self.shift, 2), (self._key("space", "SPACE", lambda: self.type_text(" "), wide=True), 4),
                  (self._key("backspace", "⌫", lambda: self._send(Qt.Key.Key_Backspace), wide=True), 1),
                  (self._key("hide", "✕", self.close_keyboard, wide=True), 1),
                  (self._key("done", "DONE", self.done, wide=True), 2)]
        col = 0
        for button, span in bottom:
            grid.addWidget(button, len(LETTERS), col, 1, span)
            col += span
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(4)
        column.addWidget(self.echo)
        column.addLayout(self.phrase_row)
        column.addLayout(grid)
        self.hide()
        window.installEventFilter(self)

    def _key(self, name: str, text: str, action, *, wide: bool = False) -> QPushButton:
        button = QPushButton(text, objectName="keyWide" if wide else "key")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the edit keeps the focus (and a physical keyboard's keys)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setMinimumSize(theme.TOUCH_MIN_PX, theme.TOUCH_MIN_PX)
        if action is not None:
            button.clicked.connect(action)
        self.keys[name] = button
        return button

    def _cased(self, text: str) -> str:
        if self.shift.isChecked():
            self.shift.setChecked(False)  # one letter, as on a phone
            return text.upper()
        return text

    # -- what the keys do ----------------------------------------------------------------------------------------
    def _send(self, key: Qt.Key, text: str = "") -> None:
        if self.target is None:
            return
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):  # straight to the edit: a screen's shortcut
            self.target.event(QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))  # (Enter, D) never takes it
        self._echo()

    def type_text(self, text: str) -> None:
        """Type ``text`` into the edit as a physical keyboard would (``textEdited`` follows)."""
        single = len(text) == 1 and ord(text) < 128  # Qt's key codes of ASCII are the upper-case characters
        self._send(Qt.Key(ord(text.upper())) if single else Qt.Key.Key_unknown, text)

    def pick(self, phrase: str) -> None:
        """A common phrase instead of typing it: added after what is there, comma-separated."""
        if self.target is None:
            return
        current = self.target.text()
        self.target.end(False)
        self.type_text((", " if current.strip() and not current.rstrip().endswith(",") else "") + phrase
                       if current.strip() else phrase)

    def done(self) -> None:
        self._send(Qt.Key.Key_Return)
        self.close_keyboard()

    def close_keyboard(self) -> None:
        self.hide()
        self.target = None

    # -- where it shows ------------------------------------------------------------------------------------------
    def open_for(self, edit: QLineEdit, phrases: Sequence[str] = ()) -> None:
        self.target = edit
        while self.phrase_row.count():
            self.phrase_row.takeAt(0).widget().deleteLater()
        self.phrases = {}
        for phrase in phrases:
            button = QPushButton(phrase, objectName="phrase")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(theme.TOUCH_MIN_PX)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, p=phrase: self.pick(p))
            self.phrase_row.addWidget(button)
            self.phrases[phrase] = button
        self.place()
        self.show()
        self.raise_()
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._echo()

    def place(self) -> None:
        window = self.parentWidget()
        rows = len(LETTERS) + 2 + bool(self.phrases)
        key = max(theme.TOUCH_MIN_PX, min(64, window.height() * 62 // 100 // rows - 4))
        height = min(window.height(), rows * (key + 4) + 12)
        width = min(window.width(), MAX_WIDTH)
        self.setGeometry((window.width() - width) // 2, window.height() - height, width, height)

    def _echo(self) -> None:
        if self.target is None:
            return
        text = self.target.text()
        shown = (text + "▏") if text or not self.target.placeholderText() else f"{self.target.placeholderText()}…"
        self.echo.setText(self.echo.fontMetrics().elidedText(shown, Qt.TextElideMode.ElideLeft,
                                                             max(50, self.width() - 24)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False


class _Opener(QObject):
    """Opens the keyboard when its edit is tapped; keeps the echo in step with typing on a physical keyboard."""

    def __init__(self, edit: QLineEdit, phrases: Sequence[str]):
        super().__init__(edit)
        self.edit, self.phrases = edit, tuple(phrases)
        edit.installEventFilter(self)
        edit.textChanged.connect(self._changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.MouseButtonRelease and self.edit.isEnabled():
            keyboard_of(self.edit.window()).open_for(self.edit, self.phrases)
        return False

    def _changed(self) -> None:
        keyboard = self.edit.window().findChild(Keyboard, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if keyboard is not None and keyboard.target is self.edit:
            keyboard._echo()


def keyboard_of(window: QWidget) -> Keyboard:
    """The window's keyboard panel (made on first use)."""
    found = window.findChild(Keyboard, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return found if found is not None else Keyboard(window)


def attach(edit: QLineEdit, *, phrases: Sequence[str] = ()) -> QLineEdit:
    """A tap on ``edit`` opens the on-screen keyboard for it, with ``phrases`` to pick."""
    if not any(isinstance(child, _Opener) for child in edit.children()):
        _Opener(edit, phrases)
    return edit
