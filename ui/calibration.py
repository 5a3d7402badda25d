"""The technician's calibration screen: live preview with the camera controls applied as they move, the ROI drawn on
the image, focus score and exposure histogram with clipping warnings, and the I/O tab (beam, pusher, travel time).

SAVE asks why (big reason buttons, optional details) and writes everything, I/O timing included, into the station file
(``inspector.calibration.save_calibration``: validated; technician permission once the station has users; an audit
entry with the reason and the changed values); RESTORE puts back what was last saved, on the camera too.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QTabWidget,
                               QVBoxLayout, QWidget)

from inspector.audit import AuditError
from inspector.calibration import (Calibration, CalibrationError, check_roi, exposure, focus_score,
                                   restore_calibration, save_calibration)
from inspector.camera_controls import RANGES, RESOLUTIONS, CameraControls, ControlError
from inspector.config import ConfigError, StationConfig
from inspector.types import Frame
from ui import theme
from ui.calibration_io import IoPanel
from ui.calibration_widgets import ControlSlider, Histogram, RoiPreview
from ui.login import SignDialog
from ui.sheet import Sheet

SLIDERS = ("exposure", "gain", "wb_temperature", "focus", "brightness", "fps")
REASONS = ("New camera, lens or light", "Image drifted (focus / exposure)", "Product or fixture change",
           "Conveyor or pusher timing changed", "Routine check")
REFRESH_MS = 100
log = logging.getLogger(__name__)


class CalibrationScreen(QWidget):
    closed = Signal()

    def __init__(self, *, camera: Any, frames: Callable[[], Frame | None], config: StationConfig, path: Path,
                 beam: Any = None, pusher: Any = None, arrival: Any = None, clock=None,
                 inference_s: float | None = None, running: Callable[[], bool] = lambda: False,
                 session: Any = None, db: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.camera, self.frames, self.config, self.path = camera, frames, config, Path(path)
        self.session, self.db, self.inference_s = session, db, inference_s
        saved = Calibration.of(config)
        self.controls = CameraControls.from_camera(config.camera)
        if getattr(camera, "controls", None) is not None:  # what the camera does now (it may run faster than 120 fps)
            self.controls = self.controls.with_(fps=min(camera.controls.fps, RANGES["fps"].high))
        self.kept = self.controls  # what the camera goes back to when the screen closes without SAVE
        self.roi = saved.roi
        self.last_focus: float | None = None
        self.last_exposure = None
        self._seq: int | None = None

        self.preview = RoiPreview()
        self.preview.roi = self.roi
        self.preview.roi_drawn.connect(self.set_roi)
        self.focus_label = QLabel(objectName="title")
        self.exposure_label = QLabel(objectName="caption")
        self.exposure_label.setWordWrap(True)
        self.histogram = Histogram()
        self.clear_roi_button = QPushButton("WHOLE FRAME")
        self.clear_roi_button.clicked.connect(lambda: self.set_roi(None))

        self.sliders: dict[str, ControlSlider] = {}
        column = QVBoxLayout()
        column.setSpacing(2)
        for name in SLIDERS:
            slider = ControlSlider(RANGES[name], getattr(self.controls, name))
            slider.moved.connect(self.set_control)
            self.sliders[name] = slider
            column.addWidget(slider)
        self.resolution = QComboBox(objectName="resolution")
        self.resolution.setMinimumHeight(theme.TOUCH_MIN_PX)
        sizes = list(RESOLUTIONS) + ([self.controls.size] if self.controls.size not in RESOLUTIONS else [])
        for w, h in sorted(sizes):
            self.resolution.addItem(f"{w} x {h}", f"{w}x{h}")
        self._show_resolution()
        self.resolution.activated.connect(self._resolution_picked)
        res_row = QHBoxLayout()
        res_row.addWidget(QLabel("Resolution", objectName="caption"))
        res_row.addWidget(self.resolution, 1)
        column.addLayout(res_row)
        column.addStretch(1)
        controls_box = QWidget()
        controls_box.setLayout(column)
        scroll = QScrollArea()
        scroll.setWidget(controls_box)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        readout = QHBoxLayout()
        readout.addWidget(self.focus_label, 1)
        readout.addWidget(self.clear_roi_button)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.preview, 5)
        left.addLayout(readout)
        left.addWidget(self.exposure_label)
        left.addWidget(self.histogram, 2)
        camera_tab = QWidget()
        row = QHBoxLayout(camera_tab)
        row.setContentsMargins(2, 2, 2, 2)
        row.addLayout(left, 11)
        row.addWidget(scroll, 10)

        self.io = IoPanel(beam=beam, pusher=pusher, timing=config.timing, travel_s=saved.travel_s,
                          pulse_s=saved.pulse_s, inference_s=inference_s, arrival=arrival, clock=clock,
                          running=running)
        self.io.message.connect(self.say)
        self.tabs = QTabWidget()
        self.tabs.addTab(camera_tab, "CAMERA")
        self.tabs.addTab(self.io, "I/O + TIMING")
        self.tabs.setStyleSheet(f"QTabBar::tab {{ min-height: {theme.TOUCH_MIN_PX}px; min-width: 140px; "
                                "padding: 0 12px; font-weight: 700; background: #1f2630; }"
                                "QTabBar::tab:selected { background: #3b4656; }")

        self.message = QLabel(objectName="status")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("SAVE", objectName="start")
        self.save_button.clicked.connect(self.ask_reason)
        self.reason_dialog = None
        self.restore_button = QPushButton("RESTORE")
        self.restore_button.clicked.connect(self.restore)
        self.close_button = QPushButton("CLOSE")
        self.close_button.clicked.connect(self.closed.emit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        for button in (self.restore_button, self.save_button, self.close_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.say(f"calibrating; SAVE writes {self.path.name}", False)

    # -- controls --------------------------------------------------------------------------------------------------
    def set_control(self, name: str, value: float) -> bool:
        """Apply one control to the camera now; a refused value leaves everything as it was and says why."""
        try:
            controls = self.controls.with_(**{name: value})
        except ControlError as e:
            self._refused(str(e))
            return False
        return self._apply(controls, f"{RANGES[name].label.lower()} {value:g}{RANGES[name].unit and ' ' + RANGES[name].unit}")

    def set_resolution(self, width: int, height: int) -> bool:
        try:
            controls = self.controls.with_(width=width, height=height)
        except ControlError as e:
            self._refused(str(e))
            return False
        old = self.controls.size
        if self._apply(controls, f"resolution {width} x {height}"):
            if self.roi is not None:  # the same part of the scene at the new resolution
                sx, sy = width / old[0], height / old[1]
                x, y, w, h = self.roi
                self.set_roi((int(x * sx), int(y * sy), int(w * sx), int(h * sy)), quiet=True)
            return True
        return False

    def _apply(self, controls: CameraControls, what: str) -> bool:
        try:
            refused = self.camera.apply_controls(controls) if self.camera is not None else {}
        except Exception as e:  # the device itself failed: say so, keep the screen
            self._refused(f"camera refused {what}: {e}")
            return False
        self.controls = controls
        self._seq = None
        if refused:
            self.say("camera did not take: " + "; ".join(f"{k}: {v}" for k, v in refused.items()), True)
        else:
            self.say(what, False)
        return True

    def _refused(self, text: str) -> None:
        self._show_controls()
        self.say(text, True)

    def _resolution_picked(self, index: int) -> None:
        width, height = map(int, self.resolution.itemData(index).split("x"))
        if not self.set_resolution(width, height):
            self._show_resolution()

    def set_roi(self, roi, *, quiet: bool = False) -> bool:
        try:
            self.roi = check_roi(roi, self.controls.size)
        except CalibrationError as e:
            self.say(str(e), True)
            return False
        self.preview.roi = self.roi
        self.preview.update()
        self._seq = None
        if not quiet:
            self.say("roi " + (" ".join(map(str, self.roi)) if self.roi else "whole frame"), False)
        return True

    # -- live measures ---------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.io.poll()
        frame = self.frames()
        if frame is None or frame.seq == self._seq:
            return
        self._seq = frame.seq
        image = frame.image
        self.preview.show_frame(image)
        roi = self.roi if self.roi and self.roi[0] + self.roi[2] <= image.shape[1] \
            and self.roi[1] + self.roi[3] <= image.shape[0] else None
        self.last_focus = focus_score(image, roi)
        self.last_exposure = exp = exposure(image, roi)
        self.focus_label.setText(f"Focus {self.last_focus:,.0f}")
        text = f"mean {exp.mean:.0f}   clipped dark {exp.dark_fraction:.1%}   white {exp.bright_fraction:.1%}"
        self.exposure_label.setText("⚠ " + " · ".join(exp.warnings) if exp.warnings else text)
        self.exposure_label.setStyleSheet("color: #fbbf24;" if exp.warnings else "")
        self.histogram.show_histogram(exp.histogram, exp.dark_fraction > 0.01, exp.bright_fraction > 0.01)

    # -- save / restore --------------------------------------------------------------------------------------------
    def calibration(self) -> Calibration:
        return Calibration(self.controls, self.roi, self.io.travel_s, self.io.pulse_s)

    def ask_reason(self):
        """SAVE: the reason first (picked, no keyboard needed); the save runs once it is given."""
        what = f"Save calibration to {self.path.name}"
        self.reason_dialog = SignDialog(self.session, what, list(REASONS), self, ask_pin=False)
        self.reason_dialog.accepted.connect(lambda d=self.reason_dialog: self.save(d.reason))
        self.reason_dialog.open()
        return self.reason_dialog

    def save(self, reason: str) -> bool:
        """Save as the screen's user with ``reason`` (the audit entry's); a refusal is shown, nothing written."""
        try:
            self.config = save_calibration(self.path, self.calibration(), session=self.session, db=self.db,
                                           reason=reason, inference_s=self.inference_s)
            self.kept = self.controls
        except (CalibrationError, ConfigError, ControlError, PermissionError, AuditError) as e:
            self.say(str(e), True)
            return False
        self.say(f"saved to {self.path} (camera now; ROI and timing from the next start)", False)
        return True

    def restore(self) -> bool:
        try:
            saved = restore_calibration(self.path, self.config)
        except ConfigError as e:
            self.say(str(e), True)
            return False
        self._apply(saved.controls.with_(fps=min(saved.controls.fps, RANGES["fps"].high)), "restored")
        self.roi = saved.roi
        self.preview.roi = saved.roi
        self.io.set_values(saved.travel_s, saved.pulse_s)
        self._show_controls()
        self.say(f"restored the values saved in {self.path.name}", False)
        return True

    def _show_controls(self) -> None:
        for name, slider in self.sliders.items():
            slider.set_value(getattr(self.controls, name))
        self._show_resolution()

    def _show_resolution(self) -> None:
        key = f"{self.controls.width}x{self.controls.height}"
        index = self.resolution.findData(key)
        if index < 0:
            self.resolution.addItem(f"{self.controls.width} x {self.controls.height}", key)
            index = self.resolution.count() - 1
        self.resolution.setCurrentIndex(index)

    def say(self, text: str, refused: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #f87171; font-weight: 700;" if refused else "color: #86efac;")

    def stop(self) -> None:
        """Closing: a camera change that was not saved (nor audited) is undone, so the line runs on saved values."""
        self.timer.stop()
        self.io.stop_measurement()
        if self.controls != self.kept and self.camera is not None:
            try:
                self.camera.apply_controls(self.kept)
            except Exception:  # the device failed: the next start applies the saved values anyway
                log.exception("putting the saved camera controls back failed")
            self.controls = self.kept

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)


class CalibrationDialog(Sheet):
    """The screen over the running station's camera and pins, full window."""

    def __init__(self, screen: CalibrationScreen, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Calibration")
        self.screen_widget = screen
        self.layout().setContentsMargins(0, 0, 0, 0)  # the screen is the whole sheet, its own buttons in it
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(screen)
        self.pin_buttons(screen.layout().takeAt(1).layout())  # SAVE / RESTORE / CLOSE stay in view when it scrolls
        screen.closed.connect(self.accept)

    def done(self, result: int) -> None:
        self.screen_widget.stop()
        super().done(result)


def for_station(station: Any, path: Path, *, running: Callable[[], bool] = lambda: False,
                session: Any = None) -> CalibrationScreen:
    """A calibration screen over a built station (``inspector.assemble.Station``)."""
    line = station.line
    inference = station.stats.latency.get("inference") or []
    inference_s = sorted(inference)[int(0.99 * (len(inference) - 1))] / 1000 if inference else None
    return CalibrationScreen(camera=line.frames.camera, frames=line.frames.latest, config=station.config, path=path,
                             beam=station.io.beam, pusher=station.io.pusher, inference_s=inference_s,
                             running=running, session=session, db=station.store)
