"""The window as a client process of ``inspector serve``: what it costs the line, how fast it draws, how soon it shows.

    PYTHONPATH=. python benchmarks/bench_window.py [--rounds 5] [--parts 500] [--paired-blocks 18] [--fps-seconds 8]
                                                   [--no-client]

1. Decision latency (trigger -> decision, from the records) at 10 parts/s: ``inspector serve --simulate`` alone
   (headless), with a client process that takes everything the window takes (events, part pictures, live frames
   through shared memory) and draws nothing (what serving a screen costs the runtime), and with ``inspector window``
   attached as another process; interleaved in rounds (the order turns each round). Per run: p99 and the ratio to
   the round's headless run; over all runs of a mode: the p99 of all its parts pooled (the steadier figure: a run's
   p99 of 500 parts is its 5th-slowest part), with the ratio of the pooled p99s, and the queue (trigger to inspection)
   and inference parts of the tail.
   Paired, in one runtime: the window started and killed in turn (15 s attached, 12 s headless, 18 times), each
   mode's parts pooled, the ratio of the p99s with a 95 % interval from resampling the blocks. Separate runs differ
   by more than the 5 % asked for (each run's luck: the cores its threads landed on, the host's load meanwhile);
   alternating within one run puts that luck on both modes alike.
2. Display fps of the live camera view at 1920x1080 and 800x480 (offscreen): camera frames drawn per second by a
   window connected over the unix socket, at the runtime's default local live-frame rate (api.local_frames_fps, 30)
   and at 25 (a setting for a small board).
3. The window's first picture: seconds from launching ``inspector window`` to the first camera frame drawn.

Writes benchmarks/results/window.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
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


def timings(folder: Path, run_id: str) -> list[dict]:
    """Each decided part's timings (ms): trigger_to_decision, queue, inference, ..."""
    with sqlite3.connect(folder / "data" / "inspector.db") as db:
        rows = db.execute("SELECT timings_ms FROM parts WHERE run_id = ?", (run_id,)).fetchall()
    out = [json.loads(t) for (t,) in rows]
    return [t for t in out if t.get("trigger_to_decision") is not None]


def null_client(socket: str) -> None:
    """What the window takes from the runtime, drawn nowhere: events, part pictures, live frames via shared memory
    (each frame copied out, as the window does); at the window's priority."""
    from inspector.api.client import Client
    from inspector.api.shared_frames import SharedFrameReader
    from inspector.cli_window import yield_to_the_line

    yield_to_the_line()
    client, reader = Client.local(socket), SharedFrameReader()
    client.subscribe(events=True, frames_fps=30, part_images=True, frames_shm=True)
    while True:
        event = client.next_event(timeout=1.0)
        if event is not None and event.get("event") == "frame_shm":
            reader.read(event)


def trial(folder: Path, parts: int, mode: str) -> dict:
    """One run of ``parts`` parts: ``headless``, or with a ``client`` or a ``window`` process attached from the start."""
    process, ready = serve(folder, parts)
    other, dump, launched = None, folder / f"state-{ready['run_id']}.json", None
    if mode == "window":
        launched = time.time()
        other = inspector("window", "--socket", ready["socket"], "--dump-state", str(dump),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elif mode == "client":
        other = subprocess.Popen([sys.executable, __file__, "--client", ready["socket"]],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.wait(parts / RATE + 120)
    state = None
    if other is not None:
        if mode == "window":
            try:
                state = json.loads(dump.read_text())
            except (OSError, ValueError):
                state = None
        other.terminate()
        other.wait(10)
    parts_timings = timings(folder, ready["run_id"])
    values = [t["trigger_to_decision"] for t in parts_timings]
    with sqlite3.connect(folder / "data" / "inspector.db") as db:
        fail_safe = db.execute("SELECT count(*) FROM parts WHERE run_id = ? AND outcome = 'fail_safe'",
                               (ready["run_id"],)).fetchone()[0]
    first = (state["first_picture_at"] - launched) if state and state.get("first_picture_at") else None
    return {"mode": mode, "parts": len(values), "p99_ms": round(p99(values), 2),
            "p50_ms": round(statistics.median(values), 2), "fail_safe": fail_safe,
            "window_inspected": state["counters"]["inspected"] if state else None,
            "first_picture_s": round(first, 2) if first is not None else None, "timings": parts_timings}


def paired(folder: Path, blocks: int, *, on_s: float = 15.0, off_s: float = 12.0, settle_on_s: float = 4.0,
           settle_off_s: float = 1.5, seed: int = 1) -> dict:
    """One runtime at 10 parts/s; ``inspector window`` started and killed (-9) in turn: ``on_s`` seconds attached,
    ``off_s`` seconds headless, ``blocks`` times. Parts triggered in the first ``settle_on_s`` of a window block (its
    start-up, which a station pays once) and the first ``settle_off_s`` after a kill are left out. Both modes share
    one runtime process and alternate every few seconds, so what differs between separate runs (where the kernel put
    the runtime's threads, the host's load at the time) falls on both alike. The ratio's 95 % interval comes from
    resampling whole blocks."""
    process, ready = serve(folder, None)
    spans: list[tuple[str, int, float, float]] = []  # mode, block, counted from, until (wall clock)
    try:
        for block in range(blocks):
            started = time.time()
            window = inspector("window", "--socket", ready["socket"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            time.sleep(on_s)
            window.kill()
            window.wait(10)
            killed = time.time()
            spans.append(("window", block, started + settle_on_s, killed))
            time.sleep(off_s)
            spans.append(("headless", block, killed + settle_off_s, time.time()))
            print(f"paired block {block + 1}/{blocks}", flush=True)
    finally:
        process.terminate()
        process.wait(30)
    with sqlite3.connect(folder / "data" / "inspector.db") as db:
        rows = db.execute("SELECT wall_time, timings_ms, outcome FROM parts WHERE run_id = ?",
                          (ready["run_id"],)).fetchall()
    by_block: dict[tuple[str, int], list[float]] = {}
    fail_safe = {"window": 0, "headless": 0}
    for wall, timing, outcome in rows:
        at = datetime.fromisoformat(wall).timestamp()
        value = json.loads(timing).get("trigger_to_decision")
        for mode, block, start, end in spans:
            if start <= at < end and value is not None:
                by_block.setdefault((mode, block), []).append(value)
                fail_safe[mode] += outcome == "fail_safe"

    def ratio(chosen: list[int]) -> float:
        pooled_p99 = {m: p99([v for b in chosen for v in by_block.get((m, b), [])]) for m in ("window", "headless")}
        return pooled_p99["window"] / pooled_p99["headless"]

    every = list(range(blocks))
    rng = random.Random(seed)
    resampled = sorted(ratio([rng.choice(every) for _ in every]) for _ in range(2000))
    out = {"blocks": blocks, "on_s": on_s, "off_s": off_s, "settle_on_s": settle_on_s, "settle_off_s": settle_off_s,
           "fail_safe": fail_safe, "ratio_p99": round(ratio(every), 3),
           "ratio_p99_95pct": [round(resampled[50], 3), round(resampled[1949], 3)]}
    for mode in ("headless", "window"):
        values = [v for b in every for v in by_block.get((mode, b), [])]
        out[mode] = {"parts": len(values), "p50_ms": round(statistics.median(values), 2),
                     "p99_ms": round(p99(values), 2)}
    return out


def pooled(runs: list[dict]) -> dict:
    """p50/p99 of all parts of these runs together, and the queue and inference parts at that p99's tail."""
    everything = [t for run in runs for t in run["timings"]]
    ordered = sorted(everything, key=lambda t: t["trigger_to_decision"])
    tail = ordered[int(0.99 * len(ordered)):]
    out = {"parts": len(everything), "p50_ms": round(statistics.median(t["trigger_to_decision"] for t in ordered), 2),
           "p99_ms": round(p99([t["trigger_to_decision"] for t in ordered]), 2)}
    for key in ("queue", "inference"):
        values = [t.get(key, 0.0) for t in everything]
        out[f"{key}_p99_ms"] = round(p99(values), 2)
        out[f"{key}_in_tail_ms"] = round(statistics.mean(t.get(key, 0.0) for t in tail), 2)
    return out


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
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--parts", type=int, default=500)
    parser.add_argument("--fps-seconds", type=float, default=8.0)
    parser.add_argument("--no-client", action="store_true", help="leave out the non-drawing client's runs")
    parser.add_argument("--paired-blocks", type=int, default=18,
                        help="window attached / headless blocks in one runtime (0: none)")
    parser.add_argument("--client", metavar="SOCKET", help=argparse.SUPPRESS)  # the non-drawing client itself
    args = parser.parse_args()
    if args.client:
        null_client(args.client)
        return 0
    modes = ["headless", "window"] if args.no_client else ["headless", "client", "window"]
    root = Path(tempfile.mkdtemp(prefix="bw", dir="/tmp"))  # the unix socket's path must stay short
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    try:
        for i in range(args.rounds):
            order = modes if i % 2 == 0 else modes[::-1]  # neither always goes first
            for mode in order:
                runs[mode].append(trial(root / f"r{i}{mode[0]}", args.parts, mode))
            base = runs["headless"][-1]["p99_ms"]
            print(f"round {i + 1}: p99 " + ", ".join(f"{m} {runs[m][-1]['p99_ms']} ms ({runs[m][-1]['p99_ms'] / base:.3f})"
                                                     for m in modes)
                  + f"; first picture {runs['window'][-1]['first_picture_s']} s", flush=True)
        paired_result = paired(root / "paired", args.paired_blocks) if args.paired_blocks else None
        if paired_result:
            print(f"paired: {json.dumps(paired_result)}", flush=True)
        sizes = [(1920, 1080), (800, 480)]
        fps_default = display_fps(root / "fps-default", sizes, args.fps_seconds, None)
        fps_25 = display_fps(root / "fps-25", sizes, args.fps_seconds, 25.0)
        print(f"display fps, api.local_frames_fps default: {fps_default}", flush=True)
        print(f"display fps, api.local_frames_fps 25: {fps_25}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    summary = {m: pooled(runs[m]) for m in modes if runs[m]}
    ratios = {m: [round(w["p99_ms"] / h["p99_ms"], 3) for w, h in zip(runs[m], runs["headless"])] for m in modes[1:]}
    firsts = [r["first_picture_s"] for r in runs["window"] if r["first_picture_s"] is not None]
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "rate_pps": RATE, "parts_per_run": args.parts, "rounds": args.rounds,
        "pooled": summary,
        "ratio_pooled_p99": {m: round(summary[m]["p99_ms"] / summary["headless"]["p99_ms"], 3) for m in modes[1:]
                             if m in summary},
        "paired": paired_result,
        "ratio_p99_per_round": ratios,
        "median_ratio_p99": {m: _median(r) for m, r in ratios.items()},
        "runs": {m: [{k: v for k, v in r.items() if k != "timings"} for r in runs[m]] for m in modes},
        "fail_safe": {m: sum(r["fail_safe"] for r in runs[m]) for m in modes},
        "display_fps": {"local_frames_fps_default": fps_default, "local_frames_fps_25": fps_25},
        "first_picture_s": {"median": _median(firsts), "max": max(firsts, default=None), "runs": firsts},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("pooled", "ratio_pooled_p99", "median_ratio_p99", "fail_safe", "paired",
                                             "first_picture_s")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
