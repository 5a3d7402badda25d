"""The status line: display rate, frames skipped and lost, saved records, run, recipe and model versions.

On a narrow screen (the Pi's 800 px, German words) the model versions, the least important part, are shortened with
"…" so the rest stays whole; a tap shows the full line.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip

from ui.camera_feed import CameraFeed
from ui.model import StationModel
from ui.i18n import tr

SEPARATOR = "  ·  "


class StatusLine(QLabel):
    """Refreshed twice a second; ``health`` is a callable giving the station's counters (dropped, saved)."""

    def __init__(self, model: StationModel, view: CameraFeed, health=lambda: {}, parent=None):
        super().__init__(parent, objectName="status")
        self.model, self.view, self.health = model, view, health
        self.full_text = ""
        self._bits: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # the window's width decides
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        model.station_changed.connect(self._station_changed)  # bound: the model outlives this window
        self.refresh()

    def _station_changed(self, _info) -> None:
        self.refresh()

    def refresh(self) -> None:
        info = self.model.info
        health = self.health() or {}
        models = ", ".join(f"{name} {version.split()[0]}" for name, version in info.models.items())
        self._bits = [
            tr("display {fps} fps").format(fps=f"{self.view.display_fps:.0f}"),
            tr("skipped {n}").format(n=self.view.skipped_frames),  # camera frames the screen did not draw
            tr("camera lost {n}").format(n=health.get("camera_dropped", 0)),  # frames the station never got
            tr("saved {n}").format(n=health.get("saved", 0)),
            models,
            tr("run {run}").format(run=info.run_id),
        ]
        self.full_text = SEPARATOR.join(b for b in self._bits if b)
        self.setToolTip("\n".join([self.full_text, *(f"{k} {v}" for k, v in info.models.items())]))
        self._fit()

    def _fit(self) -> None:
        """The whole line when it fits; else the model versions shortened to the room the others leave."""
        metrics, room = self.fontMetrics(), self.contentsRect().width() - 2 * max(self.margin(), 0)
        text = self.full_text
        if metrics.horizontalAdvance(text) > room and self._bits[4]:
            others = [b for i, b in enumerate(self._bits) if b and i != 4]
            left = room - metrics.horizontalAdvance(SEPARATOR.join(others) + SEPARATOR)
            short = metrics.elidedText(self._bits[4], Qt.TextElideMode.ElideRight, max(left, 0))
            text = SEPARATOR.join(b for b in (*self._bits[:4], short, self._bits[5]) if b)
        if metrics.horizontalAdvance(text) > room:  # still too wide (a very narrow window): cut the end
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 0))
        if text != self.text():
            self.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """A tap shows the whole line (and each model's full version)."""
        QToolTip.showText(event.globalPosition().toPoint(), self.toolTip(), self)
        super().mousePressEvent(event)
