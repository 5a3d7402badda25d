"""Ed25519 signatures over a model package's manifest: keys, ``sign_package`` and the check the loader makes.

The signature is a detached file, ``manifest.sig``, over the exact bytes of ``manifest.json``. The manifest holds the
sha256 of the model and of every golden file, so one signature vouches for everything in the folder. A key file is the
private key as PKCS#8 PEM (mode 0600); its public half, a SubjectPublicKeyInfo PEM, lies beside it as ``.pub``. A key
is named by its id: the first 16 hex digits of the sha256 of its 32 raw public bytes.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from inspector.manifest import (MANIFEST_FILE, MODEL_FILE, SIGNATURE_FILE, PackageError, golden_files, hash_files,
                                manifest_to_json, parse_manifest_bytes, read_manifest_bytes)

ALGORITHM = "ed25519"


class SigningKeyError(ValueError):
    """A key file that cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class Signer:
    """Who signed a package: the key's id and the name of the trusted key file that holds it."""

    key_id: str
    name: str


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_file(key_file: Path) -> Path:
    """Where the public half of ``key_file`` lies: ``NAME.pub`` for ``NAME.key``, else ``KEYFILE.pub``."""
    key_file = Path(key_file)
    return key_file.with_suffix(".pub") if key_file.suffix == ".key" else key_file.with_name(key_file.name + ".pub")


def generate_key(out: Path) -> tuple[Path, Path]:
    """Write a new private key to ``out`` (mode 0600, never over an existing file) and its public key beside it."""
    out = Path(out)
    pub = public_key_file(out)
    for path in (out, pub):
        if path.exists():
            raise SigningKeyError(f"{path}: exists already; a key is never overwritten (move it away first)")
    out.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private_pem)
    os.chmod(out, 0o600)  # whatever the umask
    pub.write_bytes(public_pem(key.public_key()))
    return out, pub


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(key_file: Path) -> Ed25519PrivateKey:
    key_file = Path(key_file)
    try:
        data = key_file.read_bytes()
    except OSError as err:
        raise SigningKeyError(f"{key_file}: cannot read the signing key: {err.strerror or err}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as err:
        raise SigningKeyError(f"{key_file}: not an unencrypted PEM private key: {err}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{key_file}: key type = {type(key).__name__}: must be an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    path = Path(path)
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as err:
        raise SigningKeyError(f"{path}: cannot read the public key: {err.strerror or err}") from None
    except (ValueError, TypeError) as err:
        raise SigningKeyError(f"{path}: not a PEM public key: {err}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path}: key type = {type(key).__name__}: must be an Ed25519 key")
    return key


def sign_package(folder: Path, key_file: Path) -> None:
    """Sign the package at ``folder`` with the private key in ``key_file``.

    The manifest is validated, the model's sha256 checked, and the sha256 of every golden file written into
    ``files`` first: the signature then covers the folder as it is now. Raises :class:`PackageError` for a package
    that cannot be signed and :class:`SigningKeyError` for a key that cannot be used.
    """
    folder = Path(folder)
    key = load_private_key(key_file)
    manifest = parse_manifest_bytes(read_manifest_bytes(folder), folder)
    model = folder / MODEL_FILE
    if not model.is_file():
        raise PackageError(folder, f"missing file {MODEL_FILE}")
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    if digest != manifest.sha256:
        raise PackageError(folder, f"bad sha256 of {MODEL_FILE}: file has {digest}, manifest says {manifest.sha256}")
    names = golden_files(manifest)
    files = hash_files(folder, names)
    missing = [n for n in names if n not in files]
    if missing:
        raise PackageError(folder, f"missing file {missing[0]} (golden): nothing to vouch for")
    data = manifest_to_json(manifest.model_copy(update={"files": files})).encode("utf-8")
    (folder / MANIFEST_FILE).write_bytes(data)
    write_signature(folder, data, key)


def write_signature(folder: Path, manifest_bytes: bytes, key: Ed25519PrivateKey) -> None:
    """The detached signature of ``manifest_bytes`` by ``key``, as ``manifest.sig``."""
    signature = {"algorithm": ALGORITHM, "key_id": key_id(key.public_key()),
                 "signature": base64.b64encode(key.sign(manifest_bytes)).decode("ascii")}
    (Path(folder) / SIGNATURE_FILE).write_text(json.dumps(signature, indent=2) + "\n", encoding="utf-8")


def read_signature(folder: Path) -> tuple[str, bytes]:
    """The key id and signature bytes of ``manifest.sig``; :class:`PackageError` naming what is wrong."""
    path = Path(folder) / SIGNATURE_FILE
    if not path.is_file():
        raise PackageError(folder, f"missing signature {SIGNATURE_FILE}: the package is unsigned "
                                   f"(sign it with 'inspector models sign')")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("algorithm") != ALGORITHM:
            raise ValueError(f"algorithm = {data.get('algorithm')!r}: must be {ALGORITHM!r}")
        return str(data["key_id"]), base64.b64decode(data["signature"], validate=True)
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError, ValueError, binascii.Error) as err:
        raise PackageError(folder, f"{SIGNATURE_FILE} is unreadable: {err}") from None


def verify_manifest(folder: Path, manifest_bytes: bytes, trust) -> Signer:
    """Check that ``manifest_bytes`` are signed by a key in ``trust`` (a :class:`~inspector.models.trust.TrustStore`)."""
    signed_by, signature = read_signature(folder)
    trusted = trust.find(signed_by)
    if trusted is None:
        raise PackageError(folder, f"signed by key {signed_by}, which is not in the trust store "
                                   f"({trust.describe()})")
    try:
        trusted.public_key.verify(signature, manifest_bytes)
    except InvalidSignature:
        raise PackageError(folder, f"bad signature: {MANIFEST_FILE} does not match {SIGNATURE_FILE} by key "
                                   f"{signed_by} ({trusted.name}): changed after signing, or a forged signature") from None
    return Signer(signed_by, trusted.name)


def package_id(manifest_bytes: bytes) -> str:
    """The id a package is audited by: sha256 of its signed manifest (which names every other file's sha256)."""
    return hashlib.sha256(manifest_bytes).hexdigest()
