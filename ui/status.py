"""The status line: display rate, frames skipped and lost, saved records, run, recipe and model versions."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from ui.camera_feed import CameraFeed
from ui.model import StationModel
from ui.i18n import tr


class StatusLine(QLabel):
    """Refreshed twice a second; ``health`` is a callable giving the station's counters (dropped, saved)."""

    def __init__(self, model: StationModel, view: CameraFeed, health=lambda: {}, parent=None):
        super().__init__(parent, objectName="status")
        self.model, self.view, self.health = model, view, health
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        model.station_changed.connect(lambda _: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        info = self.model.info
        health = self.health() or {}
        models = ", ".join(f"{name} {version.split()[0]}" for name, version in info.models.items())
        bits = [
            tr("display {fps} fps").format(fps=f"{self.view.display_fps:.0f}"),
            tr("skipped {n}").format(n=self.view.skipped_frames),  # camera frames the screen did not draw
            tr("camera lost {n}").format(n=health.get("camera_dropped", 0)),  # frames the station never got
            tr("saved {n}").format(n=health.get("saved", 0)),
            models,
            tr("run {run}").format(run=info.run_id),
        ]
        self.setText("  ·  ".join(b for b in bits if b))
        self.setToolTip("\n".join(f"{k} {v}" for k, v in info.models.items()))
