"""A clean close while the belt still brings parts: each part that breaks the beam gets its one record, decided."""
from __future__ import annotations

import threading
import time

from inspector.clock import MonotonicClock
from tests.core.conftest import GOOD, Rig


def test_parts_arriving_during_close_are_still_decided_and_none_is_left_without_a_record(tiny_classifier):
    rig = Rig(MonotonicClock(), tiny_classifier)
    sent, stop_belt = [], threading.Event()

    def belt(rate_hz: float = 50.0, for_s: float = 0.6) -> None:
        end = time.monotonic() + for_s
        while time.monotonic() < end and not stop_belt.is_set():
            rig.camera.show(GOOD)
            rig.io.beam.pin.drive_low()
            rig.io.beam.pin.drive_high()
            sent.append(time.monotonic())
            time.sleep(1 / rate_hz)

    conveyor = threading.Thread(target=belt, name="test-belt")
    try:
        conveyor.start()
        time.sleep(0.1)  # parts are on their way when the operator closes the station
        assert rig.line.close(timeout=3.0)
        conveyor.join(2)
    finally:
        stop_belt.set()
        rig.io.close()

    records = rig.sink.records
    assert len(sent) >= 20
    assert len(records) == len(sent) == rig.line.triggered  # not one part without a record
    assert len({r.part_id for r in records}) == len(records)
    abandoned = [r for r in records if r.fail_safe_cause == "stopped"]
    assert not abandoned, f"{len(abandoned)} parts were given up by the close instead of being decided"
    assert sum(r.outcome == "pass" for r in records) >= 0.9 * len(records)
