"""The ready-pin supervisor: holds "station ready" high only while the runtime's heartbeats keep coming.

A runtime that is killed (``kill -9``), hung (``SIGSTOP``, a deadlock, a fault in a library) or whose line threads are
stuck cannot lower a pin itself, so the pin belongs to this small separate process (``inspector interlock``, its own
systemd unit). The runtime connects to its ``SOCK_SEQPACKET`` socket and sends notify lines (``READY=1``,
``WATCHDOG=1`` every ``beat_ms`` while it inspects, ``STATUS=``, ``STOPPING=1``). The pin goes low at once when the
connection ends (the kernel closes a dead process's sockets) or ``STOPPING=1`` comes, and when no heartbeat has come
for ``timeout_ms``. It goes high again at the next heartbeat of a peer that said ``READY=1``.

The output is anything with ``on()``/``off()`` (a gpiozero ``DigitalOutputDevice``); ``events`` keeps its last changes
with their ``time.monotonic()`` and cause, for tests and the benchmark.
"""
from __future__ import annotations

import collections
import logging
import os
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from inspector.ports import Actuator
from inspector.sd_notify import Notifier, parse

log = logging.getLogger(__name__)

EVENTS_KEPT = 1024
MAX_MESSAGE = 4096


@dataclass(frozen=True)
class PinEvent:
    at: float  # time.monotonic()
    ready: bool
    cause: str


class _Peer:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.pid = _peer_pid(sock)
        self.ready = False
        self.last_beat: float | None = None
        self.status = ""


def _peer_pid(sock: socket.socket) -> int | None:
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[0]
    except (OSError, AttributeError):
        return None


class Interlock:
    """Listens on ``path`` and drives ``output``; ``serve_forever`` (or ``start`` for a thread) until ``stop``.

    One runtime is watched at a time: a new connection replaces the old one (which is closed). ``notifier`` is the
    supervisor's own systemd notifier (``READY=1`` once listening, ``WATCHDOG=1`` each round), so a hung supervisor
    is restarted by its unit, whose ``ExecStopPost`` drives the pin low.
    """

    def __init__(self, path: str | os.PathLike, output: Actuator, *, timeout_ms: float = 60.0,
                 notifier: Notifier | None = None, mode: int = 0o660):
        self.path = Path(path)
        self.output = output
        self.timeout_s = timeout_ms / 1000
        self.notifier = notifier
        self.mode = mode
        self.events: collections.deque[PinEvent] = collections.deque(maxlen=EVENTS_KEPT)
        self.high = False
        self.peer: _Peer | None = None
        self.connections = 0
        self.gaps: collections.deque[float] = collections.deque(maxlen=EVENTS_KEPT * 16)  # s between heartbeats
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self.output.off()

    # -- the pin ---------------------------------------------------------------------------------------------------
    def _set(self, ready: bool, cause: str) -> None:
        if ready == self.high:
            return
        (self.output.on if ready else self.output.off)()
        self.high = ready
        self.events.append(PinEvent(time.monotonic(), ready, cause))
        (log.info if ready else log.warning)("station ready %s: %s", "HIGH" if ready else "LOW", cause)

    # -- serving ---------------------------------------------------------------------------------------------------
    def listen(self) -> "Interlock":
        """Bind the socket (a stale one from a dead supervisor is replaced)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() or self.path.is_symlink():
            self.path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
        listener.bind(str(self.path))
        os.chmod(self.path, self.mode)
        listener.listen(4)
        listener.setblocking(False)
        self._listener = listener
        if self.notifier is not None:
            self.notifier.notify(READY=1, STATUS="waiting for the runtime")
        return self

    def start(self) -> "Interlock":
        if self._listener is None:
            self.listen()
        self._thread = threading.Thread(target=self.serve_forever, name="interlock", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        if self._listener is None:
            self.listen()
        sel = selectors.DefaultSelector()
        sel.register(self._listener, selectors.EVENT_READ, "listener")
        sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        pet_every = (self.notifier.watchdog_s / 2) if self.notifier is not None and self.notifier.watchdog_s else None
        last_pet = float("-inf")
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if pet_every is not None and now - last_pet >= pet_every:
                    self.notifier.notify(WATCHDOG=1)
                    last_pet = now
                timeout = self._until_timeout(now)
                if pet_every is not None:
                    timeout = pet_every if timeout is None else min(timeout, pet_every)
                for key, _ in sel.select(timeout):
                    if key.data == "listener":
                        self._accept(sel)
                    elif key.data == "peer":
                        self._receive(sel, key.fileobj)
                    else:
                        self._wake_r.recv(64)
                self._check_timeout(time.monotonic())
        finally:
            sel.close()
            self._set(False, "supervisor stopping")
            self._drop_peer(None, None)

    def _until_timeout(self, now: float) -> float | None:
        peer = self.peer
        if not self.high or peer is None or peer.last_beat is None:
            return None
        return max(0.0, peer.last_beat + self.timeout_s - now)

    def _check_timeout(self, now: float) -> None:
        peer = self.peer
        if self.high and peer is not None and peer.last_beat is not None and now - peer.last_beat > self.timeout_s:
            self._set(False, f"no heartbeat from pid {peer.pid} for {(now - peer.last_beat) * 1000:.0f} ms "
                             f"(limit {self.timeout_s * 1000:.0f} ms)")

    def _accept(self, sel: selectors.BaseSelector) -> None:
        try:
            sock, _ = self._listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(False)
        if self.peer is not None:
            self._drop_peer(sel, "a new runtime connected")
        self.peer = _Peer(sock)
        self.connections += 1
        sel.register(sock, selectors.EVENT_READ, "peer")
        log.info("runtime connected (pid %s)", self.peer.pid)
        if self.notifier is not None:
            self.notifier.notify(STATUS=f"watching runtime pid {self.peer.pid}")

    def _drop_peer(self, sel: selectors.BaseSelector | None, cause: str | None) -> None:
        peer, self.peer = self.peer, None
        if peer is None:
            return
        if cause is not None:
            if self.high:
                self._set(False, f"{cause} (pid {peer.pid})")
            else:
                log.info("%s (pid %s); station ready was already low", cause, peer.pid)
        if sel is not None:
            sel.unregister(peer.sock)
        peer.sock.close()

    def _receive(self, sel: selectors.BaseSelector, sock: socket.socket) -> None:
        peer = self.peer
        try:
            data = sock.recv(MAX_MESSAGE)
        except BlockingIOError:
            return
        except OSError as e:
            data, why = b"", f"connection failed: {e}"
        else:
            why = "runtime gone (connection closed)"
        if not data:
            self._drop_peer(sel, why)
            return
        fields = parse(data)
        now = time.monotonic()
        if "STATUS" in fields and fields["STATUS"] != peer.status:
            peer.status = fields["STATUS"]
            log.info("runtime pid %s: %s", peer.pid, peer.status)
        if fields.get("STOPPING") == "1":
            peer.ready = False
            self._set(False, f"runtime stopping (pid {peer.pid}): {peer.status}")
            return
        if fields.get("READY") == "1":
            peer.ready = True
        if fields.get("WATCHDOG") == "1":
            if peer.last_beat is not None and self.high:
                self.gaps.append(now - peer.last_beat)  # how close the healthy runtime comes to the timeout
            peer.last_beat = now
            if peer.ready:
                self._set(True, f"heartbeat from runtime pid {peer.pid}")

    def request_stop(self) -> None:
        """End ``serve_forever`` soon (safe from a signal handler)."""
        self._stop.set()
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def stop(self, timeout: float = 1.0) -> bool:
        self.request_stop()
        ended = True
        if self._thread is not None:
            self._thread.join(timeout)
            ended = not self._thread.is_alive()
            self._thread = None
        self.close()
        return ended

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
        self._wake_r.close()
        self._wake_w.close()
