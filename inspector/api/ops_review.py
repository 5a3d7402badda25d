"""The review desk's operations (API v1): what REVIEW and REPORTS ask of the runtime besides ``review_queue`` and
``review_submit`` (in :mod:`inspector.api.operations`).

Roles are checked here, in the runtime: reading the queue, the audits and a part's history and giving a verdict need
``review.label`` (QA); the reports need ``review.label`` or ``audit.read``. Verdicts go through
:func:`inspector.actions.submit_label`, so label rows, audit samples and audit-trail entries are those of the line
screen. Reports and exports are written by the runtime under ``<data_dir>/reports/`` (the station keeps what was
handed out) and fetched by the client with ``download`` in chunks that fit a frame.
"""
from __future__ import annotations

import re
import secrets
import threading
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from inspector import actions, review_reports
from inspector.api.protocol import ApiError, part_event
from inspector.permissions import AUDIT_READ, REVIEW_LABEL, PermissionDenied, require
from inspector.qa.audits import ReviewAudits
from inspector.review import QueueFilter, ReviewError

FILTER_KEYS = ("outcomes", "since", "until", "recipe", "model_key", "min_confidence", "max_confidence", "state", "lot")
VALUE_KEYS = ("label", "count", "points", "defect_box", "comment", "seconds_spent")
CHUNK_BYTES = 512 * 1024  # a download's chunk: well inside a client's 1 MiB frame limit
OFFERS_KEPT = 200  # files offered for download at a time (the oldest offer goes first; the file stays)
MAX_DISPUTED_IDS = 1000
_DOWNLOADS_LOCK = threading.Lock()


def review_audits(review: Any, station: Any) -> ReviewAudits:
    """The runtime's sampler of second-reviewer audits on ``review``, at the station file's ``[review]
    audit_fraction`` (the line screen samples its verdicts the same way)."""
    review_settings = getattr(getattr(station, "config", None), "review", None)
    return ReviewAudits(review, float(getattr(review_settings, "audit_fraction", 0.1)))


def queue_filter(args: dict[str, Any]) -> QueueFilter:
    return QueueFilter(**{k: args[k] for k in FILTER_KEYS if args.get(k) is not None})


class ReviewOps:
    """Mixin of :class:`inspector.api.operations.Operations` (uses its ``store``, ``review``, ``audits``,
    ``layout``, ``session`` and ``reviewer``)."""

    # -- who asks --------------------------------------------------------------------------------------------
    def qa(self, caller: Any) -> Any:
        """The QA session of the caller; ``actions.NO_USERS`` for the local socket of a station without users
        (whose screen names its reviewer, as the line screen did). Anyone else: ``reviewer``'s refusals."""
        if caller.local and not caller.token and actions.users_configured(self.store) == 0:
            return actions.NO_USERS
        return self.reviewer(caller)

    def qa_name(self, caller: Any, args: dict) -> str:
        """Who reviews: the login's user; without users, the reviewer the local screen names."""
        who = self.qa(caller)
        if who is actions.NO_USERS:
            name = str(args.get("reviewer") or "").strip()
            if not name:
                raise ReviewError("no users are set up: name the reviewer (reviewer)")
            return name
        return who.user.name

    def report_reader(self, caller: Any) -> Any:
        """A session that may read the reports (QA or audit readers); ``NO_USERS`` as in ``qa``."""
        session = self.session(caller)
        if session is None and caller.local and actions.users_configured(self.store) == 0:
            return actions.NO_USERS
        if session is None:
            raise ApiError("unauthorized", "reports need a login")
        try:
            require(session, REVIEW_LABEL)
        except PermissionDenied:
            require(session, AUDIT_READ)
        session.touch()
        return session

    # -- the queue beside the page ---------------------------------------------------------------------------
    def op_review_count(self, args: dict, caller: Any) -> dict:
        self.qa(caller)
        return {"count": self.review.count(queue_filter(args))}

    def op_review_choices(self, args: dict, caller: Any) -> dict:
        """What the filter and reviewer pickers offer: recipes and model versions in the queue, reviewers, lots."""
        self.qa(caller)
        recipes = [r["recipe"] for r in self.store.query(
            "SELECT DISTINCT recipe FROM parts WHERE recipe IS NOT NULL ORDER BY recipe")]
        reviewers = [r["name"] for r in self.store.query(
            "SELECT name FROM users WHERE role = 'qa' AND active = 1 ORDER BY name")]
        reviewers += [r["reviewer"] for r in self.store.query("SELECT DISTINCT reviewer FROM labels ORDER BY reviewer")]
        return {"recipes": recipes, "model_keys": self.review.model_keys(),
                "reviewers": list(dict.fromkeys(reviewers)), "lots": self._lots()}

    def op_review_history(self, args: dict, caller: Any) -> list:
        """Every verdict on one part, oldest first."""
        self.qa(caller)
        return [asdict(label) for label in self.review.history(int(args["part_id"]))]

    def op_part_image_chunk(self, args: dict, caller: Any) -> Any:
        """``part_image`` in chunks (``offset``, ``limit`` <= 512 KiB): a picture larger than a client's frame limit
        (a PNG, a 5 MP camera) arrives whole without closing the connection."""
        from inspector.api.operations import IMAGE_TYPES, Binary

        self.viewer(caller)
        part_id = int(args["part_id"])
        record = self.store.record(part_id)
        path = self.store.image_file(record) if record is not None else None
        if path is None or not Path(path).is_file():
            raise ApiError("not_found", f"part {part_id}: no image kept" if record else f"part {part_id}: no record")
        header = {"part_id": part_id, "type": IMAGE_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")}
        return Binary({**header, **_chunk_header(Path(path), args)}, _read_chunk(Path(path), args))

    # -- second-reviewer audits ------------------------------------------------------------------------------
    def op_review_audits(self, args: dict, caller: Any) -> dict:
        """The audits the logged-in reviewer may take (others' verdicts), blind: the part as the model left it."""
        me = self.qa_name(caller, args)
        pending = self.audits.pending(me, limit=_limit(args, 50))
        return {"items": [{"audit": asdict(audit), "part": part_event(item.record, self.layout)}
                          for audit, item in pending],
                "pending": self.audits.pending_count(me)}

    def op_review_audit_count(self, args: dict, caller: Any) -> dict:
        return {"pending": self.audits.pending_count(self.qa_name(caller, args))}

    def op_review_disputed(self, args: dict, caller: Any) -> list:
        self.qa(caller)
        ids = [int(i) for i in args.get("part_ids") or ()]
        if len(ids) > MAX_DISPUTED_IDS:
            raise ApiError("bad_request", f"part_ids: {len(ids)} given, at most {MAX_DISPUTED_IDS}")
        return sorted(self.audits.disputed(ids))

    def op_review_audit_submit(self, args: dict, caller: Any) -> dict:
        """The logged-in reviewer's blind second verdict on audit ``audit_id``, written as ``review_submit``
        writes a verdict (a correction signed with ``pin`` and ``reason``)."""
        session, name = self.qa(caller), self.qa_name(caller, args)
        audit_id = int(args["audit_id"])
        value = {k: args[k] for k in VALUE_KEYS if args.get(k) is not None}

        def write(part_id: int, verdict: str, **kw: Any):
            return actions.submit_label(session, self.review, part_id, verdict, pin=args.get("pin"),
                                        reason=args.get("reason"), reviewer=name, **kw)

        label, audit = self.audits.submit(audit_id, name, str(args.get("verdict")), via=write, **value)
        return {"label": asdict(label), "audit": asdict(audit)}

    # -- reports ---------------------------------------------------------------------------------------------
    def op_review_export(self, args: dict, caller: Any) -> dict:
        """The reviewer reports as CSV files, written by the runtime; each file is fetched with ``download``."""
        session = self.report_reader(caller)
        window = {k: args.get(k) for k in ("since", "until", "model_key", "lot")}
        folder = self._reports_dir() / f"review-{_stamp()}-{_safe(_name(session))}"
        written = review_reports.write_csv(self.store, folder, **window)
        return {"folder": folder.name, "files": [self._offer(path, session) for path in written]}

    def op_lots(self, args: dict, caller: Any) -> list:
        self.report_reader(caller)
        return self._lots()

    def op_batch_report(self, args: dict, caller: Any) -> dict:
        """A lot's batch report (``format`` pdf or csv), written by the runtime; fetched with ``download``."""
        from inspector.reports import BatchReportError, batch_report, write_batch_csv, write_batch_pdf

        session = self.report_reader(caller)
        lot, kind = str(args.get("lot") or ""), str(args.get("format") or "pdf")
        if kind not in ("pdf", "csv"):
            raise ApiError("bad_request", f"format = {kind!r}: one of pdf, csv")
        try:
            report = batch_report(self.store, lot)
        except BatchReportError as e:
            raise ApiError("not_found", str(e)) from None
        path = self._reports_dir() / f"batch-{_safe(lot)}-{_stamp()}.{kind}"
        (write_batch_pdf if kind == "pdf" else write_batch_csv)(report, path)
        return {**self._offer(path, session), "lot": report.lot, "parts": report.parts,
                "chain_ok": report.chain.ok, "chain": report.chain.text}

    def op_download(self, args: dict, caller: Any) -> Any:
        """``limit`` bytes (at most 512 KiB) from ``offset`` of a file this login was offered."""
        from inspector.api.operations import Binary

        session = self.report_reader(caller)
        offered = self._downloads().get(str(args.get("download")))
        if offered is None or offered[1] != _name(session):
            raise ApiError("not_found", "download: no such file was offered to this login")
        path = offered[0]
        return Binary({"name": path.name, **_chunk_header(path, args)}, _read_chunk(path, args))

    # -- helpers ---------------------------------------------------------------------------------------------
    def _lots(self) -> list[str]:
        from inspector.store.lots import known_lots

        return [row["lot"] for row in known_lots(self.store)]

    def _reports_dir(self) -> Path:
        return Path(self.store.path).parent / "reports"

    def _downloads(self) -> dict[str, tuple[Path, str]]:
        with _DOWNLOADS_LOCK:
            return self.__dict__.setdefault("_offered", {})

    def _offer(self, path: Path, session: Any) -> dict:
        key = secrets.token_urlsafe(12)
        with _DOWNLOADS_LOCK:
            offered = self.__dict__.setdefault("_offered", {})
            offered[key] = (Path(path), _name(session))
            for old in list(offered)[:-OFFERS_KEPT]:
                del offered[old]
        return {"download": key, "name": Path(path).name, "size": Path(path).stat().st_size}


def _chunk_header(path: Path, args: dict) -> dict:
    """{size, offset} of the chunk ``args`` ask for (``offset``, ``limit`` <= ``CHUNK_BYTES``); bad_request outside."""
    offset, limit = int(args.get("offset") or 0), int(args.get("limit") or CHUNK_BYTES)
    size = path.stat().st_size
    if not 0 <= offset <= size or limit < 1:
        raise ApiError("bad_request", f"offset = {offset}, limit = {limit}: outside the file's {size} bytes")
    return {"size": size, "offset": offset}


def _read_chunk(path: Path, args: dict) -> bytes:
    with open(path, "rb") as f:
        f.seek(int(args.get("offset") or 0))
        return f.read(min(int(args.get("limit") or CHUNK_BYTES), CHUNK_BYTES))


def _name(who: Any) -> str:
    """The user's name of a session; ``NO_USERS``'s own name."""
    return getattr(getattr(who, "user", None), "name", None) or who.name


def _limit(args: dict, default: int) -> int:
    limit = int(args.get("limit") or default)
    if not 1 <= limit <= 500:
        raise ReviewError(f"limit = {limit}: must be 1..500")
    return limit


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:64] or "_"
