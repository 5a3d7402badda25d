"""The headless station's life: started, kept running until SIGINT / SIGTERM (or, with ``parts``, until that many are
recorded), told to systemd, closed. Shared by ``inspector run --headless`` and ``inspector serve``."""
from __future__ import annotations

import signal
import threading
from typing import Any, Callable


def run_until_stopped(station: Any, notifier: Any, *, parts: int | None, tick: Callable[[], None] | None = None,
                      tick_s: float = 1.0, before_close: Callable[[], None] | None = None, host: Any = None) -> bool:
    """Start the line and keep it until a signal or, with ``parts``, until those parts are recorded; then STOPPING=1
    to systemd, ``before_close`` (e.g. the API's listeners), and the station's close. Returns close()'s verdict.
    With ``host`` (:class:`inspector.api.host.StationHost`) the station is the host's current one (a recipe switch
    replaces it) and the host closes it."""
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    station.start(parts=parts)
    try:
        while not stop.is_set():
            current = host.station if host is not None else station
            if (parts is not None and current is not None and not (host is not None and host.switching)
                    and (current.simulator is None or current.simulator.join(0))):
                current.line.wait_recorded(parts, timeout=5 + 2 * current.config.timing.travel_s)
                break
            stop.wait(tick_s)
            if tick is not None:
                tick()
    finally:
        notifier.notify(STOPPING=1, STATUS="stopping: finishing the parts in transit and their records")
        if before_close is not None:
            before_close()
    return host.close() if host is not None else station.close()
