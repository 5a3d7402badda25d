"""Pictures for the screens, made off the line's path: each part's picture for subscribers that asked
(``subscribe {part_images: true}``), and the recent timings the status line shows.

The line's record listener only keeps a reference to the part's frame in a small bounded list (the oldest is dropped
and counted when it is full: a frame is never queued without bound); the API's encoder thread, which the kernel runs
only on otherwise idle cores, scales it to ``api.frame_width`` and encodes it as JPEG right after a decision (see
``inspector.api.encoding``), then hands it to the event hub, which sends it after the part's own event.
"""
from __future__ import annotations

import collections
import logging
import threading
from typing import Any, Callable

import numpy as np

log = logging.getLogger(__name__)

PENDING = 4  # part frames waiting for the encoder, at most (each a reference to a camera frame, not a copy)
RECENT_PARTS = 256
RECENT_KEYS = ("trigger_to_decision", "inference", "queue", "capture_wait", "frame_age")


class PartPictures:
    def __init__(self, server: Any, hub: Any, *, pending: int = PENDING,
                 after_decision: Callable[[Callable[[], None]], float | None] | None = None) -> None:
        self.server, self.hub, self.size = server, hub, pending
        self.after_decision = after_decision or (lambda fn: None)  # ``Deciding.after`` of the station in use
        self._pending: collections.deque[tuple[int, Any]] = collections.deque()
        self._lock = threading.Lock()
        self._scheduled = False
        self.encoded = 0
        self.dropped = 0  # frames dropped before encoding (the encoder was behind)
        self.failed = 0

    def offer(self, record: Any, frame: Any) -> None:
        """A ``Line`` record listener's part: never blocks, never copies the frame."""
        if frame is None or not self.hub.image_subscribers:
            return
        with self._lock:
            if len(self._pending) >= self.size:
                self._pending.popleft()
                self.dropped += 1
            self._pending.append((record.part_id, frame))
            if self._scheduled:
                return
            self._scheduled = True
        if self.after_decision(self._submit) is None:  # else the encoder is woken after the decision under way
            self._submit()

    def _submit(self) -> None:
        try:
            self.server.encoder.submit(self._encode_pending)
        except RuntimeError:  # the encoder was shut down: the server is stopping
            with self._lock:
                self._scheduled = False

    def _encode_pending(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._scheduled = False
                    return
                part_id, frame = self._pending.popleft()
            try:
                jpeg, width, height = self.server.encoder.encode(frame.image)
            except Exception:  # noqa: BLE001 - a picture that cannot be made is skipped, never the part
                log.exception("part %s: its picture could not be encoded", part_id)
                self.failed += 1
                continue
            self.encoded += 1
            self.hub.on_image({"event": "part_image", "part_id": part_id, "type": "image/jpeg", "width": width,
                               "height": height}, jpeg)

    def stats(self) -> dict[str, int]:
        return {"encoded": self.encoded, "dropped": self.dropped + self.hub.images_dropped, "failed": self.failed}


class RecentTimings:
    """The timings of the last ``RECENT_PARTS`` parts (a record listener's append; summarised on request)."""

    def __init__(self, size: int = RECENT_PARTS) -> None:
        self._timings: collections.deque[dict[str, float]] = collections.deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, record: Any) -> None:
        timings = getattr(record, "timings_ms", None)
        if timings:
            with self._lock:
                self._timings.append(timings)

    def clear(self) -> None:
        with self._lock:
            self._timings.clear()

    def summary(self) -> dict[str, Any]:
        """{n, key: {p50, p99, max}} over the recent parts, milliseconds."""
        with self._lock:
            recent = list(self._timings)
        out: dict[str, Any] = {"n": len(recent)}
        for key in RECENT_KEYS:
            values = np.array([t[key] for t in recent if key in t], dtype=float)
            if values.size:
                out[key] = {"p50": round(float(np.percentile(values, 50)), 3),
                            "p99": round(float(np.percentile(values, 99)), 3), "max": round(float(values.max()), 3)}
        return out
