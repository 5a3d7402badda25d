"""``inspector window``: the station window as a client of a running ``inspector serve`` (API v1).

    inspector window [--socket PATH | --connect HOST:PORT --fingerprint SHA256] [--kiosk] [--size WxH] [--language de]
    inspector window --config /etc/inspector/station.toml --kiosk     the line's touchscreen (inspector-kiosk)

Without ``--socket`` or ``--connect`` it uses the station's local socket (``api.socket_path``, default
``data_dir/api.sock``). Closing or killing the window leaves the runtime running; a new window reconnects and shows
the same counters and last results. ``inspector`` / ``inspector run`` (window mode) start ``inspector serve`` as a
child process with the same station arguments and run this window over its socket (:func:`run_with_runtime`).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from inspector.cli_admin import station_config, station_options
from inspector.config import ConfigError

SERVE_START_S = 120.0  # models, camera, pins and database; a Pi loading two ONNX models takes tens of seconds
SERVE_STOP_S = 30.0  # SIGTERM -> every part in transit decided and recorded
WINDOW_NICE = 5  # where SCHED_IDLE is not offered: the window yields the CPU to the runtime by a share
WINDOW_LANGUAGES = ("en", "de")  # ui.i18n.LANGUAGES (named here: the runtime's side never imports Qt)


def language_option(parser) -> None:
    parser.add_argument("--language", choices=WINDOW_LANGUAGES,
                        help="the window's language (default: the one last chosen in its MENU, else the system's)")


def add_command(sub) -> None:
    window = sub.add_parser("window", help="the station window, a client of the running inspector serve")
    station_options(window)
    where = window.add_mutually_exclusive_group()
    where.add_argument("--socket", type=Path, help="the runtime's unix socket (default: the station's api.socket_path)")
    where.add_argument("--connect", metavar="HOST:PORT", help="a station over the network (TLS, needs --fingerprint)")
    window.add_argument("--fingerprint", help="the station certificate's sha256 (inspector serve --fingerprint)")
    window.add_argument("--kiosk", action="store_true", help="full screen without a cursor (line touchscreen)")
    window.add_argument("--size", default="1280x800", help="window size WxH when not --kiosk (default 1280x800)")
    language_option(window)
    window.add_argument("--dump-state", type=Path, help="debug: write what the window shows (JSON) here twice a second")
    window.add_argument("-v", "--verbose", action="store_true")


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)[xX](\d+)", text.strip())
    if not match or not (320 <= int(match[1]) <= 16384 and 240 <= int(match[2]) <= 16384):
        raise ConfigError(f"--size = {text!r}: must be WIDTHxHEIGHT, e.g. 800x480 (320x240 .. 16384x16384)")
    return int(match[1]), int(match[2])


def _link(args: argparse.Namespace):
    from ui.link import StationLink
    from ui.model import StationModel

    if args.connect:
        host, _, port = args.connect.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"--connect = {args.connect!r}: must be HOST:PORT")
        if not args.fingerprint:
            raise ConfigError("--connect needs --fingerprint (the station's: inspector serve --fingerprint)")
        return StationLink.tls(StationModel(), host, int(port), args.fingerprint)
    if args.fingerprint:
        raise ConfigError("--fingerprint goes with --connect HOST:PORT (the local socket needs none)")
    socket = args.socket
    if socket is None:
        config = station_config(args)
        socket = Path(config.api.socket_path or Path(config.data_dir) / "api.sock")
    return StationLink.local(StationModel(), socket)


def yield_to_the_line() -> None:
    """Run this process only on CPU time the runtime leaves (Linux SCHED_IDLE; elsewhere nice +5): on a small board
    the window and the runtime share cores, and where both want one the line's inspection must win at once, not by a
    share. Measured on 2 cores at 10 parts/s (benchmarks/bench_window.py): decision p99 with the window / headless
    1.12 under SCHED_IDLE against 1.23 at nice +5, the live view still drawn at >= 25 fps. Threads and children
    started after this inherit it."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        try:
            os.nice(WINDOW_NICE)
        except OSError:
            pass


def cmd_window(args: argparse.Namespace) -> int:
    from inspector.cli import _no_window_reason

    size = parse_size(args.size)
    why = _no_window_reason()
    if why:
        raise ConfigError(f"the window needs a screen: {why}")
    from ui.app import run_window

    link = _link(args)
    yield_to_the_line()
    return 0 if run_window(link, kiosk=args.kiosk, size=size, dump_state=args.dump_state,
                               language=args.language) else 1


def serve_arguments(args: argparse.Namespace) -> list[str]:
    """``inspector serve`` with the station arguments ``inspector run`` was given."""
    argv = ["serve", "--rate", str(args.rate), "--seed", str(args.seed)]
    for flag, value in (("--config", args.config), ("--data-dir", args.data_dir), ("--recipe", args.recipe),
                        ("--parts", args.parts), ("--lot", args.lot)):
        if value is not None:
            argv += [flag, str(value)]
    if args.simulate:
        argv.append("--simulate")
    if args.verbose:
        argv.append("-v")
    return argv


class Runtime:
    """``inspector serve`` as a child process: its first stdout line says where it listens; its stderr is passed on
    and its last JSON line (the run's summary) kept."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "inspector", *argv], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        self.ready: dict | None = None
        self.summary: dict | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._read_stdout, name="serve-stdout", daemon=True).start()
        self._stderr = threading.Thread(target=self._read_stderr, name="serve-stderr", daemon=True)
        self._stderr.start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            if self.ready is None:
                try:
                    self.ready = json.loads(line)
                except ValueError:
                    continue
                self._ready.set()
        self._ready.set()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            sys.stderr.write(line)
            if line.startswith("{"):
                try:
                    self.summary = json.loads(line)
                except ValueError:
                    pass

    def wait_ready(self, timeout: float) -> dict:
        if not self._ready.wait(timeout) or self.ready is None:
            self.stop()
            code = self.process.returncode
            raise RuntimeError(f"inspector serve did not start (exit code {code})" if code is not None else
                               f"inspector serve did not start within {timeout:.0f} s")
        return self.ready

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = SERVE_STOP_S) -> int:
        """SIGTERM (every part recorded), then wait; SIGKILL only when it does not end in ``timeout``. A runtime that
        has already said its run ended (``--parts``) is let finish on its own."""
        if self.summary is not None:
            try:
                self.process.wait(5.0)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.join(5.0)
        return self.process.returncode


def run_with_runtime(args: argparse.Namespace, config) -> int:
    """``inspector`` / ``inspector run`` with a window: the runtime as a child, the window as its client."""
    from ui.app import run_window
    from ui.link import StationLink
    from ui.model import StationModel

    started = time.monotonic()
    runtime = Runtime(serve_arguments(args))
    try:
        ready = runtime.wait_ready(SERVE_START_S)
    except RuntimeError as e:
        print(f"inspector: {e}", file=sys.stderr)
        return 2 if runtime.process.returncode == 2 else 1
    link = StationLink.local(StationModel(), ready["socket"])
    yield_to_the_line()  # after the runtime child started: it keeps its own priority
    try:
        window_ok = run_window(link, kiosk=args.kiosk, until=lambda: not runtime.running(),
                               language=getattr(args, "language", None))
    finally:
        code = runtime.stop()
    summary = runtime.summary or {}
    report = {"run_id": ready.get("run_id"), "recipe": ready.get("recipe"), **summary,
              "records_in_database": _records(Path(config.data_dir) / "inspector.db", ready.get("run_id")),
              "window_closed_cleanly": window_ok, "wall_s": round(time.monotonic() - started, 2)}
    text = json.dumps(report, indent=2)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n")
    print(text)
    if summary:
        return 0 if summary.get("clean_shutdown") else 1
    return code if code and code > 0 else 1 if code else 0


def _records(db: Path, run_id: str | None) -> int | None:
    if not db.is_file() or run_id is None:
        return None
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT count(*) FROM parts WHERE run_id = ?", (run_id,)).fetchone()[0]


COMMANDS = {"window": cmd_window}
