"""A whole line on gpiozero's MockFactory pins, the shipped synthetic camera and a tiny real ONNX classifier."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from hardware.cameras import SyntheticCamera
from hardware.gpio import StationIO
from inspector.clock import ManualClock, MonotonicClock
from inspector.config import parse_recipe, parse_station
from inspector.inference import RecipeModels
from inspector.line import Line
from inspector.runtime import load_package
from tests.runtime.tiny_packages import build_package


@dataclass
class Item:
    """What the camera sees: a flat grey level the tiny classifier turns into p(defect) = level / 255."""

    image: np.ndarray
    truth: dict[str, Any]
    mask: Any = None


def item(bad: bool) -> Item:
    level = 230 if bad else 20
    return Item(np.full((48, 64, 3), level, np.uint8), {"kind": "part", "should_pass": not bad})


GOOD, BAD = item(False), item(True)


@pytest.fixture(scope="session")
def tiny_classifier(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pkg") / "tiny_classifier"
    build_package(folder, "classify")
    return load_package(folder, threads=1)


class Hooked:
    """Wraps a model so a test can slow it down, make it raise, or hold it until released."""

    def __init__(self, model, clock):
        self.model, self.clock = model, clock
        self.name, self.version, self.sha256 = model.name, model.version, model.sha256
        self.advance_clock_by = 0.0
        self.raise_on_next: Exception | None = None
        self.gate = threading.Event()
        self.gate.set()
        self.calls = 0

    def infer(self, image):
        self.calls += 1
        self.gate.wait(5)
        if self.raise_on_next is not None:
            error, self.raise_on_next = self.raise_on_next, None
            raise error
        result = self.model.infer(image)
        if self.advance_clock_by:
            self.clock.advance(self.advance_clock_by)
        return result


class ListSink:
    def __init__(self):
        self.records = []

    def submit(self, record, image):
        self.records.append(record)
        return True

    def by_id(self, part_id):
        return next(r for r in self.records if r.part_id == part_id)


class Rig:
    """A line whose parts a test places in front of the camera and pushes through the beam by hand."""

    def __init__(self, clock, model, *, queue_size=8, travel_s=0.5, pulse_s=0.05, fail_safe="reject", workers=1):
        self.clock = clock
        self.station = parse_station(
            {"queue_size": queue_size, "timing": {"travel_s": travel_s, "pulse_s": pulse_s, "frame_timeout_s": 0.15}}
        )
        self.recipe = parse_recipe(
            {"name": "t", "product": "part", "models": ["tiny"], "reject_at": 0.5, "pass_below": 0.3, "fail_safe": fail_safe}
        )
        self.io = StationIO(self.station.gpio)
        self.camera = SyntheticCamera(clock=clock, size=(64, 48), triggered=True)
        self.model = Hooked(model, clock)
        self.sink = ListSink()
        self.line = Line(
            station=self.station, recipe=self.recipe, models=RecipeModels([self.model]), camera=self.camera,
            pusher=self.io.pusher, trigger=self.io.beam, light=self.io.light, sink=self.sink, clock=clock,
            workers=workers,
        )
        self.camera.open()
        self.line.open()
        self.line.start()

    @property
    def travel(self):
        return self.station.timing.travel_s

    @property
    def pulse(self):
        return self.station.timing.pulse_s

    def show(self, what):
        """Put ``what`` in view and wait until the (hardware-triggered) camera has delivered its frame."""
        seen = self.line.frames.frames_read
        self.camera.show(what)
        deadline = time.monotonic() + 2
        while self.line.frames.frames_read < seen + 1 and time.monotonic() < deadline:
            time.sleep(0.0005)

    def part(self, what, at=None):
        if at is not None:
            self.clock.set(at)
        if what is not None:
            self.show(what)
        self.io.beam.pin.drive_low()
        self.io.beam.pin.drive_high()
        return self.line.triggered

    def run_until_idle(self, timeout=5.0):
        """Let every booked part be inspected, then move the clock through every deadline and pulse."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.line.wait_inspected(timeout=max(0.0, end - time.monotonic()))
            t = self.line.transit.next_event()
            if t is None and self.line.recorded == self.line.triggered:
                return
            if t is not None and isinstance(self.clock, ManualClock) and t > self.clock.now():
                self.clock.set(t)
            time.sleep(0.002)
        raise AssertionError(f"line not idle: {self.line.triggered} triggered, {self.line.recorded} recorded")

    def close(self):
        ok = self.line.close(2.0)
        self.io.close()
        return ok


@pytest.fixture
def manual_rig(tiny_classifier):
    rig = Rig(ManualClock(100.0), tiny_classifier)
    yield rig
    rig.close()


@pytest.fixture
def realtime_rig(tiny_classifier):
    rig = Rig(MonotonicClock(), tiny_classifier)
    yield rig
    rig.close()
