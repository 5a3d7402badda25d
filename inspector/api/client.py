"""A client of API v1 without Qt: the tests use it, and a frontend can run it on a thread of its own.

    client = Client.tls("station.local", 8443, fingerprint="sha256:…")   # or Client.local("/…/api.sock")
    client.login("ana", "1234")
    client.review_queue(state="open")
    client.subscribe(frames_fps=5)
    event = client.next_event(timeout=1.0)   # parts, counters, alarms, frames; resyncs are filled from the records

Requests block until their reply (``timeout``); events wait in a queue read by ``next_event``. A ``resync`` from the
runtime (this client fell behind) is turned into the missed parts, read from the records, marked ``from_records``.
"""
from __future__ import annotations

import collections
import itertools
import json
import queue
import threading
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect, unix_connect

from inspector.api import PATH, protocol, tls
from inspector.api.protocol import ApiError

_CLOSED = object()
RECORD_WAIT_S = 3.0  # the station commits a record within storage.max_commit_lag_s (2 s by default)


class Client:
    def __init__(self, connection: ClientConnection, *, timeout: float = 10.0) -> None:
        self.connection, self.timeout = connection, timeout
        connection.__enter__()  # held for this client's life (closed by close()), as websockets asks of a connection
        self.token: str | None = None
        self.events: queue.Queue[Any] = queue.Queue()
        self.last_part_id: int | None = None  # the newest part this client has seen (live or from the records)
        self._backlog: collections.deque[dict[str, Any]] = collections.deque()  # parts read from the records
        self._behind = False  # a resync came: gaps between live parts are filled from the records
        self._ids = itertools.count(1)
        self._pending: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="api-client", daemon=True)
        self._reader.start()

    # -- connecting ------------------------------------------------------------------------------------------
    @classmethod
    def local(cls, socket_path: str, **kwargs: Any) -> Client:
        """The line's own screen: the station's unix socket."""
        return cls(unix_connect(str(socket_path), uri=f"ws://localhost{PATH}", compression=None), **kwargs)

    @classmethod
    def tls(cls, host: str, port: int, *, fingerprint: str, **kwargs: Any) -> Client:
        """Over the network: TLS to the station whose certificate has ``fingerprint`` (else FingerprintMismatch)."""
        sock = tls.pinned_socket(host, port, fingerprint)
        try:
            connection = connect(f"ws://{host}:{port}{PATH}", sock=sock, compression=None, proxy=None)
        except BaseException:
            sock.close()
            raise
        return cls(connection, **kwargs)

    def close(self) -> None:
        self._closed = True
        self.connection.close()
        self._reader.join(2.0)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests --------------------------------------------------------------------------------------------
    def call(self, op: str, **args: Any) -> Any:
        """Send one request and wait for its reply; ``ApiError`` when refused (or ``connection`` when gone)."""
        request_id = next(self._ids)
        waiter: queue.Queue = queue.Queue(maxsize=1)
        with self._lock:
            self._pending[request_id] = waiter
        message = {"id": request_id, "op": op, **args}
        if self.token:
            message["token"] = self.token
        try:
            self.connection.send(json.dumps(message))
            reply = waiter.get(timeout=self.timeout)
        except queue.Empty:
            raise ApiError("connection", f"{op}: no reply within {self.timeout} s") from None
        except ConnectionClosed as e:
            raise ApiError("connection", f"{op}: connection closed ({e})") from None
        finally:
            with self._lock:
                self._pending.pop(request_id, None)
        if reply is _CLOSED:
            raise ApiError("connection", f"{op}: connection closed")
        if isinstance(reply, tuple):  # a binary reply: (header, bytes)
            return reply
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise ApiError(error.get("code", "refused"), error.get("message", ""))
        return reply.get("result")

    def login(self, user: str, pin: str) -> dict[str, Any]:
        result = self.call("login", user=user, pin=pin)
        self.token = result["token"]
        return result

    def logout(self) -> None:
        self.call("logout")
        self.token = None

    def counters(self) -> dict[str, Any]:
        return self.call("counters")

    def alarms(self) -> list[dict[str, Any]]:
        return self.call("alarms")

    def recipe(self) -> dict[str, Any]:
        return self.call("recipe")

    def parts(self, after: int | None = 0, limit: int = 100) -> list[dict[str, Any]]:
        return self.call("parts", after=after or 0, limit=limit)["parts"]

    def parts_since(self, after: int | None) -> list[dict[str, Any]]:
        """Every recorded part after ``after``, page by page."""
        out: list[dict[str, Any]] = []
        while True:
            page = self.call("parts", after=after or 0, limit=500)
            out += page["parts"]
            if not page["more"]:
                return out
            after = out[-1]["part_id"]

    def part_image(self, part_id: int) -> bytes:
        header, payload = self.call("part_image", part_id=part_id)
        return payload

    def start(self, reason: str | None = None, *, parts: int | None = None) -> dict[str, Any]:
        """Start inspecting; ``parts``: on the simulated line, its conveyor brings that many."""
        return self.call("start", reason=reason) if parts is None else self.call("start", reason=reason, parts=parts)

    def stop(self, reason: str | None = None) -> dict[str, Any]:
        return self.call("stop", reason=reason)

    def acknowledge(self, kind: str) -> dict[str, Any]:
        return self.call("alarm_ack", kind=kind)

    def station(self) -> dict[str, Any]:
        return self.call("station")

    def recipes(self) -> dict[str, Any]:
        return self.call("recipes")

    def switch_recipe(self, name: str, *, reason: str | None = None, wait: bool = True,
                      timeout: float = 180.0) -> dict[str, Any]:
        """Switch the line to recipe ``name``; with ``wait``, returns the new station's info once it runs (a switch
        builds a station: this call waits up to ``timeout`` s, beyond the client's usual timeout)."""
        saved, self.timeout = self.timeout, max(self.timeout, timeout) if wait else self.timeout
        try:
            return self.call("switch_recipe", name=name, reason=reason, wait=wait)
        finally:
            self.timeout = saved

    def set_lot(self, lot: str | None, *, reason: str | None = None) -> dict[str, Any]:
        return self.call("set_lot", lot=lot, reason=reason)

    def health(self) -> dict[str, Any]:
        return self.call("health")

    def review_queue(self, **filters: Any) -> dict[str, Any]:
        return self.call("review_queue", **filters)

    def submit_verdict(self, part_id: int, verdict: str, **value: Any) -> dict[str, Any]:
        """A verdict as the logged-in QA user; a correction needs ``pin`` and ``reason`` (a signature)."""
        return self.call("review_submit", part_id=part_id, verdict=verdict, **value)

    def report(self, kind: str = "reviewers", **window: Any) -> dict[str, Any]:
        return self.call("report", kind=kind, **window)

    def audit(self, limit: int = 100) -> list[dict[str, Any]]:
        return self.call("audit", limit=limit)

    # -- events ----------------------------------------------------------------------------------------------
    def subscribe(self, *, events: bool = True, frames_fps: float = 0.0, part_images: bool = False,
                  frames_shm: bool = False) -> dict[str, Any]:
        """Events (parts, counters, alarms, station), live frames at ``frames_fps``, and with ``part_images`` each
        part's picture after its event (``{"event": "part_image", "part_id", "width", "height", "data": jpeg}``).
        ``frames_shm`` (local socket only): live frames as ``frame_shm`` events whose pixels a
        :class:`inspector.api.shared_frames.SharedFrameReader` reads from shared memory (no JPEG)."""
        return self.call("subscribe", events=events, frames_fps=frames_fps, part_images=part_images,
                         frames_shm=frames_shm)

    def next_event(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next event (None after ``timeout``), parts in order and each once. A ``resync`` (this client fell
        behind and the runtime dropped its events) is followed by the parts it missed, read from the records
        (``from_records: True``); so is a live part that comes after a gap."""
        while True:
            if self._backlog:
                event = self._backlog.popleft()
            else:
                try:
                    event = self.events.get(timeout=timeout)
                except queue.Empty:
                    return None
            if event is _CLOSED:
                self.events.put(_CLOSED)
                raise ApiError("connection", "connection closed")
            kind = event.get("event")
            if kind == "resync":
                self._behind = True
                self._backlog.extend(self._from_records(self.parts_since(self.last_part_id)))
                return event
            if kind != "part":
                return event
            part_id = event["part"]["part_id"]
            last = self.last_part_id
            if last is not None and part_id <= last:
                continue  # already given
            if self._behind and last is not None and part_id > last + 1 and not event.get("gap_checked"):
                self._backlog.extendleft(reversed([*self._records_between(last, part_id),
                                                   {**event, "gap_checked": True}]))
                continue
            self.last_part_id = part_id
            event.pop("gap_checked", None)
            return event

    def _records_between(self, after: int, before: int, wait_s: float = RECORD_WAIT_S) -> list[dict[str, Any]]:
        """The recorded parts after ``after`` and before ``before``, waiting a little for the station's record
        writer to commit them."""
        end = time.monotonic() + wait_s
        while True:
            parts = [p for p in self.parts_since(after) if p["part_id"] < before]
            if len(parts) >= before - after - 1 or time.monotonic() >= end:
                return self._from_records(parts)
            time.sleep(0.05)

    @staticmethod
    def _from_records(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"event": "part", "part": part, "from_records": True} for part in parts]

    # -- the reader thread -----------------------------------------------------------------------------------
    def _read(self) -> None:
        try:
            for message in self.connection:
                if isinstance(message, bytes):
                    header, payload = protocol.split_binary(message)
                    if "id" in header:
                        self._answer(header["id"], (header, payload))
                    else:
                        self.events.put({**header, "data": payload})
                    continue
                decoded = json.loads(message)
                if "id" in decoded and "event" not in decoded:
                    self._answer(decoded["id"], decoded)
                else:
                    self.events.put(decoded)
        except (ConnectionClosed, OSError):
            pass
        finally:
            self.events.put(_CLOSED)
            with self._lock:
                waiters = list(self._pending.values())
            for waiter in waiters:
                try:
                    waiter.put_nowait(_CLOSED)
                except queue.Full:
                    pass

    def _answer(self, request_id: Any, reply: Any) -> None:
        with self._lock:
            waiter = self._pending.get(request_id)
        if waiter is not None:
            waiter.put_nowait(reply)
