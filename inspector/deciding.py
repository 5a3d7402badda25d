"""Which parts are being decided right now: from the trigger to the decision.

Whoever shares the runtime's process with the line and can wait uses it to keep out of the way: the record writer's
image files, the shadow model, the API's pictures for the screens. On a small board work on one core slows an
inspection on the other (the cores share caches and memory bandwidth): measured on the 2-core development machine, an
ONNX Runtime run of the counter takes 1.85x as long while the other core is busy. Waiting blocks on a condition (no
polling): a waiter that woke every few ms would take the GIL from the part it waits for.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)

# "Right after a decision" for work that shares the line's cores: within JUST_DECIDED_S of a decision's end (at a
# steady rate the next part is then furthest away), or when nothing was decided for LINE_QUIET_S (stopped or slow).
JUST_DECIDED_S = 0.01
LINE_QUIET_S = 0.25


class Deciding:
    """The set of part ids between trigger and decision. Cheap to read from any thread."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._parts: set[int] = set()
        self.idle_since = time.monotonic()  # when the last decision ended (time.monotonic)
        self.mirror = None  # told the count on every change (``set(n)``): the API's flag for the screen's process
        self._after: list[Callable[[], None]] = []

    @property
    def busy(self) -> bool:
        return bool(self._parts)

    def begin(self, part_id: int) -> None:
        with self._changed:
            self._parts.add(part_id)
            self._mirror()

    def end(self, part_id: int) -> None:
        """The part is decided (or given up); ending it twice is harmless. Runs what waits for a decision's end."""
        with self._changed:
            self._parts.discard(part_id)
            self._mirror()
            if not self._parts:
                self.idle_since = time.monotonic()
                self._changed.notify_all()
            after, self._after = self._after, []
        self._run(after)

    def clear(self) -> None:
        with self._changed:
            self._parts.clear()
            self._mirror()
            self._changed.notify_all()
            after, self._after = self._after, []
        self._run(after)

    def after(self, fn: Callable[[], None], *, within_s: float = math.inf,
              quiet_s: float = math.inf) -> float | None:
        """None when now is a good moment: no part is being decided and the last decision ended less than
        ``within_s`` ago (right after it: at a steady rate the next part is then furthest away) or more than
        ``quiet_s`` ago (the line is stopped or slow: no moment is better). Else ``fn`` runs right after the next
        decision's end, on the deciding thread (it must be quick: a wake-up, not the work), and the seconds until
        the line would count as quiet are returned: the caller's bound. A line that is always deciding still runs
        ``fn`` at the end of each decision."""
        with self._changed:
            since = time.monotonic() - self.idle_since
            if self._is_moment(since, within_s, quiet_s):
                return None
            self._after.append(fn)
            return quiet_s if self._parts else max(0.0, quiet_s - since)

    def _is_moment(self, since: float, within_s: float, quiet_s: float) -> bool:
        """No part is being decided, and the last decision ended ``since`` s ago: within ``within_s``, or the line
        quiet for longer than ``quiet_s``. Under the lock."""
        return not self._parts and (since < within_s or since > quiet_s)

    @staticmethod
    def _run(after: list[Callable[[], None]]) -> None:
        for fn in after:
            try:
                fn()
            except Exception:  # noqa: BLE001 - a waiter's failure is never the line's
                log.exception("a wait for the decision's end failed")

    def _mirror(self) -> None:
        mirror = self.mirror
        if mirror is not None:
            mirror.set(len(self._parts))

    def wait_after_decision(self, max_wait_s: float, *, within_s: float, quiet_s: float) -> None:
        """Block until the moment right after a decision, at most ``max_wait_s``: at a steady rate the next part is
        then furthest away. Returns at once when a decision ended less than ``within_s`` ago, or when the line has
        decided nothing for ``quiet_s`` (stopped or slow: no moment is better than now)."""
        deadline = time.monotonic() + max_wait_s
        with self._changed:
            while True:
                now = time.monotonic()
                since = now - self.idle_since
                if self._is_moment(since, within_s, quiet_s):
                    return
                wait = deadline - now
                if not self._parts:
                    wait = min(wait, quiet_s - since + 1e-3)  # the line may turn quiet before the next decision
                if wait <= 0:
                    return
                self._changed.wait(wait)

    def wait_idle(self, timeout: float) -> bool:
        """Block until no part is being decided, at most ``timeout`` seconds; True when idle."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._parts, timeout)
