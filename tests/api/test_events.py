"""The fan-out between the line and its clients: the line only appends; a slow client is dropped to a resync."""
from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest

from inspector.api.events import EventHub, Subscriber
from inspector.record import PartRecord


def record(part_id: int) -> PartRecord:
    return PartRecord(part_id=part_id, run_id="r", recipe="box", recipe_hash="h", t_trigger=float(part_id),
                      wall_time="2026-12-06T10:00:00.000+00:00", outcome="pass", reason="ok", confidence=0.9,
                      actuated=False, count=24, expected=24, points=[[1.0, 2.0, 0.9]],
                      truth={"should_pass": True})


def test_a_full_client_queue_drops_to_a_resync_from_the_last_part_it_was_sent():
    async def scenario():
        subscriber = Subscriber(size=4)
        subscriber.offer("a", 1)
        message, part_id = await subscriber.next()
        subscriber.delivered(part_id)
        for n in range(2, 8):
            subscriber.offer(f"m{n}", n)
        held = [await subscriber.next() for _ in range(subscriber.held())]
        return subscriber, held

    subscriber, held = asyncio.run(scenario())
    resync = json.loads(held[0][0])
    assert resync == {"event": "resync", "after": 1, "dropped": 4}
    assert [m for m, _ in held[1:]] == ["m6", "m7"]
    assert subscriber.dropped == 4 and subscriber.resyncs == 1


def test_the_line_side_never_waits_for_a_client_that_reads_nothing():
    hub = EventHub(counters=lambda: {"recorded": 0}, client_queue=16, inbox_size=64)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        hub.attach(loop)
        subscriber = asyncio.run_coroutine_threadsafe(_subscribe(hub), loop).result(5)
        started = time.perf_counter()
        for n in range(1, 5001):  # nobody reads: 10 minutes of a 10 parts/s line
            hub.on_record(record(n))
        per_part_us = (time.perf_counter() - started) / 5000 * 1e6
        time.sleep(0.2)
        held = asyncio.run_coroutine_threadsafe(_held(subscriber), loop).result(5)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
    assert held <= 16 + 1  # bounded: what a slow client gets is a resync marker and the newest events
    assert subscriber.resyncs >= 1
    assert per_part_us < 5000  # an append and at most a wake-up (far below it; loose for a shared machine)


def test_with_no_subscriber_a_record_costs_nothing_but_a_check():
    hub = EventHub(counters=dict)
    hub.on_record(record(1))
    assert hub.published == 0 and not hub._inbox


def test_part_events_carry_the_overlay_and_not_the_simulators_truth():
    from inspector.api.protocol import part_event

    part = part_event(record(3), layout=(4, 6))
    assert "truth" not in part
    assert part["overlay"]["points"] == [[1.0, 2.0, 0.9]] and part["overlay"]["layout"] == (4, 6)


async def _subscribe(hub):
    return hub.subscribe()


async def _held(subscriber):
    return subscriber.held()


@pytest.fixture
def running_hub():
    """A hub whose fan-out waits for a line's decisions, on a running event loop: (deciding, hub, loop, subscriber)."""
    from inspector.deciding import Deciding

    deciding = Deciding()
    hub = EventHub(counters=lambda: {"recorded": 0}, after_decision=deciding.after)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    hub.attach(loop)
    subscriber = asyncio.run_coroutine_threadsafe(_subscribe(hub), loop).result(5)
    yield deciding, hub, loop, subscriber
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_a_record_that_comes_while_a_part_is_being_decided_is_sent_right_after_that_decision(running_hub):
    deciding, hub, loop, subscriber = running_hub
    deciding.begin(9)
    hub.on_record(record(4))  # part 4 passed the pusher while part 9 is being decided
    time.sleep(0.05)
    assert asyncio.run_coroutine_threadsafe(_held(subscriber), loop).result(5) == 0  # the loop was not woken
    deciding.end(9)
    deadline = time.monotonic() + 2
    while asyncio.run_coroutine_threadsafe(_held(subscriber), loop).result(5) == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert hub.published == 1


def test_an_alarm_and_anything_waiting_too_long_for_a_decision_are_sent_at_once(running_hub):
    from inspector.api.events import DEFER_MAX_S

    deciding, hub, loop, subscriber = running_hub
    deciding.begin(9)  # a decision that never ends: a stuck model
    hub.on_record(record(4))
    hub.on_alarms([])  # an alarm does not wait, and takes the waiting record along
    time.sleep(0.05)
    assert hub.published == 2
    hub.on_record(record(5))
    time.sleep(DEFER_MAX_S / 2)
    assert hub.published == 2  # waits for the decision's end ...
    time.sleep(DEFER_MAX_S)
    assert hub.published == 3  # ... DEFER_MAX_S at most


def test_between_parts_the_fan_out_waits_for_the_next_decision_unless_the_line_is_quiet(running_hub):
    from inspector.deciding import LINE_QUIET_S

    deciding, hub, loop, subscriber = running_hub
    deciding.idle_since = time.monotonic() - 0.05  # the last decision 50 ms ago: the next part is near
    hub.on_record(record(4))
    time.sleep(0.02)
    assert hub.published == 0
    deciding.begin(5)
    deciding.end(5)  # right after this decision
    time.sleep(0.05)
    assert hub.published == 1
    deciding.idle_since = time.monotonic() - 2 * LINE_QUIET_S  # a stopped line: at once
    hub.on_record(record(6))
    time.sleep(0.05)
    assert hub.published == 2
