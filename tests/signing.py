"""The tests' own signing key (never the project's): packages the tests build are signed with it, and its public half
is the one extra key in the trust store the tests run with (``INSPECTOR_TRUST_DIRS``, set in ``tests/conftest.py``)."""
from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path

from inspector.manifest import MANIFEST_FILE, golden_files, hash_files
from inspector.models import generate_key, sign_package
from inspector.models.signing import load_private_key, write_signature


@lru_cache(maxsize=1)
def _home() -> Path:
    return Path(tempfile.mkdtemp(prefix="inspector-test-keys-"))


@lru_cache(maxsize=1)
def key_file() -> Path:
    """A fresh key for this test session; its public half lies in :func:`trust_dir`."""
    key, pub = generate_key(_home() / "keys" / "tests.key")
    (trust_dir() / "tests.pub").write_bytes(pub.read_bytes())
    return key


def trust_dir() -> Path:
    folder = _home() / "trust"
    folder.mkdir(exist_ok=True)
    return folder


def sign(folder: Path) -> Path:
    """Sign a valid package with the test key (the manifest's golden hashes filled in)."""
    sign_package(folder, key_file())
    return folder


def resign(folder: Path, *, rehash: bool = True) -> None:
    """Sign the manifest's bytes as they are now, valid or not (a test of what the loader says about a manifest made
    bad on purpose must reach that check); with ``rehash`` the golden files' hashes are brought up to date first."""
    path = Path(folder) / MANIFEST_FILE
    data = path.read_bytes()
    if rehash:
        try:
            manifest = json.loads(data)
            names = list(dict.fromkeys(r for c in manifest.get("golden", []) for r in (c.get("input"), c.get("raw"))
                                       if isinstance(r, str)))
            manifest["files"] = hash_files(Path(folder), names)
            data = json.dumps(manifest, indent=2).encode()
            path.write_bytes(data)
        except (ValueError, AttributeError, TypeError):
            pass  # not a manifest to rehash: sign its bytes as they are
    write_signature(Path(folder), data, load_private_key(key_file()))


__all__ = ["key_file", "trust_dir", "sign", "resign", "golden_files"]
