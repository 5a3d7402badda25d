"""The station's TLS listener sends nothing after the handshake until asked: no TLS 1.3 session tickets that a
client's reader thread could be processing while its other thread writes the WebSocket upgrade (a lost upgrade
request: the handshake timed out with TLS done; see ``inspector.api.tls.server_context``)."""
from __future__ import annotations

import select
import socket
import ssl
import threading

from inspector.api import tls


def serve_once(context: ssl.SSLContext, accepted: threading.Event) -> tuple[socket.socket, threading.Thread]:
    listener = socket.create_server(("127.0.0.1", 0))

    def accept() -> None:
        conn, _ = listener.accept()
        with context.wrap_socket(conn, server_side=True) as tls_conn:
            accepted.set()
            tls_conn.settimeout(5)
            try:
                tls_conn.recv(1)  # until the client goes
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    return listener, thread


def bytes_waiting_after_handshake(context: ssl.SSLContext, fingerprint: str) -> bool:
    accepted = threading.Event()
    listener, thread = serve_once(context, accepted)
    try:
        sock = tls.pinned_socket("127.0.0.1", listener.getsockname()[1], fingerprint)
        try:
            assert accepted.wait(5)
            readable, _, _ = select.select([sock], [], [], 0.5)
            return bool(readable) or sock.pending() > 0
        finally:
            sock.close()
    finally:
        thread.join(5)
        listener.close()


def test_the_station_sends_nothing_after_the_tls_handshake(tmp_path):
    cert, key = tls.station_certificate(tmp_path, "sim-1")
    fingerprint = tls.certificate_fingerprint(cert)
    assert not bytes_waiting_after_handshake(tls.server_context(cert, key), fingerprint)
    with_tickets = tls.server_context(cert, key)
    with_tickets.num_tickets = 2  # OpenSSL's default: what the check above would have found
    assert bytes_waiting_after_handshake(with_tickets, fingerprint)
