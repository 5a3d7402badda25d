"""Device timestamps onto the station clock: CLOCK_MONOTONIC stamps as they are, an unknown base from the shortest
arrival gap over a window, a latched pair as given; a stamp never goes back."""
import logging
import time

import pytest

from hardware.cameras.device_time import DeviceTime
from inspector.clock import ManualClock, MonotonicClock


def test_an_unknown_base_takes_the_shortest_arrival_gap_in_the_window():
    clock = ManualClock(100.0)
    mapping = DeviceTime(clock, base="estimated", window=2)
    stamps = []
    for device_s, latency in ((5.000, 0.008), (5.100, 0.003), (5.200, 0.009), (5.300, 0.007)):
        clock.set(95.0 + device_s + latency)  # the device clock is 95 s behind; each frame arrives late by latency
        stamps.append(mapping.station_time(device_s))
    # the offset is 95 s plus the shortest latency of the last two frames
    assert stamps == pytest.approx([100.008, 100.103, 100.203, 100.307])


def test_a_latched_pair_gives_the_offset_and_stamps_never_go_back():
    clock = ManualClock(50.0)
    mapping = DeviceTime(clock, base="estimated")
    mapping.anchor(device_s=10.0, station_s=50.0)
    assert mapping.station_time(10.5) == 50.5
    mapping.anchor(device_s=10.0, station_s=49.0)  # a re-latch moves the offset back by 1 s ...
    assert mapping.station_time(10.6) == 50.5  # ... but no frame is stamped before the one before it


def test_monotonic_stamps_are_taken_as_they_are_and_a_wrong_base_is_caught(caplog):
    mapping = DeviceTime(MonotonicClock(), base="monotonic", name="cam")
    exposed = time.monotonic() - 0.02
    assert mapping.station_time(exposed) == exposed
    with caplog.at_level(logging.WARNING):
        t = mapping.station_time(12.0)  # a driver counting from its own start
    assert mapping.base == "estimated" and "not on CLOCK_MONOTONIC" in caplog.text
    assert t >= exposed
