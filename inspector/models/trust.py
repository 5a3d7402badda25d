"""The station's trust store: the public keys whose signatures make a model package trusted.

Keys are PEM files (``*.pub``) in three places, read in this order: those shipped with the project
(``resources/trust/``: the project's build signs the shipped packages), the system directory set at install
(``trust_dir`` in the station file, ``/etc/line-inspector/trust`` by default) and ``<data_dir>/trust/``. Directories
named in ``INSPECTOR_TRUST_DIRS`` (``os.pathsep``-separated) are added too, for a desk machine or a test. A key file
that cannot be read is skipped with a warning, never trusted.
"""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector import shipped
from inspector.models.signing import SigningKeyError, key_id, load_public_key, public_pem

log = logging.getLogger(__name__)

SHIPPED_TRUST_DIR = shipped.resource("trust")
SYSTEM_TRUST_DIR = Path("/etc/line-inspector/trust")
ENV_TRUST_DIRS = "INSPECTOR_TRUST_DIRS"


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    name: str  # the key file's stem
    path: Path
    public_key: Ed25519PublicKey


class TrustStore:
    """The trusted public keys found in ``dirs`` (missing directories hold none)."""

    def __init__(self, dirs: Iterable[Path]):
        self.dirs = list(dict.fromkeys(Path(d) for d in dirs))
        self.keys: dict[str, TrustedKey] = {}
        for folder in self.dirs:
            for path in sorted(folder.glob("*.pub")) if folder.is_dir() else ():
                try:
                    public_key = load_public_key(path)
                except SigningKeyError as err:
                    log.warning("trust store: skipped %s", err)
                    continue
                trusted = TrustedKey(key_id(public_key), path.stem, path, public_key)
                self.keys.setdefault(trusted.key_id, trusted)

    @classmethod
    def default(cls, system_dir: Path = SYSTEM_TRUST_DIR, data_dir: Path | None = None) -> TrustStore:
        """The shipped keys, the system directory, ``<data_dir>/trust`` and ``INSPECTOR_TRUST_DIRS``."""
        dirs = [SHIPPED_TRUST_DIR, Path(system_dir)]
        if data_dir is not None:
            dirs.append(Path(data_dir) / "trust")
        dirs += [Path(d) for d in os.environ.get(ENV_TRUST_DIRS, "").split(os.pathsep) if d]
        return cls(dirs)

    @classmethod
    def for_station(cls, config) -> TrustStore:
        """The trust store of a station (:class:`inspector.config.StationConfig`)."""
        return cls.default(getattr(config, "trust_dir", SYSTEM_TRUST_DIR), config.data_dir)

    def find(self, wanted: str) -> TrustedKey | None:
        return self.keys.get(wanted)

    def describe(self) -> str:
        return f"{len(self.keys)} keys from " + ", ".join(str(d) for d in self.dirs)


def add_trusted_key(public_key_path: Path, trust_dir: Path) -> Path:
    """Copy a public key into ``trust_dir`` (created if missing) after checking it is an Ed25519 key; returns the
    file written, ``<stem>.pub``; a different key of the same name is refused."""
    public_key = load_public_key(public_key_path)
    trust_dir = Path(trust_dir)
    target = trust_dir / f"{Path(public_key_path).stem}.pub"
    if target.exists():
        try:
            same = key_id(load_public_key(target)) == key_id(public_key)
        except SigningKeyError:
            same = False
        if not same:
            raise SigningKeyError(f"{target}: another key of that name is trusted already; rename the new key file")
        return target
    trust_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pub.tmp")
    tmp.write_bytes(public_pem(public_key))
    shutil.move(tmp, target)
    return target
