"""The I/O tab of the calibration screen: live break-beam state, the pusher fired once with the configured pulse, and
the guided travel-time measurement (``inspector.timing``). Values found here are saved with the screen's SAVE."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector.calibration import CalibrationError, check_pulse, inference_budget_s
from inspector.camera_controls import Range
from inspector.config import TimingSettings
from inspector.timing import TravelMeasurement, fire_pulse
from ui.calibration_widgets import ControlSlider, Lamp

PULSE = Range("pulse", 0.01, 0.5, 0.05, "s", 0.005, "Pusher pulse")
TRIALS = 5


class IoPanel(QWidget):
    travel_changed = Signal(float)
    pulse_changed = Signal(float)
    message = Signal(str, bool)  # text, is it a refusal
    _measured = Signal()  # from the sensor's thread

    def __init__(self, *, beam: Any, pusher: Any, timing: TimingSettings, travel_s: float, pulse_s: float,
                 inference_s: float | None = None, arrival: Any = None, clock=None,
                 running: Callable[[], bool] = lambda: False, parent: QWidget | None = None):
        super().__init__(parent)
        self.beam, self.pusher, self.arrival, self.clock, self.running = beam, pusher, arrival, clock, running
        self.timing, self.inference_s = timing, inference_s
        self.travel_s, self.pulse_s = travel_s, pulse_s
        self.measurement: TravelMeasurement | None = None
        self.pulse_timer = None

        self.lamp = Lamp()
        self.pulse = ControlSlider(PULSE, pulse_s)
        self.pulse.moved.connect(self._pulse_moved)
        self.fire_button = QPushButton("FIRE PUSHER ONCE", objectName="fire")
        self.fire_button.clicked.connect(self.fire)
        self.travel_label = QLabel(objectName="title")
        self.budget_label = QLabel(objectName="dim")
        self.budget_label.setWordWrap(True)

        self.start_button = QPushButton("START TRAVEL MEASUREMENT")
        self.start_button.clicked.connect(self.start_measurement)
        self.confirm_button = QPushButton("PART AT PUSHER", objectName="start")
        self.confirm_button.clicked.connect(self.confirm)
        self.use_button = QPushButton("USE RESULT")
        self.use_button.clicked.connect(self.use_result)
        self.step = QLabel(objectName="caption")
        self.step.setWordWrap(True)
        self.trials_label = QLabel(objectName="dim")
        self.trials_label.setWordWrap(True)
        self._measured.connect(self.refresh)

        left = QVBoxLayout()
        for w in (self.lamp, self.pulse, self.fire_button, self.travel_label, self.budget_label):
            left.addWidget(w)
        left.addStretch(1)
        right = QVBoxLayout()
        for w in (self.start_button, self.step, self.confirm_button, self.trials_label, self.use_button):
            right.addWidget(w)
        right.addStretch(1)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.refresh()

    @property
    def budget_s(self) -> float:
        return inference_budget_s(self.timing, self.inference_s)

    def poll(self) -> None:
        """Called at display rate by the screen: the beam's live state."""
        if self.beam is not None:
            self.lamp.set_state(bool(self.beam.broken))

    def _pulse_moved(self, _name: str, value: float) -> None:
        try:
            self.pulse_s = check_pulse(value, self.travel_s, self._gap())
        except CalibrationError as e:
            self.pulse.set_value(self.pulse_s)
            self.message.emit(str(e), True)
            return
        self.pulse_changed.emit(self.pulse_s)
        self.refresh()

    def _gap(self) -> float | None:
        if self.measurement is None or len(self.measurement.edges) < 2:
            return None
        return self.measurement.result().part_gap_s if self.measurement.trials else None

    def fire(self) -> None:
        if self.running():
            self.message.emit("stop the line before firing the pusher by hand", True)
            return
        try:
            self.pulse_timer = fire_pulse(self.pusher, self.pulse_s, self.travel_s)
        except CalibrationError as e:
            self.message.emit(str(e), True)
            return
        self.message.emit(f"pusher fired once for {self.pulse_s * 1000:.0f} ms", False)

    def start_measurement(self) -> None:
        if self.running():
            self.message.emit("stop the line before measuring: the measurement borrows the beam", True)
            return
        self.stop_measurement()
        self.measurement = TravelMeasurement(self.beam, trials=TRIALS, arrival=self.arrival, clock=self.clock,
                                             on_change=self._measured.emit)
        self.message.emit("measuring: run parts one at a time", False)
        self.refresh()

    def stop_measurement(self) -> None:
        if self.measurement is not None:
            self.measurement.close()

    def confirm(self) -> None:
        if self.measurement is None or self.measurement.confirm_arrival() is None:
            self.message.emit("no part on its way: the beam has not seen one since the last confirmation", True)

    def use_result(self) -> None:
        if self.measurement is None:
            return
        try:
            result = self.measurement.result()
            travel = result.accepted(self.budget_s)
            check_pulse(self.pulse_s, travel, result.part_gap_s)
        except CalibrationError as e:
            self.message.emit(str(e), True)
            return
        self.travel_s = travel
        self.stop_measurement()
        self.travel_changed.emit(travel)
        self.message.emit(f"travel time {travel:.3f} s taken (SAVE to keep it)", False)
        self.refresh()

    def set_values(self, travel_s: float, pulse_s: float) -> None:
        self.travel_s, self.pulse_s = travel_s, pulse_s
        self.pulse.set_value(pulse_s)
        self.refresh()

    def refresh(self) -> None:
        self.travel_label.setText(f"Travel {self.travel_s:.3f} s")
        self.budget_label.setText(f"inference budget {self.budget_s:.3f} s (frame wait {self.timing.frame_timeout_s:g} s"
                                  f" + models); the travel must be longer")
        m = self.measurement
        measuring = m is not None and m._open
        self.confirm_button.setEnabled(measuring and self.arrival is None)
        self.use_button.setEnabled(m is not None and bool(m.trials) and measuring)
        if not measuring:
            self.step.setText("Stop the line, tap START, then send parts one at a time.")
            return
        n = len(m.trials)
        if m.done:
            self.step.setText(f"{n} trials done: {m.result().message}")
        elif m.arrival is not None:
            self.step.setText(f"Trial {n + 1} of {m.wanted}: the sensor at the pusher times each part.")
        elif m.waiting:
            self.step.setText(f"Trial {n + 1} of {m.wanted}: tap PART AT PUSHER when it reaches the pusher.")
        else:
            self.step.setText(f"Trial {n + 1} of {m.wanted}: send a part through the beam.")
        self.trials_label.setText("trials: " + ", ".join(f"{t:.3f}" for t in m.trials) if m.trials else "")
