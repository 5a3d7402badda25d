"""The MODELS screen's model: the station's model table read through ``inspector.models.lifecycle.ModelRegistry``, the
selected package, the package folders waiting in ``<data_dir>/incoming/``, and an evaluation running in a thread.

Every change goes through the registry (verified, permission-checked, audited there); a refusal comes back as
``failed(message)``. The evaluation's progress and result come back as signals, delivered on the GUI thread.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector.audit import AuditError
from inspector.manifest import MANIFEST_FILE, PackageError
from inspector.models.lifecycle import Entry, LifecycleError, ModelRegistry
from inspector.permissions import PermissionDenied
from inspector.users import LoginError
from ui.models_text import table_order

REFUSALS = (LifecycleError, PackageError, PermissionDenied, LoginError, AuditError)
INCOMING = "incoming"


def _named(entry: Entry) -> str:
    return f"{entry.name} {entry.version} ({entry.short_id})"


@dataclass(frozen=True)
class Incoming:
    """A package folder found in ``<data_dir>/incoming/`` (not yet checked: IMPORT checks it)."""

    folder: Path
    name: str
    version: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}  ({self.folder.name})"


class ModelsModel(QObject):
    changed = Signal()  # the table was read again
    selected_changed = Signal()
    said = Signal(str)  # a change made: what happened
    failed = Signal(str)  # a refusal: why, in the library's words
    progress = Signal(int, int)  # images scored, of
    evaluated = Signal(object)  # the evaluation's result (dict)
    evaluating_changed = Signal(bool)

    def __init__(self, registry: ModelRegistry, *, workers: int | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.registry, self.workers = registry, workers
        self.entries: list[Entry] = []
        self.selected_id: str | None = None
        self.thread: threading.Thread | None = None
        self.last_evaluation: dict[str, Any] | None = None
        self._close_after_evaluation = None
        self.closed = False
        self._lock = threading.Lock()
        self._running = False
        self.evaluated.connect(self.finish_evaluation)  # queued: runs on the GUI thread
        self.reload()

    # -- reading ---------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.entries = table_order(self.registry.entries())
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
        return self.registry.tables.shadow_agreement(entry.package_id)

    def can_roll_back(self, entry: Entry | None) -> bool:
        return entry is not None and entry.state == "live" and bool(entry.previous_live)

    @property
    def incoming_dir(self) -> Path:
        return Path(self.registry.config.data_dir) / INCOMING

    def incoming(self) -> list[Incoming]:
        """Package folders copied into ``<data_dir>/incoming/`` (e.g. from a USB stick), not held yet."""
        held = {(e.name, e.version) for e in self.entries}
        found = []
        folders = sorted(p for p in self.incoming_dir.iterdir() if p.is_dir()) if self.incoming_dir.is_dir() else []
        for folder in folders:
            try:
                manifest = json.loads((folder / MANIFEST_FILE).read_text())
                name, version = str(manifest["name"]), str(manifest["version"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not a package folder; IMPORT of a broken one is refused with the reason
            if (name, version) not in held:
                found.append(Incoming(folder, name, version))
        return found

    # -- changes (through the registry) ----------------------------------------------------------------------------
    def _do(self, change, done) -> Entry | None:
        try:
            entry = change()
        except REFUSALS as err:
            self.failed.emit(str(err))
            return None
        self.selected_id = entry.package_id
        self.reload()
        self.said.emit(done(entry))
        return entry

    def import_folder(self, folder: Path, *, session=None) -> Entry | None:
        return self._do(lambda: self.registry.import_package(folder, session=session, reason="imported at the station"),
                        lambda e: f"Imported {_named(e)} as a candidate: EVALUATE it on this station's QA-verified "
                                  "parts next")

    def shadow(self, entry: Entry, *, session=None) -> Entry | None:
        return self._do(lambda: self.registry.set_shadow(entry.package_id, session=session,
                                                         reason="shadow at the station"),
                        lambda e: f"{_named(e)} runs in shadow beside the live model on line parts, never acting")

    def promote(self, entry: Entry, *, session=None, pin: str | None = None, reason: str) -> Entry | None:
        return self._do(lambda: self.registry.promote(entry.package_id, session=session, pin=pin, reason=reason),
                        lambda e: f"{_named(e)} is live: the line swaps it in between two parts")

    def rollback(self, entry: Entry, *, session=None, pin: str | None = None, reason: str) -> Entry | None:
        return self._do(lambda: self.registry.rollback(entry.name, session=session, pin=pin, reason=reason),
                        lambda e: f"Rolled back: {_named(e)} is live again")

    # -- evaluation (a worker thread; worker processes inside) -----------------------------------------------------
    @property
    def evaluating(self) -> bool:
        return self._running

    def evaluate(self, entry: Entry) -> bool:
        """Start scoring QA-verified images with ``entry`` and the live model; False if one is running already."""
        if self.evaluating:
            self.failed.emit("An evaluation is running: wait for it to finish")
            return False
        self._running = True
        self.thread = threading.Thread(target=self._evaluate, args=(entry,), name="models-evaluate", daemon=True)
        self.evaluating_changed.emit(True)
        self.thread.start()
        return True

    def _evaluate(self, entry: Entry) -> None:
        from inspector.models.evaluation import evaluate

        try:
            result = evaluate(self.registry, entry, workers=self.workers, progress=self.progress.emit)
        except Exception as err:  # noqa: BLE001 - a failed evaluation is shown, never raised into Qt
            self.failed.emit(f"Evaluation of {entry.describe()} failed: {err}")
            result = None
        finally:
            self.thread_done(entry)
        if result is not None:
            self.evaluated.emit(result)

    def thread_done(self, entry: Entry) -> None:
        with self._lock:
            self._running = False
            release = self._close_after_evaluation
        self.evaluating_changed.emit(False)
        if release is not None:
            release()

    def finish_evaluation(self, result: dict[str, Any]) -> None:
        """On the GUI thread: the table read again with the evaluation recorded."""
        self.last_evaluation = result
        if self.closed:
            return
        self.reload()
        candidate = result.get("candidate") or {}
        self.said.emit(f"Evaluated on {result.get('images', 0)} QA-verified images "
                       f"({candidate.get('judged', 0)} judged)")

    def close(self, release) -> None:
        """``release`` (closes the screen's store) now, or when a running evaluation ends."""
        with self._lock:
            self.closed = True
            if self._running:
                self._close_after_evaluation = release
                return
        release()
