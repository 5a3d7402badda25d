"""Fan-out of the line's records and alarms to subscribed clients; the line never waits for a client.

The line's record listener and the alarm listener only append to a bounded inbox (a lock held for an append) and,
when it was empty, wake the server's event loop. The loop turns each item into its message once and offers it to
every subscriber's own bounded queue. A subscriber whose queue is full (a slow, hung or dead client) loses what it
held and gets a ``resync`` marker instead: it fetches the missed parts from the records. An inbox overflow (the
loop itself stalled) does the same for every subscriber.
"""
from __future__ import annotations

import asyncio
import collections
import threading
import time
from dataclasses import asdict
from typing import Any, Callable

from inspector.api import protocol
from inspector.record import PartRecord

INBOX_SIZE = 4096
IMAGES_HELD = 8  # part pictures held for one client; a newer one is dropped (and counted) rather than queued
YIELD_S = 0.01  # the fan-out waits up to this long for the part being decided (shared cores: see inspector.deciding)
YIELD_STEP_S = 0.002


class Subscriber:
    """One client's bounded queue of messages (JSON text), filled by the hub, emptied by the client's sender (both
    on the server's event loop)."""

    def __init__(self, size: int, *, part_images: bool = False) -> None:
        self.size = size
        self.part_images = part_images  # also the picture of each part (binary frames after the part's event)
        self.images_held = 0
        self.images_dropped = 0
        self._queue: collections.deque[tuple[str | bytes, int | None]] = collections.deque()
        self._ready = asyncio.Event()
        self.last_part_id: int | None = None  # the newest part put in the queue (before a drop: delivered or not)
        self._delivered_part_id: int | None = None
        self.dropped = 0
        self.resyncs = 0

    def offer(self, message: str, part_id: int | None = None) -> None:
        if len(self._queue) >= self.size:
            self.resync(len(self._queue))
        self._queue.append((message, part_id))
        if part_id is not None:
            self.last_part_id = part_id if self.last_part_id is None else max(self.last_part_id, part_id)
        self._ready.set()

    def offer_image(self, message: bytes) -> bool:
        """A part's picture; False (dropped and counted) when ``IMAGES_HELD`` wait already or the queue is full."""
        if self.images_held >= IMAGES_HELD or len(self._queue) >= self.size:
            self.images_dropped += 1
            return False
        self.images_held += 1
        self._queue.append((message, None))
        self._ready.set()
        return True

    def resync(self, dropped: int) -> None:
        """Drop what is held; tell the client from which part on to read the records."""
        self._queue.clear()
        self.images_held = 0
        self.dropped += dropped
        self.resyncs += 1
        after = self._delivered_part_id
        self._queue.append((protocol.text({"event": "resync", "after": after, "dropped": dropped}), None))
        self.last_part_id = after
        self._ready.set()

    async def next(self) -> tuple[str | bytes, int | None]:
        """The next message (text, or a binary frame for a picture) and the part it is about (None for other
        events); call ``delivered`` once sent."""
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        message, part_id = self._queue.popleft()
        if isinstance(message, bytes):
            self.images_held -= 1
        return message, part_id

    def delivered(self, part_id: int | None) -> None:
        if part_id is not None:
            current = self._delivered_part_id
            self._delivered_part_id = part_id if current is None else max(current, part_id)

    def held(self) -> int:
        return len(self._queue)


class EventHub:
    """Between the line's threads and the server's event loop."""

    def __init__(self, *, counters: Callable[[], dict[str, Any]], layout: tuple[int, int] | None = None,
                 client_queue: int = 512, inbox_size: int = INBOX_SIZE,
                 busy: Callable[[], bool] | None = None) -> None:
        self.counters, self.layout, self.client_queue = counters, layout, client_queue
        self.busy = busy  # whether a part is being decided right now (``Line.deciding.busy``)
        self._deferred_since: float | None = None
        self._inbox: collections.deque[tuple[str, Any, float]] = collections.deque()
        self._inbox_size = inbox_size
        self._lock = threading.Lock()
        self._scheduled = False
        self._overflowed = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self.subscribers: set[Subscriber] = set()
        self.image_subscribers = 0  # how many want part pictures (read by the line's thread: an int, never the set)
        self.images_dropped = 0  # part pictures a subscriber could not take (all subscribers, ever)
        self.published = 0

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    # -- the line's side (any thread; never blocks) ----------------------------------------------------------
    def on_record(self, record: PartRecord, frame: Any = None, results: Any = None) -> None:
        """A ``Line`` record listener."""
        if self.subscribers:
            self._put("part", record)

    def on_alarms(self, active: list[Any]) -> None:
        """An ``Alarms`` listener."""
        if self.subscribers:
            self._put("alarms", [asdict(a) for a in active])

    def on_counters(self) -> None:
        """The counters changed without a part (a shift or lot reset): every subscriber gets them now."""
        if self.subscribers:
            self._put("counters", None)

    def on_image(self, header: dict[str, Any], payload: bytes) -> None:
        """A part's picture (from the encoder thread): after the part's event, to subscribers that asked."""
        if self.image_subscribers:
            self._put("image", protocol.binary(header, payload))

    def publish(self, message: dict[str, Any]) -> None:
        """Any other event (e.g. ``station``), from any thread, to every subscriber."""
        if self.subscribers:
            self._put("event", message)

    def _put(self, kind: str, value: Any) -> None:
        loop = self._loop
        with self._lock:
            if len(self._inbox) >= self._inbox_size:
                self._inbox.clear()
                self._overflowed += 1
            self._inbox.append((kind, value, time.monotonic()))
            wake, self._scheduled = not self._scheduled, True
        if wake and loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._drain)
            except RuntimeError:  # the loop closed meanwhile: the server is stopping
                pass

    # -- the loop's side -------------------------------------------------------------------------------------
    def subscribe(self, *, part_images: bool = False) -> Subscriber:
        subscriber = Subscriber(self.client_queue, part_images=part_images)
        self.subscribers.add(subscriber)
        self._count_image_subscribers()
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        self._count_image_subscribers()

    def _count_image_subscribers(self) -> None:
        self.image_subscribers = sum(1 for s in self.subscribers if s.part_images)

    def _drain(self) -> None:
        if self.busy is not None and self.busy() and self._loop is not None:
            now = time.monotonic()
            self._deferred_since = self._deferred_since or now
            if now - self._deferred_since < YIELD_S:
                self._loop.call_later(YIELD_STEP_S, self._drain)
                return
        self._deferred_since = None
        with self._lock:
            items, self._inbox = list(self._inbox), collections.deque()
            overflowed, self._overflowed = self._overflowed, 0
            self._scheduled = False
        if overflowed:
            for subscriber in self.subscribers:
                subscriber.resync(subscriber.held())
        parts = False
        for kind, value, t_put in items:
            if kind == "counters":
                parts = True  # sent once, after the loop
                continue
            if kind == "part":
                message = protocol.text({"event": "part", "part": protocol.part_event(value, self.layout),
                                         "t_emit": t_put})
                for subscriber in self.subscribers:
                    subscriber.offer(message, value.part_id)
                parts = True
            elif kind == "image":
                for subscriber in self.subscribers:
                    if subscriber.part_images and not subscriber.offer_image(value):
                        self.images_dropped += 1
            elif kind == "event":
                message = protocol.text({**value, "t_emit": t_put})
                for subscriber in self.subscribers:
                    subscriber.offer(message)
            else:
                message = protocol.text({"event": "alarms", "active": value, "t_emit": t_put})
                for subscriber in self.subscribers:
                    subscriber.offer(message)
            self.published += 1
        if parts:
            message = protocol.text({"event": "counters", **self.counters()})
            for subscriber in self.subscribers:
                subscriber.offer(message)
