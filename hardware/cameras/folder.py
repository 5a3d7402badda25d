"""Replay of still images from a folder: yesterday's rejects, a customer's samples, saved synthetic renders."""
from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import cv2

from hardware.cameras.pacing import FramePacer
from inspector.clock import Clock, MonotonicClock
from inspector.ports import CameraError
from inspector.types import Frame

log = logging.getLogger(__name__)


class FolderCamera:
    """Images matching ``pattern`` (globs joined by ``|``) in sorted file-name order, once or in a ``loop``.

    An unreadable file is skipped with a warning naming it, and tried again once it changes or comes back (the same
    files copied back after a failed share, a re-mounted card); the end of a replay without ``loop`` raises
    ``CameraError("replay finished: ...")``. With ``fps`` frames come paced on ``clock``; without, at once.
    A ``<image stem>.json`` beside an image is delivered as the frame's ``truth``.
    """

    def __init__(self, folder: str | Path, pattern: str = "*.png|*.jpg", *, loop: bool = False,
                 fps: float | None = None, clock: Clock | None = None, name: str | None = None) -> None:
        self.folder, self.pattern, self.loop, self.fps = Path(folder), pattern, loop, fps
        self.clock = clock or MonotonicClock()
        self.name = name or f"folder:{self.folder}"
        self.files: list[Path] = []
        self.skipped = 0
        self.current: Path | None = None
        self._bad: dict[Path, tuple[int, int] | None] = {}  # unreadable file -> its (mtime, size) then; None: missing
        self._pos = 0
        self._seq = 0
        self._open = False
        self._stop = threading.Event()
        self._pacer = FramePacer(self.clock, fps) if fps else None

    def __repr__(self) -> str:
        return f"FolderCamera({str(self.folder)!r}, pattern={self.pattern!r}, loop={self.loop})"

    def open(self) -> None:
        if not self.folder.is_dir():
            raise CameraError(f"folder camera: {self.folder} is not a folder (missing?)")
        found = {p for glob in self.pattern.split("|") if glob.strip() for p in self.folder.glob(glob.strip())}
        self.files = sorted((p for p in found if p.is_file()), key=lambda p: p.name)
        if not self.files:
            raise CameraError(f"folder camera: no images matching {self.pattern!r} in {self.folder}")
        self._pos, self._open = 0, True
        self._bad.clear()  # a reopen (after the folder or its files came back) tries every file again
        self._stop.clear()
        if self._pacer:
            self._pacer.start()

    def close(self) -> None:
        self._open = False
        self._stop.set()

    def read(self, timeout: float) -> Frame | None:
        if not self._open:
            raise CameraError(f"folder camera {self.folder} is not open")
        t = self._pacer.wait(timeout, self._stop) if self._pacer else self.clock.now()
        if t is None:
            return None
        for _ in range(len(self.files) + 1):
            if self._pos >= len(self.files):
                if not self.loop:
                    raise CameraError(f"replay finished: {len(self.files)} images from {self.folder}")
                self._pos = 0
            path = self.files[self._pos]
            self._pos += 1
            signature = _signature(path)
            known_bad = path in self._bad and self._bad[path] == signature
            image = None if known_bad else cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                if not known_bad:
                    log.warning("folder camera: skipping unreadable image %s", path)
                    self._bad[path] = signature
                self.skipped += 1
                continue
            self._bad.pop(path, None)
            self.current = path
            self._seq += 1
            return Frame(image, t, self._seq, self._truth(path))
        raise CameraError(f"folder camera: none of the {len(self.files)} images in {self.folder} can be read")

    @staticmethod
    def _truth(path: Path) -> dict | None:
        sidecar = path.with_suffix(".json")
        if not sidecar.is_file():
            return None
        try:
            return json.loads(sidecar.read_text())
        except (OSError, ValueError) as exc:
            log.warning("folder camera: ignoring unreadable truth %s: %s", sidecar, exc)
            return None


def _signature(path: Path) -> tuple[int, int] | None:
    """(mtime, size) of ``path``, None when it is missing: a file that changes or comes back is read again."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
