"""The MODELS screen stays responsive while the runtime evaluates: the GUI thread's timer gaps during an evaluation
started from the screen (the runtime's job, polled over the API), beside the same screen idle for as long; and how
long the evaluation took. The runtime (``ApiServer`` over the station) runs in this process here, a worse case than
the station's own (``inspector serve`` is another process); its scoring runs in worker processes either way.

The station is the screenshots' (``ui.models_shots``): 100 parts recorded on the simulated line and verified by QA,
1.3.0 live, 1.4.0 in shadow; two 1.5 candidates are evaluated in turn. A 10 ms QTimer runs on the GUI thread; a gap
far above 10 ms is a moment the screen could not answer a tap. Prints the figures and writes
``benchmarks/results/models_screen.json``.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_models_screen
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

from inspector.report import percentiles

RESULTS = Path(__file__).parent / "results" / "models_screen.json"
TICK_MS = 10


def ticks_while(app, timer_ms: int, busy) -> list[float]:
    """Gaps (ms) between the ticks of a ``timer_ms`` QTimer on the GUI thread while ``busy()`` is true."""
    from PySide6.QtCore import QTimer

    stamps: list[float] = []
    timer = QTimer()
    timer.setInterval(timer_ms)
    timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
    timer.start()
    while busy():
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])]


def main() -> None:
    from inspector.api.client import Client
    from ui.gui_gc import application
    from ui.models_model import ModelsModel
    from ui.models_shots import build, serve, station_with_history
    from ui.models_view import ModelsView

    app = application()
    out: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "tick_ms": TICK_MS,
                 "runs": {}}
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(prefix="bench", dir="/tmp") as sockets:
        data = Path(tmp) / "data"
        config = station_with_history(data)
        station, server = serve(config, Path(sockets))
        try:
            with Client.local(str(server.socket_path)) as client:
                model = ModelsModel(client)
                view = ModelsView(model)
                view.resize(800, 480)
                view.show()
                for run in (1, 2):  # a new build each time: the same work twice
                    folder = build(data, f"1.5.{run}", data.parent / "keys" / "plant-build.key")
                    entry = client.call("model_import", folder=_to_incoming(data, folder), reason="bench")
                    model.reload()
                    model.select(entry["package_id"])
                    started = time.perf_counter()
                    assert view.evaluate()
                    gaps = ticks_while(app, TICK_MS, lambda: model.evaluating)
                    wall = time.perf_counter() - started
                    idle_until = time.perf_counter() + wall
                    idle = ticks_while(app, TICK_MS, lambda: time.perf_counter() < idle_until)
                    images = model.last_evaluation["images"] if model.last_evaluation else 0
                    result = {"images": images, "wall_s": round(wall, 2), "images_per_s": round(images / wall, 1),
                              "gui_gap_ms_evaluating": percentiles(gaps), "gui_gap_ms_idle": percentiles(idle)}
                    out["runs"][f"run_{run}"] = result
                    print(f"run {run}: {images} images in {wall:.1f} s ({images / wall:.1f}/s); GUI tick gap "
                          f"p50 {result['gui_gap_ms_evaluating']['p50']} p99 {result['gui_gap_ms_evaluating']['p99']} "
                          f"max {result['gui_gap_ms_evaluating']['max']} ms (idle: p99 "
                          f"{result['gui_gap_ms_idle']['p99']} max {result['gui_gap_ms_idle']['max']} ms)")
                view.close()
                model.close()
        finally:
            server.stop()
            station.close()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {RESULTS}")


def _to_incoming(data: Path, folder: Path) -> str:
    """The package folder moved into the station's ``<data_dir>/incoming/``; its name there."""
    incoming = data / "incoming"
    incoming.mkdir(exist_ok=True)
    return folder.rename(incoming / folder.name).name


if __name__ == "__main__":
    main()
