"""The runtime's watchdog pets systemd and the interlock only while every watched thread is alive and moving."""
from __future__ import annotations

import threading
import time

from inspector.line.watchdog import Watchdog, Watched
from inspector.sd_notify import InterlockLink, Notifier
from inspector.workers import Heartbeat
from tests.interlock.conftest import wait_until


def test_a_thread_that_stops_beating_is_a_problem_one_that_beats_is_not():
    hb = Heartbeat("record-writer")
    watched = Watched(hb, limit_s=0.5)
    assert watched.problem(hb.at + 0.4) is None
    assert "record-writer has not moved for 0.6 s" in watched.problem(hb.at + 0.6)


def test_a_dead_thread_is_a_problem_however_recent_its_last_beat():
    hb = Heartbeat("inspect")
    assert Watched(hb, 10.0, alive=lambda: False).problem(hb.at) == "inspect thread has ended"


def test_a_foreign_callback_is_a_problem_only_while_it_is_stuck_in_the_call():
    hb = Heartbeat("trigger")
    watched = Watched(hb, 0.5, calls_only=True)
    assert watched.problem(hb.at + 3600) is None  # no part for an hour: the trigger is idle, not stuck
    hb.enter()
    assert watched.problem(hb.busy_since + 0.1) is None
    assert "trigger stuck in a call" in watched.problem(hb.busy_since + 0.6)
    hb.leave()
    assert watched.problem(time.monotonic() + 10) is None


class Loop:
    """A thread that beats its heartbeat every 5 ms until held."""

    def __init__(self):
        self.heartbeat = Heartbeat("writer")
        self.hold = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            self.heartbeat.beat()
            while self.hold.is_set() and not self.stop.is_set():
                time.sleep(0.005)  # stuck in a call: alive, not moving
            time.sleep(0.005)


def test_systemd_is_petted_while_threads_move_and_not_while_one_is_stuck(fake_systemd):
    loop = Loop()
    dog = Watchdog([Watched(loop.heartbeat, 0.3, lambda: loop.thread.is_alive())],
                   notifier=Notifier(fake_systemd.env())).start()
    try:
        assert dog.pet_every_s == 0.1  # half of WATCHDOG_USEC=200000
        assert fake_systemd.wait_for("READY", "1", timeout=5)
        assert fake_systemd.wait_for("WATCHDOG", "1", timeout=5)
        loop.hold.set()
        stuck = fake_systemd.wait_for("STATUS", timeout=5, since=time.monotonic() + 0.2)
        assert stuck is not None and "writer has not moved" in stuck.fields["STATUS"]
        time.sleep(0.1)
        quiet_from = time.monotonic()
        time.sleep(0.4)
        assert not fake_systemd.with_key("WATCHDOG", since=quiet_from)
        loop.hold.clear()
        assert fake_systemd.wait_for("WATCHDOG", "1", timeout=5, since=time.monotonic())
    finally:
        dog.close()
        loop.stop.set()


def test_the_interlock_hears_heartbeats_only_while_the_line_inspects(interlock, ready_pin):
    hb = Heartbeat("inspect")
    inspecting = threading.Event()
    beating = threading.Event()
    beating.set()

    def beat_forever():
        while beating.is_set():
            hb.beat()
            time.sleep(0.005)

    threading.Thread(target=beat_forever, daemon=True).start()
    dog = Watchdog([Watched(hb, 0.5)], ready=inspecting.is_set, interlock=InterlockLink(interlock.path),
                   tick_s=0.015).start()
    try:
        assert not wait_until(lambda: ready_pin.value == 1, timeout=0.3)  # alive, but stopped by the operator
        inspecting.set()
        assert wait_until(lambda: ready_pin.value == 1)
        inspecting.clear()
        assert wait_until(lambda: ready_pin.value == 0, timeout=1.0)
        inspecting.set()
        assert wait_until(lambda: ready_pin.value == 1)
        dog.stopping()
        assert wait_until(lambda: ready_pin.value == 0, timeout=1.0)
        assert "runtime stopping" in interlock.events[-1].cause
    finally:
        dog.close()
        beating.clear()


def test_the_runtime_connects_to_an_interlock_that_starts_after_it(short_dir, ready_pin):
    from inspector.line.interlock import Interlock

    hb = Heartbeat("inspect")
    link = InterlockLink(short_dir / "interlock.sock", retry_s=0.02)
    dog = Watchdog([Watched(hb, 60.0)], interlock=link, tick_s=0.015).start()
    supervisor = None
    try:
        time.sleep(0.1)
        assert not link.connected
        supervisor = Interlock(short_dir / "interlock.sock", ready_pin).start()
        assert wait_until(lambda: ready_pin.value == 1)
    finally:
        dog.close()
        if supervisor is not None:
            supervisor.stop()
