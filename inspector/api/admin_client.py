"""Client-side helpers of the admin operations (no Qt): send a model package to a station, wait for an evaluation.

    entry = upload_package(client, "surface_classifier-1.3.0/", reason="supplier update")   # a folder or a .zip
    job = client.call("model_evaluate", package_id=entry["package_id"])
    done = wait_job(client, job["job"], progress=print)
"""
from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any, Callable

from inspector.api.ops_admin import UPLOAD_CHUNK_BYTES
from inspector.models import archive


def package_bytes(path: str | Path) -> bytes:
    """A package folder zipped, or a .zip file's bytes, refused over ``archive.MAX_UPLOAD_BYTES``."""
    path = Path(path)
    data = archive.pack(path) if path.is_dir() else path.read_bytes()
    if len(data) > archive.MAX_UPLOAD_BYTES:
        raise archive.ArchiveError(f"{path}: {len(data) / 2**20:.0f} MiB zipped, at most "
                                   f"{archive.MAX_UPLOAD_BYTES // 2**20} MiB")
    return data


def upload_package(client: Any, path: str | Path, *, reason: str = "imported from a client",
                   progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Send the package at ``path`` in chunks and import it on the station (checked there, held as a candidate);
    returns its row of the model table. ``ApiError`` when the station refuses it (the message says why)."""
    data = package_bytes(path)
    upload, offset = None, 0
    while offset < len(data):
        chunk = data[offset:offset + UPLOAD_CHUNK_BYTES]
        args = {"data": base64.b64encode(chunk).decode()}
        args.update({"upload": upload, "offset": offset} if upload else {"size": len(data)})
        upload = client.call("model_upload", **args)["upload"]
        offset += len(chunk)
        if progress is not None:
            progress(offset, len(data))
    return client.call("model_import", upload=upload, reason=reason)


def wait_job(client: Any, job: int, *, timeout: float = 600.0, interval: float = 0.2,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Poll ``model_job`` until the evaluation is done or failed (or ``timeout`` passes: TimeoutError)."""
    end = time.monotonic() + timeout
    while True:
        state = client.call("model_job", job=job)
        if progress is not None and state["total"]:
            progress(state["done"], state["total"])
        if state["state"] != "running":
            return state
        if time.monotonic() >= end:
            raise TimeoutError(f"evaluation job {job} still running after {timeout:.0f} s")
        time.sleep(interval)
