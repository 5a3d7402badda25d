"""A touch PIN pad: ten digits, clear, back and enter as big keys; the PIN shows only as dots."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui import theme

MAX_DIGITS = 8
FILLED, EMPTY = "●", "○"


def pad_style(scale: float = 1.0) -> str:
    """The pad's and the login screen's additions to the operator style sheet (same dark palette)."""
    key = max(theme.TOUCH_MIN_PX, round(56 * scale))  # four rows, the dots, ENTER and a button row in 480 px
    return f"""
    QPushButton#pinKey {{ min-height: {key}px; min-width: {key}px; font-size: {round(26 * scale)}px; }}
    QPushButton#pinEnter {{ min-height: {key}px; background: #15803d; border-color: #22c55e;
                            font-size: {round(20 * scale)}px; }}
    QPushButton#pinEnter:disabled {{ background: #1f2630; border-color: #2b3440; }}
    QPushButton#pinEdit {{ min-height: {key}px; font-size: {round(18 * scale)}px; }}
    QLabel#pinDots {{ font-size: {round(30 * scale)}px; letter-spacing: {round(8 * scale)}px; color: #f2f5f8;
                      background: #161b22; border: 1px solid #2b3440; border-radius: {round(6 * scale)}px;
                      min-height: {round(48 * scale)}px; }}
    QPushButton#userChoice {{ min-height: {key}px; text-align: left; font-size: {round(18 * scale)}px; }}
    QPushButton#userChoice:checked {{ background: #1d4ed8; border-color: #60a5fa; }}
    QPushButton#reasonChoice {{ min-height: {max(theme.TOUCH_MIN_PX, round(48 * scale))}px; text-align: left; }}
    QPushButton#reasonChoice:checked {{ background: #1d4ed8; border-color: #60a5fa; }}
    QLabel#loginMessage {{ font-size: {round(18 * scale)}px; font-weight: 700; }}
    QLabel#loginMessage[tone="bad"] {{ color: #f87171; }}
    QLabel#loginMessage[tone="locked"] {{ color: #fbbf24; }}
    QLabel#loginMessage[tone="ok"] {{ color: #b4bfcc; }}
    """


class PinPad(QWidget):
    """Emits ``submitted(pin)`` on ENTER and clears itself; the digits are never shown, only counted."""

    submitted = Signal(str)
    changed = Signal(int)  # digits entered so far

    def __init__(self, *, min_digits: int = 4, max_digits: int = MAX_DIGITS, parent: QWidget | None = None):
        super().__init__(parent)
        self.min_digits, self.max_digits = min_digits, max_digits
        self._pin = ""
        self.dots = QLabel(objectName="pinDots", alignment=Qt.AlignmentFlag.AlignCenter)
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, digit in enumerate("123456789"):
            grid.addWidget(self._key(digit), i // 3, i % 3)
        self.clear_button = self._key("CLEAR", "pinEdit", self.clear)
        self.back_button = self._key("⌫", "pinEdit", self.back)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(self._key("0"), 3, 1)
        grid.addWidget(self.back_button, 3, 2)
        self.enter_button = self._key("ENTER  ✔", "pinEnter", self.enter)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.dots)
        column.addLayout(grid, 1)
        column.addWidget(self.enter_button)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show()

    def _key(self, text: str, name: str = "pinKey", action=None) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRepeat(text == "⌫")
        button.clicked.connect(action or (lambda _=False, d=text: self.press(d)))
        self.keys[text] = button
        return button

    @property
    def length(self) -> int:
        return len(self._pin)

    def press(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self._pin) < self.max_digits:
            self._pin += digit
            self._show()

    def back(self) -> None:
        self._pin = self._pin[:-1]
        self._show()

    def clear(self) -> None:
        self._pin = ""
        self._show()

    def enter(self) -> None:
        if len(self._pin) < self.min_digits:
            return
        pin, self._pin = self._pin, ""
        self._show()
        self.submitted.emit(pin)

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802 (Qt's name)
        if not enabled:
            self.clear()
        super().setEnabled(enabled)

    def keyPressEvent(self, event) -> None:  # a USB keypad works too
        text = event.text()
        if text.isdigit():
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.back()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter()
        elif event.key() == Qt.Key.Key_Escape:
            self.clear()
        else:
            super().keyPressEvent(event)

    def _show(self) -> None:
        shown = max(self.min_digits, len(self._pin))
        self.dots.setText(FILLED * len(self._pin) + EMPTY * (shown - len(self._pin)))
        self.enter_button.setEnabled(len(self._pin) >= self.min_digits)
        self.back_button.setEnabled(bool(self._pin))
        self.changed.emit(len(self._pin))
