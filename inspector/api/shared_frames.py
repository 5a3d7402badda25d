"""Live camera frames for the line's own screen through shared memory: raw pixels, no JPEG either side.

Why: on the local socket the screen and the runtime share a machine, so a frame need not be encoded, sent and
decoded. At 960 px a JPEG costs the runtime ~3-4 ms (scaling and encoding) and the screen ~1.5 ms (decoding) per
frame on a desktop x86, several times that on a Raspberry Pi; a copy into shared memory ~0.1 ms
(``benchmarks/bench_live_frames.py``). ``subscribe {frames_fps, frames_shm: true}`` (local socket only) then
sends, instead of JPEG frames, text events::

    {"event": "frame_shm", "name": segment, "slot": i, "offset": bytes, "seq": n, "frame_seq": camera's,
     "t": exposure time, "width", "height", "channels": 3, "format": "bgr24"}

The segment (``/dev/shm/<name>``, mode 0660 like the socket: the service's user and group) holds ``SLOTS`` slots,
written round-robin; each slot is a header (``seq``, then the frame's fields) and the pixels. ``seq`` is odd while
the runtime writes the slot and even after (a sequence lock): a reader that copies the pixels and finds ``seq``
unchanged has a whole frame; otherwise the slot was rewritten meanwhile and the frame is skipped, never torn.
:class:`SharedFrameReader` does that for a client (no Qt).
"""
from __future__ import annotations

import logging
import os
import secrets
import struct
import threading
from multiprocessing import shared_memory
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

SLOTS = 3  # a slot is rewritten every third frame: ~100 ms at 30 fps for a reader to copy ~0.1 ms
HEADER = struct.Struct("<QdQIII")  # seq, t, frame_seq, width, height, channels
HEADER_BYTES = 64  # pixels start 64-byte aligned


class SharedFrameWriter:
    """The runtime's side: one segment for every local client that asked (all see the same frames)."""

    def __init__(self) -> None:
        self._shm: shared_memory.SharedMemory | None = None
        self._slot_bytes = 0
        self._next_slot = 0
        self._seq = 0
        self._last: tuple[float, dict[str, Any]] | None = None  # the frame written last and its event
        self._lock = threading.RLock()
        self.written = 0

    def write(self, image: np.ndarray, *, t: float, frame_seq: int) -> dict[str, Any]:
        """Put ``image`` (H x W x 3 uint8) in the next slot; the event that tells a client where it is. The same
        frame asked again (another client, same tick) is not copied again."""
        with self._lock:
            if self._last is not None and self._last[0] == t:
                return self._last[1]
            height, width = image.shape[:2]
            channels = image.shape[2] if image.ndim == 3 else 1
            size = width * height * channels
            if self._shm is None or HEADER_BYTES + size > self._slot_bytes:
                self._open(HEADER_BYTES + size)
            shm = self._shm
            slot = self._next_slot
            self._next_slot = (slot + 1) % SLOTS
            offset = slot * self._slot_bytes
            self._seq += 2
            seq = self._seq
            buf = shm.buf
            struct.pack_into("<Q", buf, offset, seq - 1)  # odd: being written
            target = np.ndarray((height, width, channels), np.uint8, buf, offset + HEADER_BYTES)
            np.copyto(target, image.reshape(height, width, channels))
            del target
            HEADER.pack_into(buf, offset, seq, t, frame_seq, width, height, channels)  # even: whole
            event = {"event": "frame_shm", "name": shm.name, "slot": slot, "offset": offset + HEADER_BYTES,
                     "seq": seq, "frame_seq": frame_seq, "t": t, "width": width, "height": height,
                     "channels": channels, "format": "bgr24" if channels == 3 else "gray8"}
            self._last = (t, event)
            self.written += 1
            return event

    def _open(self, slot_bytes: int) -> None:
        self.close()
        slot_bytes = (slot_bytes + HEADER_BYTES - 1) // HEADER_BYTES * HEADER_BYTES
        shm = create(f"inspector-{os.getpid()}-{secrets.token_hex(4)}", slot_bytes * SLOTS)
        self._shm, self._slot_bytes = shm, slot_bytes

    @property
    def name(self) -> str | None:
        return self._shm.name if self._shm is not None else None

    def close(self) -> None:
        with self._lock:
            shm, self._shm, self._last = self._shm, None, None
        if shm is not None:
            shm.close()
            try:
                shm.unlink()
            except FileNotFoundError:
                pass


class SharedFrameReader:
    """A client's side: ``read(event)`` gives the frame of a ``frame_shm`` event (a copy), or None when the runtime
    rewrote that slot before it was copied (the frame is skipped: the screen shows the next one)."""

    def __init__(self) -> None:
        self._segments: dict[str, shared_memory.SharedMemory] = {}
        self.skipped = 0

    def read(self, event: dict[str, Any]) -> np.ndarray | None:
        shm = self._segment(event["name"])
        buf = shm.buf
        header_at = int(event["offset"]) - HEADER_BYTES
        shape = (int(event["height"]), int(event["width"]), int(event["channels"]))
        if HEADER.unpack_from(buf, header_at)[0] != event["seq"]:
            self.skipped += 1
            return None
        pixels = np.ndarray(shape, np.uint8, buf, int(event["offset"])).copy()
        if HEADER.unpack_from(buf, header_at)[0] != event["seq"]:  # rewritten while we copied
            self.skipped += 1
            return None
        return pixels

    def _segment(self, name: str) -> shared_memory.SharedMemory:
        shm = self._segments.get(name)
        if shm is None:
            for old in self._segments.values():  # the runtime made a new segment (a larger frame): let go
                old.close()
            self._segments.clear()
            shm = attach(name)
            self._segments[name] = shm
        return shm

    def close(self) -> None:
        for shm in self._segments.values():
            shm.close()
        self._segments.clear()


CREATED: set[str] = set()  # segments this process made (the runtime's): it owns them


def create(name: str, size: int) -> shared_memory.SharedMemory:
    """A new segment owned by this process (unlinked at its exit if not before), mode 0660 like the API's socket:
    the screen runs as another user of the service's group."""
    shm = shared_memory.SharedMemory(name=name, create=True, size=size)
    CREATED.add(shm.name)
    try:
        os.fchmod(shm._fd, 0o660)
    except (AttributeError, OSError) as e:  # not POSIX shared memory: the default mode (owner only) stays
        log.warning("shared memory %s: could not open it to the group: %s", shm.name, e)
    return shm


def attach(name: str) -> shared_memory.SharedMemory:
    """Open the runtime's segment without making this process its owner: Python before 3.13 registers an attached
    segment with this process's resource tracker, which would unlink it when the screen exits. (A window in the
    runtime's own process, as in tests, attaches a segment it owns: that registration is left alone.)"""
    try:
        return shared_memory.SharedMemory(name=name, track=False)  # Python 3.13+
    except TypeError:
        pass
    shm = shared_memory.SharedMemory(name=name)
    if shm.name in CREATED:
        return shm
    try:
        from multiprocessing import resource_tracker

        resource_tracker.unregister(shm._name, "shared_memory")
    except Exception:  # noqa: BLE001 - no tracker: nothing would unlink it either
        pass
    return shm
