"""The station's own TLS certificate for the network listener, and the client's check of its fingerprint.

No CA is involved: the certificate is self-signed and made at the first start (ECDSA P-256, ten years), the key file
readable by the service's user only (0600). A client pins the sha256 of the certificate's DER bytes, which the
technician reads off the station (``inspector serve --fingerprint``) once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import socket
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_FILE, KEY_FILE = "station.crt", "station.key"
VALID_DAYS = 3650


class FingerprintMismatch(ssl.SSLError):
    """The station presented a certificate other than the pinned one: nothing was sent to it."""


def fingerprint(der: bytes) -> str:
    """``sha256:`` and the hex digest of a certificate's DER bytes."""
    return "sha256:" + hashlib.sha256(der).hexdigest()


def certificate_fingerprint(cert_path: Path) -> str:
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    return fingerprint(cert.public_bytes(serialization.Encoding.DER))


def station_certificate(folder: Path, station_id: str) -> tuple[Path, Path]:
    """The certificate and key under ``folder``, made when missing; (cert path, key path)."""
    folder = Path(folder)
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"line-inspector {station_id}")])
    now = dt.datetime.now(dt.timezone.utc)
    alt = [x509.DNSName(socket.gethostname()), x509.DNSName("localhost"),
           x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .sign(key, hashes.SHA256()))
    key_bytes = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    tmp = key_path.with_name(f".{KEY_FILE}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key_bytes)
    os.replace(tmp, key_path)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def server_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """TLS 1.2+ with the station's certificate, and no TLS 1.3 session tickets.

    Why no tickets: OpenSSL sends them after the handshake, and a client whose reader thread is inside ``SSL_read``
    processing them while its other thread writes the WebSocket upgrade (the sync ``websockets`` client does exactly
    that; one SSL object must never be used from two threads at once) can lose that write: the handshake then times
    out with the TLS handshake done (``benchmarks/bench_api_connect.py``: a few in a thousand connects with
    tickets, none without). The clients never resume sessions (each connect pins the certificate anew): nothing lost.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    context.num_tickets = 0
    return context


def pinned_socket(host: str, port: int, pinned: str, *, timeout: float = 10.0) -> ssl.SSLSocket:
    """A TLS connection to ``host:port`` whose certificate has the fingerprint ``pinned`` (``sha256:hex``);
    :class:`FingerprintMismatch` before anything is sent otherwise."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # the pin stands for name and chain: only this station's certificate matches
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection((host, port), timeout=timeout)
    try:
        sock = context.wrap_socket(raw, server_hostname=host)
        presented = fingerprint(sock.getpeercert(binary_form=True) or b"")
        if not hmac.compare_digest(presented, pinned.strip().lower()):
            sock.close()
            raise FingerprintMismatch(f"station {host}:{port} presented certificate {presented}, not the pinned "
                                      f"{pinned}: not connected")
        sock.settimeout(None)
        return sock
    except BaseException:
        raw.close()
        raise
