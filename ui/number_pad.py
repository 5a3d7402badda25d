"""A touch number pad for typed values at a screen without a keyboard: digits, decimal point, sign, back, and the
value's limits checked on ENTER (a value outside them is named with the limit, not silently clamped)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui import theme

KEYS = ("7", "8", "9", "4", "5", "6", "1", "2", "3", "±", "0", ".")


class NumberPad(QWidget):
    entered = Signal(float)  # the value typed, within its limits
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.low, self.high, self.decimals, self.unit, self.text = 0.0, 0.0, 0, "", ""
        self.title = QLabel(objectName="caption")
        self.title.setWordWrap(True)
        self.display = QLabel(objectName="title", alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.display.setMinimumHeight(theme.TOUCH_MIN_PX)
        self.display.setStyleSheet("background: #161b22; border: 1px solid #2b3440; border-radius: 6px; padding: 0 8px;")
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, key in enumerate(KEYS):
            grid.addWidget(self._key(key, lambda _=False, k=key: self.press(k)), i // 3, i % 3)
        grid.addWidget(self._key("⌫", self.back), 0, 3)
        grid.addWidget(self._key("CLEAR", self.clear), 1, 3)
        grid.addWidget(self._key("CANCEL", self.cancelled.emit), 2, 3)
        self.enter_button = self._key("ENTER", self.enter)
        self.enter_button.setObjectName("start")
        grid.addWidget(self.enter_button, 3, 3)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.display, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(top)
        column.addLayout(grid, 1)

    def _key(self, text: str, action) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(theme.TOUCH_MIN_PX)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(action)
        self.keys[text] = button
        return button

    def ask(self, name: str, value: float, low: float, high: float, *, unit: str = "", decimals: int = 0) -> None:
        """Start typing a value for ``name`` (now ``value``), allowed ``low``..``high``."""
        self.name, self.low, self.high, self.unit, self.decimals = name, low, high, unit, decimals
        self.text = ""
        self._say(f"{name}: now {value:.{decimals}f}{self._unit}, allowed {low:.{decimals}f}–{high:.{decimals}f}", False)
        self._show()

    @property
    def _unit(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def press(self, key: str) -> None:
        if key == "±":
            self.text = self.text[1:] if self.text.startswith("-") else "-" + self.text
        elif key == "." and (self.decimals == 0 or "." in self.text):
            return
        elif len(self.text.lstrip("-")) < 9:
            self.text += key
        self._show()

    def back(self) -> None:
        self.text = self.text[:-1]
        self._show()

    def clear(self) -> None:
        self.text = ""
        self._show()

    def enter(self) -> bool:
        try:
            value = float(self.text)
        except ValueError:
            self._say(f"{self.name}: type a number", True)
            return False
        if not self.low <= value <= self.high:
            side = f"below the minimum {self.low:g}" if value < self.low else f"above the maximum {self.high:g}"
            self._say(f"{self.name} {value:g}{self._unit} is {side}{self._unit}", True)
            return False
        self.entered.emit(value)
        return True

    def _show(self) -> None:
        self.display.setText((self.text or "…") + self._unit)

    def _say(self, text: str, refused: bool) -> None:
        self.title.setText(text)
        self.title.setStyleSheet("color: #f87171; font-weight: 700;" if refused else "")
