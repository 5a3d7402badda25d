"""The packages a station holds and their states: candidate → shadow → live → retired, and back by rollback.

``ModelRegistry`` is the edge model table plant IT expects: every package imported (a verified copy under
``<data_dir>/models/<name>/<version>-<id>``), its state, test metrics, the last evaluation on this station's QA data,
who approved it and when. Nothing here touches the running line: the station's :class:`LiveModels` watches the table
and swaps a promoted package in between two parts. Every change is audited; promote and rollback are signed.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector import audit
from inspector.actions import actor as acting
from inspector.manifest import PackageError
from inspector.models.trust import TrustStore
from inspector.permissions import MODEL_APPROVE
from inspector.runtime import LoadedModel, load_package
from inspector.store.model_tables import ModelTables

MODEL_IMPORT = "model.import"
MODEL_SHADOW = "model.shadow"
MODEL_PROMOTE = "model.promote"
MODEL_ROLLBACK = "model.rollback"
SHIPPED_BY = "station (shipped with the software)"


class LifecycleError(ValueError):
    """A lifecycle step that cannot be taken; the message says why and what to do instead."""


@dataclass(frozen=True)
class Entry:
    """One row of the model table."""

    package_id: str
    name: str
    version: str
    task: str
    folder: Path
    state: str
    imported_at: str
    imported_by: str
    test_metrics: dict[str, Any] | None
    evaluation: dict[str, Any] | None
    approved_by: str | None
    approved_at: str | None
    previous_live: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Entry":
        return cls(row["package_id"], row["name"], row["version"], row["task"], Path(row["folder"]), row["state"],
                   row["imported_at"], row["imported_by"], row["test_metrics"], row["evaluation"],
                   row["approved_by"], row["approved_at"], row["previous_live"])

    @property
    def short_id(self) -> str:
        return self.package_id[:12]

    def describe(self) -> str:
        return f"{self.name} {self.version} ({self.short_id}, {self.state})"


class ModelRegistry:
    """The station's model table over its store; ``config`` gives the data dir, shipped models and trust store."""

    def __init__(self, store, config, *, trust: TrustStore | None = None):
        self.store = store
        self.tables = ModelTables(store)
        self.config = config
        self.trust = trust or TrustStore.for_station(config)
        self.root = Path(config.data_dir) / "models"

    # -- reading ---------------------------------------------------------------------------------------------------
    def entries(self, name: str | None = None) -> list[Entry]:
        return [Entry.from_row(r) for r in self.tables.packages(name)]

    def live(self, name: str) -> Entry | None:
        found = self.tables.in_state("live", [name])
        return Entry.from_row(found[0]) if found else None

    def shadow(self, name: str) -> Entry | None:
        found = self.tables.in_state("shadow", [name])
        return Entry.from_row(found[0]) if found else None

    def live_folder(self, name: str) -> Path:
        """Where the live package of ``name`` is: the promoted one, else the shipped folder."""
        entry = self.live(name)
        return entry.folder if entry is not None else Path(self.config.models_dir) / name

    def find(self, ref: str, *, version: str | None = None) -> Entry:
        """A package by id (or its first 8+ characters), or by name: with ``version``, that version; else the newest
        candidate or shadow of that name (what would be promoted next)."""
        rows = self.entries()
        if len(ref) >= 8 and all(c in "0123456789abcdef" for c in ref):
            by_id = [e for e in rows if e.package_id.startswith(ref)]
            if len(by_id) == 1:
                return by_id[0]
        named = [e for e in rows if e.name == ref]
        if not named:
            known = sorted({e.name for e in rows})
            raise LifecycleError(f"no package {ref!r} on this station; it holds: {', '.join(known) or 'none'}")
        if version is not None:
            exact = [e for e in named if e.version == version]
            if not exact:
                raise LifecycleError(f"{ref} has no version {version}; held: "
                                     f"{', '.join(e.version for e in named)}")
            return exact[-1]
        waiting = [e for e in named if e.state in ("candidate", "shadow")]
        if not waiting:
            raise LifecycleError(f"{ref} has no candidate: import one with `inspector models import PKG`")
        return waiting[-1]

    # -- changes ---------------------------------------------------------------------------------------------------
    def ensure_shipped(self, names: list[str], *, models: dict[str, LoadedModel] | None = None) -> None:
        """Register the shipped package of each name that has no row yet, as live (a fresh station)."""
        held = {e.name for e in self.entries()}
        for name in names:
            if name in held:
                continue
            model = (models or {}).get(name) or load_package(Path(self.config.models_dir) / name, trust=self.trust,
                                                             warmup_runs=0)
            self._add(model, model.folder, "live", SHIPPED_BY)

    def import_package(self, path: str | Path, *, session=None, reason: str = "imported for evaluation") -> Entry:
        """Verify ``path`` with every check a load makes, keep a copy, and hold it as a candidate (never live)."""
        who = acting(session, self.store, MODEL_APPROVE)
        source = Path(path)
        try:
            model = load_package(source, trust=self.trust, warmup_runs=0)
        except PackageError as err:
            from inspector.models import audit_trail
            audit_trail.try_record(audit_trail.record_refusal, self.store, source, err, actor=who, reason=reason)
            raise
        existing = self.tables.package(model.package_id)
        if existing is not None:
            raise LifecycleError(f"{model.name} {model.version} ({model.package_id[:12]}) is already held "
                                 f"({existing['state']})")
        target = self.root / model.name / f"{model.version}-{model.package_id[:12]}"
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(source, partial)
        partial.rename(target)
        copy = load_package(target, trust=self.trust, warmup_runs=0)  # the copy is what will run: check it too
        entry = self._add(copy, target, "candidate", _name(who))
        audit.append(self.store, who, MODEL_IMPORT, f"model:{entry.name}", None, _value(entry), reason)
        return entry

    def set_shadow(self, ref: str, *, session=None, version: str | None = None,
                   reason: str = "shadow on the line before promotion") -> Entry:
        """Run ``ref`` beside the live model on line parts (never acting); the previous shadow goes back to candidate."""
        who = acting(session, self.store, MODEL_APPROVE)
        entry = self.find(ref, version=version)
        if entry.state not in ("candidate", "shadow"):
            raise LifecycleError(f"{entry.describe()} cannot shadow: only a candidate can")
        changes = [(e.package_id, "candidate", {}) for e in self.entries(entry.name) if e.state == "shadow"]
        changes.append((entry.package_id, "shadow", {}))
        self.tables.set_states(changes)
        audit.append(self.store, who, MODEL_SHADOW, f"model:{entry.name}", None, _value(entry), reason)
        return self.find(entry.package_id)

    def promote(self, ref: str, *, session=None, pin: str | None = None, reason: str,
                version: str | None = None, require_evaluation: bool = True) -> Entry:
        """Make ``ref`` live (admin, PIN and reason); the live one is retired and remembered for rollback."""
        who, why = self._signed(session, pin, reason)
        entry = self.find(ref, version=version)
        if entry.state not in ("candidate", "shadow"):
            raise LifecycleError(f"{entry.describe()} cannot be promoted: only a candidate or shadow can")
        if require_evaluation and entry.evaluation is None:
            raise LifecycleError(f"{entry.describe()} was never evaluated on this station's QA data: "
                                 f"run `inspector models evaluate {entry.name}` first")
        current = self.live(entry.name)
        changes = []
        if current is not None:
            changes.append((current.package_id, "retired", {}))
        changes.append((entry.package_id, "live", {"approved_by": _name(who), "approved_at": audit_now(),
                                                   "reason": why, "previous_live": current and current.package_id}))
        self.tables.set_states(changes)
        audit.append(self.store, who, MODEL_PROMOTE, f"model:{entry.name}", current and _value(current),
                     _value(entry), why, signed=session is not None)
        return self.find(entry.package_id)

    def rollback(self, name: str, *, session=None, pin: str | None = None,
                 reason: str = "rolled back to the previous live version") -> Entry:
        """Back to the version the live one replaced (audited, signed); the rolled-back one is retired."""
        who, why = self._signed(session, pin, reason)
        current = self.live(name)
        if current is None or not current.previous_live:
            raise LifecycleError(f"{name} has no earlier live version to roll back to")
        previous = Entry.from_row(self.tables.package(current.previous_live))
        self.tables.set_states([(current.package_id, "retired", {}),
                                (previous.package_id, "live", {"approved_by": _name(who), "approved_at": audit_now(),
                                                               "reason": why})])
        audit.append(self.store, who, MODEL_ROLLBACK, f"model:{name}", _value(current), _value(previous), why,
                     signed=session is not None)
        return self.find(previous.package_id)

    def record_evaluation(self, entry: Entry, evaluation: dict[str, Any]) -> None:
        self.tables.set_evaluation(entry.package_id, evaluation)

    # -- helpers ---------------------------------------------------------------------------------------------------
    def _signed(self, session, pin: str | None, reason: str) -> tuple[Any, str]:
        who = acting(session, self.store, MODEL_APPROVE)
        if session is None:
            if not (reason or "").strip():
                raise LifecycleError("a reason is required")
            return who, reason.strip()
        signature = audit.sign(session, pin or "", reason)
        return who, signature.reason

    def _add(self, model: LoadedModel, folder: Path, state: str, by: str) -> Entry:
        self.tables.add_package(package_id=model.package_id, name=model.name, version=model.version,
                                task=model.task, folder=str(folder), signer=model.signer.key_id if model.signer else None,
                                state=state, imported_by=by, test_metrics=model.manifest.metrics)
        return Entry.from_row(self.tables.package(model.package_id))


def _name(who: Any) -> str:
    """A session's user's name, or the actor's own."""
    return getattr(getattr(who, "user", who), "name")


def audit_now() -> str:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _value(entry: Entry) -> dict[str, Any]:
    return {"name": entry.name, "version": entry.version, "package_id": entry.package_id, "task": entry.task,
            "state": entry.state}
