"""Calibration figures, from one run:

- cost per frame of the synthetic sensor model (``apply_imaging``) at 640 x 480: default controls (no work), exposure
  only, and exposure + blur (focus 20 steps off);
- cost per preview frame of the screen's live measures (focus score + exposure histogram over a 448 x 368 ROI);
- the travel-time wizard on the simulated line with a second sensor: median error and spread against the true travel.

Prints the figures and writes ``benchmarks/results/calibration.json``.

    python benchmarks/bench_calibration.py [--trials 9] [--travel 0.35]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
from gpiozero.pins.mock import MockFactory

from hardware.cameras import SyntheticCamera
from hardware.cameras.imaging import apply_imaging
from hardware.gpio import BreakBeam
from hardware.pusher_sensor import SimulatedPusherSensor
from hardware.simline import SimulatedLine
from hardware.synthetic import render_box
from inspector.calibration import exposure, focus_score
from inspector.camera_controls import CameraControls
from inspector.timing import TravelMeasurement

RESULTS = Path(__file__).parent / "results" / "calibration.json"


def median_ms(fn, n: int = 200) -> float:
    for _ in range(10):
        fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


def travel_run(travel_s: float, trials: int, rate_hz: float = 4.0) -> dict:
    pins = MockFactory()
    beam = BreakBeam(17, bounce_s=0, pin_factory=pins)
    sensor = SimulatedPusherSensor(beam, travel_s=travel_s, pin=5, pin_factory=pins)
    line = SimulatedLine(camera=SyntheticCamera(paced=False), beam_pin=beam.pin, items=[None] * (trials + 4),
                         rate_hz=rate_hz)
    try:
        with TravelMeasurement(beam, trials=trials, arrival=sensor) as m:
            line.start(trials + 4)
            end = time.monotonic() + trials / rate_hz + 10
            while not m.done and time.monotonic() < end:
                time.sleep(0.01)
            result = m.result()
    finally:
        line.stop()
        sensor.close()
        beam.close()
    return {"true_travel_s": travel_s, "trials": len(result.trials), "median_s": round(result.median_s, 4),
            "median_error_ms": round((result.median_s - travel_s) * 1000, 2),
            "spread_ms": round(result.spread_s * 1000, 2), "accepted": result.ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=9)
    parser.add_argument("--travel", type=float, default=0.35)
    args = parser.parse_args()
    image = render_box(np.random.default_rng(3), layout=(4, 6)).image
    default = CameraControls()
    figures = {
        "apply_imaging_ms": {
            "default_controls": median_ms(lambda: apply_imaging(image, default)),
            "exposure_only": median_ms(lambda: apply_imaging(image, default.with_(exposure=14))),
            "exposure_and_blur": median_ms(lambda: apply_imaging(image, default.with_(exposure=14, focus=108))),
        },
        "live_measures_ms": median_ms(lambda: (focus_score(image, (96, 56, 448, 368)),
                                               exposure(image, (96, 56, 448, 368)))),
        "travel_wizard": travel_run(args.travel, args.trials),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    print(json.dumps(figures, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
