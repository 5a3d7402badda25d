"""Alarms: raised by the line, shown until a person acknowledges them, mirrored on the stack light."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

log = logging.getLogger(__name__)

KINDS = (
    "camera_lost",
    "no_frame",
    "model_error",
    "late_decision",
    "queue_full",
    "record_dropped",
    "storage_error",
    "disk_low",
    "model_refused",
    "disk_critical",
    "record_not_durable",
    "lost_in_crash",
    "model_drift",
    "file_access",
)


@dataclass
class Alarm:
    kind: str
    message: str
    raised_at: str
    part_id: int | None = None
    count: int = 1  # how many times it was raised while active


class Alarms:
    """Active alarms keyed by kind: a repeat raises the count, not a new banner."""

    def __init__(self, on_change: Callable[[list[Alarm]], None] | None = None, on_raise: Callable[[Alarm], None] | None = None):
        self._active: dict[str, Alarm] = {}
        self._lock = threading.Lock()
        self.on_change = on_change
        self.on_raise = on_raise
        self.listeners: list[Callable[[list[Alarm]], None]] = []  # more subscribers, e.g. the operator screen
        self.raised_total = 0

    def raise_(self, kind: str, message: str, part_id: int | None = None) -> Alarm:
        if kind not in KINDS:
            raise ValueError(f"unknown alarm kind {kind!r}; known: {KINDS}")
        with self._lock:
            self.raised_total += 1
            alarm = self._active.get(kind)
            if alarm is None:
                alarm = Alarm(kind, message, datetime.now(timezone.utc).isoformat(timespec="milliseconds"), part_id)
                self._active[kind] = alarm
                log.warning("ALARM %s: %s", kind, message)
            else:
                alarm.count += 1
                alarm.message, alarm.part_id = message, part_id
        if self.on_raise:
            self.on_raise(alarm)
        self._changed()
        return alarm

    def acknowledge(self, kind: str, by: str) -> Alarm | None:
        with self._lock:
            alarm = self._active.pop(kind, None)
        if alarm:
            log.info("alarm %s acknowledged by %s", kind, by)
            self._changed()
        return alarm

    def clear(self, kind: str, why: str) -> Alarm | None:
        """The condition is gone by itself (space came back): the banner goes without a person acknowledging it."""
        with self._lock:
            alarm = self._active.pop(kind, None)
        if alarm:
            log.warning("alarm %s cleared: %s", kind, why)
            self._changed()
        return alarm

    @property
    def active(self) -> list[Alarm]:
        with self._lock:
            return list(self._active.values())

    def _changed(self) -> None:
        active = self.active
        for callback in ([self.on_change] if self.on_change else []) + list(self.listeners):
            try:
                callback(active)
            except Exception:
                log.exception("alarm listener failed")
