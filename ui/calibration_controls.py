"""The calibration screen's camera controls at 800 x 480: one tile per control (its value at a glance; a tap picks it)
and one editor for the picked control, so that all of them fit without scrolling and the editor's slider gets the
column's whole width."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from inspector.camera_controls import RANGES, CameraControls
from ui import theme
from ui.calibration_widgets import ControlSlider
from ui.number_pad import NumberPad

SLIDERS = ("exposure", "gain", "focus", "wb_temperature", "brightness", "fps")  # most used first
TILE_NAMES = {"wb_temperature": "White bal."}
TILE_STYLE = ("QPushButton { text-align: left; padding: 0 6px; font-weight: 600; }"
              "QPushButton:checked { background: #3b4656; border: 2px solid #3b82f6; }")
COLUMNS = 3


class ControlPanel(QWidget):
    moved = Signal(str, float)  # control, value (station units)
    resolution_picked = Signal(int, int)  # width, height

    def __init__(self, controls: CameraControls, resolutions: list, reference: dict[str, Any],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.sliders: dict[str, ControlSlider] = {}
        self.tiles: dict[str, QPushButton] = {}
        self.editor = QStackedWidget()
        tiles = QGridLayout()
        tiles.setSpacing(4)
        for i, name in enumerate(SLIDERS):
            slider = ControlSlider(RANGES[name], getattr(controls, name))
            slider.moved.connect(self.moved)
            slider.entry_tapped.connect(self.type_value)
            self.sliders[name] = slider
            self.editor.addWidget(slider)
            self.tiles[name] = self._tile(lambda _=False, n=name: self.pick(n))
            tiles.addWidget(self.tiles[name], i // COLUMNS, i % COLUMNS)

        self.resolution = QComboBox(objectName="resolution")
        self.resolution.setMinimumHeight(theme.TOUCH_MIN_PX)
        for w, h in sorted({tuple(s) for s in resolutions} | {controls.size}):
            self.resolution.addItem(f"{w} x {h}", f"{w}x{h}")
        self.resolution.activated.connect(self._resolution_picked)
        self.size_page = QWidget()
        size_column = QVBoxLayout(self.size_page)
        size_column.setContentsMargins(0, 0, 0, 0)
        size_column.addWidget(QLabel("Resolution (width x height)", objectName="caption"))
        size_column.addWidget(self.resolution)
        self.editor.addWidget(self.size_page)
        self.size_tile = self._tile(lambda _=False: self.pick("size"))
        tiles.addWidget(self.size_tile, len(SLIDERS) // COLUMNS, len(SLIDERS) % COLUMNS)

        self.reference_label = QLabel(f"reference ({reference['source']}): focus {_g(reference.get('focus'))} "
                                      f"±{reference['focus_tolerance']:g}, exposure {_g(reference.get('exposure'))} "
                                      f"ms ×/÷{reference['exposure_factor']:g}", objectName="dim", wordWrap=True)
        main = QWidget()
        column = QVBoxLayout(main)
        column.setSpacing(4)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(tiles)
        column.addWidget(self.editor)
        column.addWidget(self.reference_label)
        column.addStretch(1)
        self.pad = NumberPad()
        self.pad.entered.connect(self._typed)
        self.pad.cancelled.connect(lambda: self.pages.setCurrentIndex(0))
        self.pages = QStackedWidget()
        self.pages.addWidget(main)
        self.pages.addWidget(self.pad)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.typing: str | None = None
        self.show_values(controls)
        self.pick(SLIDERS[0])

    def _tile(self, tapped) -> QPushButton:
        tile = QPushButton(objectName="calTile", checkable=True, autoExclusive=True)
        tile.setMinimumHeight(theme.TOUCH_MIN_PX)
        tile.setStyleSheet(TILE_STYLE)
        tile.clicked.connect(tapped)
        return tile

    def pick(self, name: str) -> None:
        """Edit control ``name`` ("size": the resolution)."""
        (self.size_tile if name == "size" else self.tiles[name]).setChecked(True)
        self.editor.setCurrentWidget(self.size_page if name == "size" else self.sliders[name])

    def show_values(self, controls: CameraControls, *, sliders: bool = True) -> None:
        """Show ``controls`` on the tiles (and on the editors, without emitting ``moved``)."""
        if sliders:
            for name, slider in self.sliders.items():
                slider.set_value(getattr(controls, name))
        key = f"{controls.width}x{controls.height}"
        index = self.resolution.findData(key)
        if index < 0:
            self.resolution.addItem(f"{controls.width} x {controls.height}", key)
            index = self.resolution.count() - 1
        self.resolution.setCurrentIndex(index)
        for name, tile in self.tiles.items():
            tile.setText(f"{TILE_NAMES.get(name, RANGES[name].label)}\n{self.sliders[name].text()}")
        self.size_tile.setText(f"Size\n{controls.width} x {controls.height}")

    def type_value(self, name: str) -> None:
        """The number pad over the tiles, for control ``name`` in its shown unit (ms, dB, K)."""
        slider = self.sliders[name]
        self.typing = name
        self.pad.ask(slider.spec.label, slider.shown(slider.value), slider.shown(slider.spec.low),
                     slider.shown(slider.spec.high), unit=slider.dial.unit, decimals=slider.dial.decimals)
        self.pages.setCurrentWidget(self.pad)

    def _typed(self, shown: float) -> None:
        self.pages.setCurrentIndex(0)
        if self.typing is not None:
            self.sliders[self.typing].entry.setValue(shown)

    def _resolution_picked(self, index: int) -> None:
        width, height = map(int, self.resolution.itemData(index).split("x"))
        self.resolution_picked.emit(width, height)


def _g(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"
