"""Garbage in reference cycles is collected on the GUI thread, never on a worker that happens to allocate."""
from __future__ import annotations

import gc
import threading

from ui.gui_gc import application


class Cyclic:
    deleted_on: list[str] = []

    def __init__(self):
        self.me = self

    def __del__(self):
        Cyclic.deleted_on.append(threading.current_thread().name)


def test_cycles_die_on_the_gui_thread_not_on_a_busy_worker(qtbot):
    application()
    assert not gc.isenabled()
    Cyclic.deleted_on.clear()
    for _ in range(50):
        Cyclic()

    def allocate():  # what a line worker does: many container objects, enough to pass every threshold
        junk = []
        for i in range(200_000):
            junk.append([i])
            if len(junk) > 1000:
                junk.clear()

    worker = threading.Thread(target=allocate, name="line-worker")
    worker.start()
    worker.join()
    assert Cyclic.deleted_on == []  # nothing was collected on the worker
    qtbot.waitUntil(lambda: len(Cyclic.deleted_on) == 50, timeout=5000)
    assert set(Cyclic.deleted_on) == {threading.main_thread().name}
