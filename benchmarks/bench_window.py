"""The window as a client process of ``inspector serve``: what it costs the line, how fast it draws, how soon it shows.

    PYTHONPATH=. python benchmarks/bench_window.py [--pairs 5] [--parts 300] [--fps-seconds 8]

1. Decision latency (trigger -> decision, from the records) at 10 parts/s: ``inspector serve --simulate`` alone
   (headless) and with ``inspector window`` attached as another process, interleaved in pairs; p99 per run, the
   ratio window / headless per pair, and the median of the ratios.
2. Display fps of the live camera view at 1920x1080 and 800x480 (offscreen): camera frames drawn per second by a
   window connected over the unix socket, at the runtime's default local live-frame rate (api.local_frames_fps, 30)
   and at 15 (a setting for a small board).
3. The window's first picture: seconds from launching ``inspector window`` to the first camera frame drawn.

Writes benchmarks/results/window.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RESULTS = Path("benchmarks/results/window.json")
RATE = 10.0


def inspector(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "inspector", *args], text=True, **kw)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def serve(folder: Path, parts: int | None, *extra: str) -> tuple[subprocess.Popen, dict]:
    args = ["serve", "--simulate", "--rate", str(RATE), "--data-dir", str(folder / "data"), *extra]
    if parts:
        args += ["--parts", str(parts)]
    process = inspector(*args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return process, json.loads(process.stdout.readline())


def latencies(folder: Path, run_id: str) -> list[float]:
    with sqlite3.connect(folder / "data" / "inspector.db") as db:
        rows = db.execute("SELECT timings_ms, outcome FROM parts WHERE run_id = ?", (run_id,)).fetchall()
    out = [json.loads(t).get("trigger_to_decision") for t, _ in rows]
    return [v for v in out if v is not None]


def trial(folder: Path, parts: int, with_window: bool) -> dict:
    """One run of ``parts`` parts; with a window process attached from the start when asked."""
    process, ready = serve(folder, parts)
    window, dump, launched = None, folder / f"state-{ready['run_id']}.json", None
    if with_window:
        launched = time.time()
        window = inspector("window", "--socket", ready["socket"], "--dump-state", str(dump),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.wait(parts / RATE + 120)
    state = None
    if window is not None:
        try:
            state = json.loads(dump.read_text())
        except (OSError, ValueError):
            state = None
        window.terminate()
        window.wait(10)
    values = latencies(folder, ready["run_id"])
    with sqlite3.connect(folder / "data" / "inspector.db") as db:
        fail_safe = db.execute("SELECT count(*) FROM parts WHERE run_id = ? AND outcome = 'fail_safe'",
                               (ready["run_id"],)).fetchone()[0]
    first = (state["first_picture_at"] - launched) if state and state.get("first_picture_at") else None
    return {"window": with_window, "parts": len(values), "p99_ms": round(p99(values), 2),
            "p50_ms": round(statistics.median(values), 2), "fail_safe": fail_safe,
            "window_inspected": state["counters"]["inspected"] if state else None,
            "first_picture_s": round(first, 2) if first is not None else None}


def display_fps(folder: Path, sizes: list[tuple[int, int]], seconds: float, local_fps: float | None) -> dict:
    """A runtime at 10 parts/s and a window in this process, at each size in turn: camera frames drawn per second."""
    from PySide6.QtWidgets import QApplication

    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.gui_gc import application
    from ui.link import StationLink
    from ui.model import StationModel

    extra: list[str] = []
    if local_fps is not None:
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "station.toml"
        config.write_text(f'data_dir = "{(folder / "data").as_posix()}"\n[api]\nlocal_frames_fps = {local_fps}\n')
        extra = ["--config", str(config)]
    process, ready = serve(folder, None, *extra)
    app = application()
    out = {}
    try:
        for width, height in sizes:
            model = StationModel()
            link = StationLink.local(model, ready["socket"]).start()
            link.wait_connected(10)
            window = StationWindow(model, StationController(model, link))
            window.resize(width, height)
            window.show()
            end = time.monotonic() + 2.0
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.002)
            drawn, received, started = window.preview.frames_drawn, link.frames_received, time.monotonic()
            end = started + seconds
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.002)
            elapsed = time.monotonic() - started
            out[f"{width}x{height}"] = {
                "drawn_fps": round((window.preview.frames_drawn - drawn) / elapsed, 1),
                "received_fps": round((link.frames_received - received) / elapsed, 1),
                "skipped": window.preview.skipped_frames}
            window.close()
            QApplication.processEvents()
    finally:
        process.terminate()
        process.wait(30)
    return out


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--parts", type=int, default=300)
    parser.add_argument("--fps-seconds", type=float, default=8.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bw", dir="/tmp"))  # the unix socket's path must stay short
    try:
        pairs = []
        for i in range(args.pairs):
            order = (False, True) if i % 2 == 0 else (True, False)  # interleaved: neither always goes first
            runs = {w: trial(root / f"p{i}{int(w)}", args.parts, w) for w in order}
            pairs.append({"headless": runs[False], "window": runs[True],
                          "ratio_p99": round(runs[True]["p99_ms"] / runs[False]["p99_ms"], 3)})
            print(f"pair {i + 1}: p99 headless {runs[False]['p99_ms']} ms, with window {runs[True]['p99_ms']} ms "
                  f"(ratio {pairs[-1]['ratio_p99']}), first picture {runs[True]['first_picture_s']} s", flush=True)
        sizes = [(1920, 1080), (800, 480)]
        fps_default = display_fps(root / "fps-default", sizes, args.fps_seconds, None)
        fps_15 = display_fps(root / "fps-15", sizes, args.fps_seconds, 15.0)
        print(f"display fps, api.local_frames_fps default: {fps_default}", flush=True)
        print(f"display fps, api.local_frames_fps 15: {fps_15}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    firsts = [p["window"]["first_picture_s"] for p in pairs if p["window"]["first_picture_s"] is not None]
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "rate_pps": RATE, "parts_per_run": args.parts,
        "pairs": pairs,
        "median_ratio_p99": _median([p["ratio_p99"] for p in pairs]),
        "median_p99_ms": {"headless": _median([p["headless"]["p99_ms"] for p in pairs]),
                          "window": _median([p["window"]["p99_ms"] for p in pairs])},
        "fail_safe": {"headless": sum(p["headless"]["fail_safe"] for p in pairs),
                      "window": sum(p["window"]["fail_safe"] for p in pairs)},
        "display_fps": {"local_frames_fps_default": fps_default, "local_frames_fps_15": fps_15},
        "first_picture_s": {"median": _median(firsts), "max": max(firsts, default=None),
                            "runs": firsts},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("median_ratio_p99", "median_p99_ms", "fail_safe", "first_picture_s")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
