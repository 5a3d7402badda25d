"""The operator screen's model: the parts the line finished, shift counters, alarms and the station's state.

Lives on the GUI thread; views take it in ``__init__`` and subscribe to its signals. Records arrive from the runtime
through the station link (``ui.link``), or directly from tests with :meth:`StationModel.add`. The link also sets the
runtime's shift and lot counters (:meth:`StationModel.set_counters`: a restarted window shows the same figures) and
whether the runtime is there (:meth:`StationModel.set_ready`).
"""
from __future__ import annotations

import collections
import dataclasses
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from inspector.alarms import Alarm
from inspector.record import PartRecord
from inspector.types import Frame
from ui.line_first import LineFirst
from ui.overlay import Overlay, annotated
from ui.reject_hold import RejectHold


@dataclass(frozen=True)
class InspectedPart:
    """One finished part as the line handed it over, with the box layout and ROI it was inspected with."""

    record: PartRecord
    frame: Frame | None
    results: tuple = ()
    layout: tuple[int, int] | None = None
    roi: tuple[int, int, int, int] | None = None

    @cached_property
    def overlay(self) -> Overlay:
        return Overlay.of(self.record, self.results, layout=self.layout, roi=self.roi)

    @cached_property
    def annotated(self) -> np.ndarray | None:
        """The frame with the overlay drawn on it (None without a frame)."""
        return None if self.frame is None else annotated(self.frame.image, self.overlay)

    @property
    def outcome(self) -> str:
        return self.record.outcome


@dataclass
class ShiftCounters:
    """Parts since the shift (or the lot's count) started, by outcome; ``lot`` names the lot of lot counters."""

    started: datetime | None = field(default_factory=datetime.now)
    inspected: int = 0
    passed: int = 0
    rejected: int = 0
    check: int = 0
    fail_safe: int = 0
    lot: str | None = None

    @classmethod
    def of(cls, values: dict | None) -> "ShiftCounters":
        """From the runtime's ``{started, inspected, passed, rejected, check, fail_safe[, lot]}`` (API ``counters``)."""
        values = values or {}
        started = values.get("started")
        try:
            started = datetime.fromisoformat(started).astimezone() if started else None
        except (TypeError, ValueError):
            started = None
        return cls(started, *(int(values.get(k) or 0) for k in ("inspected", "passed", "rejected", "check",
                                                                    "fail_safe")), values.get("lot"))

    def add(self, outcome: str) -> None:
        self.inspected += 1
        if outcome == "pass":
            self.passed += 1
        elif outcome == "reject":
            self.rejected += 1
        elif outcome == "uncertain":
            self.check += 1
        else:
            self.fail_safe += 1

    @property
    def yield_pct(self) -> float | None:
        return 100.0 * self.passed / self.inspected if self.inspected else None


@dataclass(frozen=True)
class Sample:
    """What the charts need of one part."""

    t: float  # when the GUI got it, time.monotonic()
    outcome: str
    trigger_to_decision_ms: float | None
    confidence: float


@dataclass(frozen=True)
class StationInfo:
    """The running station as the status area names it."""

    recipe: str = ""
    product: str = ""
    expected: int | None = None
    run_id: str = ""
    models: dict = field(default_factory=dict)
    deadline_ms: float | None = None  # trigger -> pusher: a decision later than this is a fail-safe


class StationModel(QObject):
    parts_added = Signal(list)  # [InspectedPart], oldest first
    alarms_changed = Signal(list)  # [Alarm] active now
    running_changed = Signal(bool)
    station_changed = Signal(object)  # StationInfo
    busy_changed = Signal(str)  # what the station is busy with ("" when it is not)
    counters_changed = Signal()  # shift / lot counters set by the runtime (or reset)
    ready_changed = Signal(bool, str)  # whether the runtime is there and healthy; why not

    def __init__(self, *, history: int = 24, samples: int = 5000, parent: QObject | None = None):
        super().__init__(parent)
        self.history: collections.deque[InspectedPart] = collections.deque(maxlen=history)
        self.samples: collections.deque[Sample] = collections.deque(maxlen=samples)
        self.counters = ShiftCounters()
        self.lot_counters: ShiftCounters | None = None  # the lot in force's, from the runtime (None: no lot)
        self.counted_by_runtime = False  # once the runtime sent counters, parts no longer count here
        self.alarms: list[Alarm] = []
        self.running = False
        self.busy = ""
        self.ready, self.not_ready_why = True, ""
        self.hold = RejectHold(self)  # the last REJECT / FAIL-SAFE, kept on screen until acknowledged or timed out
        self.info = StationInfo()
        self._frames: Callable[[], Frame | None] = lambda: None
        self.line_first = LineFirst()  # attached by the link to the line's "deciding now" word (the local socket)

    @property
    def latest(self) -> InspectedPart | None:
        return self.history[-1] if self.history else None

    def latest_frame(self) -> Frame | None:
        """The camera's newest frame (never waits)."""
        return self._frames()

    # -- changes -------------------------------------------------------------------------------------------------
    def add(self, record: PartRecord, frame: Frame | None = None, results: Sequence = (), *,
            layout: tuple[int, int] | None = None, roi=None) -> InspectedPart:
        part = InspectedPart(record, frame, tuple(results), layout, roi)
        self.add_parts([part])
        return part

    def add_parts(self, parts: list[InspectedPart]) -> None:
        if not parts:
            return
        now = time.monotonic()
        for part in parts:
            record = part.record
            if not self.counted_by_runtime:
                self.counters.add(record.outcome)
            self.samples.append(Sample(now, record.outcome, record.timings_ms.get("trigger_to_decision"),
                                       record.confidence))
            self.history.append(part)
        self.hold.offer(parts)
        self.parts_added.emit(parts)

    def set_counters(self, shift: dict | None, lot: dict | None = None) -> None:
        """The runtime's shift and lot counters (API ``counters`` / the ``counters`` event): from now on they are the
        figures shown, and parts no longer count in the window (a restarted window shows the same)."""
        self.counted_by_runtime = True
        self.counters = ShiftCounters.of(shift)
        self.lot_counters = ShiftCounters.of(lot) if lot and lot.get("lot") is not None else None
        self.counters_changed.emit()

    def set_ready(self, ready: bool, why: str = "") -> None:
        """Whether the runtime is connected and healthy (the link says); ``why`` is shown while it is not."""
        if (ready, why) != (self.ready, self.not_ready_why):
            self.ready, self.not_ready_why = ready, "" if ready else why
            self.ready_changed.emit(ready, self.not_ready_why)

    def set_alarms(self, alarms: list[Alarm]) -> None:
        self.alarms = [dataclasses.replace(a) for a in alarms]
        self.alarms_changed.emit(self.alarms)

    def set_running(self, running: bool) -> None:
        if running != self.running:
            self.running = running
            self.running_changed.emit(running)

    def set_busy(self, what: str) -> None:
        self.busy = what
        self.busy_changed.emit(what)

    def set_station(self, info: StationInfo, frames: Callable[[], Frame | None] | None = None) -> None:
        self.info = info
        if frames is not None:
            self._frames = frames
        self.station_changed.emit(info)

    def set_frames(self, frames: Callable[[], Frame | None]) -> None:
        """Where the live view takes the camera's newest frame from (the link's last received)."""
        self._frames = frames

    def restore(self, parts: list[InspectedPart]) -> None:
        """After a (re)connect: the last results as recorded replace what was shown (the strip gets the new ones)."""
        shown = self.latest.record.part_id if self.latest is not None else None
        self.history.clear()
        self.history.extend(parts)
        self.parts_added.emit([p for p in parts if shown is None or p.record.part_id > shown])

    def new_shift(self) -> None:
        """Counters and charts start again from zero (the strip keeps its parts)."""
        self.counters = ShiftCounters()
        self.samples.clear()
        self.parts_added.emit([])
        self.counters_changed.emit()
