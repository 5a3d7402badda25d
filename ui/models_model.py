"""The MODELS screen's model: the station's model table as the runtime gives it over the API (op ``models``), the
selected package, the package folders waiting in the station's ``<data_dir>/incoming/``, and an evaluation the
runtime runs as a job of its own while this screen polls its progress.

Every change is an API operation (``model_promote`` …): the runtime checks the role, verifies, records and audits it;
a refusal comes back as ``failed(message)`` in the runtime's words. Progress and results arrive as signals, delivered
on the GUI thread. ``client`` is anything with ``call(op, **args)`` (:class:`inspector.api.client.Client`).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.api.protocol import ApiError
from inspector.models.lifecycle import Entry
from ui.models_text import table_order

POLL_S = 0.2  # how often a running evaluation's progress is asked for


def _named(entry: Entry) -> str:
    return f"{entry.name} {entry.version} ({entry.short_id})"


def entry_of(row: dict[str, Any]) -> Entry:
    """A row of op ``models`` as the table's :class:`Entry`."""
    return Entry(**{**row, "folder": Path(row["folder"])})


@dataclass(frozen=True)
class Incoming:
    """A package folder in the station's ``<data_dir>/incoming/`` (not yet checked: IMPORT checks it)."""

    folder: str  # its name in the incoming folder
    name: str
    version: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}  ({self.folder})"


class ModelsModel(QObject):
    changed = Signal()  # the table was read again
    selected_changed = Signal()
    said = Signal(str)  # a change made: what happened
    failed = Signal(str)  # a refusal: why, in the runtime's words
    progress = Signal(int, int)  # images scored, of
    evaluated = Signal(object)  # the evaluation's result (dict)
    evaluating_changed = Signal(bool)

    def __init__(self, client: Any, *, parent: QObject | None = None):
        super().__init__(parent)
        self.client = client
        self.entries: list[Entry] = []
        self.waiting: list[Incoming] = []
        self.incoming_dir = Path("incoming")
        self.selected_id: str | None = None
        self.thread: threading.Thread | None = None
        self.last_evaluation: dict[str, Any] | None = None
        self.closed = False
        self._running = False
        self.evaluated.connect(self.finish_evaluation)  # queued: runs on the GUI thread
        self.reload()

    def _call(self, op: str, **args: Any) -> Any:
        """The runtime's answer, or None with ``failed`` emitted (its message: why)."""
        try:
            return self.client.call(op, **args)
        except ApiError as err:
            self.failed.emit(err.message)
            return None

    # -- reading ---------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        table = self._call("models")
        if table is not None:
            self.entries = table_order([entry_of(row) for row in table["entries"]])
            self.waiting = [Incoming(**found) for found in table["incoming"]]
            self.incoming_dir = Path(table["incoming_dir"])
            running = table.get("evaluating")
            if running and not self._running:  # started by another screen: follow it
                self._follow(running["job"], running["package_id"])
        if self.selected_id not in {e.package_id for e in self.entries}:
            self.selected_id = self.entries[0].package_id if self.entries else None
        self.changed.emit()
        self.selected_changed.emit()

    @property
    def selected(self) -> Entry | None:
        return next((e for e in self.entries if e.package_id == self.selected_id), None)

    def select(self, package_id: str | None) -> None:
        if package_id != self.selected_id:
            self.selected_id = package_id
            self.selected_changed.emit()

    def agreement(self, entry: Entry) -> dict[str, dict[str, int]]:
        """The shadow's agreement per live outcome (with the live model and with QA)."""
        return self._call("model_agreement", package_id=entry.package_id) or {}

    def can_roll_back(self, entry: Entry | None) -> bool:
        return entry is not None and entry.state == "live" and bool(entry.previous_live)

    def incoming(self) -> list[Incoming]:
        """Package folders copied into the station's ``<data_dir>/incoming/`` (e.g. from a USB stick), not held."""
        self.reload()
        return list(self.waiting)

    # -- changes (API operations; the runtime checks, records and audits them) -------------------------------------
    def _do(self, op: str, done, **args: Any) -> Entry | None:
        row = self._call(op, **args)
        if row is None:
            return None
        entry = entry_of(row)
        self.selected_id = entry.package_id
        self.reload()
        self.said.emit(done(entry))
        return entry

    def import_folder(self, folder: str) -> Entry | None:
        return self._do("model_import", lambda e: f"Imported {_named(e)} as a candidate: EVALUATE it on this "
                                                  "station's QA-verified parts next",
                        folder=folder, reason="imported at the station")

    def upload(self, path: str | Path) -> Entry | None:
        """A package folder or .zip on this computer, sent to the station and imported there as a candidate."""
        from inspector.api.admin_client import upload_package
        from inspector.models.archive import ArchiveError

        try:
            row = upload_package(self.client, path, reason="uploaded from a client")
        except (ApiError, ArchiveError, OSError) as err:
            self.failed.emit(getattr(err, "message", None) or str(err))
            return None
        entry = entry_of(row)
        self.selected_id = entry.package_id
        self.reload()
        self.said.emit(f"Uploaded {_named(entry)} as a candidate: EVALUATE it next")
        return entry

    def shadow(self, entry: Entry) -> Entry | None:
        return self._do("model_shadow", lambda e: f"{_named(e)} runs in shadow beside the live model on line parts, "
                                                  "never acting",
                        package_id=entry.package_id, reason="shadow at the station")

    def promote(self, entry: Entry, *, pin: str | None = None, reason: str) -> Entry | None:
        return self._do("model_promote", lambda e: f"{_named(e)} is live: the line swaps it in between two parts",
                        package_id=entry.package_id, pin=pin, reason=reason)

    def rollback(self, entry: Entry, *, pin: str | None = None, reason: str) -> Entry | None:
        return self._do("model_rollback", lambda e: f"Rolled back: {_named(e)} is live again",
                        name=entry.name, pin=pin, reason=reason)

    # -- evaluation (a job of the runtime; this screen polls it on a thread) ---------------------------------------
    @property
    def evaluating(self) -> bool:
        return self._running

    def evaluate(self, entry: Entry) -> bool:
        """Ask the runtime to score QA-verified images with ``entry`` and the live model; False if refused."""
        if self.evaluating:
            self.failed.emit("An evaluation is running: wait for it to finish")
            return False
        job = self._call("model_evaluate", package_id=entry.package_id)
        if job is None:
            return False
        self._follow(job["job"], entry.package_id)
        return True

    def _follow(self, job: int, package_id: str) -> None:
        self._running = True
        self.thread = threading.Thread(target=self._poll, args=(job, package_id), name="models-evaluate",
                                       daemon=True)
        self.evaluating_changed.emit(True)
        self.thread.start()

    def _poll(self, job: int, package_id: str) -> None:
        state: dict[str, Any] | None = None
        try:
            while not self.closed:
                state = self.client.call("model_job", job=job)
                if state["total"]:
                    self.progress.emit(state["done"], state["total"])
                if state["state"] != "running":
                    break
                time.sleep(POLL_S)
        except ApiError as err:
            self.failed.emit(f"Evaluation: {err.message}")
            state = None
        finally:
            self._running = False
            self.evaluating_changed.emit(False)
        if state is not None and state["state"] == "failed":
            self.failed.emit(state["error"] or "the evaluation failed")
        elif state is not None and state["state"] == "done":
            self.evaluated.emit(state["result"])

    def finish_evaluation(self, result: dict[str, Any]) -> None:
        """On the GUI thread: the table read again with the evaluation recorded."""
        self.last_evaluation = result
        if self.closed:
            return
        self.reload()
        candidate = result.get("candidate") or {}
        self.said.emit(f"Evaluated on {result.get('images', 0)} QA-verified images "
                       f"({candidate.get('judged', 0)} judged)")

    def close(self) -> None:
        """Stop following an evaluation (the runtime finishes and records it all the same)."""
        self.closed = True
