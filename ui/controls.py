"""The operator's buttons: Start/Stop, the recipe (tap to pick another), charts on small screens; big-button pickers."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from ui.i18n import tr
from ui.link import shown
from ui.model import StationModel
from ui.sheet import Sheet


class ChoicePicker(Sheet):
    """One big button per choice, in a scrolling column; tapping one picks it."""

    compact = True

    def __init__(self, title: str, choices: list[str], current: str | None, parent: QWidget | None = None, *,
                 new_text: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.chosen: str | None = None
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.buttons: dict[str, QPushButton] = {}
        for choice in choices:
            button = QPushButton(("✔  " if choice == current else "") + choice, objectName="recipeChoice")
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            column.addWidget(button)
            self.buttons[choice] = button
        column.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        cancel = QPushButton(tr("CANCEL"))
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self.body)
        layout.addWidget(QLabel(title, objectName="title"))
        layout.addWidget(scroll, 1)
        self.new: QLineEdit | None = None
        if new_text is not None:  # a choice not in the list, typed (the first time only)
            self.new = QLineEdit(placeholderText=new_text)
            self.new.returnPressed.connect(lambda: self.new.text().strip() and self._choose(self.new.text().strip()))
            layout.addWidget(self.new)
        self.pin_buttons(cancel)

    def _choose(self, choice: str) -> None:
        self.chosen = choice
        self.accept()


class RecipePicker(ChoicePicker):
    """One big button per recipe; no keyboard needed."""

    def __init__(self, recipes: list[str], current: str, parent: QWidget | None = None):
        super().__init__(tr("Choose the product on the line"), recipes, current, parent)


class ControlBar(QWidget):
    start = Signal()
    stop = Signal()
    pick_recipe = Signal()
    toggle_charts = Signal()

    def __init__(self, model: StationModel, parent=None):
        super().__init__(parent)
        self.model = model
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.run_button = QPushButton()
        self.run_button.clicked.connect(lambda: (self.stop if self.model.running else self.start).emit())
        self.recipe_button = QPushButton()
        self.recipe_button.clicked.connect(self.pick_recipe.emit)
        self.charts_button = QPushButton(tr("CHARTS"))
        self.charts_button.setCheckable(True)
        self.charts_button.clicked.connect(self.toggle_charts.emit)
        self.busy = QLabel(objectName="title")
        self.busy.setStyleSheet("color: #fbbf24;")
        row.addWidget(self.run_button, 2)
        row.addWidget(self.recipe_button, 3)
        row.addWidget(self.busy, 3)
        row.addStretch(1)
        row.addWidget(self.charts_button, 1)
        model.running_changed.connect(self.refresh)
        model.station_changed.connect(self.refresh)
        model.busy_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_: object) -> None:
        running, busy = self.model.running, self.model.busy
        self.run_button.setText("■  " + tr("STOP") if running else "▶  " + tr("START"))
        self.run_button.setObjectName("stop" if running else "start")
        self.run_button.style().unpolish(self.run_button)
        self.run_button.style().polish(self.run_button)
        self.run_button.setEnabled(not busy)
        self.recipe_button.setText(tr("RECIPE: {recipe}").format(recipe=self.model.info.recipe or "–"))
        self.recipe_button.setEnabled(not busy)
        self.busy.setText(shown(busy))  # the model keeps the runtime's English
        self.busy.setVisible(bool(busy))
