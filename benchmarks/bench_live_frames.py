"""Can the line screen's camera view reach 25 frames/s over the local socket, and at what cost to the line?

1. Per-frame costs at the API's frame width (960 px) on a synthetic 1280 x 960 camera frame, and on the same frame
   with sensor-like noise (a real camera's JPEG costs more than a smooth synthetic image): scaling (area averaging
   vs bilinear), JPEG encoding (quality 75, as the API), decoding (what the screen pays), and a raw copy (what a
   shared-memory path would cost instead).
2. End to end: the simulated station at ``--rate`` parts/s with a 1280 x 960 camera under ``ApiServer``, one client
   *process* on the local socket asking ``--fps`` live frames, as JPEG (decoding each) and through shared memory
   (``frames_shm``: copying each out); runs alternate with a run without the client. Frames/s received, and the
   decision p99 with and without the stream.
Writes ``benchmarks/results/live_frames.json``.

    python benchmarks/bench_live_frames.py [--fps 25] [--rate 10] [--seconds 20] [--repeats 2]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

import inspector
from inspector.api.encoding import FRAME_QUALITY
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import ApiSettings, CameraSettings, StationConfig
from inspector.report import percentiles

RESULTS = Path(__file__).parent / "results" / "live_frames.json"
WIDTH, HEIGHT = 1280, 960


def timed(fn, n: int = 100) -> dict:
    values = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        values.append((time.perf_counter() - t) * 1000)
    return percentiles(values)


def frame_costs() -> dict:
    from hardware.cameras import make_camera
    from inspector.clock import MonotonicClock

    camera = make_camera("synthetic", clock=MonotonicClock(), fps=30, size=(WIDTH, HEIGHT))
    camera.open()
    try:
        image = camera.read(2.0).image
    finally:
        camera.close()
    noisy = np.clip(image.astype(np.int16) + np.random.default_rng(1).normal(0, 6, image.shape), 0, 255)
    noisy = noisy.astype(np.uint8)
    size = (960, 720)
    out = {"frame": [WIDTH, HEIGHT], "to": list(size),
           "scale_area_ms": timed(lambda: cv2.resize(image, size, interpolation=cv2.INTER_AREA)),
           "scale_bilinear_ms": timed(lambda: cv2.resize(image, size, interpolation=cv2.INTER_LINEAR))}
    for name, source in (("synthetic", image), ("noisy", noisy)):
        small = cv2.resize(source, size, interpolation=cv2.INTER_LINEAR)
        jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, FRAME_QUALITY])[1]
        out[name] = {"jpeg_bytes": int(jpeg.size),
                     "encode_ms": timed(lambda: cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, FRAME_QUALITY])),
                     "decode_ms": timed(lambda: cv2.imdecode(jpeg, cv2.IMREAD_COLOR))}
    target = np.empty_like(image)
    out["raw_copy_full_frame_ms"] = timed(lambda: np.copyto(target, image))
    return out


def client_main(socket_path: str, fps: float, seconds: float, out: str, shm: bool) -> int:
    from inspector.api.client import Client
    from inspector.api.shared_frames import SharedFrameReader

    frames, decode_ms, sizes, skipped = 0, [], set(), 0
    reader = SharedFrameReader()
    with Client.local(socket_path) as client:
        client.subscribe(events=False, frames_fps=fps, frames_shm=shm)
        Path(out + ".ready").touch()
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            event = client.next_event(timeout=0.5)
            if event is None or event.get("event") not in ("frame", "frame_shm"):
                continue
            t = time.perf_counter()
            if shm:
                image = reader.read(event)
            else:
                image = cv2.imdecode(np.frombuffer(event["data"], np.uint8), cv2.IMREAD_COLOR)
            decode_ms.append((time.perf_counter() - t) * 1000)
            if image is None:
                skipped += 1
                continue
            sizes.add(tuple(image.shape[:2]))
            frames += 1
        elapsed = time.monotonic() - started
    reader.close()
    Path(out).write_text(json.dumps({"frames": frames, "frames_per_s": round(frames / elapsed, 2), "skipped": skipped,
                                     "decode_ms": percentiles(decode_ms), "sizes": sorted(sizes)}))
    return 0


def run_once(folder: Path, *, fps: float, rate: float, seconds: float, client: str | None) -> dict:
    config = StationConfig(data_dir=folder / "data", api=ApiSettings(socket_path=folder / "api.sock"),
                           camera=CameraSettings(width=WIDTH, height=HEIGHT))
    station = build_station(config, simulate=True, rate_hz=rate, seed=5)
    decisions: list[float] = []
    station.line.listeners.append(lambda record, *_: decisions.append(record.timings_ms["trigger_to_decision"]))
    server = ApiServer(station).start()
    process = None
    out = folder / "client.json"
    try:
        if client:
            root = str(Path(inspector.__file__).parents[1])
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
            process = subprocess.Popen([sys.executable, __file__, "--client", str(server.socket_path), str(fps),
                                        str(seconds), str(out), client], env=env)
            end = time.monotonic() + 30
            while not Path(str(out) + ".ready").exists():
                if time.monotonic() > end or process.poll() is not None:
                    raise RuntimeError("the client process did not subscribe")
                time.sleep(0.05)
        station.start(parts=int(rate * seconds))
        station.simulator.join(seconds + 30)
        station.line.wait_recorded(int(rate * seconds), timeout=10)
        result = {"client": client, "load_avg_1min": round(os.getloadavg()[0], 2), "parts": station.line.triggered,
                  "fail_safe": dict(station.stats.causes), "decision_ms": percentiles(decisions)}
        if process is not None:
            process.wait(seconds + 30)
            result.update(json.loads(out.read_text()), frames_sent=server.frames_sent)
        return {**result, "samples": decisions}
    finally:
        if process is not None and process.poll() is None:
            process.kill()
        server.stop()
        station.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fps", type=float, default=25.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--client", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args.client[0], float(args.client[1]), float(args.client[2]), args.client[3],
                           args.client[4] == "shm")
    cv2.setNumThreads(1)
    costs = frame_costs()
    print(json.dumps(costs, indent=1), flush=True)
    runs = []
    for repeat in range(args.repeats):
        for client in (None, "jpeg", "shm") if repeat % 2 == 0 else ("shm", "jpeg", None):
            with tempfile.TemporaryDirectory(prefix="live", dir="/tmp") as folder:
                run = run_once(Path(folder), fps=args.fps, rate=args.rate, seconds=args.seconds, client=client)
            runs.append(run)
            print(f"{client or 'without'} decision p50 {run['decision_ms']['p50']} p99 "
                  f"{run['decision_ms']['p99']} ms, fail-safe {run['fail_safe']}"
                  + (f", {run['frames_per_s']} frames/s received, client's decode/copy p50 {run['decode_ms']['p50']} ms"
                     if client else ""), f"load {run['load_avg_1min']}", flush=True)
    pooled = {c: percentiles([x for r in runs if r["client"] == c for x in r.pop("samples")])
              for c in (None, "jpeg", "shm")}
    summary = {"fps_asked": args.fps,
               "frames_per_s": {c: [r["frames_per_s"] for r in runs if r["client"] == c] for c in ("jpeg", "shm")},
               "decision_p99_ms": {c or "without": pooled[c]["p99"] for c in pooled},
               "p99_ratio": {c: round(pooled[c]["p99"] / pooled[None]["p99"], 3) for c in ("jpeg", "shm")}}
    print(json.dumps(summary), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"benchmark": "bench_live_frames", "rate_hz": args.rate, "seconds": args.seconds,
                                   "cpus": os.cpu_count(), "costs": costs, "summary": summary, "runs": runs},
                                  indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
