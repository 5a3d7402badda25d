"""The review screen as a client of the runtime: how long a reviewer waits per step when every read and verdict goes
through the API, on the line's unix socket and over TLS (the desk PC), against the screen over the database in the
same process (the line screen as it was). Offscreen Qt at 1920 x 1080, a real simulated station and ``ApiServer``.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_review_remote.py [--parts 300] [--repeat 25]

Steps: open (the screen built: queue page, count, audits), next item (its picture fetched and drawn), verdict to
next (confirm written by the runtime, the next part drawn), reports (REPORTS computed and drawn), CSV export (written
by the runtime, downloaded). Medians of ``--repeat`` after one warm-up. Writes benchmarks/results/review_remote.json.
The target is < 100 ms per step (bench_review_ui's), so a reviewer never waits for the screen.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ui.gui_gc import application  # noqa: E402

from inspector.api.client import Client  # noqa: E402
from inspector.api.server import ApiServer  # noqa: E402
from inspector.assemble import build_station  # noqa: E402
from inspector.config import ApiSettings, StationConfig  # noqa: E402
from inspector.qa.audits import ReviewAudits  # noqa: E402
from inspector.review import Review  # noqa: E402
from inspector.store import Store  # noqa: E402
from inspector.users import UserDirectory  # noqa: E402
from ui.review.remote import ApiSession, RemoteAudits, RemoteReview  # noqa: E402
from ui.review.screen import ReviewScreen  # noqa: E402

TARGET_MS = 100.0
RESULTS = Path(__file__).resolve().parent / "results" / "review_remote.json"
PIN = "4826"


def ms(step, app) -> float:
    started = time.perf_counter()
    step()
    app.processEvents()
    return (time.perf_counter() - started) * 1000


def measure(app, make_screen, repeat: int, export_dir: Path) -> dict:
    opened: list[float] = []
    screens = []
    for _ in range(3):
        started = time.perf_counter()
        screen = make_screen()
        screen.resize(1920, 1080)
        screen.show()
        screen.repaint()
        app.processEvents()
        opened.append((time.perf_counter() - started) * 1000)
        screens.append(screen)
    for extra in screens[:-1]:
        extra.close()
    screen = screens[-1]
    model = screen.model

    def next_item():
        model.go((model.index + 1) % len(model.items))
        screen.repaint()

    def verdict():
        model.confirm()
        screen.repaint()

    next_ms = [ms(next_item, app) for _ in range(repeat + 1)][1:]
    verdict_ms = [ms(verdict, app) for _ in range(repeat + 1)][1:]
    reports_ms = [ms(lambda: (screen.toggle_reports(), screen.repaint()), app) for _ in range(2 * 3)][2::2]
    export_ms = [ms(lambda: screen.reports.export(), app) for _ in range(4)][1:]
    assert screen.reports.exported, screen.reports.message.text()
    screen.close()
    return {"open_ms": round(statistics.median(opened[1:]), 1), "next_item_ms": round(statistics.median(next_ms), 2),
            "verdict_to_next_ms": round(statistics.median(verdict_ms), 2),
            "reports_ms": round(statistics.median(reports_ms), 1), "csv_export_ms": round(statistics.median(export_ms), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    app = application()
    folder = Path(tempfile.mkdtemp(prefix="bench-review-remote-", dir="/tmp"))
    api = ApiSettings(tls=True, host="127.0.0.1", port=0, socket_path=folder / "api.sock")
    config = StationConfig(data_dir=folder / "station", api=api, images={"keep_pass_fraction": 1.0})
    station = build_station(config, simulate=True, rate_hz=50.0, seed=7)
    users = UserDirectory(station.store)
    users.add(None, "root", "admin", "9173", reason="installed")
    users.add(users.login("root", "9173"), "ana", "qa", PIN, reason="QA reviewer")
    server = ApiServer(station).start()
    figures: dict[str, dict] = {}
    try:
        station.start(parts=args.parts)
        station.line.wait_recorded(args.parts, timeout=120)
        deadline = time.monotonic() + 20
        while station.store.count() < args.parts and time.monotonic() < deadline:
            time.sleep(0.1)
        station.line.stop()
        queued = Review(station.store).count()
        print(f"{station.store.count()} parts recorded, {queued} to review", file=sys.stderr)

        with Store.open(station.store.path) as store:  # the line screen as it was: the database in its process
            review = Review(store)
            session = UserDirectory(store).login("ana", PIN)
            figures["in_process"] = measure(app, lambda: ReviewScreen(
                review, session=session, audits=ReviewAudits(review, 0.1), export_dir=folder / "out"),
                args.repeat, folder / "out")
        for name, connect in (("unix_socket", lambda: Client.local(server.socket_path, timeout=30)),
                              ("tls", lambda: Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint,
                                                         timeout=30))):
            with connect() as client:
                session = ApiSession.login(client, "ana", PIN)
                figures[name] = measure(app, lambda c=client, s=session: _remote_screen(c, s, folder / "out"),
                                        args.repeat, folder / "out")
    finally:
        server.stop()
        station.close()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"{'step (ms, median)':<22}" + "".join(f"{k:>14}" for k in figures))
    for step in next(iter(figures.values())):
        print(f"{step:<22}" + "".join(f"{figures[k][step]:>14}" for k in figures))
    worst = max(figures[k][s] for k in ("unix_socket", "tls") for s in ("next_item_ms", "verdict_to_next_ms"))
    print(f"worst remote next/verdict step: {worst} ms (target < {TARGET_MS} ms)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"parts": args.parts, "to_review": queued, "repeat": args.repeat,
                                   "size": [1920, 1080], "figures": figures, "target_ms": TARGET_MS,
                                   "machine": platform.platform(), "cpus": os.cpu_count(),
                                   "python": platform.python_version()}, indent=2) + "\n")
    print(f"wrote {RESULTS}")


def _remote_screen(client, session, export_dir: Path) -> ReviewScreen:
    review = RemoteReview(client)
    return ReviewScreen(review, session=session, audits=RemoteAudits(review), export_dir=export_dir)


if __name__ == "__main__":
    main()
