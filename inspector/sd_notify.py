"""systemd's notify protocol without a dependency: ``KEY=VALUE`` lines in one datagram to ``$NOTIFY_SOCKET``.

The socket is an ``AF_UNIX`` datagram socket; a path starting with ``@`` is in the abstract namespace. The keys the
station sends: ``READY=1`` once the line is up, ``STATUS=...`` (shown by ``systemctl status``), ``WATCHDOG=1`` while
its threads are alive and moving, ``STOPPING=1`` when it begins to shut down. ``$WATCHDOG_USEC`` (with
``$WATCHDOG_PID``, when set, naming this process) is the unit's ``WatchdogSec``: it is petted at half of that.

:class:`InterlockLink` speaks the same lines over a connected ``SOCK_SEQPACKET`` socket to the ready-pin supervisor
(``inspector interlock``): a connection, unlike a datagram, tells the supervisor at once when this process dies.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from typing import Mapping

log = logging.getLogger(__name__)


def _address(path: str) -> str:
    return "\0" + path[1:] if path.startswith("@") else path


def message(**fields: object) -> bytes:
    """``message(READY=1, STATUS="up")`` -> ``b"READY=1\\nSTATUS=up\\n"`` (newlines in a value become spaces)."""
    return "".join(f"{key}={str(value).replace(chr(10), ' ')}\n" for key, value in fields.items()).encode()


def parse(data: bytes) -> dict[str, str]:
    """The fields of one notify message (the last value of a key repeated wins; lines without ``=`` are skipped)."""
    out = {}
    for line in data.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value
    return out


def watchdog_interval_s(env: Mapping[str, str] | None = None) -> float | None:
    """The unit's ``WatchdogSec`` in seconds when it applies to this process; None when there is no watchdog."""
    env = os.environ if env is None else env
    usec, pid = env.get("WATCHDOG_USEC", ""), env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and (not pid.isdigit() or int(pid) != os.getpid()):
        return None  # meant for another process (a parent that started us)
    return int(usec) / 1e6


class Notifier:
    """Sends notify messages to ``$NOTIFY_SOCKET``; every call is a no-op when the variable is unset. Never raises:
    the service manager being away must not stop the line."""

    def __init__(self, env: Mapping[str, str] | None = None):
        env = os.environ if env is None else env
        self.path = env.get("NOTIFY_SOCKET") or None
        self.watchdog_s = watchdog_interval_s(env)
        self.sent = 0
        self.failed = 0
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def notify(self, **fields: object) -> bool:
        if self.path is None:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message(**fields), _address(self.path))
            self.sent += 1
            return True
        except OSError as e:
            self.failed += 1
            if self.failed == 1 or self.failed % 1000 == 0:
                log.warning("sd_notify to %s failed (%d times): %s", self.path, self.failed, e)
            return False

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class InterlockLink:
    """The runtime's connection to the ready-pin supervisor: notify lines over ``SOCK_SEQPACKET``.

    ``send`` never blocks: a supervisor that does not read loses messages (and then drops the pin itself, as it
    hears no heartbeat). A lost connection is made again at most every ``retry_s``; the first ``WATCHDOG=1`` on
    each connection comes with ``READY=1``.
    """

    def __init__(self, path: str | os.PathLike, *, retry_s: float = 0.25):
        self.path = os.fspath(path)
        self.retry_s = retry_s
        self._sock: socket.socket | None = None
        self._said_ready = False
        self._next_try = 0.0
        self.connects = 0
        self.lost = 0

    @property
    def connected(self) -> bool:
        return self._sock is not None

    def _connect(self) -> bool:
        now = time.monotonic()
        if now < self._next_try:
            return False
        self._next_try = now + self.retry_s
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
        try:
            sock.connect(_address(self.path))
        except OSError as e:
            sock.close()
            if self.connects == 0 and self.lost == 0:
                log.debug("interlock %s not there yet: %s", self.path, e)
            return False
        sock.setblocking(False)
        self._sock, self._said_ready = sock, False
        self.connects += 1
        log.info("connected to the interlock at %s", self.path)
        return True

    def send(self, **fields: object) -> bool:
        """Send one message (``READY=1`` is put first after each new connection); False when it did not go."""
        if self._sock is None and not self._connect():
            return False
        if "WATCHDOG" in fields and not self._said_ready:
            fields = {"READY": 1, **fields}
        try:
            self._sock.send(message(**fields))
            self._said_ready = self._said_ready or "READY" in fields
            return True
        except BlockingIOError:
            return False
        except OSError as e:
            log.warning("interlock connection lost: %s", e)
            self.lost += 1
            self.close()
            return False

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
