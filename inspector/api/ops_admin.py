"""API operations of the ADMIN screens: the audit trail (pages, filters, verify), the model table (list, evaluate as a
job of the runtime, shadow, promote, roll back, import a folder of the station or a package the client uploads) and
the users (list with lock-outs, unlock, add, deactivate, role, new PIN).

Roles are checked here, in the runtime, and every change goes through the core (``ModelRegistry``,
``UserDirectory``), which audits it exactly as the station's own screens and the CLI do.
"""
from __future__ import annotations

import base64
import binascii
import itertools
import os
import shutil
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from inspector import actions, audit
from inspector.api.protocol import ApiError
from inspector.manifest import MANIFEST_FILE, PackageError
from inspector.models import archive
from inspector.models.lifecycle import Entry, LifecycleError, ModelRegistry
from inspector.permissions import AUDIT_READ, MODEL_APPROVE, USERS_MANAGE
from inspector.users import WrongPin

UPLOAD_CHUNK_BYTES = 160 * 1024  # raw bytes a chunk may carry: base64 of it stays under the server's request limit
UPLOADS_AT_ONCE = 2
UPLOAD_IDLE_S = 600.0  # an upload without a chunk for this long is dropped
INCOMING, UPLOADS = "incoming", "uploads"
_FILTERS = ("user", "action", "target", "since", "until")
_lock = threading.Lock()


def entry_json(entry: Entry) -> dict[str, Any]:
    return {**asdict(entry), "folder": str(entry.folder)}


class _Job:
    """An evaluation the runtime runs on a thread of its own; clients poll ``model_job``."""

    ids = itertools.count(1)

    def __init__(self, entry: Entry, by: str) -> None:
        self.id, self.entry, self.by = next(self.ids), entry, by
        self.state, self.done, self.total = "running", 0, 0
        self.result: dict[str, Any] | None = None
        self.error: str | None = None

    def view(self) -> dict[str, Any]:
        return {"job": self.id, "package_id": self.entry.package_id, "state": self.state, "done": self.done,
                "total": self.total, "result": self.result, "error": self.error, "by": self.by}


class _Upload:
    ids = itertools.count(1)

    def __init__(self, folder: Path, size: int, by: str) -> None:
        self.id, self.size, self.by = f"u{next(self.ids)}-{os.urandom(6).hex()}", size, by
        self.path = folder / f"{self.id}.zip"
        self.received, self.touched = 0, time.monotonic()


class AdminOps:
    # -- who asks --------------------------------------------------------------------------------------------
    def _admin_state(self) -> dict[str, Any]:
        with _lock:
            state = self.__dict__.get("_admin")
            if state is None:
                state = self.__dict__["_admin"] = {"jobs": {}, "uploads": {}}
            return state

    def _acting(self, caller: Any, action: str) -> tuple[Any, Any]:
        """(actor for the audit trail, session or None on a station without users) for ``action``."""
        who = self.actor(caller, action)
        return who, None if who is actions.NO_USERS else who

    def _registry(self) -> ModelRegistry:
        return ModelRegistry(self.store, self.station.config)

    @property
    def _data_dir(self) -> Path:
        return Path(self.station.config.data_dir)

    # -- audit trail -----------------------------------------------------------------------------------------
    def op_audit_page(self, args: dict, caller: Any) -> dict:
        """Entries newest first with ids below ``before``, filtered; and the users and actions named (pick lists)."""
        self.actor(caller, AUDIT_READ)
        before = args.get("before")
        page = audit.page(self.store, before=int(before) if before is not None else None,
                          limit=int(args.get("limit") or 100), **{k: args.get(k) for k in _FILTERS})
        result = {"entries": [asdict(e) for e in page.entries], "next_before": page.next_before, "total": page.total,
                  "newer": page.newer}
        if args.get("facets"):
            result["facets"] = audit.facets(self.store)
        return result

    def op_audit_verify(self, args: dict, caller: Any) -> dict:
        """The audit chain's verdict and the record chain's (parts, labels, users, images, seals)."""
        who = self.actor(caller, AUDIT_READ)
        session = None if who is actions.NO_USERS else who
        chain = actions.verify_audit(session, self.store)
        records = actions.verify_records(session, self.store, run_id=args.get("run_id"), lot=args.get("lot"))
        broken = chain.broken
        return {"chain": {"ok": chain.ok, "entries": chain.entries,
                          "broken": None if broken is None else {"entry_id": broken.entry_id, "kind": broken.kind,
                                                                 "why": broken.why, "text": str(broken)}},
                "records": {"ok": records.ok, "summary": records.summary(),
                            "findings": [str(f) for f in records.findings]}}

    # -- model table -----------------------------------------------------------------------------------------
    def op_models(self, args: dict, caller: Any) -> dict:
        """Every package held, the folders waiting in ``<data_dir>/incoming/``, and the evaluation running."""
        self.viewer(caller)
        registry = self._registry()
        entries = registry.entries()
        held = {(e.name, e.version) for e in entries}
        running = [j.view() for j in self._admin_state()["jobs"].values() if j.state == "running"]
        return {"entries": [entry_json(e) for e in entries], "incoming": self._incoming(held),
                "incoming_dir": str(self._data_dir / INCOMING), "evaluating": running[0] if running else None}

    def _incoming(self, held: set[tuple[str, str]]) -> list[dict[str, str]]:
        import json

        folder = self._data_dir / INCOMING
        found = []
        for path in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
            try:
                manifest = json.loads((path / MANIFEST_FILE).read_text())
                name, version = str(manifest["name"]), str(manifest["version"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not a package folder; importing a broken one is refused with the reason
            if (name, version) not in held:
                found.append({"folder": path.name, "name": name, "version": version})
        return found

    def op_model_agreement(self, args: dict, caller: Any) -> dict:
        self.viewer(caller)
        return self._registry().tables.shadow_agreement(str(args["package_id"]))

    def op_model_evaluate(self, args: dict, caller: Any) -> dict:
        """Start scoring this station's QA-verified images with the package and the live model; poll ``model_job``."""
        who, _ = self._acting(caller, MODEL_APPROVE)
        registry = self._registry()
        entry = self._find(registry, args)
        jobs = self._admin_state()["jobs"]
        with _lock:
            running = [j for j in jobs.values() if j.state == "running"]
            if running:
                raise ApiError("refused", f"an evaluation is running ({running[0].entry.describe()}): wait for it")
            job = _Job(entry, getattr(getattr(who, "user", who), "name"))
            jobs[job.id] = job
        workers = max(1, (os.cpu_count() or 1) - 1) if self.station.line.running else None  # a core for the line
        threading.Thread(target=self._evaluate, args=(registry, job, workers), name="models-evaluate",
                         daemon=True).start()
        return job.view()

    def _evaluate(self, registry: ModelRegistry, job: _Job, workers: int | None) -> None:
        from inspector.models.evaluation import evaluate

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            job.result = evaluate(registry, job.entry, workers=workers, progress=progress)
            job.state = "done"
        except Exception as err:  # noqa: BLE001 - a failed evaluation is reported to whoever polls
            job.error, job.state = f"evaluation of {job.entry.describe()} failed: {err}", "failed"

    def op_model_job(self, args: dict, caller: Any) -> dict:
        self.viewer(caller)
        job = self._admin_state()["jobs"].get(int(args["job"]))
        if job is None:
            raise ApiError("not_found", f"job = {args['job']}: no such evaluation on this station")
        return job.view()

    def op_model_shadow(self, args: dict, caller: Any) -> dict:
        _, session = self._acting(caller, MODEL_APPROVE)
        return self._change(lambda r: r.set_shadow(str(args["package_id"]), session=session,
                                                   reason=args.get("reason") or "shadow from a client"))

    def op_model_promote(self, args: dict, caller: Any) -> dict:
        _, session = self._acting(caller, MODEL_APPROVE)
        return self._change(lambda r: r.promote(str(args["package_id"]), session=session, pin=args.get("pin"),
                                                reason=str(args.get("reason") or "")))

    def op_model_rollback(self, args: dict, caller: Any) -> dict:
        _, session = self._acting(caller, MODEL_APPROVE)
        return self._change(lambda r: r.rollback(str(args["name"]), session=session, pin=args.get("pin"),
                                                 reason=str(args.get("reason") or "")))

    def op_model_import(self, args: dict, caller: Any) -> dict:
        """A package folder of ``<data_dir>/incoming/`` (``folder``: its name) or a finished upload (``upload``);
        checked as every load is (signature, golden cases) and held as a candidate, never live."""
        _, session = self._acting(caller, MODEL_APPROVE)
        reason = args.get("reason") or "imported from a client"
        if args.get("upload"):
            return self._import_upload(str(args["upload"]), session, reason)
        name = str(args.get("folder") or "")
        if not name or name != Path(name).name or name.startswith("."):
            raise ApiError("bad_request", f"folder = {name!r}: the name of a folder in {self._data_dir / INCOMING}")
        folder = self._data_dir / INCOMING / name
        if not folder.is_dir():
            raise ApiError("not_found", f"no folder {name!r} in {self._data_dir / INCOMING}")
        return self._change(lambda r: r.import_package(folder, session=session, reason=reason))

    def op_model_upload(self, args: dict, caller: Any) -> dict:
        """One chunk of a package zip: ``{size, data}`` starts an upload, ``{upload, offset, data}`` goes on.
        ``model_import {upload}`` then unpacks and imports it."""
        who, _ = self._acting(caller, MODEL_APPROVE)
        try:
            data = base64.b64decode(str(args.get("data") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise ApiError("bad_request", "model_upload: data must be base64") from None
        if len(data) > UPLOAD_CHUNK_BYTES:
            raise ApiError("bad_request", f"model_upload: a chunk holds at most {UPLOAD_CHUNK_BYTES} bytes")
        uploads = self._admin_state()["uploads"]
        if not args.get("upload"):
            upload = self._begin_upload(uploads, int(args.get("size") or 0), getattr(getattr(who, "user", who), "name"))
        else:
            upload = uploads.get(str(args["upload"]))
            if upload is None:
                raise ApiError("not_found", f"upload = {args['upload']}: unknown or dropped (idle > "
                                            f"{UPLOAD_IDLE_S:.0f} s): start again")
            if int(args.get("offset", -1)) != upload.received:
                raise ApiError("bad_request", f"model_upload: offset {args.get('offset')} but {upload.received} "
                                              "bytes received: send the chunk that follows")
        if upload.received + len(data) > upload.size:
            self._drop(uploads, upload)
            raise ApiError("bad_request", f"model_upload: more than the {upload.size} bytes announced")
        with upload.path.open("ab") as out:
            out.write(data)
        upload.received += len(data)
        upload.touched = time.monotonic()
        return {"upload": upload.id, "received": upload.received, "size": upload.size}

    def _begin_upload(self, uploads: dict[str, _Upload], size: int, by: str) -> _Upload:
        if not 0 < size <= archive.MAX_UPLOAD_BYTES:
            raise ApiError("bad_request", f"model_upload: size = {size}: a package zip is 1 byte to "
                                          f"{archive.MAX_UPLOAD_BYTES // 2**20} MiB")
        with _lock:
            for stale in [u for u in uploads.values() if time.monotonic() - u.touched > UPLOAD_IDLE_S]:
                self._drop(uploads, stale)
            if len(uploads) >= UPLOADS_AT_ONCE:
                raise ApiError("refused", f"{len(uploads)} uploads are under way: try again when they end")
            folder = self._data_dir / UPLOADS
            if not uploads and folder.is_dir():  # what an upload cut short by a restart left behind
                for leftover in folder.iterdir():
                    if leftover.is_dir():
                        shutil.rmtree(leftover, ignore_errors=True)
                    else:
                        leftover.unlink(missing_ok=True)
            folder.mkdir(parents=True, exist_ok=True)
            upload = _Upload(folder, size, by)
            upload.path.write_bytes(b"")
            uploads[upload.id] = upload
        return upload

    @staticmethod
    def _drop(uploads: dict[str, _Upload], upload: _Upload) -> None:
        uploads.pop(upload.id, None)
        upload.path.unlink(missing_ok=True)
        shutil.rmtree(upload.path.with_suffix(""), ignore_errors=True)

    def _import_upload(self, upload_id: str, session: Any, reason: str) -> dict:
        uploads = self._admin_state()["uploads"]
        upload = uploads.get(upload_id)
        if upload is None:
            raise ApiError("not_found", f"upload = {upload_id}: unknown or dropped: upload the package again")
        try:
            if upload.received != upload.size:
                raise ApiError("bad_request", f"upload {upload_id}: {upload.received} of {upload.size} bytes came")
            try:
                folder = archive.unpack(upload.path, upload.path.with_suffix(""))
            except archive.ArchiveError as e:
                raise ApiError("refused", str(e)) from None
            return self._change(lambda r: r.import_package(folder, session=session, reason=reason))
        finally:
            self._drop(uploads, upload)

    def _find(self, registry: ModelRegistry, args: dict) -> Entry:
        try:
            return registry.find(str(args["package_id"]))
        except LifecycleError as e:
            raise ApiError("not_found", str(e)) from None

    def _change(self, change) -> dict:
        """A lifecycle step through the registry; its refusal (why, in the core's words) as ``refused``."""
        try:
            return entry_json(change(self._registry()))
        except WrongPin as e:  # a signature's wrong PIN: the login goes on (a lock-out ends it: unauthorized)
            raise ApiError("refused", str(e)) from None
        except (LifecycleError, PackageError) as e:
            raise ApiError("refused", str(e)) from None

    # -- users -----------------------------------------------------------------------------------------------
    def _manager(self, caller: Any) -> Any:
        """The admin's session; None only for the very first user, added on the local socket of a station without
        users (as ``inspector users add`` at install time)."""
        _, session = self._acting(caller, USERS_MANAGE)
        return session

    def op_users(self, args: dict, caller: Any) -> list:
        """Every user (deactivated ones too) with role, active, wrong PINs in a row and lock-out seconds left."""
        self._manager(caller)
        directory = self.logins.users
        out = []
        for user in directory.users(include_inactive=True):
            failures, locked_s = directory.tries(user.name)
            out.append({"name": user.name, "role": user.role.value, "active": user.active, "failures": failures,
                        "locked_s": round(locked_s, 1)})
        return out

    def op_user_unlock(self, args: dict, caller: Any) -> dict:
        session = self._manager(caller)
        if session is None:
            raise ApiError("bad_request", "this station has no users: nobody is locked out")
        was = self.logins.users.unlock(session, str(args["name"]), reason=self._reason(args))
        return {"name": args["name"], "was_locked_s": round(was, 1)}

    def op_user_add(self, args: dict, caller: Any) -> dict:
        session = self._manager(caller)
        user = self.logins.users.add(session, str(args["name"]), str(args["role"]), str(args["pin"]),
                                     reason=self._reason(args))
        return {"name": user.name, "role": user.role.value, "active": user.active}

    def op_user_set_active(self, args: dict, caller: Any) -> dict:
        session = self._signed_in_admin(caller)
        self.logins.users.set_active(session, str(args["name"]), bool(args["active"]), reason=self._reason(args))
        self.logins.end_user(str(args["name"]), "changed by an admin")
        return {"name": args["name"], "active": bool(args["active"])}

    def op_user_set_role(self, args: dict, caller: Any) -> dict:
        session = self._signed_in_admin(caller)
        self.logins.users.set_role(session, str(args["name"]), str(args["role"]), reason=self._reason(args))
        self.logins.end_user(str(args["name"]), "changed by an admin")
        return {"name": args["name"], "role": str(args["role"])}

    def op_user_reset_pin(self, args: dict, caller: Any) -> dict:
        session = self._signed_in_admin(caller)
        self.logins.users.reset_pin(session, str(args["name"]), str(args["pin"]), reason=self._reason(args))
        self.logins.end_user(str(args["name"]), "changed by an admin")
        return {"name": args["name"], "pin_changed": True}

    def _signed_in_admin(self, caller: Any) -> Any:
        session = self._manager(caller)
        if session is None:
            raise ApiError("bad_request", "this station has no users yet: add the first admin (op user_add)")
        return session

    @staticmethod
    def _reason(args: dict) -> str:
        reason = str(args.get("reason") or "").strip()
        if not reason:
            raise ApiError("bad_request", "a reason is required for the audit trail")
        return reason
