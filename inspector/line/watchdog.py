"""The runtime's watchdog: pets systemd and the ready-pin supervisor only while the line's threads are alive and moving.

Each watched thread beats a :class:`~inspector.workers.Heartbeat` every time round its loop, idle or not. A thread that
has died, or has not beaten for longer than its limit (stuck in a call: a blocked disk write, a driver that never
returns), is a problem; so is a callback on a foreign thread (the trigger) that has been inside the line for longer than
its limit. While there is a problem, nothing is petted:

- systemd (``$NOTIFY_SOCKET``, ``WatchdogSec``) hears no ``WATCHDOG=1`` and restarts the service when the unit's
  interval runs out; ``STATUS=`` says which thread stopped moving.
- the interlock (``inspector interlock``, which holds the "station ready" pin) hears no ``WATCHDOG=1`` and drops the
  pin after its timeout (~60 ms). It is petted only while the line is also *inspecting* (started, not halted by a
  fail-safe): a stopped line is alive, but the belt must not carry parts past it.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from inspector.sd_notify import InterlockLink, Notifier
from inspector.workers import Heartbeat

log = logging.getLogger(__name__)

SYSTEMD_ONLY_TICK_S = 0.5  # how often the threads are checked when no interlock listens (at most: half WatchdogSec)


@dataclass(frozen=True)
class Watched:
    """One thread the watchdog checks: its heartbeat, how long it may be silent, and whether it is alive.
    ``calls_only``: the heartbeat is a foreign thread's call into the line; only a call lasting too long counts."""

    heartbeat: Heartbeat
    limit_s: float
    alive: Callable[[], bool] = lambda: True
    calls_only: bool = False

    def problem(self, now: float) -> str | None:
        hb = self.heartbeat
        if not self.alive():
            return f"{hb.name} thread has ended"
        if self.calls_only:
            since = hb.busy_since
            if since is not None and now - since > self.limit_s:
                return f"{hb.name} stuck in a call for {now - since:.1f} s (limit {self.limit_s:g} s)"
            return None
        silent = now - hb.at
        if silent > self.limit_s:
            return f"{hb.name} has not moved for {silent:.1f} s (limit {self.limit_s:g} s)"
        return None


class Watchdog:
    """A thread (``watchdog``) that checks the watched threads every ``tick_s`` and pets what listens.

    ``ready()`` says whether the line is inspecting (the interlock's pin); ``notifier`` is systemd's (``READY=1`` the
    first time every thread is moving, ``WATCHDOG=1`` at half ``WatchdogSec``); ``interlock`` the supervisor's link
    (``WATCHDOG=1`` every tick while healthy and ready). A watchdog with neither does nothing useful: see
    :meth:`wanted`.
    """

    def __init__(self, watched: list[Watched], *, ready: Callable[[], bool] = lambda: True,
                 notifier: Notifier | None = None, interlock: InterlockLink | None = None,
                 tick_s: float | None = None):
        self.watched = list(watched)
        self.ready = ready
        self.notifier = notifier if notifier is not None and notifier.enabled else None
        self.interlock = interlock
        wd = self.notifier.watchdog_s if self.notifier is not None else None
        self.pet_every_s = wd / 2 if wd else None
        if tick_s is None:
            tick_s = SYSTEMD_ONLY_TICK_S if wd is None else min(SYSTEMD_ONLY_TICK_S, wd / 4)
        self.tick_s = tick_s
        self.problems: list[str] = []
        self.pets = 0  # WATCHDOG=1 to systemd
        self.beats = 0  # WATCHDOG=1 to the interlock
        self._last_pet = float("-inf")
        self._status: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.heartbeat = Heartbeat("watchdog")

    @staticmethod
    def wanted(notifier: Notifier | None, interlock: InterlockLink | None) -> bool:
        return (notifier is not None and notifier.enabled) or interlock is not None

    def check(self, now: float | None = None) -> list[str]:
        """What is wrong now (empty: every thread alive and moving)."""
        now = time.monotonic() if now is None else now
        return [p for w in self.watched if (p := w.problem(now)) is not None]

    def tick(self) -> None:
        """One round: check the threads, pet what should be petted, say what changed."""
        self.heartbeat.beat()
        now = time.monotonic()
        self.problems = problems = self.check(now)
        healthy = not problems
        ready = healthy and self._ready()
        if self.interlock is not None and ready:
            if self.interlock.send(WATCHDOG=1):
                self.beats += 1
        if self.notifier is not None and healthy and now - self._last_pet >= (self.pet_every_s or float("inf")):
            self.notifier.notify(WATCHDOG=1)
            self._last_pet = now
            self.pets += 1
        status = ("not petting the watchdog: " + "; ".join(problems)) if problems else \
            "inspecting" if ready else "alive, not inspecting (line stopped or halted)"
        if status != self._status:
            first_healthy = self._status is None and healthy
            self._status = status
            (log.error if problems else log.info)("watchdog: %s", status)
            if self.notifier is not None:
                self.notifier.notify(**({"READY": 1} if first_healthy else {}), STATUS=status)
            if self.interlock is not None and not ready:
                self.interlock.send(STATUS=status)

    def _ready(self) -> bool:
        try:
            return bool(self.ready())
        except Exception:  # noqa: BLE001 - a broken check means "not ready", never a dead watchdog
            log.exception("watchdog: the readiness check failed")
            return False

    # -- the thread ------------------------------------------------------------------------------------------------
    def start(self) -> "Watchdog":
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - keep checking; a tick that fails pets nothing
                log.exception("watchdog tick failed")
            next_at += self.tick_s
            delay = next_at - time.monotonic()
            if delay < 0:  # late (the process was stopped or starved): tick again at once, from now on
                next_at, delay = time.monotonic(), 0
            self._stop.wait(delay)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stopping(self, why: str = "stopping: finishing the parts in transit") -> None:
        """The line is going down: no more pets; the interlock drops the pin at once (``STOPPING=1``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
            self._thread = None
        if self.interlock is not None:
            self.interlock.send(STOPPING=1, STATUS=why)

    def close(self) -> None:
        self.stopping()
        if self.interlock is not None:
            self.interlock.close()
