"""What the board camera backends add per frame on the station's CPU, from one run on this machine (the libraries'
own work — libcamera, GStreamer, the GenTL producer — is not included: it runs only on the boards):

- GenICam payload to BGR at 1920 x 1200: Bayer RG8 demosaic, Mono8 to BGR, BGR8 copy;
- GStreamer buffer to BGR at 1278 x 720 (rows padded to 4 bytes by GStreamer, cut back and copied);
- device timestamp to station time (``DeviceTime``): CLOCK_MONOTONIC stamps, and an unknown base (sliding minimum of
  64 arrivals).

Prints the figures and writes ``benchmarks/results/board_cameras.json``.

    python benchmarks/bench_board_cameras.py
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from hardware.cameras.device_time import DeviceTime
from hardware.cameras.genicam import to_bgr
from inspector.clock import MonotonicClock

RESULTS = Path(__file__).parent / "results" / "board_cameras.json"


def median_ms(fn, n: int = 200) -> float:
    for _ in range(10):
        fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 4)


def padded_rows_to_bgr(data: bytes, width: int, height: int) -> np.ndarray:
    rows = np.frombuffer(data, np.uint8).reshape(height, -1)  # as GStreamerCamera._image does
    return rows[:, : width * 3].reshape(height, width, 3).copy()


def main() -> None:
    rng = np.random.default_rng(5)
    w, h = 1920, 1200
    mosaic = rng.integers(0, 255, w * h, dtype=np.uint8)
    bgr = rng.integers(0, 255, w * h * 3, dtype=np.uint8)
    gw, gh = 1278, 720
    stride = (gw * 3 + 3) // 4 * 4
    gst_buffer = rng.integers(0, 255, stride * gh, dtype=np.uint8).tobytes()
    clock = MonotonicClock()
    monotonic, estimated = DeviceTime(clock, base="monotonic"), DeviceTime(clock, base="estimated")
    figures = {
        "genicam_to_bgr_ms_1920x1200": {
            "BayerRG8": median_ms(lambda: to_bgr(mosaic, w, h, "BayerRG8")),
            "Mono8": median_ms(lambda: to_bgr(mosaic, w, h, "Mono8")),
            "BGR8": median_ms(lambda: to_bgr(bgr, w, h, "BGR8")),
        },
        "gstreamer_buffer_to_bgr_ms_1278x720": median_ms(lambda: padded_rows_to_bgr(gst_buffer, gw, gh)),
        "device_time_us": {
            "monotonic": round(median_ms(lambda: monotonic.station_time(time.monotonic() - 0.01), n=2000) * 1000, 2),
            "estimated_window_64": round(median_ms(lambda: estimated.station_time(time.monotonic() - 0.01),
                                                   n=2000) * 1000, 2),
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "arch": platform.machine(),
                    "note": "shared host, other jobs running; cache-warm buffers (a Pi 5 core is several times slower)"},
    }
    print(json.dumps(figures, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
