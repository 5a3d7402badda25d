"""What a script that writes a model package calls last: sign it (``--sign-key`` or ``INSPECTOR_SIGNING_KEY``) and
load it as a station would, so a package that leaves the build is one the station accepts."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from inspector.models.signing import load_private_key, public_pem, sign_package
from inspector.models.trust import TrustStore

ENV_SIGNING_KEY = "INSPECTOR_SIGNING_KEY"


def add_sign_key_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sign-key", type=Path, default=None,
                        help=f"private key to sign the package with (default: ${ENV_SIGNING_KEY}; "
                             "none: the package is left unsigned and a station refuses it)")


def signing_key(given: Path | None = None) -> Path | None:
    """The key to sign with: the one given, else ``$INSPECTOR_SIGNING_KEY``, else None."""
    if given is not None:
        return Path(given)
    env = os.environ.get(ENV_SIGNING_KEY)
    return Path(env) if env else None


def signer_trust(key_file: Path, scratch: Path) -> TrustStore:
    """A trust store holding only the public half of ``key_file``: the build checks its own signature with it."""
    folder = Path(scratch) / "signer-trust"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "signer.pub").write_bytes(public_pem(load_private_key(key_file).public_key()))
    return TrustStore([folder])


def finish_package(folder: Path, key_file: Path | None, **load_options):
    """Sign ``folder`` with ``key_file`` and load it with every check a station makes (the signature verified against
    that key alone); with no key, load it unsigned and say so. Returns the loaded model."""
    from inspector.runtime import load_package

    folder = Path(folder)
    if key_file is None:
        print(f"{folder}: NOT SIGNED (no --sign-key, no ${ENV_SIGNING_KEY}): a station refuses it until "
              "'inspector models sign' signs it", file=sys.stderr)
        return load_package(folder, unsigned_build_check=True, **load_options)
    sign_package(folder, key_file)
    return load_package(folder, trust=signer_trust(key_file, folder.parent), **load_options)
