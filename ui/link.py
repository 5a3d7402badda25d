"""The window's link to the runtime (``inspector serve``): API v1 events in, the operator's requests out.

One reader thread owns the connection: it connects (the local unix socket, or TLS with a pinned certificate),
subscribes to part events, the parts' pictures and live frames, and turns what comes into pending updates; the GUI
thread takes everything pending at once through one queued signal (a GUI that falls behind gets one batch, never a
growing queue). Live frames are never queued: only the newest is kept. The runtime never waits for the window: its
event queues are bounded and drop to a ``resync`` that the client fills from the records.

On every (re)connect the link restores what a window shows from the runtime, not from its own memory: the station
(recipe, run, models), the counters (``shift`` when the runtime keeps one, else the run's outcomes), the active
alarms and the last results (``parts {after}`` from the records, with their kept pictures). While the runtime cannot
be reached the model is told so (``NOT CONNECTED``) and the link retries with a growing back-off.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any, Callable

import cv2
import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot

from inspector.alarms import Alarm
from inspector.api.client import Client
from inspector.api.deciding_flag import DecidingView
from inspector.api.protocol import ApiError
from inspector.api.shared_frames import SharedFrameReader
from inspector.record import PartRecord
from inspector.types import Frame
from ui.i18n import tr, tr_noop
from ui.model import InspectedPart, StationInfo, StationModel

log = logging.getLogger(__name__)

FRAMES_FPS = 30.0  # live frames asked of the runtime (it caps them: api.local_frames_fps, api.frames_fps over TLS)
IMAGE_WAIT_S = 0.3  # a part waits this long for its picture (sent right after it) before it is shown without
HEALTH_EVERY_S = 1.0
BACKOFF_S = (0.1, 2.0)  # first and longest wait between connection attempts
RECORD_WAIT_S = 3.0  # the runtime commits a record within storage.max_commit_lag_s
# The state texts the model keeps (in English: compared, logged, dumped); shown through ``shown()``
NOT_CONNECTED = tr_noop("NOT CONNECTED")
LOG_IN = tr_noop("LOG IN to see the line")  # over the network: connected, nothing shown before a login
NO_CONNECTION = tr_noop("no connection to the runtime: reconnecting… ({why})")
SWITCHING = tr_noop("switching to {recipe}…")  # the runtime's busy text while a recipe switch runs
NO_STATION = tr_noop("NO STATION: {why}")  # the runtime's busy text when no station could be built
WHY_WORDS = (tr_noop("connecting"), tr_noop("closed"))  # the link's own reasons for not being connected
_RECORD_FIELDS = {f.name for f in dataclasses.fields(PartRecord)}
_OUTCOME_COUNTERS = {"pass": "passed", "reject": "rejected", "uncertain": "check", "fail_safe": "fail_safe"}


def record_of(part: dict[str, Any]) -> PartRecord:
    """The ``PartRecord`` a part event carries (``inspector.api.protocol.part_event`` without the overlay)."""
    return PartRecord(**{k: v for k, v in part.items() if k in _RECORD_FIELDS})


def decode_jpeg(data: bytes, *, t: float = 0.0, seq: int = 0) -> Frame | None:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    return None if image is None else Frame(image, t=t, seq=seq)


def counters_of(reply: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The runtime's (shift, lot) counters as ``StationModel.set_counters`` takes them: its ``shift`` when it keeps
    one, else the run's outcomes."""
    shift = reply.get("shift")
    if not isinstance(shift, dict):
        shift = {"started": None, "inspected": 0, "passed": 0, "rejected": 0, "check": 0, "fail_safe": 0}
        for outcome, n in (reply.get("outcomes") or {}).items():
            key = _OUTCOME_COUNTERS.get(outcome, "fail_safe")
            shift[key] += int(n)
            shift["inspected"] += int(n)
    lot = reply.get("lot")
    return shift, lot if isinstance(lot, dict) else None


def shown(text: str) -> str:
    """A state text of the link or the runtime (busy, why not ready) in the window's language: the fixed words
    translated, the free-form part (a connection error, the runtime's refusal, a recipe name) as it came."""
    for pattern in (NO_CONNECTION, SWITCHING, NO_STATION):
        head, _, rest = pattern.partition("{")
        field, _, tail = rest.partition("}")
        if text.startswith(head) and text.endswith(tail) and len(text) >= len(head) + len(tail):
            value = text[len(head):len(text) - len(tail)]
            return tr(pattern).format(**{field: tr(value) if field == "why" else value})
    return tr(text)


def info_of(station: dict[str, Any]) -> StationInfo:
    return StationInfo(recipe=station.get("recipe") or "", product=station.get("product") or "",
                       expected=station.get("expected"), run_id=station.get("run_id") or "",
                       models=dict(station.get("models") or {}), deadline_ms=station.get("deadline_ms"))


class StationLink(QObject):
    """``link.client`` is the connected ``Client`` (None while not connected), carrying the window's login token;
    ``link.call(op, **args)`` asks the runtime (``ApiError`` ``connection`` while not connected)."""

    connected_changed = Signal(bool)
    station_changed = Signal(dict)  # the runtime's station description (``station`` op)
    logged_out = Signal(str)  # the runtime ended the window's login (idle, expired, changed by an admin)
    _wake = Signal()

    def __init__(self, model: StationModel, connect: Callable[[], Client], *, frames_fps: float = FRAMES_FPS,
                 part_images: bool = True, shared_frames: bool = False, line_first: bool = True,
                 name: str = "station link", parent: QObject | None = None):
        super().__init__(parent)
        self.model, self._connect, self.frames_fps, self.part_images = model, connect, frames_fps, part_images
        self.shared_frames = shared_frames  # live frames as raw pixels in shared memory (the local socket only)
        self._frame_reader: SharedFrameReader | None = None
        self.line_first = line_first  # the window's work waits for the line's decisions (the local socket)
        self._deciding: DecidingView | None = None
        self.name = name
        self.client: Client | None = None
        self.token: str | None = None  # kept across reconnects: a reconnect within its life needs no PIN
        self.connected = False
        self.station: dict[str, Any] = {}
        self.users: list[dict[str, Any]] = []
        self.health: dict[str, Any] = {}
        self.needs_login = False  # the runtime shows nothing without a login (a client over TLS)
        self.connects = 0  # successful connections (1 + reconnects)
        self.batches = 0  # deliveries to the GUI thread
        self.frames_received = 0
        self.why_not_connected = "connecting"
        self._lock = threading.Lock()
        self._pending: dict[str, Any] = {}
        self._parts: list[InspectedPart] = []
        self._held: dict[int, tuple[float, PartRecord]] = {}  # parts waiting for their picture
        self._posted = False
        self._frame: Frame | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake.connect(self._deliver_after_decision, Qt.ConnectionType.QueuedConnection)
        model.set_frames(self.latest_frame)
        model.set_busy(NOT_CONNECTED)

    # -- connecting ------------------------------------------------------------------------------------------
    @classmethod
    def local(cls, model: StationModel, socket_path, **kwargs: Any) -> StationLink:
        """The line's own screen: live frames through shared memory unless ``shared_frames=False``."""
        kwargs.setdefault("shared_frames", True)
        return cls(model, lambda: Client.local(str(socket_path)), name=str(socket_path), **kwargs)

    @classmethod
    def tls(cls, model: StationModel, host: str, port: int, fingerprint: str, **kwargs: Any) -> StationLink:
        return cls(model, lambda: Client.tls(host, port, fingerprint=fingerprint), name=f"{host}:{port}", **kwargs)

    def start(self) -> StationLink:
        self._thread = threading.Thread(target=self._run, name="station-link", daemon=True)
        self._thread.start()
        return self

    def wait_connected(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while not self.connected and time.monotonic() < end:
            time.sleep(0.02)
        return self.connected

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the reader and close the connection (the runtime goes on); True when the reader ended in time."""
        self._stop.set()
        client = self.client
        if client is not None:
            try:
                client.close()
            except Exception:
                pass
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    # -- asking ----------------------------------------------------------------------------------------------
    def call(self, op: str, **args: Any) -> Any:
        client = self.client
        if client is None:
            raise ApiError("connection", f"{op}: not connected to the station ({self.why_not_connected})")
        return client.call(op, **args)

    def login(self, user: str, pin: str) -> dict[str, Any]:
        reply = self.call("login", user=user, pin=pin)
        self.token = reply["token"]
        if self.client is not None:
            self.client.token = self.token
        return reply

    def logout(self) -> None:
        token, self.token = self.token, None
        client = self.client
        if client is not None and token:
            try:
                client.call("logout")
            except ApiError:
                pass
            client.token = None

    def latest_frame(self) -> Frame | None:
        return self._frame

    # -- the reader thread -----------------------------------------------------------------------------------
    def _run(self) -> None:
        backoff = BACKOFF_S[0]
        while not self._stop.is_set():
            try:
                client = self._connect()
            except Exception as e:
                self._disconnected(f"{self.name}: {e}")
                self._stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_S[1])
                continue
            backoff = BACKOFF_S[0]
            client.token = self.token
            self.client = client
            try:
                self._session(client)
            except ApiError as e:
                if not self._stop.is_set():
                    self._disconnected(f"{self.name}: {e.message or e.code}")
            except Exception as e:  # a bug: say so, and try again rather than leave the screen frozen
                log.exception("station link failed")
                self._disconnected(f"{self.name}: {type(e).__name__}: {e}")
            finally:
                self.client = None
                try:
                    client.close()
                except Exception:
                    pass
                if self._frame_reader is not None:
                    self._frame_reader.close()
                    self._frame_reader = None
                self._follow_deciding(None)
            self._stop.wait(backoff)
        self._disconnected("closed")

    def _disconnected(self, why: str) -> None:
        self.why_not_connected = why
        if self.connected or "connected" not in self._pending:
            self.connected = False
            self._post(connected=False)

    def _session(self, client: Client) -> None:
        """One connection's life: restore the screen's state from the runtime, then follow its events."""
        if self.token:
            try:
                client.call("counters")  # the token still valid? (a restarted runtime forgot it)
            except ApiError as e:
                if e.code != "unauthorized":
                    raise
                self._forget_login(client, "the station ended the login")
        reply = self._subscribe(client)
        if reply is None:
            return
        images = bool(reply.get("part_images")) and self.part_images
        self._follow_deciding(reply.get("deciding_shm"))
        self._refresh_station(client)
        try:
            self.users = client.call("login_users")
        except ApiError:
            self.users = []
        counters = reply.get("counters") or client.call("counters")
        restored = self._last_parts(client, counters.get("last_part_id"))
        client.last_part_id = restored[-1].record.part_id if restored else counters.get("last_part_id")
        self.connects += 1
        self.connected = True
        self._post(connected=True, restore=(restored, counters_of(counters), bool(counters.get("running"))),
                   alarms=self._alarms(client))
        next_health = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_health:
                next_health = now + HEALTH_EVERY_S
                self._poll_health(client)
            event = client.next_event(timeout=0.1)
            self._release_held(images, time.monotonic())
            if event is not None:
                self._on_event(client, event, images)

    def _subscribe(self, client: Client) -> dict[str, Any] | None:
        """Subscribe; over the network nothing is shown before a login: then the link waits, connected (the login
        screen logs in over ``link.client``), and subscribes once there is a token. None when closed meanwhile."""
        while not self._stop.is_set():
            try:
                return client.call("subscribe", events=True, frames_fps=self.frames_fps, part_images=self.part_images,
                                   frames_shm=self.shared_frames)
            except ApiError as e:
                if e.code != "unauthorized":
                    raise
            self.needs_login = True
            self.connected = True
            self._post(connected=True, busy=LOG_IN)
            while not self._stop.is_set() and not client.token:
                if not client._reader.is_alive():  # the connection ended
                    raise ApiError("connection", "closed while waiting for a login")
                time.sleep(0.1)
        return None

    def _forget_login(self, client: Client, why: str) -> None:
        """The runtime ended the window's login: forget the token here and on the connection."""
        self.token = client.token = None
        try:
            client.call("logout")  # clears the connection's token in the runtime (nothing to end there any more)
        except ApiError as e:
            if e.code == "connection":
                raise
        self.logged_out.emit(why)

    def _refresh_station(self, client: Client) -> None:
        try:
            station = client.call("station")
        except ApiError as e:
            if e.code != "bad_request":
                raise
            station = _station_from_recipe(client)  # a runtime without the station op
        self.station = station
        self.station_changed.emit(station)
        self._post(info=info_of(station), busy=station.get("busy") or "")

    def _poll_health(self, client: Client) -> None:
        try:
            self.health = client.call("health")
        except ApiError as e:
            if e.code == "connection":
                raise
            counters = client.call("counters")
            self.health = {"saved": counters.get("recorded", 0), "running": counters.get("running")}

    def _last_parts(self, client: Client, last: int | None) -> list[InspectedPart]:
        """The last results the strip shows, from the records (waiting a little for the newest to be committed)."""
        if not last:
            return []
        after = max(0, last - self.model.history.maxlen)
        end = time.monotonic() + RECORD_WAIT_S
        while True:
            parts = client.parts_since(after)
            if (parts and parts[-1]["part_id"] >= last) or time.monotonic() >= end or self._stop.is_set():
                break
            time.sleep(0.05)
        restored = []
        for part in parts[-self.model.history.maxlen:]:
            frame = None
            if part.get("image"):
                try:
                    frame = decode_jpeg(client.part_image(part["part_id"]), seq=part["part_id"])
                except ApiError as e:
                    if e.code == "connection":
                        raise
            restored.append(self._inspected(record_of(part), frame, part.get("overlay")))
        return restored

    def _inspected(self, record: PartRecord, frame: Frame | None, overlay: dict | None = None) -> InspectedPart:
        layout = (overlay or {}).get("layout") or self.station.get("layout")
        roi = self.station.get("roi")
        return InspectedPart(record, frame, (), tuple(layout) if layout else None, tuple(roi) if roi else None)

    def _on_event(self, client: Client, event: dict[str, Any], images: bool) -> None:
        kind = event.get("event")
        if kind == "frame":
            frame = decode_jpeg(event.get("data", b""), t=float(event.get("t") or 0.0), seq=int(event.get("seq") or 0))
            if frame is not None:
                self._frame = frame  # drop, never queue: only the newest frame is drawn
                self.frames_received += 1
        elif kind == "frame_shm":
            self._shared_frame(client, event)
        elif kind == "part":
            record = record_of(event["part"])
            if images and not event.get("from_records"):
                self._held[record.part_id] = (time.monotonic(), record)
            else:
                self._post(parts=[self._inspected(record, None, event["part"].get("overlay"))])
        elif kind == "part_image":
            held = self._held.pop(int(event.get("part_id", -1)), None)
            if held is not None:
                frame = decode_jpeg(event.get("data", b""), seq=held[1].part_id)
                self._release_before(held[1].part_id)
                self._post(parts=[self._inspected(held[1], frame)])
        elif kind == "counters":
            self._post(counters=counters_of(event), running=bool(event.get("running")))
        elif kind == "alarms":
            self._post(alarms=_alarms_of(event.get("active", [])))
        elif kind == "station":  # a recipe switch began or ended: the event carries op station's fields
            station = {k: v for k, v in event.items() if k != "event"}
            self.station = station
            self.station_changed.emit(station)
            self._post(info=info_of(station), busy=station.get("busy") or "")
            if "running" in station:
                self._post(running=bool(station["running"]))
            self._post(alarms=self._alarms(client))  # a new station's alarms (model_refused: a refused recipe)
        elif kind == "logged_out":  # the stream stopped: over TLS the next login starts it again
            self._forget_login(client, str(event.get("why") or "logged out"))
            if self._subscribe(client) is None:
                raise ApiError("connection", "closed while waiting for a login")

    def _follow_deciding(self, name: str | None) -> None:
        """The window's work waits for the line's decisions (``ui.line_first``) where the runtime offers its
        "deciding now" word (the local socket); a word this process may not open is logged and done without."""
        old, self._deciding = self._deciding, None
        if name and self.line_first:
            try:
                self._deciding = DecidingView(name)
            except (OSError, ValueError) as e:
                log.warning("the line's deciding word %s not readable (%s): the window draws without waiting", name, e)
        self.model.line_first.attach(self._deciding)
        if old is not None:
            old.close()

    def _shared_frame(self, client: Client, event: dict[str, Any]) -> None:
        """A live frame from the runtime's shared memory; a segment this process may not open (another user
        without the service's group) turns shared frames off for good and asks for JPEG frames instead."""
        if self._frame_reader is None:
            self._frame_reader = SharedFrameReader()
        self.model.line_first.wait()  # a frame's copy is memory traffic too: after the part being decided
        try:
            pixels = self._frame_reader.read(event)
        except (OSError, ValueError) as e:
            log.warning("live frames: shared memory %s not readable (%s); asking for JPEG frames", event.get("name"), e)
            self.shared_frames = False
            self._subscribe(client)
            return
        if pixels is not None:  # None: the slot was rewritten while read, the next frame comes in ~33 ms
            self._frame = Frame(pixels, t=float(event.get("t") or 0.0), seq=int(event.get("frame_seq") or 0))
            self.frames_received += 1

    @staticmethod
    def _alarms(client: Client) -> list[Alarm]:
        return _alarms_of(client.call("alarms"))

    def _release_before(self, part_id: int) -> None:
        """Parts older than ``part_id`` still held got no picture (none was sent): shown without, in order."""
        for older in sorted(k for k in self._held if k < part_id):
            self._post(parts=[self._inspected(self._held.pop(older)[1], None)])

    def _release_held(self, images: bool, now: float) -> None:
        for part_id in sorted(self._held):
            if now - self._held[part_id][0] < IMAGE_WAIT_S:
                break
            self._post(parts=[self._inspected(self._held.pop(part_id)[1], None)])

    def _post(self, *, parts: list[InspectedPart] = (), **updates: Any) -> None:
        with self._lock:
            self._parts.extend(parts)
            self._pending.update(updates)
            if self._posted:
                return
            self._posted = True
        self._wake.emit()

    # -- the GUI thread --------------------------------------------------------------------------------------
    @Slot()
    def _deliver_after_decision(self) -> None:
        self.model.line_first.call((self, "deliver"), self._deliver)

    def _deliver(self) -> None:
        with self._lock:
            parts, pending = self._parts, self._pending
            self._parts, self._pending, self._posted = [], {}, False
        self.batches += 1
        model = self.model
        if "info" in pending:
            model.set_station(pending["info"])
        if "restore" in pending:
            restored, counters, running = pending["restore"]
            model.set_counters(*counters)  # first: the parts that follow are counted by the runtime
            model.restore(restored)
            model.set_running(running)
        if "connected" in pending:
            model.set_busy("" if pending["connected"] else NOT_CONNECTED)
            model.set_ready(pending["connected"], "" if pending["connected"] else
                            NO_CONNECTION.format(why=self.why_not_connected))
            self.connected_changed.emit(pending["connected"])
        if "busy" in pending and (model.busy != NOT_CONNECTED or pending.get("connected")):
            model.set_busy(pending["busy"])
        if "counters" in pending:
            model.set_counters(*pending["counters"])
        if parts:
            model.add_parts(parts)
        if "running" in pending:
            model.set_running(pending["running"])
        if "alarms" in pending:
            model.set_alarms(pending["alarms"])


def _alarms_of(active: list[dict[str, Any]]) -> list[Alarm]:
    return [Alarm(**{k: v for k, v in a.items() if k in Alarm.__dataclass_fields__}) for a in active]


def _station_from_recipe(client: Client) -> dict[str, Any]:
    """What a runtime without the ``station`` op tells of the station: its recipe and run."""
    recipe, counters = client.call("recipe"), client.call("counters")
    return {"recipe": recipe.get("name", ""), "product": recipe.get("product", ""),
            "expected": recipe.get("expected_count"), "run_id": counters.get("run_id", ""), "models": {},
            "layout": recipe.get("layout"), "recipes": [recipe.get("name", "")], "lot": None,
            "lots_required": False}
