"""Model loads, refusals and replacements in the audit trail, each naming the package by its id.

The package id is the sha256 of the signed ``manifest.json``; that manifest names the model's and every golden file's
sha256, so the id pins down every byte that decided parts. A refused package is named by the id of the manifest it
brought (when there is one to read) and the cause.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from inspector import audit
from inspector.manifest import MANIFEST_FILE, PackageError

log = logging.getLogger(__name__)

MODEL_LOAD = "model.load"
MODEL_REFUSE = "model.refuse"
MODEL_REPLACE = "model.replace"


def model_value(model: Any) -> dict[str, Any] | None:
    """How an entry names a loaded model."""
    if model is None:
        return None
    signer = getattr(model, "signer", None)
    return {"name": model.name, "version": model.version, "task": model.task, "sha256": model.sha256,
            "package_id": getattr(model, "package_id", ""), "signed_by": signer.key_id if signer else None,
            "folder": str(model.folder)}


def refused_value(folder: str | Path, error: PackageError) -> dict[str, Any]:
    """How an entry names a refused package: its folder, the id of the manifest it brought, and the cause."""
    path = Path(folder) / MANIFEST_FILE
    try:
        pid = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        pid = None
    return {"folder": str(folder), "package_id": pid, "cause": error.cause}


def _actor(actor: Any) -> Any:
    if actor is not None:
        return actor
    from inspector.users import SYSTEM

    return SYSTEM


def record_load(db: Any, model: Any, *, previous: Any = None, actor: Any = None,
                reason: str = "loaded for the recipe") -> audit.Entry:
    """``model.load`` (nothing before) or ``model.replace`` (``previous`` was active)."""
    action = MODEL_LOAD if previous is None else MODEL_REPLACE
    return audit.append(db, _actor(actor), action, f"model:{model.task}:{model.name}", model_value(previous),
                        model_value(model), reason)


def record_refusal(db: Any, folder: str | Path, error: PackageError, *, kept: Any = None, actor: Any = None,
                   reason: str = "package refused by its checks") -> audit.Entry:
    """``model.refuse``: ``before`` is the model kept (if any), ``after`` the refused package and why."""
    return audit.append(db, _actor(actor), MODEL_REFUSE, f"package:{Path(folder).name}", model_value(kept),
                        refused_value(folder, error), reason)


def try_record(what, *args, **kwargs) -> None:
    """Record, logging instead of raising when the trail cannot be written (the refusal itself must still stand)."""
    try:
        what(*args, **kwargs)
    except Exception:
        log.exception("could not write %s to the audit trail", getattr(what, "__name__", what))
