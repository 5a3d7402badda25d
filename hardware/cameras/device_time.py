"""Device timestamps on the station clock, so a frame binds to the trigger that saw its part.

Cameras stamp frames on their own time line: libcamera's ``SensorTimestamp`` and GStreamer's pipeline clock count
CLOCK_MONOTONIC nanoseconds (the station's ``MonotonicClock``), a GenICam camera counts on its own tick counter.
``DeviceTime`` turns either into station seconds:

- ``monotonic``: the device counts CLOCK_MONOTONIC; station t = device s + (station now - time.monotonic()), which is
  the device time itself on the real clock. A stamp that lands in the future or over ``max_latency_s`` in the past is
  not on that base after all (a driver with another clock): the mapping falls back to ``estimated`` and says so once.
- ``estimated``: an unknown base. The offset is the smallest (arrival - device time) seen over the last ``window``
  frames: arrival is never before exposure, so the smallest gap is the device-to-station offset plus the shortest
  transfer, and a sliding window follows a device clock that drifts. ``anchor(device_s, station_s)`` pins the offset
  from a latched pair instead (GenICam ``TimestampLatch``), kept until the next anchor.

Stamps handed out never go back: a frame is never stamped before the previous one.
"""
from __future__ import annotations

import collections
import logging
import time

from inspector.clock import Clock, MonotonicClock

log = logging.getLogger(__name__)


class DeviceTime:
    def __init__(self, clock: Clock, *, base: str = "estimated", window: int = 64, max_latency_s: float = 1.0,
                 name: str = "camera") -> None:
        if base not in ("monotonic", "estimated"):
            raise ValueError(f"device time base {base!r}; allowed: monotonic, estimated")
        self.clock, self.base, self.name = clock, base, name
        self.max_latency_s = max_latency_s
        self._on_monotonic = isinstance(clock, MonotonicClock)  # the station clock is CLOCK_MONOTONIC itself
        self._gaps: collections.deque[float] = collections.deque(maxlen=max(1, window))
        self._anchor: float | None = None
        self._last: float | None = None

    def reset(self) -> None:
        """Forget the offset (a reopened device may restart its counter); stamps still never go back."""
        self._gaps.clear()
        self._anchor = None

    def anchor(self, device_s: float, station_s: float) -> None:
        """The device read ``device_s`` at station time ``station_s`` (a latched timestamp)."""
        self._anchor = station_s - device_s

    def station_time(self, device_s: float | None) -> float:
        """The station time of a frame the device stamped ``device_s`` (None: stamped on arrival)."""
        arrived = self.clock.now()
        if device_s is None:
            t = arrived
        elif self.base == "monotonic":
            t = device_s + (0.0 if self._on_monotonic else arrived - time.monotonic())
            if t > arrived + 1e-3 or t < arrived - self.max_latency_s:
                log.warning("%s: frame stamp %.3f s is not on CLOCK_MONOTONIC (%.3f s from arrival); estimating the"
                            " offset from arrivals instead", self.name, device_s, t - arrived)
                self.base = "estimated"
                return self.station_time(device_s)
        elif self._anchor is not None:
            t = device_s + self._anchor
        else:
            self._gaps.append(arrived - device_s)
            t = device_s + min(self._gaps)
        if self._last is not None and t < self._last:
            t = self._last
        self._last = t
        return t
