"""REVIEW and REPORTS over the runtime's API: adapters that give ``ReviewModel``, ``ReviewScreen``, ``QueueList``,
``ItemView`` and ``ReportsView`` the methods they use of ``Review``, ``ReviewAudits`` and the store, answered by the
runtime through a ``client`` (:class:`inspector.api.client.Client`, or anything with ``call(op, **args)``).

The window never opens the station's database: the queue, counts, images, audits, reports and exports come from the
runtime, and a verdict is given by the runtime as the client's logged-in user (``submit_as``), so its label row and
audit entry are those of the line screen. Refusals come back as the core's own errors (``ReviewError``,
``PermissionDenied``), which the screen already shows.

    review = RemoteReview(client)
    screen = ReviewScreen(review, session=session, audits=RemoteAudits(review), export_dir=Path.home() / "reports")
"""
from __future__ import annotations

import collections
import dataclasses
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from inspector.api.protocol import ApiError
from inspector.permissions import PermissionDenied
from inspector.qa.audits import Audit
from inspector.record import PartRecord
from inspector.review import PAGE_SIZE, Label, QueueFilter, QueueItem, QueuePage, ReviewError, utc_text
from inspector.review_reports import Agreement
from inspector.users import Role

_RECORD_FIELDS = {f.name for f in dataclasses.fields(PartRecord)}
IMAGES_KEPT = 16  # pictures of parts kept on the desk PC at a time (in a private temporary folder)


def call(client: Any, op: str, **args: Any) -> Any:
    """``client.call`` with the runtime's refusals raised as the core's errors (``core_error``)."""
    try:
        return client.call(op, **args)
    except ApiError as e:
        raise core_error(e, op) from None


def core_error(error: ApiError, op: str) -> Exception:
    """No login or a role that may not: ``PermissionDenied``; anything else: ``ReviewError`` (the message says why)."""
    if error.code in ("unauthorized", "forbidden"):
        return PermissionDenied(error.message, action=op)
    return ReviewError(error.message if error.code != "connection" else f"the station does not answer: {error.message}")


def record_of(part: dict[str, Any]) -> PartRecord:
    """A part as the API gives it (``protocol.part_event``) back as the record it was made from."""
    return PartRecord(**{k: v for k, v in part.items() if k in _RECORD_FIELDS})


def label_of(row: dict[str, Any] | None) -> Label | None:
    return None if row is None else Label(**row)


def filter_args(filters: QueueFilter | None) -> dict[str, Any]:
    """A queue filter as request arguments (times as ISO 8601 UTC text)."""
    f = filters or QueueFilter()
    args = {k: v for k, v in dataclasses.asdict(f).items() if v is not None}
    for key in ("since", "until"):
        if key in args:
            args[key] = utc_text(args[key], name=key)
    if "outcomes" in args:
        args["outcomes"] = list(args["outcomes"])
    return args


def window_args(**window: Any) -> dict[str, Any]:
    return {k: utc_text(v, name=k) if isinstance(v, datetime) else v for k, v in window.items() if v is not None}


@dataclass(frozen=True)
class Person:
    name: str
    role: Role


@dataclass(frozen=True)
class ApiSession:
    """A login over the API as a screen sees it: who (``user.name``, ``user.role``) and the token. The session
    itself lives in the runtime, which checks every request against it."""

    user: Person
    token: str

    @property
    def role(self) -> Role:
        return self.user.role

    @classmethod
    def login(cls, client: Any, name: str, pin: str) -> ApiSession:
        """Log ``client`` in (its requests carry the token from now on)."""
        reply = client.login(name, pin)
        return cls(Person(reply["user"], Role(reply["role"])), reply["token"])


class RemoteImages:
    """The part of the store the screen reads: ``image_file(record)``, here a copy fetched from the runtime into a
    private temporary folder (removed when the adapter goes), the last ``IMAGES_KEPT`` of them."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.path = None  # no database file on this machine
        self.folder = Path(tempfile.mkdtemp(prefix="inspector-review-"))  # mode 0700
        self._kept: collections.OrderedDict[int, Path] = collections.OrderedDict()
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, True)

    def image_bytes(self, part_id: int) -> bytes | None:
        """The kept image of part ``part_id`` as the runtime stored it; None when none was kept."""
        chunks, size = [], None
        try:
            while size is None or sum(map(len, chunks)) < size:
                header, chunk = self.client.call("part_image_chunk", part_id=int(part_id),
                                                 offset=sum(map(len, chunks)))
                size = header["size"]
                if not chunk and size:
                    raise ReviewError(f"part {part_id}'s image stopped at {sum(map(len, chunks))} of {size} bytes")
                chunks.append(chunk)
        except ApiError as e:
            if e.code == "not_found":
                return None
            raise core_error(e, "part_image_chunk") from None
        return b"".join(chunks)

    def image_file(self, record: PartRecord) -> Path | None:
        if not record.image_path:
            return None
        if record.part_id in self._kept:
            self._kept.move_to_end(record.part_id)
            return self._kept[record.part_id]
        try:
            payload = self.image_bytes(record.part_id)
        except (PermissionDenied, ReviewError):
            return None  # the screen says "No image was kept"; the next look asks again
        if payload is None:
            return None
        path = self.folder / f"{record.part_id}{Path(record.image_path).suffix or '.jpg'}"
        path.write_bytes(payload)
        self._kept[record.part_id] = path
        while len(self._kept) > IMAGES_KEPT:
            _, old = self._kept.popitem(last=False)
            old.unlink(missing_ok=True)
        return path

    def close(self) -> None:
        self._cleanup()


class RemoteReview:
    """What the review screen uses of :class:`inspector.review.Review`, asked of the runtime."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.on_submit: list = []  # the runtime's own Review samples and audits; nothing listens here
        self.store = RemoteImages(client)
        self.reports = RemoteReports(client)

    def close(self) -> None:
        self.store.close()

    # -- the queue -------------------------------------------------------------------------------------------
    def queue(self, filters: QueueFilter | None = None, *, sort: str = "risk", after: tuple | None = None,
              limit: int = PAGE_SIZE) -> QueuePage:
        args = {**filter_args(filters), "sort": sort, "limit": int(limit)}
        if after is not None:
            args["after"] = list(after)
        page = call(self.client, "review_queue", **args)
        items = [QueueItem(record_of(i["part"]), label_of(i["label"])) for i in page["items"]]
        return QueuePage(items, tuple(page["next_after"]) if page["next_after"] else None)

    def count(self, filters: QueueFilter | None = None) -> int:
        return call(self.client, "review_count", **filter_args(filters))["count"]

    def choices(self) -> dict[str, list[str]]:
        """Recipes and model versions in the queue, reviewers and lots (one request for every picker)."""
        return call(self.client, "review_choices")

    def model_keys(self) -> list[str]:
        return self.choices()["model_keys"]

    def recipes(self) -> list[str]:
        return self.choices()["recipes"]

    def reviewers(self) -> list[str]:
        return self.choices()["reviewers"]

    def history(self, part_id: int) -> list[Label]:
        return [Label(**row) for row in call(self.client, "review_history", part_id=int(part_id))]

    def latest_label(self, part_id: int) -> Label | None:
        history = self.history(part_id)
        return history[-1] if history else None

    # -- verdicts --------------------------------------------------------------------------------------------
    def submit_as(self, session: Any, part_id: int, verdict: str, *, pin: str | None = None,
                  reason: str | None = None, audit_id: int | None = None, blind: bool = False,
                  reviewer: str | None = None, **value: Any) -> Label:
        """A verdict as the client's logged-in user (``session`` is the window's view of that login): the runtime
        checks the role, asks the signature of a correction, writes the label and its audit entry. ``reviewer``
        counts only on the local socket of a station without users."""
        args = {k: v for k, v in value.items() if v is not None}
        signature = {k: v for k, v in (("pin", pin), ("reason", reason), ("reviewer", reviewer)) if v is not None}
        if audit_id is not None:
            reply = call(self.client, "review_audit_submit", audit_id=int(audit_id), verdict=verdict, **signature,
                         **args)
            return Label(**reply["label"])
        return Label(**call(self.client, "review_submit", part_id=int(part_id), verdict=verdict, **signature, **args))

    def submit(self, part_id: int, reviewer: str, verdict: str, **value: Any) -> Label:
        """A verdict by the client's login; without one, on the local socket of a station without users, by
        ``reviewer`` (the name the screen was given); else ``PermissionDenied``."""
        return self.submit_as(None, part_id, verdict, reviewer=reviewer, **value)


class RemoteAudits:
    """What the review screen uses of :class:`inspector.qa.audits.ReviewAudits`: the audits the logged-in reviewer
    may take (the runtime knows who that is), and their blind second verdicts."""

    def __init__(self, review: RemoteReview) -> None:
        self.review, self.client = review, review.client
        self._parts: dict[int, int] = {}  # audit id -> part id, of the audits listed

    def pending(self, reviewer: str | None = None, *, limit: int = 50) -> list[tuple[Audit, QueueItem]]:
        """The audits the client's login may take (``reviewer``: the name, on a station without users)."""
        reply = call(self.client, "review_audits", limit=int(limit), **_named(reviewer))
        out = [(Audit(**i["audit"]), QueueItem(record_of(i["part"]), None)) for i in reply["items"]]
        self._parts.update((audit.id, audit.part_id) for audit, _ in out)
        return out

    def pending_count(self, reviewer: str | None = None) -> int:
        try:
            return call(self.client, "review_audit_count", **_named(reviewer))["pending"]
        except (PermissionDenied, ReviewError):
            return 0  # shown as a number on a button: nothing to take without a QA login

    def disputed(self, part_ids: list[int]) -> set[int]:
        return set(call(self.client, "review_disputed", part_ids=[int(i) for i in part_ids])) if part_ids else set()

    def submit(self, audit_id: int, reviewer: str, verdict: str, *, via: Callable[..., Label] | None = None,
               **value: Any) -> tuple[Label, Audit | None]:
        """The second, blind verdict: through ``via`` (the model's writer, carrying the signature) with the audit's
        id, so the runtime decides the audit in the verdict's transaction."""
        part_id = self._parts.get(int(audit_id), 0)
        if via is None:
            label = self.review.submit_as(None, part_id, verdict, audit_id=audit_id, reviewer=reviewer, **value)
        else:
            label = via(part_id, verdict, audit_id=audit_id, **value)
        return label, None


def _named(reviewer: str | None) -> dict[str, str]:
    return {"reviewer": reviewer} if reviewer else {}


@dataclass(frozen=True)
class BatchSummary:
    lot: str
    parts: int
    chain_ok: bool
    chain: str  # one line: intact, or what is broken and where


class RemoteReports:
    """The reports REPORTS shows, computed by the runtime; exports and batch reports written there and downloaded
    into a folder of this machine."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def default_dir(self) -> Path:
        return Path.home() / "inspector-reports"

    def reviewer_report(self, **window: Any) -> tuple[list[dict], dict[str, dict]]:
        reply = call(self.client, "report", kind="reviewers", **window_args(**window))
        return reply["days"], reply["totals"]

    def agreement(self, **window: Any) -> dict[str, Agreement]:
        reply = call(self.client, "report", kind="agreement", **window_args(**window))
        out = {}
        for key, a in reply.items():
            agreement = Agreement(key, reviewed=a["reviewed"], agreed=a["agreed"])
            for model_class, row in a["confusion"].items():
                agreement.confusion[model_class].update(row)
            agreement.count_errors.update({int(e): n for e, n in a["count_errors"].items()})
            out[key] = agreement
        return out

    def write_csv(self, folder: Path | str, **window: Any) -> list[Path]:
        """The runtime writes the CSV files; they are downloaded into ``folder`` (each appears whole)."""
        reply = call(self.client, "review_export", **window_args(**window))
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(20, f"{folder} is a file, not a folder", str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        return [self.download(offered, folder / offered["name"]) for offered in reply["files"]]

    def lots(self) -> list[str]:
        return call(self.client, "lots")

    def batch_report(self, lot: str, path: Path | str, *, format: str = "pdf") -> BatchSummary:
        reply = call(self.client, "batch_report", lot=lot, format=format)
        self.download(reply, Path(path))
        return BatchSummary(reply["lot"], reply["parts"], reply["chain_ok"], reply["chain"])

    def download(self, offered: dict[str, Any], path: Path) -> Path:
        """The file the runtime offered, fetched chunk by chunk into ``path`` (written whole or not at all)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        try:
            with open(partial, "wb") as f:
                offset = 0
                while offset < offered["size"]:
                    header, chunk = call(self.client, "download", download=offered["download"], offset=offset)
                    if not chunk:
                        raise ReviewError(f"{offered['name']}: the download stopped at {offset} of "
                                          f"{offered['size']} bytes")
                    f.write(chunk)
                    offset += len(chunk)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return path
