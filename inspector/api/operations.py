"""What a client may ask of the runtime (API v1's operations), each checked here, in the runtime, never by a client.

Every operation runs on a worker thread of the server (blocking SQLite is fine). Viewing needs a login over the
network and none on the local socket; acting always goes through :mod:`inspector.actions` with the caller's session,
so roles, signatures and audit entries are exactly those of the station's own screens.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from inspector import actions
from inspector.api.host import StationHost
from inspector.api.ops_admin import AdminOps
from inspector.api.ops_calibration import CalibrationOps
from inspector.api.ops_counters import CounterOps
from inspector.api.ops_review import ReviewOps, review_audits
from inspector.api.ops_station import StationOps
from inspector.api.ops_review_undo import ReviewUndoOps
from inspector.api.ops_window import WindowOps
from inspector.api.protocol import ApiError, part_event
from inspector.audit import AuditError
from inspector.line.lots import LotError, check_lot_required
from inspector.permissions import (ALARM_ACKNOWLEDGE, LINE_START, LINE_STOP, REVIEW_LABEL,
                                   PermissionDenied, SessionExpired, require)
from inspector.review import QueueFilter, Review, ReviewError
from inspector.review_reports import agreement, reviewer_report
from inspector.users import LoginError, Session

MAX_PARTS = 500
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
_VALUE_KEYS = ("label", "count", "points", "defect_box", "comment", "seconds_spent")
_FILTER_KEYS = ("outcomes", "since", "until", "recipe", "model_key", "min_confidence", "max_confidence", "state", "lot")


class Caller:
    """One connection: local (the unix socket) or not, and the token its requests carry."""

    def __init__(self, *, local: bool) -> None:
        self.local = local
        self.token: str | None = None


class Binary:
    """A reply carried in a binary frame."""

    def __init__(self, header: dict[str, Any], payload: bytes) -> None:
        self.header, self.payload = header, payload


class Operations(StationOps, ReviewOps, CalibrationOps, CounterOps, AdminOps, ReviewUndoOps, WindowOps):
    def __init__(self, host: Any, store: Any, logins: Any, *, counters: Callable[[], dict[str, Any]],
                 health: Callable[[], dict[str, Any]] | None = None) -> None:
        self.host = host if isinstance(host, StationHost) else StationHost(host)
        self.store, self.logins, self.counters_of = store, logins, counters
        self.health_of = health or (lambda: {})
        self.review = actions.guard_review(Review(store))  # a verdict without a session's audit entry is refused
        self.audits = review_audits(self.review, self.host.station)  # verdicts sampled for a blind second look, as at the line

    @property
    def station(self) -> Any:
        """The CURRENT station: a recipe switch replaces it, so read it anew in every call."""
        station = self.host.station
        if station is None:
            raise ApiError("refused", self.host.busy or "no station")
        return station

    @property
    def layout(self) -> tuple[int, int] | None:
        station = self.host.station
        return getattr(station.recipe, "layout", None) if station is not None else None

    # -- who asks --------------------------------------------------------------------------------------------
    def session(self, caller: Caller) -> Session | None:
        session = self.logins.session(caller.token)
        if caller.token and session is None:
            raise ApiError("unauthorized", "the login has ended (logged out, idle or expired): log in again")
        return session

    def viewer(self, caller: Caller) -> Session | None:
        """Anyone logged in; on the local socket anyone at all."""
        session = self.session(caller)
        if session is None and not caller.local:
            raise ApiError("unauthorized", "log in first (op login with user and pin)")
        if session is not None:
            session.touch()
        return session

    def actor(self, caller: Caller, action: str) -> Any:
        session = self.session(caller)
        if session is None:
            if caller.local and actions.users_configured(self.store) == 0:
                return actions.NO_USERS
            raise ApiError("unauthorized", f"{action} needs a login (op login with user and pin)")
        require(session, action)
        return session

    def handle(self, op: str, args: dict[str, Any], caller: Caller) -> Any:
        method = getattr(self, f"op_{op}", None) if isinstance(op, str) and op.isidentifier() else None
        if method is None:
            raise ApiError("bad_request", f"op = {op!r}: unknown; see inspector.api for the operations of API v1")
        try:
            return method(args, caller)
        except ApiError:
            raise
        except SessionExpired as e:
            raise ApiError("unauthorized", str(e)) from None
        except PermissionDenied as e:
            raise ApiError("forbidden", str(e)) from None
        except LoginError as e:
            raise ApiError("unauthorized", str(e)) from None
        except (ReviewError, AuditError, ValueError, TypeError, KeyError) as e:
            raise ApiError("bad_request", f"{op}: {e}") from None

    # -- login -----------------------------------------------------------------------------------------------
    def op_hello(self, args: dict, caller: Caller) -> dict:
        return {"api": 1}

    def op_login(self, args: dict, caller: Caller) -> dict:
        user, pin = args.get("user"), args.get("pin")
        if not isinstance(user, str) or not isinstance(pin, str):
            raise ApiError("bad_request", "login needs user and pin (text)")
        token, session = self.logins.login(user, pin)
        caller.token = token
        return {"token": token, "expires_in_s": round(self.logins.seconds_left(token), 1), "user": session.user.name,
                "role": session.user.role.value, "idle_timeout_s": self.logins.users.idle_timeout_s}

    def op_logout(self, args: dict, caller: Caller) -> dict:
        ended = self.logins.logout(caller.token)
        caller.token = None
        return {"logged_out": ended}

    # -- viewing ---------------------------------------------------------------------------------------------
    def op_counters(self, args: dict, caller: Caller) -> dict:
        self.viewer(caller)
        return self.counters_of()

    def op_alarms(self, args: dict, caller: Caller) -> list:
        self.viewer(caller)
        return [asdict(a) for a in self.station.line.alarms.active]

    def op_recipe(self, args: dict, caller: Caller) -> dict:
        self.viewer(caller)
        recipe = self.station.recipe
        return {**recipe.model_dump(mode="json"), "sha256": recipe.sha256}

    def op_parts(self, args: dict, caller: Caller) -> dict:
        """Part events from the records: part_id > after, oldest first (what a reconnecting client missed)."""
        self.viewer(caller)
        after, limit = int(args.get("after") or 0), int(args.get("limit") or 100)
        if not 1 <= limit <= MAX_PARTS:
            raise ApiError("bad_request", f"limit = {limit}: must be 1..{MAX_PARTS}")
        rows = self.store.query("SELECT * FROM parts WHERE part_id > ? ORDER BY part_id LIMIT ?", [after, limit])
        from inspector.store.rows import row_to_record

        parts = [part_event(row_to_record(r), self.layout) for r in rows]
        return {"parts": parts, "more": len(parts) == limit}

    def op_part_image(self, args: dict, caller: Caller) -> Binary:
        self.viewer(caller)
        part_id = int(args["part_id"])
        record = self.store.record(part_id)
        path: Path | None = self.store.image_file(record) if record is not None else None
        if path is None or not Path(path).is_file():
            raise ApiError("not_found", f"part {part_id}: no image kept" if record else f"part {part_id}: no record")
        kind = IMAGE_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")
        return Binary({"part_id": part_id, "type": kind}, Path(path).read_bytes())

    # -- acting ----------------------------------------------------------------------------------------------
    def op_start(self, args: dict, caller: Caller) -> dict:
        """{reason?, parts?}: start inspecting; on the simulated line its conveyor too (``parts``: that many, for
        tests and demonstrations; refused on a real line)."""
        who = self.actor(caller, LINE_START)
        if self.host.switching:
            raise ApiError("refused", f"start: {self.host.busy or 'a recipe switch is running'}")
        station = self.station
        parts = args.get("parts")
        if parts is not None and (station.simulator is None or not isinstance(parts, int) or parts <= 0):
            raise ApiError("bad_request", f"parts = {parts!r}: only on the simulated line, a count > 0")
        try:  # before the audit entry: a start the line refuses is no start
            check_lot_required(station.config, station.line.lot, source="start")
        except LotError as e:
            raise ApiError("refused", f"{e} (op set_lot first)") from None
        if who is actions.NO_USERS:
            station.line.start()
        else:
            actions.start_line(who, station.line, self.store, reason=args.get("reason") or "started from a client")
        if station.watchdog is not None:
            station.watchdog.start()
        if station.simulator is not None and station.simulator.join(0):  # its conveyor is not running
            station.simulator.start(parts)
        self.host.changed()
        return {"running": station.line.running}

    def op_stop(self, args: dict, caller: Caller) -> dict:
        """Stop inspecting (parts still arriving are rejected fail-safe); on the simulated line its conveyor stops."""
        who = self.actor(caller, LINE_STOP)
        station = self.station
        if station.simulator is not None:
            station.simulator.stop(0.5)
        if who is actions.NO_USERS:
            station.line.stop()
        else:
            actions.stop_line(who, station.line, self.store, reason=args.get("reason") or "stopped from a client")
        self.host.changed()
        return {"running": station.line.running}

    def op_alarm_ack(self, args: dict, caller: Caller) -> dict:
        who = self.actor(caller, ALARM_ACKNOWLEDGE)
        if who is actions.NO_USERS:
            raise ApiError("unauthorized", "acknowledging an alarm names a person: log in")
        alarm = actions.acknowledge_alarm(who, self.station.line.alarms, str(args["kind"]), self.store)
        return {"acknowledged": alarm is not None}

    # -- review, reports, audit ------------------------------------------------------------------------------
    def reviewer(self, caller: Caller) -> Session:
        session = self.session(caller)
        if session is None:
            raise ApiError("unauthorized", "review needs a QA login")
        require(session, REVIEW_LABEL)
        return session

    def op_review_queue(self, args: dict, caller: Caller) -> dict:
        self.qa(caller)
        filters = QueueFilter(**{k: args[k] for k in _FILTER_KEYS if args.get(k) is not None})
        after = tuple(args["after"]) if args.get("after") else None
        page = self.review.queue(filters, sort=args.get("sort") or "confidence", after=after,
                                 limit=int(args.get("limit") or 50))
        return {"items": [{"part": part_event(i.record, self.layout), "label": asdict(i.label) if i.label else None}
                          for i in page.items],
                "next_after": list(page.next_after) if page.next_after else None, "open": self.review.count(filters)}

    def op_review_submit(self, args: dict, caller: Caller) -> dict:
        session = self.qa(caller)
        value = {k: args[k] for k in _VALUE_KEYS if args.get(k) is not None}
        label = actions.submit_label(session, self.review, int(args["part_id"]), str(args.get("verdict")),
                                     pin=args.get("pin"), reason=args.get("reason"), reviewer=args.get("reviewer"),
                                     **value)
        return asdict(label)

    def op_report(self, args: dict, caller: Caller) -> dict:
        self.report_reader(caller)
        window = {k: args.get(k) for k in ("since", "until", "model_key", "lot")}
        kind = args.get("kind") or "reviewers"
        if kind == "reviewers":
            days, totals = reviewer_report(self.store, **window)
            return {"days": days, "totals": totals}
        if kind == "agreement":
            return {key: {"reviewed": a.reviewed, "agreed": a.agreed, "agreement": a.agreement,
                          "confusion": {m: dict(row) for m, row in a.confusion.items()},
                          "count_errors": {str(e): n for e, n in a.count_errors.items()}}
                    for key, a in agreement(self.store, **window).items()}
        raise ApiError("bad_request", f"kind = {kind!r}: one of reviewers, agreement")

    def op_audit(self, args: dict, caller: Caller) -> Any:
        session = self.session(caller)
        if session is None:
            raise ApiError("unauthorized", "the audit trail needs a login")
        if args.get("verify"):
            verdict = actions.verify_audit(session, self.store)
            return {"ok": verdict.ok, "entries": verdict.entries,
                    "broken": str(verdict.broken) if verdict.broken else None}
        limit = int(args.get("limit") or 100)
        return [asdict(e) for e in actions.read_audit(session, self.store, limit=limit)]

