"""Seals: the record chain's head signed with the station key, so a copy re-chained by someone without it shows.

The station key is an Ed25519 key (the primitives of ``inspector.models.signing``) kept outside the database, by
default ``<data_dir>/keys/station.key`` (0600, its public half beside it as ``station.pub``), created at the first
start. A seal holds the ledger's last entry (seq and hash), when and why it was made, and the previous seal's
signature; its own signature covers all of that, so seals form a chain too. Each seal is also written to
``station.head`` beside the key: a database whose last seals (and the entries under them) were deleted no longer
reaches the head the station remembers.

A station seals at each run end, at a lot change (``seal(store, key, "lot change")``), and while it runs every
``every_records`` chained entries or ``every_s`` seconds, whichever comes first (``Sealer``).
"""
from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from inspector.models.signing import generate_key, key_id, load_private_key, load_public_key, public_key_file
from inspector.store.chain import head

log = logging.getLogger(__name__)

KEY_DIR = "keys"
KEY_FILE = "station.key"
SEAL_COLUMNS = ("id", "seq", "head_hash", "sealed_at", "reason", "key_id", "prev_signature", "signature")
SEALS_SQL = (
    """
    CREATE TABLE IF NOT EXISTS seals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        seq INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        sealed_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        key_id TEXT NOT NULL,
        prev_signature TEXT NOT NULL,
        signature TEXT NOT NULL
    )
    """,
    "CREATE TRIGGER IF NOT EXISTS seals_no_update BEFORE UPDATE ON seals BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS seals_no_delete BEFORE DELETE ON seals BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END",
)


def default_key_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / KEY_DIR / KEY_FILE


def head_file(key_path: str | Path) -> Path:
    """Where the last seal is remembered outside the database: ``station.head`` beside the key."""
    key_path = Path(key_path)
    return key_path.with_name(key_path.stem + ".head")


def station_key(path: str | Path, *, create: bool = True) -> Ed25519PrivateKey:
    """The station's private key at ``path``; made (0600, folder 0700) when missing and ``create``."""
    path = Path(path)
    if not path.exists() and create:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        generate_key(path)
        log.warning("station key created at %s (keep it; seals made with it are checked against %s)",
                    path, public_key_file(path))
    return load_private_key(path)


def station_public_key(path: str | Path) -> Ed25519PublicKey | None:
    """The public half of the station key (``station.pub``), else derived from the private key; None if neither."""
    path = Path(path)
    pub = public_key_file(path)
    if pub.exists():
        return load_public_key(pub)
    if path.exists():
        return load_private_key(path).public_key()
    return None


def message(seal: dict[str, Any]) -> bytes:
    """The bytes a seal's signature covers."""
    return json.dumps([seal[c] for c in SEAL_COLUMNS if c != "signature"], separators=(",", ":")).encode()


def signature_ok(seal: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(base64.b64decode(seal["signature"]), message(seal))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def seal(db: Any, key: Ed25519PrivateKey, reason: str, *, key_path: str | Path | None = None,
         force: bool = False) -> dict[str, Any] | None:
    """Signs the ledger's head now; None when nothing was chained since the last seal (unless ``force``).

    ``db`` is a Store or a connection; ``key_path`` names the key file, beside which ``station.head`` is written.
    """
    from inspector.audit import transaction

    with transaction(db) as conn:
        seq, head_hash = head(conn)
        last = conn.execute(f"SELECT {', '.join(SEAL_COLUMNS)} FROM seals ORDER BY id DESC LIMIT 1").fetchone()
        last = dict(zip(SEAL_COLUMNS, last)) if last else None
        if last is not None and last["seq"] == seq and not force:
            return None
        known = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'seals'").fetchone()
        new = {"id": max(last["id"] if last else 0, known[0] if known else 0) + 1, "seq": seq,
               "head_hash": head_hash, "sealed_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
               "reason": reason, "key_id": key_id(key.public_key()),
               "prev_signature": last["signature"] if last else ""}
        new["signature"] = base64.b64encode(key.sign(message(new))).decode("ascii")
        conn.execute(f"INSERT INTO seals ({', '.join(SEAL_COLUMNS)}) VALUES ({', '.join('?' * len(SEAL_COLUMNS))})",
                     [new[c] for c in SEAL_COLUMNS])
    if key_path is not None:
        _remember(head_file(key_path), new)
    return new


def remembered_head(key_path: str | Path) -> dict[str, Any] | None:
    """The last seal the station wrote beside its key, or None."""
    path = head_file(key_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        return {"unreadable": f"{path}: {e}"}
    return data if isinstance(data, dict) else {"unreadable": f"{path}: not a seal"}


def _remember(path: Path, new: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(new, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        log.warning("seal %s: could not remember the head in %s: %s", new["id"], path, e)


@dataclass
class Sealer:
    """Seals while the station runs: every ``every_records`` entries or ``every_s`` seconds, at run end."""

    key: Ed25519PrivateKey
    key_path: Path | None = None
    every_records: int = 10_000
    every_s: float = 60.0

    def __post_init__(self) -> None:
        self._since = 0
        self._last = time.monotonic()
        self._lock = threading.Lock()

    @classmethod
    def for_station(cls, key_path: str | Path, **options: Any) -> Sealer:
        return cls(station_key(key_path), Path(key_path), **options)

    def note(self, entries: int) -> None:
        with self._lock:
            self._since += entries

    def due(self) -> bool:
        with self._lock:
            return self._since >= self.every_records or time.monotonic() - self._last >= self.every_s

    def seal(self, db: Any, reason: str, *, force: bool = False) -> dict[str, Any] | None:
        made = seal(db, self.key, reason, key_path=self.key_path, force=force)
        with self._lock:
            self._since, self._last = 0, time.monotonic()
        return made

    def seal_if_due(self, db: Any) -> dict[str, Any] | None:
        if not self.due():
            return None
        return self.seal(db, f"every {self.every_records} records or {self.every_s:g} s")


def seal_at_start(db: Any, sealer: Sealer) -> dict[str, Any] | None:
    """The first seal of a station (its rows from before the chain: "adopted"), or what the last run left unsealed
    (a crash's records, a rescue's re-import)."""
    from inspector.audit import transaction

    with transaction(db) as conn:
        first = conn.execute("SELECT count(*) FROM seals").fetchone()[0] == 0
        adopted = first and conn.execute("SELECT 1 FROM chain WHERE op = 'adopt' LIMIT 1").fetchone() is not None
    reason = "adopted: rows from before the chain" if adopted else "station start"
    return sealer.seal(db, reason)
