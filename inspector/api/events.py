"""Fan-out of the line's records and alarms to subscribed clients; the line never waits for a client.

The line's record listener and the alarm listener only append to a bounded inbox (a lock held for an append) and,
when it was empty, wake the server's event loop. The loop sends right after a decision (``Deciding.after``: a part's
record comes when it passes the pusher, often while a later part is being decided, and the loop's work would take
the GIL and the cores from that part): it turns each item into its message once and offers it to every subscriber's
own bounded queue. A subscriber whose queue is full (a slow, hung or dead client) loses what it
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
from inspector.deciding import JUST_DECIDED_S, LINE_QUIET_S
from inspector.record import PartRecord

INBOX_SIZE = 4096
IMAGES_HELD = 8  # part pictures held for one client; a newer one is dropped (and counted) rather than queued
# The fan-out runs right after a decision (shared cores: see inspector.deciding), woken by the decision's end, not by
# polling. An alarm goes at once, and so does anything that waited DEFER_MAX_S (a stuck model).
DEFER_MAX_S = 0.2


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
                 after_decision: Callable[..., float | None] | None = None) -> None:
        self.counters, self.layout, self.client_queue = counters, layout, client_queue
        self.after_decision = after_decision  # ``Line.deciding.after`` of the station in use
        self._waiting = False  # a decision's end will wake the loop
        self._timer: asyncio.TimerHandle | None = None  # ... or this, whichever comes first
        self._inbox: collections.deque[tuple[str, Any, float]] = collections.deque()
        self._inbox_size = inbox_size
        self._lock = threading.Lock()
        self._woken = False  # the loop is told to drain
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
        with self._lock:
            if len(self._inbox) >= self._inbox_size:
                self._inbox.clear()
                self._overflowed += 1
            self._inbox.append((kind, value, time.monotonic()))
            if self._woken or (self._waiting and kind != "alarms"):  # the loop comes anyway
                return
            self._woken = True
        self._wake_loop()

    def _decided(self) -> None:
        """A decision ended (on its thread): the loop drains what waited for it."""
        with self._lock:
            if not self._waiting:
                return
            self._waiting = False
            if self._woken or not self._inbox:
                return
            self._woken = True
        self._wake_loop()

    def _wake_loop(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
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

    def _later(self) -> bool:
        """On the loop: True when the fan-out waits for the moment after a decision (the decision's end or a timer
        wakes the loop for it), False when it runs now."""
        with self._lock:
            self._woken = False
            if not self._inbox:
                return True
            age = time.monotonic() - self._inbox[0][2]
            if (self.after_decision is None or self._loop is None or age >= DEFER_MAX_S
                    or any(kind == "alarms" for kind, _, _ in self._inbox)):
                return False
            if self._waiting:
                return True
            bound = self.after_decision(self._decided, within_s=JUST_DECIDED_S, quiet_s=LINE_QUIET_S)
            if bound is None:
                return False
            self._waiting = True
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_later(min(bound, DEFER_MAX_S - age), self._bound_reached)
        return True

    def _bound_reached(self) -> None:
        self._timer = None
        with self._lock:
            self._waiting = False
        self._drain()

    def _drain(self) -> None:
        if self._later():
            return
        with self._lock:
            items, self._inbox = list(self._inbox), collections.deque()
            overflowed, self._overflowed = self._overflowed, 0
            self._woken = False
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
