"""Does a subscribed frontend slow the line? Decision p99 with one API client ÷ without, and event latency.

The simulated station, headless, at ``--rate`` parts/s for ``--parts`` parts per run; runs alternate between the
plain station (no API at all, as ``inspector run --headless``) and the station under ``ApiServer`` with one client
*process* on the local socket subscribed to part events and live frames (``--frames-fps``), as the line's screen
would be. Decision time is each part's trigger → decision (``timings_ms.trigger_to_decision``, every part). Event
latency: the runtime's hand-over (the record listener) → the client process reading the event, and trigger → client.
Each run notes the machine's load average: a ratio measured while other work shares the cores says little.
Writes ``benchmarks/results/api.json``.

    python benchmarks/bench_api.py [--parts 300] [--rate 10] [--repeats 2] [--frames-fps 5]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import inspector
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import ApiSettings, StationConfig
from inspector.report import percentiles

RESULTS = Path(__file__).parent / "results" / "api.json"


def client_main(socket_path: str, frames_fps: float, out: str) -> int:
    """The frontend process: every part event's latencies, and how many frames came."""
    from inspector.api.client import Client

    emit_ms, trigger_ms, frames, resyncs = [], [], 0, 0
    started = time.monotonic()
    with Client.local(socket_path) as client:
        client.subscribe(frames_fps=frames_fps)
        Path(out + ".ready").touch()
        wanted, deadline = None, None  # the run's last part id, once the bench asks the client to stop
        while wanted is None or ((client.last_part_id or 0) < wanted and time.monotonic() < deadline):
            event = client.next_event(timeout=0.2)
            if wanted is None and Path(out + ".stop").exists():
                wanted, deadline = int(Path(out + ".stop").read_text()), time.monotonic() + 10
            if event is None:
                continue
            now = time.monotonic()
            if event.get("event") == "part" and not event.get("from_records"):
                emit_ms.append((now - event["t_emit"]) * 1000)
                trigger_ms.append((now - event["part"]["t_trigger"]) * 1000)
            elif event.get("event") == "frame":
                frames += 1
            elif event.get("event") == "resync":
                resyncs += 1
    Path(out).write_text(json.dumps({"emit_ms": emit_ms, "trigger_ms": trigger_ms, "frames": frames,
                                     "frames_per_s": frames / (time.monotonic() - started), "resyncs": resyncs}))
    return 0


def run_once(folder: Path, *, parts: int, rate: float, seed: int, client: bool, frames_fps: float) -> dict:
    api = ApiSettings(socket_path=folder / "api.sock", frames_fps=max(frames_fps, 0.0))
    station = build_station(StationConfig(data_dir=folder / "data", api=api), simulate=True, rate_hz=rate, seed=seed)
    decisions: list[float] = []
    station.line.listeners.append(lambda record, *_: decisions.append(record.timings_ms["trigger_to_decision"]))
    server = process = None
    out = folder / "client.json"
    try:
        if client:
            server = ApiServer(station).start()
            root = str(Path(inspector.__file__).parents[1])  # the client runs the same source as the station
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
            process = subprocess.Popen([sys.executable, __file__, "--client", str(server.socket_path),
                                        str(frames_fps), str(out)], env=env)
            end = time.monotonic() + 30
            while not Path(str(out) + ".ready").exists():
                if time.monotonic() > end or process.poll() is not None:
                    raise RuntimeError("the client process did not subscribe")
                time.sleep(0.05)
        station.start(parts=parts)
        station.simulator.join(parts / rate + 30)
        station.line.wait_recorded(parts, timeout=10)
        result = {"client": client, "load_avg_1min": round(os.getloadavg()[0], 2), "parts": station.line.triggered,
                  "recorded": station.stats.recorded,
                  "fail_safe": dict(station.stats.causes), "decision_ms": percentiles(decisions)}
        if process is not None:
            Path(str(out) + ".stop").write_text(str(server.last_part_id))
            process.wait(30)
            seen = json.loads(out.read_text())
            result.update(events=len(seen["emit_ms"]), resyncs=seen["resyncs"],
                          event_latency_ms=percentiles(seen["emit_ms"]),
                          trigger_to_client_ms=percentiles(seen["trigger_ms"]),
                          frames_per_s=round(seen["frames_per_s"], 2), event_samples=seen["emit_ms"])
        return {**result, "samples": decisions}
    finally:
        if process is not None and process.poll() is None:
            process.kill()
        if server is not None:
            server.stop()
        station.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--frames-fps", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--client", nargs=3, metavar=("SOCKET", "FPS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args.client[0], float(args.client[1]), args.client[2])
    runs = []
    for repeat in range(args.repeats):
        for client in (False, True) if repeat % 2 == 0 else (True, False):  # ABBA: drifts in load cancel out
            with tempfile.TemporaryDirectory(prefix="api", dir="/tmp") as folder:
                run = run_once(Path(folder), parts=args.parts, rate=args.rate, seed=args.seed, client=client,
                               frames_fps=args.frames_fps)
            runs.append(run)
            print(f"{'client ' if client else 'without'}  decision p50 {run['decision_ms']['p50']:.2f} ms  "
                  f"p99 {run['decision_ms']['p99']:.2f} ms  fail-safe {run['fail_safe']}"
                  + (f"  event p50/p99 {run['event_latency_ms']['p50']}/{run['event_latency_ms']['p99']} ms, "
                     f"{run['events']} events, {run['frames_per_s']} frames/s, resyncs {run['resyncs']}"
                     if client else ""), flush=True)
    pooled = {c: [x for r in runs if r["client"] == c for x in r.pop("samples")] for c in (False, True)}
    without, withc = percentiles(pooled[False]), percentiles(pooled[True])
    summary = {
        "decision_p99_ms": {"without_client": without["p99"], "with_client": withc["p99"]},
        "decision_p50_ms": {"without_client": without["p50"], "with_client": withc["p50"]},
        "p99_ratio": round(withc["p99"] / without["p99"], 3),
        "p99_ratio_target": 1.05,
        "event_latency_ms": percentiles([x for r in runs if r["client"] for x in r.pop("event_samples")]),
        "decision_p99_ms_per_run": [[r["client"], r["decision_ms"]["p99"]] for r in runs],
    }
    result = {
        "benchmark": "bench_api",
        "settings": {"parts": args.parts, "rate": args.rate, "repeats": args.repeats, "frames_fps": args.frames_fps,
                     "seed": args.seed, "client": "one process on the local socket: part events + live frames"},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_avg_1min_at_end": round(os.getloadavg()[0], 2)},
        "summary": summary,
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
