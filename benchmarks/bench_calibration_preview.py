"""What a calibration preview costs: the round trip of ``calibration_preview`` over the local socket on the simulated
station (640 x 480 frames, JPEG back), with the line stopped (the trial on the camera: each new value waits for two
fresh frames) and running (the trial drawn on the last frame, the camera untouched), and the runtime's CPU time per
preview. Notes the load average: figures taken while other work shares the cores say little.
Writes ``benchmarks/results/calibration_preview.json``.

    python benchmarks/bench_calibration_preview.py [--n 60]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from inspector.api.client import Client
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import ApiSettings, StationConfig

RESULTS = Path(__file__).parent / "results" / "calibration_preview.json"


def timed(client: Client, n: int, controls) -> dict:
    walls, cpus = [], []
    for i in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        client.call("calibration_preview", controls=controls(i))
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)  # client and runtime share this process
    walls.sort()
    return {"median_ms": round(statistics.median(walls), 1), "p90_ms": round(walls[int(0.9 * (n - 1))], 1),
            "cpu_ms_per_preview": round(statistics.median(cpus), 1), "n": n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60)
    args = parser.parse_args()
    sockets = Path(tempfile.mkdtemp(prefix="calb", dir="/tmp"))
    with tempfile.TemporaryDirectory() as data:
        config = StationConfig(data_dir=Path(data), api=ApiSettings(socket_path=sockets / "api.sock"))
        station = build_station(config, simulate=True)
        server = ApiServer(station).start()
        client = Client.local(str(server.socket_path))
        try:
            fps = station.line.frames.camera.fps
            figures = {
                "stopped_same_trial": timed(client, args.n, lambda i: {"exposure": 12}),
                "stopped_new_value_each_time": timed(client, args.n, lambda i: {"exposure": 12 + (i % 2)}),
            }
            station.line.start()
            figures["running_emulated"] = timed(client, args.n, lambda i: {"exposure": 12 + (i % 2)})
            station.line.stop()
            client.call("calibration_end")
        finally:
            client.close()
            server.stop()
            station.close()
            shutil.rmtree(sockets, ignore_errors=True)
    figures.update(camera_fps=fps, frame="640x480", load_average=os.getloadavg(), cores=os.cpu_count(),
                   machine=platform.machine(), python=platform.python_version())
    print(json.dumps(figures, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
