"""``ApiServer``: API v1 for a running :class:`inspector.assemble.Station`, on its own thread and event loop.

The line is only ever touched through a record listener and an alarm listener that append to a bounded inbox
(:class:`inspector.api.events.EventHub`); requests run on worker threads with the server's own database connection.
A client that is slow, hung or gone costs the line nothing: its queue is bounded and its sends are its own tasks.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import threading
from http import HTTPStatus
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, serve, unix_serve
from websockets.exceptions import ConnectionClosed

from inspector.api import PATH, protocol, tls
from inspector.api.deciding_flag import DecidingFlag
from inspector.api.encoding import Encoder
from inspector.api.events import DEFER_MAX_S, EventHub
from inspector.api.host import StationHost
from inspector.api.pictures import PartPictures, RecentTimings
from inspector.api.logins import Logins
from inspector.api.operations import Binary, Caller, Operations
from inspector.api.protocol import ApiError
from inspector.config import ApiSettings
from inspector.deciding import JUST_DECIDED_S, LINE_QUIET_S
from inspector.store import Store
from inspector.users import UserDirectory

log = logging.getLogger(__name__)

# Ops a screen polls (the status line's health, every second): answered right after a decision. Their work (latency
# percentiles over thousands of samples) took the GIL from the part being decided when a poll fell into a decision.
POLLED_OPS = frozenset({"health"})

MAX_REQUEST_BYTES = 256 * 1024


class ApiServer:
    """``station``: a :class:`inspector.assemble.Station`, or a :class:`StationHost` whose station a recipe switch
    replaces (the server follows it: listeners moved, clients told with a ``station`` event)."""

    def __init__(self, station: Any, settings: ApiSettings | None = None) -> None:
        self.host = station if isinstance(station, StationHost) else StationHost(station)
        first = self.host.station
        self.settings = settings or first.config.api
        self.config = first.config
        data_dir = Path(first.config.data_dir)
        self.socket_path = Path(self.settings.socket_path or data_dir / "api.sock")
        self.cert_dir = data_dir / "api"
        self.store = Store.open(data_dir / "inspector.db", images_dir=data_dir / "images")
        self.logins = Logins(UserDirectory(self.store), ttl_s=self.settings.token_ttl_s)
        self.hub = EventHub(counters=self.counters, layout=self._layout(first), client_queue=self.settings.client_queue,
                            after_decision=self._after_decision)
        self.operations = Operations(self.host, self.store, self.logins, counters=self.counters,
                                     health=self.health)
        self._counting: Any = None  # the shift counters, once they follow the line (``_start_counting``)
        self._early: list[Any] = []  # records that came before
        self._counting_lock = threading.Lock()
        self.recent = RecentTimings()
        self.pictures = PartPictures(self, self.hub, after_decision=self._after_decision)
        self.encoder = Encoder(lambda: self.host.station, self.settings)
        self.last_part_id: int | None = None
        self.port: int | None = None
        self.fingerprint: str | None = None
        self.frames_sent = 0
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._attached: Any = None
        self.deciding_flag: DecidingFlag | None = None  # made when the first local screen subscribes

    @property
    def station(self) -> Any:
        """The current station (replaced on a recipe switch; None only when none could be built)."""
        return self.host.station

    @staticmethod
    def _layout(station: Any) -> tuple[int, int] | None:
        return getattr(station.recipe, "layout", None) if station is not None else None

    def _after_decision(self, fn: Any, **moment: float) -> float | None:
        """None when now is the moment, else ``fn`` runs right after the next decision: see ``Deciding.after``."""
        station = self.station
        return station.line.deciding.after(fn, **moment) if station is not None else None

    # -- life cycle ------------------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> "ApiServer":
        self._attach(self.station)
        self._start_counting()
        self.host.watchers.append(self._on_station)
        self._thread = threading.Thread(target=self._run, name="api", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"the API server did not start within {timeout} s")
        if self._failure is not None:
            self._detach()
            self.store.close()
            raise self._failure
        return self

    def stop(self, timeout: float = 5.0) -> bool:
        self._detach()
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:
                pass
        if self._thread is not None:
            self._thread.join(timeout)
        alive = self._thread is not None and self._thread.is_alive()
        self.encoder.close()
        if self.deciding_flag is not None:
            self.deciding_flag.close()
        self.store.close()
        return not alive

    def _attach(self, station: Any) -> None:
        if station is None:
            return
        self._attached = station
        self._attach_flag(station)
        station.line.listeners.append(self._on_record)
        station.line.alarms.listeners.append(self.hub.on_alarms)

    def _attach_flag(self, station: Any) -> None:
        if self.deciding_flag is not None:
            deciding = station.line.deciding
            deciding.mirror = self.deciding_flag
            self.deciding_flag.set(1 if deciding.busy else 0)

    def _detach(self) -> None:
        if self._on_station in self.host.watchers:
            self.host.watchers.remove(self._on_station)
        self._let_go(self._attached)

    def _let_go(self, station: Any) -> None:
        if station is None:
            return
        line = station.line
        if line.deciding.mirror is self.deciding_flag:
            line.deciding.mirror = None
        for listeners, fn in ((line.listeners, self._on_record), (line.alarms.listeners, self.hub.on_alarms)):
            if fn in listeners:
                listeners.remove(fn)
        if self._attached is station:
            self._attached = None

    def _on_station(self, old: Any, new: Any) -> None:
        """The host's station changed (or is about to: ``old is new`` while it switches): listeners move to the new
        one, clients get a ``station`` event."""
        if old is not new:
            self._let_go(old)
            self._attach(new)
            self.hub.layout = self._layout(new)
            self.recent.clear()
        self.hub.publish({"event": "station", **self.operations.station_info()})

    def _start_counting(self) -> None:
        """The shift counters count what was committed, then follow the record listener. A line may already be
        running (an API server restarted beside it): the listener is attached first and every record submitted
        before is committed (the writer flushed) before the counters read the records, so a part is either in the
        records read or comes through the listener with an id above them; none is missed, none counted twice."""
        station = self.station
        if station is not None:
            station.writer.flush()
        counters = self.operations.shift_counters
        counters.on_reset.append(self.hub.on_counters)
        with self._counting_lock:
            for record in self._early:
                counters.add(record)  # counted only above what the records held
            self._early, self._counting = [], counters

    def _on_record(self, record: Any, frame: Any = None, results: Any = None) -> None:
        self.last_part_id = record.part_id if self.last_part_id is None else max(self.last_part_id, record.part_id)
        counters = self._counting
        if counters is None:
            with self._counting_lock:
                counters = self._counting
                if counters is None:
                    self._early.append(record)
        if counters is not None:
            counters.add(record)
        self.recent.add(record)
        self.hub.on_record(record)
        self.pictures.offer(record, frame)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as e:  # start-up failures are raised by start(); later ones logged
            if not self._ready.is_set():
                self._failure = e
                self._ready.set()
            else:
                log.exception("the API server stopped")

    async def _main(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        self.hub.attach(self._loop)
        options = {"process_request": _only_v1, "compression": None, "max_size": MAX_REQUEST_BYTES,
                   "server_header": None}
        servers = []
        try:
            if self.settings.unix_socket:
                _remove_stale_socket(self.socket_path)
                servers.append(await unix_serve(lambda ws: self._connection(ws, local=True), str(self.socket_path),
                                                **options))
                os.chmod(self.socket_path, 0o660)
            if self.settings.tls:
                cert, key = tls.station_certificate(self.cert_dir, self.config.station_id)
                self.fingerprint = tls.certificate_fingerprint(cert)
                server = await serve(lambda ws: self._connection(ws, local=False), self.settings.host,
                                     self.settings.port, ssl=tls.server_context(cert, key), **options)
                self.port = server.sockets[0].getsockname()[1]
                servers.append(server)
        except BaseException:
            for server in servers:
                server.close()
            raise
        self._ready.set()
        await self._stopping.wait()
        for server in servers:
            server.close()
        for server in servers:
            await server.wait_closed()
        if self.settings.unix_socket:
            _remove_stale_socket(self.socket_path)

    # -- counters --------------------------------------------------------------------------------------------
    def counters(self) -> dict[str, Any]:
        """The run's counts, cheap enough for the event loop (no latency percentiles: see ``health``)."""
        station = self.station
        if station is None:
            return {"run_id": None, "recipe": None, "running": False, "halted": False, "triggered": 0, "recorded": 0,
                    "outcomes": {}, "fail_safe_causes": {}, "last_part_id": self.last_part_id, "alarms": [],
                    **self.operations.shift_counters.snapshot()}
        line = station.line
        counts = station.stats.counts()
        return {"run_id": line.run_id, "recipe": station.recipe.name, "running": line.running,
                "halted": line.halted, "triggered": line.triggered, "recorded": counts["recorded"],
                "outcomes": counts["outcomes"], "fail_safe_causes": counts["fail_safe_causes"],
                "last_part_id": self.last_part_id, "alarms": [a.kind for a in line.alarms.active],
                **self.operations.shift_counters.snapshot()}

    def health(self) -> dict[str, Any]:
        """What the status line shows: frames the camera lost, records saved, recent timings; and the API's own drops."""
        station = self.station
        out: dict[str, Any] = {"frames_sent": self.frames_sent, "part_images": self.pictures.stats(),
                               "recent_ms": self.recent.summary()}
        if station is None:
            return out
        line, writer = station.line, station.writer.stats()
        report = station.stats.report(parts=line.triggered, dropped_frames=line.frames.dropped_frames)
        out.update({"camera_dropped": line.frames.dropped_frames, "saved": writer.written,
                    "writer": {"queued": writer.queued, "pending": writer.pending, "dropped": writer.dropped,
                               "images_written": writer.images_written, "images_lost": writer.images_lost,
                               "errors": writer.errors, "last_error": writer.last_error, "alive": writer.alive},
                    "latency_ms": report["latency_ms"], "throughput_pps": report["throughput_pps"],
                    "late": report["late"], "in_transit": line.in_transit(), "deciding": line.deciding.busy})
        return out

    # -- one client ------------------------------------------------------------------------------------------
    async def _connection(self, ws: ServerConnection, *, local: bool) -> None:
        caller = Caller(local=local)
        stream = _Stream()
        try:
            async for message in ws:
                request = _parse(message)
                if isinstance(request, str):
                    await ws.send(protocol.error(None, "bad_request", request))
                    continue
                request_id, op = request.pop("id", None), request.pop("op", None)
                token = request.pop("token", None)
                if token is not None:
                    caller.token = token
                try:
                    if op == "subscribe":
                        await asyncio.to_thread(self.operations.viewer, caller)
                        result: Any = self._subscribe(ws, request, caller, stream)
                    else:
                        if op in POLLED_OPS:
                            await self._decided(within_s=JUST_DECIDED_S, quiet_s=LINE_QUIET_S)
                        result = await asyncio.to_thread(self.operations.handle, op, request, caller)
                except ApiError as e:
                    await ws.send(protocol.error(request_id, e.code, e.message))
                    continue
                except Exception as e:
                    log.exception("API op %r failed", op)
                    await ws.send(protocol.error(request_id, "refused", f"{op}: {type(e).__name__}: {e}"))
                    continue
                if isinstance(result, Binary):
                    await ws.send(protocol.binary({"id": request_id, **result.header}, result.payload))
                else:
                    await ws.send(protocol.reply(request_id, result))
        except ConnectionClosed:
            pass
        finally:
            stream.end(self.hub)  # the token outlives the connection: a reconnect within its life needs no PIN

    def _subscribe(self, ws: ServerConnection, request: dict[str, Any], caller: Caller, stream: _Stream) -> dict:
        """(Re)start this connection's event and frame streams as asked."""
        shm = bool(request.get("frames_shm"))
        if shm and not caller.local:
            raise ApiError("bad_request", "frames_shm: shared-memory frames are for the local socket only")
        stream.end(self.hub)
        if request.get("events", True):
            stream.subscriber = self.hub.subscribe(part_images=bool(request.get("part_images")))
            stream.tasks.append(asyncio.create_task(self._events(ws, stream.subscriber, caller)))
        cap = self.settings.local_frames_fps if caller.local else self.settings.frames_fps
        fps = min(float(request.get("frames_fps") or 0), cap)
        if fps > 0:
            stream.tasks.append(asyncio.create_task(self._frames(ws, fps, caller, shm=shm)))
        flag = self._local_deciding_flag() if caller.local else None
        return {"events": stream.subscriber is not None, "frames_fps": fps, "frames_shm": shm and fps > 0,
                "deciding_shm": flag.name if flag is not None else None,
                "part_images": bool(stream.subscriber is not None and stream.subscriber.part_images),
                "counters": self.counters()}

    async def _decided(self, **moment: float) -> None:
        """Return right after the decision under way (``DEFER_MAX_S`` at most; at once when none is), or with
        ``within_s`` and ``quiet_s`` at the moment right after a decision (``Deciding.after``)."""
        loop = asyncio.get_running_loop()
        ended = loop.create_future()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(lambda: ended.done() or ended.set_result(None))
            except RuntimeError:  # the loop closed meanwhile: the server is stopping
                pass

        if self._after_decision(wake, **moment) is not None:
            try:
                await asyncio.wait_for(ended, DEFER_MAX_S)
            except asyncio.TimeoutError:
                pass

    def _local_deciding_flag(self) -> DecidingFlag | None:
        """The line's "deciding now" word in shared memory for a screen on this machine (made once)."""
        if self.deciding_flag is None:
            try:
                self.deciding_flag = DecidingFlag()
            except OSError as e:  # no POSIX shared memory here: the screen draws without waiting for the line
                log.warning("deciding flag: no shared memory (%s)", e)
                return None
            if self._attached is not None:
                self._attach_flag(self._attached)
        return self.deciding_flag

    def _allowed(self, caller: Caller) -> str | None:
        """Why this stream must stop (the login ended); None while it may go on."""
        if caller.token is None:
            return None if caller.local else "not logged in"
        return None if self.logins.session(caller.token) is not None else "the login has ended"

    async def _events(self, ws: ServerConnection, subscriber: Any, caller: Caller) -> None:
        try:
            while True:
                message, part_id = await subscriber.next()
                why = self._allowed(caller)
                if why:
                    await ws.send(protocol.text({"event": "logged_out", "why": why}))
                    return
                await ws.send(message)
                subscriber.delivered(part_id)
        except ConnectionClosed:
            pass
        finally:
            self.hub.unsubscribe(subscriber)

    async def _frames(self, ws: ServerConnection, fps: float, caller: Caller, *, shm: bool = False) -> None:
        """The camera's latest frame as JPEG, at most ``fps`` a second; never queued (a frame not sent is gone).
        Paced by deadline: the encoding and the send fit in the period, a tick missed is skipped, not made up."""
        last_t = None
        period = 1.0 / fps
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        try:
            while True:
                next_at += period
                delay = next_at - loop.time()
                if delay < 0:  # behind (a slow send or encode): start again from now
                    next_at, delay = loop.time(), 0.0
                await asyncio.sleep(delay)
                if self._allowed(caller):
                    return
                station = self.station
                frame = station.line.frames.latest() if station is not None else None
                if frame is None or frame.t == last_t:
                    continue
                last_t = frame.t
                await self._decided()  # the picture's making and sending wait for the part under way
                if shm:
                    event = await asyncio.wrap_future(self.encoder.submit(self.encoder.shared, frame, period / 2))
                    await ws.send(protocol.text(event))
                else:
                    jpeg, width, height = await asyncio.wrap_future(self.encoder.submit(self.encoder.jpeg, frame,
                                                                                        period / 2))
                    await ws.send(protocol.binary({"event": "frame", "t": frame.t, "seq": frame.seq,
                                                   "type": "image/jpeg", "width": width, "height": height}, jpeg))
                self.frames_sent += 1
        except ConnectionClosed:
            pass

class _Stream:
    """One connection's subscription: its queue in the hub and the tasks sending events and frames."""

    def __init__(self) -> None:
        self.subscriber: Any = None
        self.tasks: list[asyncio.Task] = []

    def end(self, hub: EventHub) -> None:
        for task in self.tasks:
            task.cancel()
        if self.subscriber is not None:
            hub.unsubscribe(self.subscriber)
        self.subscriber, self.tasks = None, []


def _only_v1(connection: ServerConnection, request: Any) -> Any:
    if request.path != PATH:
        return connection.respond(HTTPStatus.NOT_FOUND, f"this station speaks API v1 at {PATH}\n")
    return None


def _parse(message: str | bytes) -> dict[str, Any] | str:
    """The request, or why it is refused."""
    if isinstance(message, bytes):
        return "requests are JSON text frames"
    try:
        request = json.loads(message)
    except ValueError as e:
        return f"not JSON: {e}"
    if not isinstance(request, dict):
        return "a request is a JSON object with id and op"
    return request


def _remove_stale_socket(path: Path) -> None:
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
    except FileNotFoundError:
        pass
