"""What a person does to the station, through the core: the role is checked, the change audited, signed where it
matters (PIN again and a reason). Screens call these; the automatic line keeps calling ``Line.start``/``stop``.
"""
from __future__ import annotations

import contextvars
import json
import os
import re
import tomllib
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Callable

from inspector import audit
from inspector.manifest import PackageError
from inspector.models import audit_trail
from inspector.config import Recipe, parse_recipe
from inspector.review import REVIEW_UNDO
from inspector.permissions import (ALARM_ACKNOWLEDGE, AUDIT_READ, LINE_START, LINE_STOP, MODEL_APPROVE, RECIPE_EDIT,
                                   RECIPE_SWITCH, REVIEW_LABEL, PermissionDenied, require, roles_for)

RECIPE_EDITABLE = ("expected_count", "occlusion_threshold", "count_min_confidence", "reject_at", "pass_below",
                   "fail_safe")


@dataclass(frozen=True)
class NoUsers:
    """The actor recorded while the station has no users at all (a fresh simulated line): nobody could log in, so
    the trail says so rather than naming a person or the station."""

    name: str = "local, no users configured"
    role: str = "local"


NO_USERS = NoUsers()


def users_configured(store: Any) -> int:
    """How many active users the station's database holds."""
    conn, lock = audit._connection(store)
    with lock:
        return conn.execute("SELECT count(*) FROM users WHERE active = 1").fetchone()[0]


def actor(session: Any, store: Any, action: str) -> Any:
    """Who does ``action``: the session, checked by ``require``; ``NO_USERS`` when there is no session and the
    station has no users. Without a session on a station with users: ``PermissionDenied``."""
    if session is None:
        if store is not None and users_configured(store) == 0:
            return NO_USERS
        raise PermissionDenied(f"{action} needs a logged-in user (allowed for: {', '.join(roles_for(action))})",
                               action=action)
    require(session, action)
    return session


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ (nested dicts compared key by key), for a before/after that reads at a
    glance."""
    old, new = {}, {}
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            a, b = changed(a, b)
            if a or b:
                old[key], new[key] = a, b
        elif a != b:
            old[key], new[key] = a, b
    return old, new


def authorize(session: Any, action: str, store: Any, target: str, *, reason: str, before: Any = None,
              after: Any = None) -> audit.Entry:
    """``require`` the action, then record it in the audit trail."""
    require(session, action)
    return audit.append(store, session, action, target, before, after, reason)


# -- operator ------------------------------------------------------------------------------------------------------
def start_line(session: Any, line: Any, store: Any, *, reason: str = "started at the station") -> None:
    authorize(session, LINE_START, store, f"line:{line.run_id}", reason=reason, before={"running": line.running},
              after={"running": True})
    line.start()


def stop_line(session: Any, line: Any, store: Any, *, reason: str = "stopped at the station") -> None:
    authorize(session, LINE_STOP, store, f"line:{line.run_id}", reason=reason, before={"running": line.running},
              after={"running": False})
    line.stop()


def acknowledge_alarm(session: Any, alarms: Any, kind: str, store: Any):
    """Acknowledge the active alarm ``kind`` as the session's user; None when it was not active."""
    require(session, ALARM_ACKNOWLEDGE)
    active = {a.kind: a for a in alarms.active}
    if kind not in active:
        return None
    alarm = active[kind]
    audit.append(store, session, ALARM_ACKNOWLEDGE, f"alarm:{kind}", {"active": True, "message": alarm.message},
                 {"active": False}, "acknowledged at the station")
    return alarms.acknowledge(kind, by=session.user.name)


def switch_recipe(session: Any, store: Any, current: str, new: str, switch: Callable[[str], bool], *,
                  reason: str = "recipe change") -> bool:
    """Switch the line from recipe ``current`` to ``new`` as the session's user (operator, technician or admin;
    ``NO_USERS`` on a station without users). ``switch(new)`` starts the switch and says whether it could; the audit
    entry is committed only when it could, so a refused switch leaves no entry. False for the recipe already on."""
    who = actor(session, store, RECIPE_SWITCH)
    if new == current:
        return False
    try:
        with audit.transaction(store) as conn:
            audit.append(conn, who, RECIPE_SWITCH, "recipe", {"recipe": current}, {"recipe": new}, reason)
            if not switch(new):
                raise _NotSwitched
    except _NotSwitched:
        return False
    return True


class _NotSwitched(Exception):
    pass


def read_audit(session: Any, store: Any, *, limit: int | None = None) -> list[audit.Entry]:
    """The audit trail, newest first, for QA and admins (anyone while the station has no users)."""
    actor(session, store, AUDIT_READ)
    return audit.entries(store, limit=limit, newest_first=True)


def verify_audit(session: Any, store: Any) -> audit.Verdict:
    actor(session, store, AUDIT_READ)
    return audit.verify(store)


def verify_records(session: Any, store: Any, *, run_id: str | None = None, lot: str | None = None,
                   key_path: str | Path | None = None):
    """The record chain's check (parts, labels, users, images, seals) for QA and admins; ``key_path`` defaults to
    ``keys/station.key`` beside the database."""
    from inspector.store.integrity import verify_records as check
    from inspector.store.seals import default_key_path

    actor(session, store, AUDIT_READ)
    if key_path is None and getattr(store, "path", None) is not None:
        key_path = default_key_path(store.path.parent)
    return check(store, run_id=run_id, lot=lot, key_path=key_path)


# -- technician ----------------------------------------------------------------------------------------------------
def edit_recipe(session: Any, path: str | Path, changes: dict[str, Any], *, pin: str, reason: str,
                store: Any) -> Recipe:
    """Change thresholds of the recipe file at ``path`` (signed: PIN again and a reason); returns the new recipe.

    Only the keys in ``RECIPE_EDITABLE``; the new recipe is validated before anything is written, and the file is
    replaced in one step (comments and other lines kept).
    """
    require(session, RECIPE_EDIT)
    path = Path(path)
    unknown = sorted(set(changes) - set(RECIPE_EDITABLE))
    if unknown:
        raise ValueError(f"recipe keys {unknown} cannot be edited here; editable: {', '.join(RECIPE_EDITABLE)}")
    text = path.read_text(encoding="utf-8")
    old = parse_recipe(tomllib.loads(text), str(path))
    new_text = set_toml_keys(text, changes)
    new = parse_recipe(tomllib.loads(new_text), str(path))  # refuses a bad value: nothing written, nothing signed
    before = {k: getattr(old, k) for k in changes}
    after = {k: getattr(new, k) for k in changes}
    signature = audit.sign(session, pin, reason)
    tmp = path.with_name(f".{path.name}.tmp")
    with audit.transaction(store) as conn:
        audit.append(conn, session, RECIPE_EDIT, f"recipe:{new.name}", before, after, signature.reason, signed=True)
        tmp.write_text(new_text, encoding="utf-8")
        os.replace(tmp, path)
    return new


def set_toml_keys(text: str, changes: dict[str, Any]) -> str:
    """``text`` with top-level ``key = value`` lines replaced (or added before the first table)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    top = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    for key, value in changes.items():
        rendered = f"{key} = {_toml_value(key, value)}\n"
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        hit = next((i for i in range(top) if pattern.match(lines[i])), None)
        if hit is None:
            lines.insert(top, rendered)
            top += 1
        else:
            lines[hit] = rendered
    return "".join(lines)


def _toml_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    raise ValueError(f"recipe key {key} = {value!r}: a number, true/false or text")


# -- admin ---------------------------------------------------------------------------------------------------------
def approve_model(session: Any, slot: Any, path: str | Path, *, pin: str, reason: str, store: Any):
    """Activate the model package at ``path`` in ``slot`` (signed); a package that fails its checks changes nothing."""
    require(session, MODEL_APPROVE)
    signature = audit.sign(session, pin, reason)
    previous = slot.active
    try:
        model = slot.swap(path)
    except PackageError as err:  # refused: the person who tried and why are in the trail with the package's id
        if getattr(slot, "_audit_db", None) is None:
            audit_trail.record_refusal(store, path, err, kept=previous, actor=session, reason=signature.reason)
        raise
    audit.append(store, session, MODEL_APPROVE, f"model:{slot.task or model.task}", _model_value(previous),
                 _model_value(model), signature.reason, signed=True)
    return model


def _model_value(model: Any) -> dict[str, Any] | None:
    if model is None:
        return None
    return {"name": model.name, "version": model.version, "sha256": model.sha256, "folder": str(model.folder),
            "package_id": getattr(model, "package_id", None)}


# -- QA ------------------------------------------------------------------------------------------------------------
_reviewer: contextvars.ContextVar[tuple[Any, audit.Signature | None] | None] = contextvars.ContextVar(
    "reviewer", default=None)


_undoing: contextvars.ContextVar[tuple[Any, audit.Signature | None] | None] = contextvars.ContextVar(
    "undoing", default=None)


def _guard_undo(review: Any) -> Any:
    """Every undo on ``review`` must come through ``undo_label``: the undo row and its audit entry are written in one
    transaction; an undo from anywhere else is refused (nothing written)."""
    def audit_undo(conn, undo, undone, record) -> None:
        context = _undoing.get()
        if context is None:
            raise PermissionDenied(f"an undo on part {undo.part_id} goes through undo_label (audited)",
                                   action=REVIEW_LABEL)
        who, signature = context
        before = {"label_id": undone.id, "verdict": undone.verdict, **undone.value}
        after = {"label_id": undo.id, "restored": undone.before.get("source", "model") if undone.before else "model",
                 **undo.value}
        audit.append(conn, who, REVIEW_UNDO, f"part:{undo.part_id}", before, after, undo.comment,
                     signed=signature is not None)

    if not any(getattr(listener, "__name__", "") == "audit_undo" for listener in review.on_undo):
        review.on_undo.append(audit_undo)
    return review


def undo_label(session: Any, review: Any, part_id: int, *, reason: str, pin: str | None = None,
               label_id: int | None = None, reviewer: str | None = None, seconds_spent: float | None = None):
    """Undo the latest verdict on ``part_id`` (``Review.undo``: a new label row), audited as ``review.undo``.

    A logged-in user's undo is signed like a correction (PIN again and the reason). Without a session (a station with
    no users) ``reviewer`` names who undoes it and the trail names the station as having no users."""
    who = actor(None if session is NO_USERS else session, review.store, REVIEW_LABEL)
    _guard_undo(review)
    signature = None
    if who is not NO_USERS:
        if pin is None:
            raise PermissionDenied("undoing a verdict is signed: give the PIN again and a reason",
                                   user=session.user.name, role=session.user.role.value, action=REVIEW_LABEL)
        signature = audit.sign(session, pin, reason or "")
        reviewer = session.user.name
    token = _undoing.set((who, signature))
    try:
        return review.undo(part_id, reviewer or "", reason=reason, label_id=label_id, seconds_spent=seconds_spent)
    finally:
        _undoing.reset(token)


def guard_review(review: Any) -> Any:
    """From now on every verdict on ``review`` must come through ``submit_label``: its label row and its audit entry
    (naming the session's user) are written in one transaction, and a verdict without a session is refused there
    (nothing written). Undos likewise only through ``undo_label``. An unguarded ``Review`` audits each label naming
    the reviewer as typed."""
    from inspector.review import label_change

    _guard_undo(review)
    def audit_label(conn, label, record) -> None:
        context = _reviewer.get()
        if context is None:
            raise PermissionDenied(f"a verdict on part {label.part_id} needs a logged-in QA user (submit_label)",
                                   action=REVIEW_LABEL)
        session, signature = context
        reason = signature.reason if signature else (label.comment or f"{label.verdict} at review")
        audit.append(conn, session, REVIEW_LABEL, f"part:{label.part_id}", label.before, label_change(label), reason,
                     signed=signature is not None)

    review.audit_label = audit_label
    return review


def submit_label(session: Any, review: Any, part_id: int, verdict: str, *, pin: str | None = None,
                 reason: str | None = None, reviewer: str | None = None, **value: Any):
    """A QA verdict as the session's user. A correction is signed: it needs ``pin`` and ``reason``.

    On a station without users (``session`` None or ``NO_USERS``) the verdict is the named ``reviewer``'s, unsigned,
    and its audit entry says no users were configured; with users, no session is ``PermissionDenied``."""
    if session is None or session is NO_USERS:
        who = actor(None, getattr(review, "store", None), REVIEW_LABEL)
        guard_review(review)
        token = _reviewer.set((who, None))
        try:
            return review.submit(part_id, reviewer or "", verdict, **value)
        finally:
            _reviewer.reset(token)
    require(session, REVIEW_LABEL)
    guard_review(review)
    signature = None
    if verdict == "correct":
        if pin is None:
            raise PermissionDenied("a label correction is signed: give the PIN again and a reason",
                                   user=session.user.name, role=session.user.role.value, action=REVIEW_LABEL)
        signature = audit.sign(session, pin, reason or "")
    token = _reviewer.set((session, signature))
    try:
        return review.submit(part_id, session.user.name, verdict, **value)
    finally:
        _reviewer.reset(token)
