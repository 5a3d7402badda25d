"""A fake service manager's notify socket: receives sd_notify datagrams as systemd would, and keeps them."""
from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass

from inspector.sd_notify import parse


@dataclass(frozen=True)
class Received:
    at: float  # time.monotonic()
    fields: dict[str, str]


class FakeNotifySocket:
    """``NOTIFY_SOCKET`` for a child or an in-process Notifier: an AF_UNIX datagram socket, a path or ``@abstract``."""

    def __init__(self, *, abstract: bool = False, watchdog_usec: int | None = None):
        self.dir = tempfile.mkdtemp(prefix="sdn-", dir="/tmp")
        self.name = f"@inspector-test-{os.getpid()}-{id(self)}" if abstract else os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + self.name[1:] if abstract else self.name)
        self.sock.settimeout(0.1)
        self.watchdog_usec = watchdog_usec
        self.messages: list[Received] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-systemd", daemon=True)
        self._thread.start()

    def env(self) -> dict[str, str]:
        env = {"NOTIFY_SOCKET": self.name}
        if self.watchdog_usec:
            env["WATCHDOG_USEC"] = str(self.watchdog_usec)
        return env

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            with self._changed:
                self.messages.append(Received(time.monotonic(), parse(data)))
                self._changed.notify_all()

    def with_key(self, key: str, value: str | None = None, *, since: float = float("-inf")) -> list[Received]:
        with self._changed:
            return [m for m in self.messages if m.at >= since and key in m.fields
                    and (value is None or m.fields[key] == value)]

    def wait_for(self, key: str, value: str | None = None, *, timeout: float = 30.0,
                 since: float = float("-inf")) -> Received | None:
        end = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.with_key(key, value, since=since)
                if found:
                    return found[0]
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1.0)
        self.sock.close()
        if not self.name.startswith("@"):
            os.unlink(self.name)
        os.rmdir(self.dir)
