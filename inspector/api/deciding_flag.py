"""Whether the line is deciding a part right now, for the line's own screen in another process: one word in shared
memory.

Why: the window runs beside the line on the same small board. Its drawing on one core slows an inspection on the
other (the cores share caches and memory bandwidth), so the window defers its work while a part is being decided
(``ui/line_first.py``), as the runtime's own picture making does (``inspector.deciding``). The runtime's ``Deciding``
writes the count of parts being decided into the segment on every change (a few hundred ns on the line's thread,
no lock, no system call); the window reads it. ``subscribe`` tells a local client the segment's name
(``deciding_shm``); the segment is mode 0660 like the socket.
"""
from __future__ import annotations

import os
import secrets
import struct
import time

from inspector.api.shared_frames import attach, create

WORD = struct.Struct("<Q")
SIZE = 64


class DecidingFlag:
    """The runtime's side: ``Deciding.mirror``; ``set(n)`` from the line's threads."""

    def __init__(self) -> None:
        self._shm = create(f"inspector-deciding-{os.getpid()}-{secrets.token_hex(4)}", SIZE)
        self.name = self._shm.name
        self._buf = self._shm.buf

    def set(self, parts_deciding: int) -> None:
        buf = self._buf
        if buf is not None:
            WORD.pack_into(buf, 0, parts_deciding)

    def close(self) -> None:
        buf, self._buf = self._buf, None
        if buf is None:
            return
        del buf  # the segment's own view, released by close()
        try:
            self._shm.unlink()
            self._shm.close()
        except FileNotFoundError:
            pass
        except BufferError:  # a line thread writing this instant: the mapping goes with the process
            pass


class DecidingView:
    """A client's side: ``busy`` and ``wait_idle`` as :class:`inspector.deciding.Deciding` has them. The window is
    the one that waits, so it polls (every ``poll_s``, on its own cores' idle time); the line never waits for it."""

    def __init__(self, name: str, *, poll_s: float = 0.002) -> None:
        self._shm = attach(name)
        self.poll_s = poll_s

    @property
    def busy(self) -> bool:
        shm = self._shm
        try:
            return shm is not None and WORD.unpack_from(shm.buf, 0)[0] > 0
        except (TypeError, ValueError):  # closed meanwhile (the link reconnects): nothing to wait for
            return False

    def wait_idle(self, timeout: float) -> bool:
        """Block until no part is being decided, ``timeout`` seconds at most; True when idle."""
        end = time.monotonic() + timeout
        while self.busy:
            if time.monotonic() >= end:
                return False
            time.sleep(self.poll_s)
        return True

    def close(self) -> None:
        shm, self._shm = self._shm, None
        if shm is not None:
            shm.close()
