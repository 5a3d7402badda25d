"""The I/O tab of the calibration screen, over the runtime: live break-beam state, the pusher fired once with the
configured pulse, and the guided travel-time measurement (run by the runtime, :mod:`inspector.timing`). Firing and
measuring are refused by the runtime while the line runs. Values found here are saved with the screen's SAVE."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector.api.protocol import ApiError
from inspector.calibration import CalibrationError, check_pulse
from inspector.camera_controls import Range
from ui.calibration_widgets import ControlSlider, Lamp

PULSE = Range("pulse", 0.01, 0.5, 0.05, "s", 0.005, "Pusher pulse")
TRIALS = 5


class IoPanel(QWidget):
    travel_changed = Signal(float)
    pulse_changed = Signal(float)
    message = Signal(str, bool)  # text, is it a refusal

    def __init__(self, calibration: Any, *, travel_s: float, pulse_s: float, budget_s: float,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.calibration, self.budget_s = calibration, budget_s
        self.travel_s, self.pulse_s = travel_s, pulse_s
        self.state: dict[str, Any] = {"beam_broken": False, "running": False, "measurement": None}

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

    def _ask(self, action: str, **args: Any) -> bool:
        try:
            self.state = self.calibration.io(action, **args)
        except ApiError as e:
            self.message.emit(e.message, True)
            return False
        self.refresh()
        return True

    def poll(self) -> None:
        """Called at display rate by the screen while this tab is shown: the beam and the measurement."""
        self._ask("state")

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
        m = self.state.get("measurement")
        return (m.get("result") or {}).get("part_gap_s") if m else None

    def fire(self) -> None:
        if self._ask("fire", pulse_s=self.pulse_s, travel_s=self.travel_s):
            self.message.emit(f"pusher fired once for {self.pulse_s * 1000:.0f} ms", False)

    def start_measurement(self) -> None:
        if self._ask("travel_start", trials=TRIALS):
            self.message.emit("measuring: run parts one at a time", False)

    def stop_measurement(self) -> None:
        self._ask("travel_stop")

    def confirm(self) -> None:
        self._ask("travel_confirm")

    def use_result(self) -> None:
        m = self.state.get("measurement") or {}
        result = m.get("result")
        if not result:
            return
        try:
            if result["accepted_s"] is None:
                raise CalibrationError(result["refusal"])
            check_pulse(self.pulse_s, result["accepted_s"], result["part_gap_s"])
        except CalibrationError as e:
            self.message.emit(str(e), True)
            return
        self.travel_s = result["accepted_s"]
        self.stop_measurement()
        self.travel_changed.emit(self.travel_s)
        self.message.emit(f"travel time {self.travel_s:.3f} s taken (SAVE to keep it)", False)
        self.refresh()

    def set_values(self, travel_s: float, pulse_s: float) -> None:
        self.travel_s, self.pulse_s = travel_s, pulse_s
        self.pulse.set_value(pulse_s)
        self.refresh()

    def refresh(self) -> None:
        self.lamp.set_state(bool(self.state.get("beam_broken")))
        self.travel_label.setText(f"Travel {self.travel_s:.3f} s")
        self.budget_label.setText(f"inference budget {self.budget_s:.3f} s (frame wait + models); "
                                  "the travel must be longer")
        m = self.state.get("measurement")
        self.confirm_button.setEnabled(bool(m) and m["confirm_by_hand"] and not m["done"])
        self.use_button.setEnabled(bool(m) and m["result"] is not None)
        if not m:
            self.step.setText("Stop the line, tap START, then send parts one at a time.")
            self.trials_label.setText("")
            return
        n = len(m["trials"])
        if m["done"]:
            self.step.setText(f"{n} trials done: {m['result']['message']}")
        elif not m["confirm_by_hand"]:
            self.step.setText(f"Trial {n + 1} of {m['wanted']}: the sensor at the pusher times each part.")
        elif m["waiting"]:
            self.step.setText(f"Trial {n + 1} of {m['wanted']}: tap PART AT PUSHER when it reaches the pusher.")
        else:
            self.step.setText(f"Trial {n + 1} of {m['wanted']}: send a part through the beam.")
        self.trials_label.setText("trials: " + ", ".join(f"{t:.3f}" for t in m["trials"]) if m["trials"] else "")
