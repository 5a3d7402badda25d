"""The synthetic camera: what is in view, on the station clock, with faults on demand."""
import threading
import time

import numpy as np
import pytest

from hardware.cameras import SyntheticCamera
from hardware.synthetic import render_box
from inspector.clock import ManualClock
from inspector.ports import CameraError


@pytest.fixture
def item():
    return render_box(1, layout=(3, 4))


def test_reads_need_an_open_camera():
    cam = SyntheticCamera(paced=False)
    with pytest.raises(CameraError, match="not open"):
        cam.read(0.1)
    cam.open()
    cam.close()
    cam.close()
    with pytest.raises(CameraError, match="not open"):
        cam.read(0.1)


def test_unpaced_frames_show_the_item_without_copying(item):
    clock = ManualClock(10.0)
    cam = SyntheticCamera(clock=clock, paced=False)
    cam.open()
    assert cam.read(0.1).truth["kind"] == "empty"
    cam.show(item)
    clock.advance(0.5)
    a, b = cam.read(0.1), cam.read(0.1)
    assert a.t == 10.5 and (a.seq, b.seq) == (2, 3)
    assert a.truth is item.truth
    assert np.shares_memory(a.image, item.image) and np.shares_memory(a.image, b.image)
    assert not a.image.flags.writeable
    cam.show(None)
    assert cam.read(0.1).truth["kind"] == "empty"


def test_paced_frames_wait_for_the_next_exposure_on_the_clock(item):
    clock = ManualClock(0.0)
    cam = SyntheticCamera(clock=clock, fps=20.0)
    cam.open()
    got = []
    reader = threading.Thread(target=lambda: got.append(cam.read(1.0)))
    reader.start()
    time.sleep(0.02)
    assert not got  # nothing before the first exposure at t = 0.05
    clock.advance(0.06)
    reader.join(1.0)
    assert got[0].t == pytest.approx(0.05)
    clock.set(0.3)  # a slow reader: the frames in between are dropped, not queued
    assert cam.read(1.0).t == pytest.approx(0.3) and cam.dropped == 4


@pytest.mark.realtime
def test_paced_camera_runs_at_its_frame_rate():
    cam = SyntheticCamera(fps=100.0)
    cam.open()
    t0 = time.monotonic()
    frames = [cam.read(1.0) for _ in range(15)]
    elapsed = time.monotonic() - t0
    assert 0.12 < elapsed < 0.5
    steps = np.diff([f.t for f in frames])
    assert np.allclose(steps, 0.01, atol=1e-6)


def test_a_paced_read_times_out_with_none():
    cam = SyntheticCamera(fps=1.0)
    cam.open()
    t0 = time.monotonic()
    assert cam.read(0.05) is None
    assert 0.04 < time.monotonic() - t0 < 0.5


def test_an_unplugged_camera_raises_naming_itself_until_replugged(item):
    cam = SyntheticCamera(paced=False, name="cam-top")
    cam.open()
    cam.show(item)
    cam.unplug()
    with pytest.raises(CameraError, match="cam-top.*unplugged"):
        cam.read(0.1)
    cam.replug()
    assert cam.read(0.1).truth is item.truth


def test_unplugging_wakes_a_waiting_read():
    cam = SyntheticCamera(fps=0.5, name="slow")
    cam.open()
    errors = []

    def read():
        try:
            cam.read(5.0)
        except CameraError as exc:
            errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.05)
    cam.unplug()
    reader.join(1.0)
    assert not reader.is_alive() and "slow" in str(errors[0])


def test_a_blackout_gives_nothing_for_n_reads(item):
    cam = SyntheticCamera(paced=False)
    cam.open()
    cam.show(item)
    cam.blackout(2)
    assert cam.read(0.1) is None and cam.read(0.1) is None
    assert cam.read(0.1).truth is item.truth


def test_a_paced_blackout_stalls_for_the_timeout():
    cam = SyntheticCamera(fps=100.0)
    cam.open()
    cam.blackout(1)
    t0 = time.monotonic()
    assert cam.read(0.05) is None
    assert time.monotonic() - t0 >= 0.045
    assert cam.read(0.05) is not None


def test_show_from_another_thread_while_reading(item):
    cam = SyntheticCamera(paced=False)
    cam.open()
    stop = threading.Event()

    def flip():
        while not stop.is_set():
            cam.show(item)
            cam.show(None)

    t = threading.Thread(target=flip)
    t.start()
    kinds = {cam.read(0.1).truth["kind"] for _ in range(2000)}
    stop.set()
    t.join()
    assert kinds <= {"box", "empty"}
