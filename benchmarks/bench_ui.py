"""The operator window under load: a 10 parts/s simulated run with the window open (offscreen), against the same
parts run headless.

Measured in the window run:
- display fps: live camera frames the view painted per second (mean over the run, and the worst whole second);
- the longest stall of the Qt event loop: a 5 ms timer measures how late each of its ticks comes;
- trigger→decision p50/p99 of the line, compared with a headless run of the same parts (same seed, same camera).

Frames are rendered ahead (a pool, cycled), so the simulator's rendering does not compete with the window; the camera
is the station's own paced synthetic camera (40 fps at 10 parts/s), so there is a live stream to draw. Runs alternate
headless / window so drifts of the machine hit both alike. Prints the figures and writes ``benchmarks/results/ui.json``.

On a shared machine other processes skew both sides: each run waits for a quiet moment (``--quiet``) and the JSON
records how many cores other processes used during it.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_ui.py [--parts 600] [--rate 10] [--rounds 2] [--recipe NAME]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from hardware.synthetic import ItemStream  # noqa: E402
from inspector.assemble import build_station  # noqa: E402
from inspector.config import StationConfig, load_recipe  # noqa: E402
from inspector.report import percentiles  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "ui.json"
WARM_UP_S = 3.0  # window start-up (first layout, first paints) is not part of the steady state measured


def busy_ticks() -> tuple[float, float]:
    """(seconds of CPU the whole machine used, seconds this process used) so far."""
    fields = [float(v) for v in open("/proc/stat").readline().split()[1:]]
    machine = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
    own = os.times()
    return machine, own.user + own.system


class ForeignLoad:
    """CPU other processes used meanwhile, in cores: the benchmark shares its machine (CI, other builds)."""

    def __enter__(self):
        self.start, self.t0 = busy_ticks(), time.monotonic()
        return self

    def __exit__(self, *exc):
        end = busy_ticks()
        self.cores = max(0.0, (end[0] - self.start[0]) - (end[1] - self.start[1])) / (time.monotonic() - self.t0)


def wait_for_quiet(limit_cores: float, max_wait_s: float) -> float:
    """Wait until other processes use less than ``limit_cores`` over 3 s (at most ``max_wait_s``); their load then."""
    end = time.monotonic() + max_wait_s
    while True:
        with ForeignLoad() as load:
            time.sleep(3)
        if load.cores < limit_cores or time.monotonic() > end:
            return load.cores


def cycle(items):
    while True:
        yield from items


ORT_SPINNING = "off"
INFERENCE_THREADS = 0  # the station's setting (0: ORT's default, one per core); --inference-threads changes it


def open_station(recipe, pool, rate: float, data_dir: Path):
    config = StationConfig(recipe=recipe.name, data_dir=data_dir, inference_threads=INFERENCE_THREADS,
                           inference_spin=ORT_SPINNING == "on")
    return build_station(config, recipe=recipe, simulate=True, rate_hz=rate, items=cycle(pool))


def collect(station, parts: int):
    records, done = [], threading.Event()

    def keep(record, frame=None, results=None):
        records.append(record)
        if len(records) >= parts:
            done.set()

    station.line.listeners.append(keep)
    return records, done


def headless_run(recipe, pool, rate: float, parts: int, data_dir: Path) -> dict:
    station = open_station(recipe, pool, rate, data_dir)
    records, done = collect(station, parts)
    try:
        station.start(parts=parts)
        done.wait(30 + parts / rate)
    finally:
        ok = station.close()
    return {"records": records, "clean_shutdown": ok}


def window_run(recipe, pool, rate: float, parts: int, data_dir: Path, size: tuple[int, int]) -> dict:
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from ui.app import StationWindow, steady_state
    from ui.controller import StationController
    from ui.gui_gc import application
    from ui.model import StationModel

    app = application()
    headless_slice = sys.getswitchinterval()
    station = open_station(recipe, pool, rate, data_dir)
    records, done = collect(station, parts)
    model = StationModel()
    controller = StationController(model, station, parts=parts)
    window = StationWindow(model, controller, recipes=[recipe.name])
    window.resize(*size)
    window.show()
    app.processEvents()
    steady_state()  # as run_window does

    started = time.monotonic()
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start(5)
    fps_each_second: list[float] = []
    drawn = {"at_warm": None}

    def each_second():
        if time.monotonic() - started >= WARM_UP_S:
            if drawn["at_warm"] is None:
                drawn["at_warm"] = (time.monotonic(), window.preview.frames_drawn)
            else:
                fps_each_second.append(window.preview.display_fps)

    sampler = QTimer()
    sampler.timeout.connect(each_second)
    sampler.start(1000)
    loop = QEventLoop()
    finish = QTimer()
    finish.timeout.connect(lambda: (done.is_set() or time.monotonic() - started > 30 + parts / rate) and loop.quit())
    finish.start(50)
    controller.start()
    loop.exec()
    ended = time.monotonic()
    heartbeat.stop()
    sampler.stop()
    finish.stop()
    window.close()
    sys.setswitchinterval(headless_slice)
    gc.unfreeze()
    t0, n0 = drawn["at_warm"] or (started, 0)
    steady = np.diff([t for t in ticks if t >= started + WARM_UP_S])
    lateness_ms = np.maximum(steady - 0.005, 0.0) * 1000 if steady.size else np.zeros(1)
    return {
        "records": records,
        "clean_shutdown": bool(window.closed_ok),
        "close_s": round(window.close_seconds, 3),
        "display_fps_mean": round((window.preview.frames_drawn - n0) / max(1e-9, ended - t0), 1),
        "display_fps_worst_second": min(fps_each_second) if fps_each_second else None,
        "longest_stall_ms": round(float(lateness_ms.max()), 1),
        "stall_p99_ms": round(float(np.percentile(lateness_ms, 99)), 2),
        "event_loop_ticks": int(steady.size),
        "frames_drawn": window.preview.frames_drawn,
        "frames_skipped": window.preview.skipped_frames,
        "gui_batches": controller.bridge.batches,
    }


def ttd(records) -> dict:
    return percentiles([r.timings_ms["trigger_to_decision"] for r in records if "trigger_to_decision" in r.timings_ms])


def bench(recipe_name: str, parts: int, rate: float, rounds: int, size: tuple[int, int], data: Path,
          quiet: float | None = None) -> dict:
    recipe = load_recipe(recipe_name)
    pool = ItemStream(recipe.product, seed=11, layout=recipe.layout).pool(48)
    headless, window = [], []
    for k in range(rounds):
        for runs, run in ((headless, lambda: headless_run(recipe, pool, rate, parts, data / f"{recipe_name}-h{k}")),
                          (window, lambda: window_run(recipe, pool, rate, parts, data / f"{recipe_name}-w{k}", size))):
            for _ in range(3):  # a run other processes disturbed is run again (twice at most)
                if quiet is not None:
                    wait_for_quiet(quiet, 600)
                with ForeignLoad() as load:
                    result = run()
                if quiet is None or load.cores <= max(quiet, 0.2):
                    break
                print(f"  (other processes used {load.cores:.2f} cores: run again)", flush=True)
            result["foreign_load_cores"] = round(load.cores, 2)
            runs.append(result)
        print(f"  round {k + 1}: headless p99 {ttd(headless[-1]['records'])['p99']} ms, window p99 "
              f"{ttd(window[-1]['records'])['p99']} ms, display {window[-1]['display_fps_mean']} fps, longest stall "
              f"{window[-1]['longest_stall_ms']} ms; other processes used {headless[-1]['foreign_load_cores']} / "
              f"{window[-1]['foreign_load_cores']} cores meanwhile", flush=True)
    h_ttd = ttd([r for run in headless for r in run["records"]])
    w_ttd = ttd([r for run in window for r in run["records"]])
    worst = lambda key, pick: pick(run[key] for run in window)  # noqa: E731
    fps_worst = [run["display_fps_worst_second"] for run in window if run["display_fps_worst_second"] is not None]
    out = {
        "recipe": recipe_name,
        "rate_pps": rate,
        "parts_per_run": parts,
        "rounds": rounds,
        "window_size": list(size),
        "inference_threads": INFERENCE_THREADS,
        "ort_spinning": ORT_SPINNING,
        "display_fps_mean": round(float(np.mean([run["display_fps_mean"] for run in window])), 1),
        "display_fps_worst_second": min(fps_worst) if fps_worst else None,
        "longest_stall_ms": worst("longest_stall_ms", max),
        "stall_p99_ms": worst("stall_p99_ms", max),
        "trigger_to_decision_ms": {"headless": h_ttd, "window": w_ttd},
        "ttd_p99_window_over_headless": round(w_ttd["p99"] / h_ttd["p99"], 3),
        "ttd_p99_ratio_each_round": [round(ttd(w["records"])["p99"] / ttd(h["records"])["p99"], 3)
                                     for h, w in zip(headless, window)],
        "ttd_p50_window_over_headless": round(w_ttd["p50"] / h_ttd["p50"], 3),
        "fail_safes": {"headless": sum(r.outcome == "fail_safe" for run in headless for r in run["records"]),
                       "window": sum(r.outcome == "fail_safe" for run in window for r in run["records"])},
        "window_close_s_max": worst("close_s", max),
        "clean_shutdowns": all(run["clean_shutdown"] for run in headless + window),
        "foreign_load_cores": {"headless": [run["foreign_load_cores"] for run in headless],
                               "window": [run["foreign_load_cores"] for run in window]},
        "window_runs": [{k: v for k, v in run.items() if k != "records"} for run in window],
    }
    out["meets"] = {
        "display_fps_ge_25": out["display_fps_mean"] >= 25,
        "longest_stall_lt_50ms": out["longest_stall_ms"] < 50,
        "ttd_p99_within_20pct": out["ttd_p99_window_over_headless"] <= 1.2,
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", type=int, default=600)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--recipe", action="append")
    parser.add_argument("--size", default="1920x1080", help="window size, WxH (1920x1080 shows the charts too)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--quiet", type=float, default=0.3,
                        help="before each run, wait until other processes use fewer cores than this (-1: never wait)")
    parser.add_argument("--inference-threads", type=int, default=0, help="station.inference_threads for both runs")
    parser.add_argument("--ort-spinning", choices=("on", "off"), default="off",
                        help="on: what-if, station.inference_spin = true (ONNX Runtime's threads busy-wait; both runs)")
    args = parser.parse_args()
    global INFERENCE_THREADS
    INFERENCE_THREADS = args.inference_threads
    global ORT_SPINNING
    ORT_SPINNING = args.ort_spinning
    size = tuple(int(v) for v in args.size.lower().split("x"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.recipe or ["cartridge-box"]:
            print(f"{name}: {args.rounds} x ({args.parts} parts headless, then with the window) at {args.rate}/s")
            r = bench(name, args.parts, args.rate, args.rounds, size, Path(tmp), None if args.quiet < 0 else args.quiet)
            results.append(r)
            print(f"  display {r['display_fps_mean']} fps (worst second {r['display_fps_worst_second']}), "
                  f"longest event-loop stall {r['longest_stall_ms']} ms (p99 {r['stall_p99_ms']} ms)")
            print(f"  trigger→decision p99: window {r['trigger_to_decision_ms']['window']['p99']} ms vs headless "
                  f"{r['trigger_to_decision_ms']['headless']['p99']} ms (x{r['ttd_p99_window_over_headless']}); "
                  f"p50 {r['trigger_to_decision_ms']['window']['p50']} vs {r['trigger_to_decision_ms']['headless']['p50']}")
            print(f"  meets: {r['meets']}")
    out = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                       "qt_platform": os.environ.get("QT_QPA_PLATFORM")},
           "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
