"""Folder replay: sorted, skipping what it cannot read, ending or looping as asked."""
import json
import logging
import time

import cv2
import numpy as np
import pytest

from hardware.cameras import FolderCamera
from inspector.ports import CameraError


def write(folder, name, level):
    cv2.imwrite(str(folder / name), np.full((12, 16, 3), level, np.uint8))


@pytest.fixture
def folder(tmp_path):
    write(tmp_path, "b.png", 20)
    write(tmp_path, "a.png", 10)
    write(tmp_path, "c.jpg", 200)
    (tmp_path / "notes.txt").write_text("not an image")
    return tmp_path


def levels(cam, n):
    return [int(round(cam.read(0.1).image.mean(), -1)) for _ in range(n)]


def test_replays_in_file_name_order_then_ends(folder):
    cam = FolderCamera(folder)
    cam.open()
    assert levels(cam, 3) == [10, 20, 200]
    with pytest.raises(CameraError, match="replay finished: 3 images"):
        cam.read(0.1)


def test_loops_when_asked(folder):
    cam = FolderCamera(folder, loop=True)
    cam.open()
    assert levels(cam, 5) == [10, 20, 200, 10, 20]


def test_a_pattern_picks_the_files(folder):
    cam = FolderCamera(folder, pattern="*.jpg")
    cam.open()
    assert levels(cam, 1) == [200]
    assert [p.name for p in cam.files] == ["c.jpg"]


def test_a_corrupt_file_is_skipped_with_a_warning_naming_it(folder, caplog):
    (folder / "b.png").write_bytes(b"\x89PNG broken")
    cam = FolderCamera(folder, loop=True)
    cam.open()
    with caplog.at_level(logging.WARNING, logger="hardware.cameras.folder"):
        assert levels(cam, 4) == [10, 200, 10, 200]
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "b.png" in warnings[0]
    assert cam.skipped == 2


def test_only_corrupt_files_end_the_replay_instead_of_spinning(tmp_path):
    (tmp_path / "x.png").write_bytes(b"junk")
    cam = FolderCamera(tmp_path, loop=True)
    cam.open()
    with pytest.raises(CameraError, match="none of the 1 images"):
        cam.read(0.1)


def test_missing_or_empty_folders_fail_at_open_naming_the_path(tmp_path):
    with pytest.raises(CameraError, match="nowhere"):
        FolderCamera(tmp_path / "nowhere").open()
    with pytest.raises(CameraError, match=str(tmp_path)):
        FolderCamera(tmp_path).open()


def test_truth_beside_an_image_comes_with_its_frame(folder):
    (folder / "a.json").write_text(json.dumps({"kind": "part", "should_pass": True}))
    cam = FolderCamera(folder)
    cam.open()
    a, b = cam.read(0.1), cam.read(0.1)
    assert a.truth == {"kind": "part", "should_pass": True} and b.truth is None
    assert (a.seq, b.seq) == (1, 2) and cam.current.name == "b.png"


def test_fps_paces_the_replay(folder):
    cam = FolderCamera(folder, loop=True, fps=50.0)
    cam.open()
    t0 = time.monotonic()
    frames = [cam.read(1.0) for _ in range(4)]
    assert time.monotonic() - t0 >= 0.07
    assert np.allclose(np.diff([f.t for f in frames]), 0.02)
