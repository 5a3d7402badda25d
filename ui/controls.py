"""The operator's buttons: Start/Stop, the recipe (tap to pick another), charts on small screens."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.model import StationModel


class RecipePicker(QDialog):
    """One big button per recipe; no keyboard needed."""

    def __init__(self, recipes: list[str], current: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModal(True)
        self.setWindowTitle("Recipe")
        self.chosen: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Choose the product on the line", objectName="title"))
        self.buttons: dict[str, QPushButton] = {}
        for name in recipes:
            button = QPushButton(("✔  " if name == current else "") + name, objectName="recipeChoice")
            button.clicked.connect(lambda _=False, n=name: self._choose(n))
            layout.addWidget(button)
            self.buttons[name] = button
        cancel = QPushButton("CANCEL")
        cancel.clicked.connect(self.reject)
        layout.addWidget(cancel)

    def _choose(self, name: str) -> None:
        self.chosen = name
        self.accept()


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
        self.charts_button = QPushButton("CHARTS")
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
        self.run_button.setText("■  STOP" if running else "▶  START")
        self.run_button.setObjectName("stop" if running else "start")
        self.run_button.style().unpolish(self.run_button)
        self.run_button.style().polish(self.run_button)
        self.run_button.setEnabled(not busy)
        self.recipe_button.setText(f"RECIPE: {self.model.info.recipe or '–'}")
        self.recipe_button.setEnabled(not busy)
        self.busy.setText(busy)
        self.busy.setVisible(bool(busy))
