"""The technician's calibration screen, a client of the runtime: it opens with the camera's real values, shows a
preview of the values being tried, measures focus and exposure on it, and applies them only when asked.

What reaches the line's camera is the runtime's decision (:mod:`inspector.api.ops_calibration`): on a stopped line the
preview is the camera itself, on a running line the camera is not touched and the preview is rendered on its last
frame. SAVE applies and saves: a running line needs an explicit confirmation, a focus or exposure far from the
recipe's reference shows its warning first, then the reason is asked (audited by the runtime with the values changed).
RESTORE brings back the values last saved (as a preview). CLOSE takes any trial off the camera.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from inspector.api.protocol import ApiError
from inspector.calibration import CalibrationError, check_roi
from inspector.camera_controls import RANGES, CameraControls, ControlError
from ui import theme
from ui.calibration_io import IoPanel
from ui.calibration_remote import Preview, RemoteCalibration
from ui.calibration_controls import ControlPanel
from ui.calibration_widgets import ConfirmDialog, Histogram, RoiPreview
from ui.login import SignDialog
from ui.sheet import Sheet

REASONS = ("New camera, lens or light", "Image drifted (focus / exposure)", "Product or fixture change",
           "Conveyor or pusher timing changed", "Routine check")
REFRESH_MS = 150
log = logging.getLogger(__name__)


class CalibrationScreen(QWidget):
    closed = Signal()
    _previewed = Signal(object)  # a Preview or an error text, from the preview thread

    def __init__(self, calibration: RemoteCalibration, *, session: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.calibration, self.session = calibration, session
        opened = calibration.settings()
        self.ranges, self.reference = opened["ranges"], opened["reference"]
        self.path, self.running = opened["path"], opened["running"]
        self.controls = CameraControls(**opened["controls"])  # the camera's real values: the trial starts there
        self.applied = self.controls
        self.roi = tuple(opened["roi"]) if opened["roi"] else None
        self.last: Preview | None = None
        self.last_focus: float | None = None
        self.last_exposure: dict | None = None
        self._pending: Future | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="calibration-preview")
        self._previewed.connect(self._show)

        self.preview = RoiPreview()
        self.preview.roi = self.roi
        self.preview.roi_drawn.connect(self.set_roi)
        self.mode_label = QLabel(objectName="caption")
        self.mode_label.setWordWrap(True)
        self.focus_label = QLabel(objectName="title")
        self.exposure_label = QLabel(objectName="caption")
        self.exposure_label.setWordWrap(True)
        self.warning_label = QLabel(objectName="caption")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #fbbf24; font-weight: 700;")
        self.histogram = Histogram()
        self.clear_roi_button = QPushButton("WHOLE FRAME")
        self.clear_roi_button.clicked.connect(lambda: self.set_roi(None))

        self.panel = ControlPanel(self.controls, opened["resolutions"], self.reference)
        self.panel.moved.connect(self.set_control)
        self.panel.resolution_picked.connect(self._resolution_picked)
        self.sliders, self.tiles, self.resolution = self.panel.sliders, self.panel.tiles, self.panel.resolution
        self.pick = self.panel.pick

        readout = QHBoxLayout()
        readout.addWidget(self.focus_label, 1)
        readout.addWidget(self.clear_roi_button)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.mode_label)
        left.addWidget(self.preview, 5)
        left.addLayout(readout)
        left.addWidget(self.warning_label)
        left.addWidget(self.exposure_label)
        left.addWidget(self.histogram, 2)
        camera_tab = QWidget()
        row = QHBoxLayout(camera_tab)
        row.setContentsMargins(2, 2, 2, 2)
        row.addLayout(left, 10)
        row.addWidget(self.panel, 11)

        self.io = IoPanel(calibration, travel_s=opened["travel_s"], pulse_s=opened["pulse_s"],
                          budget_s=opened["inference_budget_s"])
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
        self.save_button.clicked.connect(self.ask_save)
        self.reason_dialog: SignDialog | None = None
        self.confirm_dialog: ConfirmDialog | None = None
        self.restore_button = QPushButton("RESTORE")
        self.restore_button.clicked.connect(self.restore)
        self.close_button = QPushButton("CLOSE")
        self.close_button.clicked.connect(self.finish)
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
        self.timer.timeout.connect(self.tick)
        self.timer.start(REFRESH_MS)
        self.say(f"opened with the camera's values; SAVE applies and writes {self.path.rsplit('/', 1)[-1]}", False)

    # -- trial controls ----------------------------------------------------------------------------------------
    def set_control(self, name: str, value: float) -> bool:
        """Try one control (in the preview); a refused value leaves everything as it was and says why."""
        try:
            self.controls = self.controls.with_(**{name: value})
        except ControlError as e:
            self._refused(str(e))
            return False
        self.panel.show_values(self.controls, sliders=False)
        spec = RANGES[name]
        self.say(f"trying {spec.label.lower()} {value:g}{spec.unit and ' ' + spec.unit} (not applied)", False)
        return True

    def set_resolution(self, width: int, height: int) -> bool:
        try:
            controls = self.controls.with_(width=width, height=height)
        except ControlError as e:
            self._refused(str(e))
            return False
        old, self.controls = self.controls.size, controls
        if self.roi is not None:  # the same part of the scene at the new resolution
            sx, sy = width / old[0], height / old[1]
            x, y, w, h = self.roi
            self.set_roi((int(x * sx), int(y * sy), int(w * sx), int(h * sy)), quiet=True)
        self.panel.show_values(self.controls, sliders=False)
        self.say(f"trying resolution {width} x {height} (not applied)", False)
        return True

    def _refused(self, text: str) -> None:
        self._show_controls()
        self.say(text, True)

    def _resolution_picked(self, width: int, height: int) -> None:
        if not self.set_resolution(width, height):
            self.panel.show_values(self.controls, sliders=False)

    def set_roi(self, roi, *, quiet: bool = False) -> bool:
        try:
            self.roi = check_roi(roi, self.controls.size)
        except CalibrationError as e:
            self.say(str(e), True)
            return False
        self.preview.roi = self.roi
        self.preview.update()
        if not quiet:
            self.say("roi " + (" ".join(map(str, self.roi)) if self.roi else "whole frame"), False)
        return True

    # -- preview -----------------------------------------------------------------------------------------------
    def tick(self) -> None:
        """The timer: one preview request at a time, on the preview thread; the I/O tab polls while it is shown."""
        if self.tabs.currentWidget() is self.io:
            self.io.poll()
            return
        if self._pool is not None and (self._pending is None or self._pending.done()):
            self._pending = self._pool.submit(self._fetch, self.controls, self.roi)
            self._pending.add_done_callback(lambda f: f.cancelled() or self._previewed.emit(f.result()))

    def refresh(self) -> Preview | None:
        """One preview now, on this thread (tests, screenshots)."""
        self._show(self._fetch(self.controls, self.roi))
        return self.last

    def _fetch(self, controls: CameraControls, roi) -> Preview | str:
        try:
            preview = self.calibration.preview(controls, roi)
        except ApiError as e:
            return e.message
        return preview

    def _show(self, preview: Preview | str) -> None:
        if isinstance(preview, str):
            self.say(preview, True)
            return
        self.last, self.running = preview, preview.running
        self.preview.show_frame(preview.image, preview.frame_size)
        self.last_focus, self.last_exposure = preview.focus_score, preview.exposure
        self.focus_label.setText(f"Focus {preview.focus_score:,.0f}")
        if preview.mode == "camera":
            self.mode_label.setText("PREVIEW on the camera (line stopped)")
            self.mode_label.setStyleSheet("color: #86efac;")
        else:
            missing = f"; {', '.join(preview.not_previewed)} shown only with the line stopped" \
                if preview.not_previewed else ""
            self.mode_label.setText(f"LINE RUNNING: preview drawn on its last frame, camera untouched{missing}")
            self.mode_label.setStyleSheet("color: #fbbf24; font-weight: 700;")
        exp = preview.exposure
        text = f"mean {exp['mean']:.0f}   clipped dark {exp['dark_fraction']:.1%}   white {exp['bright_fraction']:.1%}"
        self.exposure_label.setText("⚠ " + " · ".join(exp["warnings"]) if exp["warnings"] else text)
        self.exposure_label.setStyleSheet("color: #fbbf24;" if exp["warnings"] else "")
        self.warning_label.setText("⚠ " + "\n⚠ ".join(preview.warnings) if preview.warnings else "")
        self.warning_label.setVisible(bool(preview.warnings))
        self.histogram.show_histogram(preview.histogram, exp["dark_fraction"] > 0.01, exp["bright_fraction"] > 0.01)

    # -- save / restore ----------------------------------------------------------------------------------------
    def ask_save(self):
        """SAVE: what needs a second look first (a running line, focus or exposure far from the reference), then
        the reason (picked, no keyboard); the apply runs once both are given."""
        try:
            check = self.calibration.check(self.controls)
        except ApiError as e:
            self.say(e.message, True)
            return None
        running, warnings = check["running"], check["warnings"]
        if not running and not warnings:
            return self._ask_reason(False, False)
        lines = list(warnings)
        if running:
            lines.insert(0, "The line is running: the camera changes for the next parts as soon as this is applied. "
                            "Stopping the line first is safer.")
        title = "Apply to the running line?" if running else "Save values far from the reference?"
        self.confirm_dialog = ConfirmDialog(title, lines, "APPLY ANYWAY" if running else "SAVE ANYWAY", self)
        self.confirm_dialog.accepted.connect(lambda: self._ask_reason(running, bool(warnings)))
        self.confirm_dialog.open()
        return self.confirm_dialog

    def _ask_reason(self, confirm: bool, accept_warnings: bool) -> SignDialog:
        self.reason_dialog = SignDialog(self.session, f"Save calibration to {self.path}", list(REASONS), self,
                                        ask_pin=False)
        self.reason_dialog.accepted.connect(
            lambda d=self.reason_dialog: self.save(d.reason, confirm=confirm, accept_warnings=accept_warnings))
        self.reason_dialog.open()
        return self.reason_dialog

    def save(self, reason: str, *, confirm: bool = False, accept_warnings: bool = False) -> bool:
        """Apply and save with ``reason``; the runtime's refusal (running, warnings, role, bad value) is shown."""
        try:
            done = self.calibration.apply(self.controls, self.roi, self.io.travel_s, self.io.pulse_s, reason,
                                          confirm=confirm, accept_warnings=accept_warnings)
        except ApiError as e:
            self.say(e.message, True)
            return False
        self.applied = self.controls = CameraControls(**done["controls"])
        refused = done.get("refused") or {}
        note = "; camera did not take: " + "; ".join(f"{k}: {v}" for k, v in refused.items()) if refused else ""
        self.say(f"applied and saved to {done['saved']} ({done['note']}){note}", bool(refused))
        return True

    def restore(self) -> bool:
        """The values last saved, as the preview (SAVE applies them)."""
        try:
            saved = self.calibration.settings()["saved"]
        except ApiError as e:
            self.say(e.message, True)
            return False
        self.controls = CameraControls(**saved["controls"])
        self.roi = tuple(saved["roi"]) if saved["roi"] else None
        self.preview.roi = self.roi
        self.io.set_values(saved["travel_s"], saved["pulse_s"])
        self._show_controls()
        self.say("the saved values, as a preview: SAVE applies them", False)
        return True

    def _show_controls(self) -> None:
        self.panel.show_values(self.controls)

    def say(self, text: str, refused: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #f87171; font-weight: 700;" if refused else "color: #86efac;")

    # -- closing -----------------------------------------------------------------------------------------------
    def finish(self) -> None:
        self.stop()
        self.closed.emit()

    def stop(self) -> None:
        """Closing: the runtime takes the trial off the camera (the applied values back) and gives the beam back."""
        if self._pool is None:
            return
        self.timer.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        try:
            self.calibration.end()
        except ApiError as e:  # gone: the trial's lease ends it in the runtime
            log.warning("calibration end: %s", e)

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)


class CalibrationDialog(Sheet):
    """The screen over the runtime, full window."""

    def __init__(self, screen: CalibrationScreen, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Calibration")
        self.screen_widget = screen
        self.layout().setContentsMargins(0, 0, 0, 0)  # the screen is the whole sheet, its own buttons in it
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(screen)
        self.pin_buttons(screen.layout().takeAt(1).layout())  # SAVE / RESTORE / CLOSE stay in view when it scrolls
        self.button_row.setContentsMargins(screen.layout().contentsMargins())  # as they were under the tabs
        screen.closed.connect(self.accept)

    def done(self, result: int) -> None:
        self.screen_widget.stop()
        super().done(result)


def for_client(client: Any, *, session: Any = None) -> CalibrationScreen:
    """A calibration screen over the runtime that ``client`` (:class:`inspector.api.client.Client`) talks to; the
    client's login is the technician's. ``session`` only names the user in the reason dialog."""
    return CalibrationScreen(RemoteCalibration(client), session=session)

