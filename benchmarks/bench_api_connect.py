"""Do TLS clients always get through the WebSocket handshake? Connects and one echo, many times, against the station's
own TLS server context (``inspector.api.tls.server_context``), with and without TLS 1.3 session tickets.

The API's client pins the station's certificate on a TLS socket it wraps itself, then hands it to the sync
``websockets`` client, whose reader thread reads while the caller writes the upgrade request. With the server's
session tickets (OpenSSL's default: two, sent after the handshake) an ``SSL_read`` processing them can meet the
``SSL_write`` of the request on the same SSL object, and the request is lost: "timed out while waiting for handshake
response". Writes ``benchmarks/results/api_connect.json``.

    python benchmarks/bench_api_connect.py [--connects 1500] [--open-timeout 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import threading
import time
from pathlib import Path

from websockets.asyncio.server import serve
from websockets.sync.client import connect

from inspector.api import tls

RESULTS = Path(__file__).parent / "results" / "api_connect.json"


def run(tickets: int | None, connects: int, open_timeout: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-connect"))
    cert, key = tls.station_certificate(folder, "bench")
    fingerprint = tls.certificate_fingerprint(cert)
    context = tls.server_context(cert, key)
    if tickets is not None:
        context.num_tickets = tickets  # put OpenSSL's default back to compare
    port: list[int] = []
    ready = threading.Event()

    async def echo(ws) -> None:
        async for message in ws:
            await ws.send(message)

    async def main() -> None:
        async with serve(echo, "127.0.0.1", 0, ssl=context) as server:
            port.append(server.sockets[0].getsockname()[1])
            ready.set()
            await asyncio.Event().wait()

    threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
    ready.wait(10)
    failures: list[str] = []
    started = time.monotonic()
    for _ in range(connects):
        sock = tls.pinned_socket("127.0.0.1", port[0], fingerprint)
        try:
            with connect(f"ws://127.0.0.1:{port[0]}/v1", sock=sock, open_timeout=open_timeout, proxy=None) as ws:
                ws.send("x")
                ws.recv(timeout=open_timeout)
        except Exception as e:  # noqa: BLE001 - counted, that is the measurement
            failures.append(f"{type(e).__name__}: {e}")
    return {"num_tickets": context.num_tickets, "connects": connects, "failed": len(failures),
            "failures": sorted(set(failures)), "seconds": round(time.monotonic() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connects", type=int, default=1500)
    parser.add_argument("--open-timeout", type=float, default=2.0)
    args = parser.parse_args()
    rows = [run(None, args.connects, args.open_timeout), run(2, args.connects, args.open_timeout)]
    for row in rows:
        print(f"num_tickets {row['num_tickets']}: {row['failed']} of {row['connects']} connects failed "
              f"({row['seconds']} s) {row['failures']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows, "load_avg": os.getloadavg(), "cpus": os.cpu_count()}, indent=1)
                       + "\n")


if __name__ == "__main__":
    main()
