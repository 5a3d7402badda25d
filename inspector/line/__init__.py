"""The part loop: trigger → frame → models → decision → pusher at the part's deadline → one record.

Threads: the trigger arrives on gpiozero's thread and only books the part; the ``inspect`` workers take parts from a
bounded queue (parts may be decided out of order: each is tracked by its id); the ``actuator`` (``Transit``) fires the
pusher at deadlines; the ``capture`` thread keeps frames. A part ends with exactly one record once it is both inspected
(or given up) and closed at its deadline.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from inspector import tasks
from inspector.alarms import Alarms
from inspector.capture import FrameBuffer
from inspector.clock import Clock, MonotonicClock
from inspector.config import Recipe, StationConfig
from inspector.decide import decide, fail_safe
from inspector.deciding import Deciding
from inspector.inference import RecipeModels
from inspector.ports import Actuator, Camera, RecordSink, StackLight, Trigger
from inspector.record import PartRecord
from inspector.transit import PartInTransit, Transit
from inspector.types import Decision, FailSafeCause, Frame, ModelResult, Outcome
from inspector.workers import Heartbeat, Worker

if TYPE_CHECKING:
    from inspector.line.journal import TriggerJournal

log = logging.getLogger(__name__)

RecordListener = Callable[[PartRecord, Frame | None, list[ModelResult]], None]


def _stall_s(camera: Camera, station: StationConfig) -> float | None:
    """How long a free-running camera may deliver nothing before it counts as lost: ``camera.stall_frames`` frame
    periods at the camera's own rate. None for a hardware-triggered camera (no part, no frame)."""
    if getattr(camera, "triggered", False):
        return None
    fps = getattr(camera, "fps", None) or station.camera.fps
    return station.camera.stall_frames / fps


@dataclass
class _Part:
    transit: PartInTransit
    wall_time: str
    frame: Frame | None = None
    results: list[ModelResult] = field(default_factory=list)
    model_versions: dict[str, str] | None = None  # the models that gave ``results`` (a swap may follow)
    decision: Decision | None = None
    inspected: bool = False
    abandoned: bool = False  # the station closed before the part reached the pusher
    timings_ms: dict[str, float] = field(default_factory=dict)
    lot: str | None = None  # the lot in force at the trigger

    @property
    def part_id(self) -> int:
        return self.transit.part_id


class Line:
    """One inspection line. ``open()`` starts its threads, ``start()``/``stop()`` inspection, ``close()`` ends all."""

    def __init__(
        self,
        *,
        station: StationConfig,
        recipe: Recipe,
        models: RecipeModels,
        camera: Camera,
        pusher: Actuator,
        trigger: Trigger | None = None,
        light: StackLight | None = None,
        sink: RecordSink | None = None,
        clock: Clock | None = None,
        alarms: Alarms | None = None,
        first_part_id: int = 1,
        run_id: str | None = None,
        workers: int = 1,
        journal: "TriggerJournal | None" = None,
        lot: str | None = None,
    ):
        self.station, self.recipe, self.models = station, recipe, models
        self.clock = clock or MonotonicClock()
        self.trigger, self.light, self.sink = trigger, light, sink
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.lot = lot  # stamped on each part at its trigger; changed through inspector.line.lots.change_lot
        self.alarms = alarms or Alarms()
        self.alarms.on_change = self._show_light
        timing = station.timing
        self.frames = FrameBuffer(
            camera, clock=self.clock, max_age_s=timing.frame_max_age_s,
            on_camera_error=lambda message: self.alarms.raise_("camera_lost", message),
            on_camera_back=lambda: self.alarms.clear("camera_lost", "frames are coming again"),
            stall_s=_stall_s(camera, station),
        )
        self.transit = Transit(
            clock=self.clock, pusher=pusher, travel_s=timing.travel_s, pulse_s=timing.pulse_s, on_closed=self._closed
        )
        self._ids = itertools.count(first_part_id)
        self.journal = journal  # when given, it hands out the ids and each part waits for its trigger to be durable
        self._last_trigger_at = float("-inf")  # time.monotonic() of the last edge: close() waits for the belt to stop
        self._detached = False  # close() has let go of the trigger: an edge still in flight is recorded at once
        self._queue: queue.Queue[int] = queue.Queue(maxsize=station.queue_size)
        self._parts: dict[int, _Part] = {}
        self.deciding = Deciding()  # parts between trigger and decision, so the window can keep out of their way
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        # Parts are independent and ONNX Runtime sessions may run from several threads at once: two inspectors
        # with one intra-op thread each keep both cores of a small machine busy where one two-thread run cannot.
        self._stop = threading.Event()
        self._workers = [Worker("inspect" if i == 0 else f"inspect-{i + 1}", self._inspect_loop)
                         for i in range(max(1, workers))]
        for worker in self._workers:
            worker.stop_event = self._stop
        self.trigger_heartbeat = Heartbeat("trigger")
        # Run under start_lock before the line inspects again: a calibration trial leaves the camera and the beam
        # (inspector.calibration_trial); whoever changes the camera only while stopped holds start_lock to check.
        self.before_start: list[Callable[[], None]] = []
        self.start_lock = threading.RLock()
        self.running = False
        self.halted = False  # a reject_and_stop fail-safe happened: every part is rejected until restarted
        self.listeners: list[RecordListener] = []
        # Why a record made now may not become durable (the writer's and the disk's health); None: it will.
        self.record_health: Callable[[], str | None] | None = None
        self._not_durable = False
        self.triggered = 0
        self.recorded = 0
        self.sink_refused = 0

    # -- life cycle ------------------------------------------------------------------------------------------
    def open(self) -> "Line":
        """Start the threads; the camera must be open already (its errors belong to start-up, not to a part)."""
        self.frames.start()
        self.transit.start()
        for worker in self._workers:
            worker.start()
        if self.trigger is not None:
            self.trigger.when_broken = self.on_trigger
        self._show_light()
        return self

    def threads(self) -> list[tuple[Heartbeat, Callable[[], bool]]]:
        """The line's own threads for the watchdog: each one's heartbeat and whether it is alive. The trigger's
        heartbeat is a call's (gpiozero's thread): it is alive while the line listens to the beam."""
        listening = lambda: self.trigger is None or self.trigger.when_broken is not None  # noqa: E731
        return [(self.trigger_heartbeat, listening), (self.frames.heartbeat, lambda: self.frames.alive),
                (self.transit.heartbeat, lambda: self.transit.alive),
                *((w.heartbeat, lambda w=w: w.alive) for w in self._workers)]

    def start(self) -> None:
        """Inspect arriving parts (operator Start); refused (LotError) without a lot where the station requires one."""
        from inspector.line.lots import check_lot_required

        check_lot_required(self.station, self.lot)
        with self.start_lock:
            for hook in list(self.before_start):
                hook()
            self.running, self.halted = True, False
        self._show_light()

    def stop(self) -> None:
        """Stop inspecting: parts that still arrive are rejected fail-safe, never passed (operator Stop)."""
        self.running = False
        self._show_light()

    def close(self, timeout: float = 2.0, *, quiet_s: float = 0.2) -> bool:
        """Keep deciding the parts that still arrive until the belt is quiet (nothing in transit and no edge for
        ``quiet_s``) or the time left is only what the last part needs to reach the pusher; then let go of the trigger,
        finish the parts in transit, stop every worker and record everything left as fail-safe.
        True when all stopped in time."""
        end = time.monotonic() + timeout
        self._drain_arrivals(end - self.station.timing.travel_s - 0.3, quiet_s)
        with self._lock:
            self._detached = True
        self.running = False
        if self.trigger is not None:
            self.trigger.when_broken = None
        self.wait_inspected(max(0.0, end - time.monotonic() - 0.2))
        drained = self.transit.drain(max(0.0, end - time.monotonic() - 0.1))
        stopped = [self.transit.stop(0.2), self.frames.stop(0.5)]
        stopped += [worker.stop(max(0.1, end - time.monotonic())) for worker in self._workers]
        self._abandon_unfinished()
        self.frames.camera.close()
        if self.light is not None:
            self.light.show("red")
        return drained and all(stopped)

    def _drain_arrivals(self, until: float, quiet_s: float) -> bool:
        """Wait (until ``until``, time.monotonic) for the belt to be quiet: no part pending and no edge for quiet_s."""
        while True:
            now = time.monotonic()
            with self._lock:
                quiet = not self._parts and now - self._last_trigger_at >= quiet_s
            if quiet:
                return True
            if now >= until:
                return False
            time.sleep(0.005)

    # -- trigger (gpiozero's thread) -------------------------------------------------------------------------
    def on_trigger(self) -> int:
        """Book the part that just broke the beam; returns its id. Cheap: the work happens elsewhere."""
        self.trigger_heartbeat.enter()  # gpiozero's thread is not ours: a booking that hangs shows as a long call
        try:
            return self._book()
        finally:
            self.trigger_heartbeat.leave()

    def _book(self) -> int:
        t = self.clock.now()
        wall = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        part_id = self.journal.book(t, wall) if self.journal is not None else next(self._ids)
        with self._lock:
            self.triggered += 1
            self._last_trigger_at = time.monotonic()
            part = _Part(self.transit.add(part_id, t), wall, lot=self.lot)
            self._parts[part_id] = part
            detached = self._detached
        if detached:  # the edge raced close(): no pusher will act on it, but it gets its record
            self._abandon(part)
            return part_id
        self.deciding.begin(part_id)
        part.frame = self.frames.frame_at(t)  # held from now: a long queue must not push it out of the buffer
        if not self.running or self.halted:
            why = "line halted by a fail-safe" if self.halted else "line stopped"
            self._inspected(part, fail_safe(FailSafeCause.STOPPED, why))
            return part_id
        try:
            self._queue.put_nowait(part_id)
        except queue.Full:
            self.alarms.raise_("queue_full", f"part {part_id}: inspection queue full ({self._queue.maxsize})", part_id)
            self._inspected(part, fail_safe(FailSafeCause.QUEUE_FULL, f"{self._queue.maxsize} parts already waiting"))
        return part_id

    # -- inspection worker -----------------------------------------------------------------------------------
    def _inspect_loop(self) -> None:
        me = threading.current_thread()
        beat = next((w.heartbeat for w in self._workers if w.thread is me), Heartbeat("inspect")).beat
        while not self._stop.is_set():
            beat()
            try:
                part_id = self._queue.get(timeout=0.05)
            except queue.Empty:
                continue
            with self._lock:
                part = self._parts.get(part_id)
            if part is not None:
                self._inspect(part)
            self._queue.task_done()

    def _inspect(self, part: _Part) -> None:
        timing = self.station.timing
        t_start = self.clock.now()
        part.timings_ms["queue"] = (t_start - part.transit.t_trigger) * 1000
        frame = part.frame or self.frames.frame_for(part.transit.t_trigger, timing.frame_timeout_s)
        t_frame = self.clock.now()
        part.timings_ms["capture_wait"] = (t_frame - t_start) * 1000
        if frame is None:
            self.alarms.raise_("no_frame", f"part {part.part_id}: no camera frame within {timing.frame_timeout_s}s", part.part_id)
            self._inspected(part, fail_safe(FailSafeCause.NO_FRAME, f"no frame within {timing.frame_timeout_s}s"))
            return
        part.frame = frame
        part.timings_ms["frame_age"] = (part.transit.t_trigger - frame.t) * 1000
        try:
            part.results, part.model_versions = self.models.run_with_versions(frame.image)
            t_inferred = self.clock.now()
            decision = decide(part.results, self.recipe)
        except Exception as e:
            log.exception("part %d: model failed", part.part_id)
            self.alarms.raise_("model_error", f"part {part.part_id}: {e!r}", part.part_id)
            self._inspected(part, fail_safe(FailSafeCause.MODEL_ERROR, repr(e)))
            return
        part.timings_ms["inference"] = (t_inferred - t_frame) * 1000
        if self.journal is not None:
            decision = self._journaled(part, decision)
        self._inspected(part, decision)

    def _journaled(self, part: _Part, decision: Decision) -> Decision:
        """``decision`` once the part's trigger is durable (usually already: the sync ran during inference); else a
        fail-safe, so no part is passed that a crash now would leave without a trace."""
        t0 = time.perf_counter()
        durable = self.journal.wait_durable(part.part_id, part.transit.deadline - self.clock.now())
        part.timings_ms["journal_wait"] = (time.perf_counter() - t0) * 1000
        if durable:
            return decision
        why = self.journal.stats.failed or "not synced before the part's deadline"
        self.alarms.raise_("storage_error", f"part {part.part_id}: trigger not durable in the crash journal: {why}",
                           part.part_id)
        return fail_safe(FailSafeCause.NOT_JOURNALED, f"trigger not durable in the crash journal ({why})")

    def _inspected(self, part: _Part, decision: Decision) -> None:
        decision = self._unless_durable(part.part_id, decision)
        now = self.clock.now()
        part.timings_ms["trigger_to_decision"] = (now - part.transit.t_trigger) * 1000
        in_time = self.transit.decide(part.part_id, decision, now)
        if not in_time:
            late_ms = (now - part.transit.deadline) * 1000
            self.alarms.raise_("late_decision", f"part {part.part_id}: decided {late_ms:.0f} ms after its deadline", part.part_id)
        part.decision = decision
        self.deciding.end(part.part_id)
        if decision.outcome is Outcome.FAIL_SAFE and self.recipe.fail_safe == "reject_and_stop":
            self.halted = True
            self._show_light()
        with self._lock:
            part.inspected = True
            self._finish_if_done(part)

    def _unless_durable(self, part_id: int, decision: Decision) -> Decision:
        """No part passes while its record may not become durable: it is rejected fail-safe (``record_not_durable``),
        or the line stops (the recipe's ``record_not_durable = "stop"``). One alarm when it starts, cleared at the
        first part decided after the store is healthy again."""
        if self.record_health is None or decision.outcome is Outcome.FAIL_SAFE:
            return decision
        why = self.record_health()
        if why is None:
            if self._not_durable:
                self._not_durable = False
                self.alarms.clear("record_not_durable", f"records durable again from part {part_id}")
            return decision
        if not self._not_durable:
            self._not_durable = True
            stops = self.recipe.record_not_durable == "stop"
            self.alarms.raise_("record_not_durable", f"from part {part_id}: {why}: "
                               + ("line stopped" if stops else "every part rejected"), part_id)
            if stops:
                self.halted = True
                self._show_light()
        return fail_safe(FailSafeCause.RECORD_NOT_DURABLE, f"{why} (inspection said: {decision.reason})")

    # -- actuator thread ---------------------------------------------------------------------------------------
    def _closed(self, transit: PartInTransit) -> None:
        if transit.decision is None:
            self.alarms.raise_("late_decision", f"part {transit.part_id}: no decision by its deadline", transit.part_id)
        with self._lock:
            part = self._parts.get(transit.part_id)
            if part is not None:
                self._finish_if_done(part)

    # -- the record --------------------------------------------------------------------------------------------
    def _finish_if_done(self, part: _Part) -> None:
        if not (part.inspected and part.transit.closed) or part.part_id not in self._parts:
            return
        del self._parts[part.part_id]
        record = self._record(part)
        image = part.frame.image if part.frame is not None else None
        if self.sink is not None and not self.sink.submit(record, image):
            self.sink_refused += 1
            self.alarms.raise_("record_dropped", f"part {part.part_id}: the record writer refused it", part.part_id)
        self.recorded += 1
        self._idle.notify_all()
        for listener in list(self.listeners):
            try:
                listener(record, part.frame, part.results)
            except Exception:
                log.exception("record listener failed")

    def _record(self, part: _Part) -> PartRecord:
        transit = part.transit
        decision = part.decision if transit.decided_in_time else None
        if part.abandoned:
            said = f" (it was decided: {part.decision.reason})" if part.decision else ""
            decision = fail_safe(FailSafeCause.STOPPED, f"station closed before the part reached the pusher: "
                                                        f"NOT pushed, check it by hand{said}")
        elif decision is None:
            made = f" (the result came later: {part.decision.reason})" if part.decision else ""
            decision = Decision(Outcome.FAIL_SAFE, f"late: no decision before the pusher deadline{made}", 1.0, FailSafeCause.LATE)
        record = PartRecord(
            part_id=part.part_id,
            run_id=self.run_id,
            recipe=self.recipe.name,
            recipe_hash=self.recipe.sha256,
            t_trigger=transit.t_trigger,
            wall_time=part.wall_time,
            outcome=decision.outcome.value,
            reason=decision.reason,
            confidence=round(decision.confidence, 4),
            actuated=transit.actuated,
            fail_safe_cause=decision.cause.value if decision.cause else None,
            late=transit.decided_at is None or transit.decided_at > transit.deadline,
            models=part.model_versions if part.model_versions is not None else self.models.versions,
            expected=self.recipe.expected_count,
            timings_ms={k: round(v, 3) for k, v in part.timings_ms.items()},
            frame_t=part.frame.t if part.frame is not None else None,
            truth=part.frame.truth if part.frame is not None else None,
            lot=part.lot,
        )
        for result in part.results:
            for key, value in tasks.for_result(result).record_fields(result).items():
                setattr(record, key, value)
        return record

    def _abandon_unfinished(self) -> None:
        """At close, parts never inspected or closed still get their one record, as fail-safe."""
        with self._lock:
            leftovers = list(self._parts.values())
        for part in leftovers:
            self._abandon(part)
        self.deciding.clear()

    def _abandon(self, part: _Part) -> None:
        if not part.inspected:
            part.decision = fail_safe(FailSafeCause.STOPPED, "station closed before the part was inspected")
            part.inspected = True
        if not part.transit.closed:  # its deadline is still ahead: no pusher will fire for it
            part.abandoned = True
            part.transit.closed = True
        with self._lock:
            self._finish_if_done(part)

    # -- waiting and health ------------------------------------------------------------------------------------
    def wait_inspected(self, timeout: float) -> bool:
        """Block until every queued part has been inspected."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                busy = any(not p.inspected for p in self._parts.values())
            if not busy:
                return True
            time.sleep(0.002)
        return False

    def wait_recorded(self, n: int, timeout: float) -> bool:
        end = time.monotonic() + timeout
        with self._idle:
            while self.recorded < n:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def in_transit(self) -> int:
        return self.transit.pending()

    def _show_light(self, *_: object) -> None:
        if self.light is None:
            return
        if not self.running or self.halted:
            self.light.show("red")
        elif self.alarms.active:
            self.light.show("amber")
        else:
            self.light.show("green")
