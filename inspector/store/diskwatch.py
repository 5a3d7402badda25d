"""Free space under the data directory, watched while the station runs: ``disk_low`` / ``disk_critical`` alarms.

One log line and one alarm per change of state, never one per check or per part. A level is left only when free
space is back above its threshold by a margin (5 %), so a disk hovering at the line does not flap.
"""
from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path
from typing import Any, Callable, NamedTuple

from inspector.workers import Worker

log = logging.getLogger(__name__)

OK, LOW, CRITICAL = "ok", "low", "critical"
_LEVEL = {OK: 0, LOW: 1, CRITICAL: 2}
HYSTERESIS = 0.05


class Usage(NamedTuple):
    total: int
    used: int
    free: int


class DiskWatch:
    """Checks ``folder``'s file system every ``interval_s`` on its own thread (``start``/``stop``), or on ``check()``.

    ``alarms`` is anything with ``raise_(kind, message)`` and ``clear(kind, why)``; ``on_low()`` runs when the state
    worsens (retention is woken with it); ``usage(folder)`` is ``shutil.disk_usage`` unless a test gives another.
    """

    def __init__(
        self,
        folder: Path | str,
        *,
        warn_free: int,
        critical_free: int,
        interval_s: float = 2.0,
        alarms: Any = None,
        on_low: Callable[[], Any] | None = None,
        usage: Callable[[Path], Usage] | None = None,
        name: str = "disk-watch",
    ) -> None:
        if critical_free > warn_free:
            raise ValueError(f"critical_free {critical_free} must not exceed warn_free {warn_free}")
        self.folder = Path(folder)
        self.warn_free, self.critical_free, self.interval_s = warn_free, critical_free, interval_s
        self.alarms, self.on_low, self.usage = alarms, on_low, usage or _disk_usage
        self.state = OK
        self.free: int | None = None
        self.changes = 0
        self._lock = threading.Lock()
        self._worker = Worker(name, self._run)

    def start(self) -> DiskWatch:
        self.check()
        self._worker.start()
        return self

    def stop(self, timeout: float = 1.0) -> bool:
        return self._worker.stop(timeout)

    def problem(self) -> str | None:
        """Why a record may not fit on the disk now (critical state); None otherwise. Lock-free."""
        if self.state != CRITICAL:
            return None
        free = "unknown" if self.free is None else f"{_mib(self.free)}"
        return f"disk critical: {free} free under {self.folder} (critical below {_mib(self.critical_free)})"

    def check(self) -> str:
        """Measures once, changes state (alarm and log line) when needed; returns the state."""
        try:
            free: int | None = int(self.usage(self.folder).free)
            why = None
        except OSError as e:
            free, why = None, f"cannot read free space under {self.folder}: {e}"
        with self._lock:
            old = self.state
            new = CRITICAL if free is None else self._level(free, old)
            self.free = free
            if new == old:
                return new
            self.state = new
            self.changes += 1
        self._announce(old, new, why)
        return new

    def _level(self, free: int, old: str) -> str:
        def below(threshold: int, level: str) -> bool:
            margin = threshold * HYSTERESIS if _LEVEL[old] >= _LEVEL[level] else 0
            return free < threshold + margin

        if below(self.critical_free, CRITICAL):
            return CRITICAL
        if below(self.warn_free, LOW):
            return LOW
        return OK

    def _announce(self, old: str, new: str, why: str | None) -> None:
        """The alarms log their own line when raised or cleared; without alarms the watch logs the change itself."""
        shown = "unknown" if self.free is None else _mib(self.free)
        message = why or f"{shown} free under {self.folder}"
        if self.alarms is None:
            log.warning("disk %s: %s", new, message)
        elif new == CRITICAL:
            self.alarms.raise_("disk_critical", f"{message} (critical below {_mib(self.critical_free)}): "
                                                 "no part passes until space comes back")
        elif new == LOW:
            self.alarms.clear("disk_critical", message)
            self.alarms.raise_("disk_low", f"{message} (warning below {_mib(self.warn_free)})")
        else:
            self.alarms.clear("disk_critical", message)
            self.alarms.clear("disk_low", message)
        if _LEVEL[new] > _LEVEL[old] and self.on_low is not None:
            self.on_low()

    def _run(self) -> None:
        while not self._worker.stop_event.wait(self.interval_s):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - the watch must outlive a bug in a callback
                log.exception("disk watch failed")


def _disk_usage(folder: Path) -> Usage:
    return shutil.disk_usage(folder)  # looked up at each call: a fault test may stand in for the file system


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"
