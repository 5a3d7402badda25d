"""The review screen's response to a reviewer: from a verdict key to the next part drawn, and from a tap on the
picture to the edited count drawn (POINT tool), one zoom step and one pan step of the zoomed picture, at 800 x 480 and
1920 x 1080 (offscreen Qt, real database and image files).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_review_ui.py [--repeat 25]

The database comes from two short runs of the simulated line (ui/review/shots.py). Each figure is the median of
``--repeat`` steps after one warm-up; a step ends when the screen has painted (``repaint``). Prints the figures and
writes benchmarks/results/review_ui.json. The target is < 100 ms per step, so a reviewer never waits for the screen.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPointF  # noqa: E402

from ui.gui_gc import application  # noqa: E402

from inspector.review import QueueFilter, Review  # noqa: E402
from inspector.store import Store  # noqa: E402
from ui.review.screen import ReviewScreen  # noqa: E402
from ui.review.shots import fill  # noqa: E402

TARGET_MS = 100.0
RESULTS = Path(__file__).resolve().parent / "results" / "review_ui.json"


def timed(step, screen, app) -> float:
    started = time.perf_counter()
    step()
    screen.repaint()
    app.processEvents()
    return (time.perf_counter() - started) * 1000


def measure(screen, app, size, repeat: int) -> dict:
    screen.resize(*size)
    app.processEvents()
    model = screen.model
    model.set_filters(state="all", recipe=None, outcomes=None)
    next_ms = [timed(lambda: model.go((model.index + 1) % len(model.items)), screen, app) for _ in range(repeat + 1)][1:]
    model.set_filters(recipe="cartridge-box")
    model.set_tool("point")  # taps edit points only with the POINT tool
    view = screen.item
    middle = QPointF(view.width() / 2, view.height() / 2)
    zoom_ms = [timed(lambda k=k: view.set_zoom(1.5 + (k % 6) * 0.5, middle), screen, app) for k in range(repeat + 1)]
    view.set_zoom(3.0, middle)
    centre = view.view_centre()
    pan_ms = [timed(lambda k=k: view._pan_from(centre, QPointF(4.0 * (k % 10) - 20, 3.0 * (k % 7) - 9)), screen, app)
              for k in range(repeat + 1)]
    view.reset_zoom()
    tap_ms = []
    for k in range(repeat + 1):
        x, y = 40.0 + 7 * (k % 20), 40.0 + 5 * (k % 13)
        tap_ms.append(timed(lambda x=x, y=y: model.tap(x, y, radius=3), screen, app))
    verdict_ms = []
    model.set_filters(state="all", recipe=None)
    for _ in range(min(repeat, len(model.items) - 1) + 1):
        verdict_ms.append(timed(model.confirm, screen, app))
    return {"next_item_ms": round(statistics.median(next_ms), 2), "tap_point_ms": round(statistics.median(tap_ms[1:]), 2),
            "verdict_to_next_ms": round(statistics.median(verdict_ms[1:]), 2),
            "zoom_step_ms": round(statistics.median(zoom_ms[1:]), 2), "pan_step_ms": round(statistics.median(pan_ms[1:]), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    app = application()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        db = fill(Path(folder))
        with Store.open(db) as store:
            parts = len(Review(store).queue(QueueFilter(state="all"), limit=1000).items)
            for size in ((800, 480), (1920, 1080)):
                screen = ReviewScreen(Review(store), reviewer="bench")
                screen.show()
                results[f"{size[0]}x{size[1]}"] = measure(screen, app, size, args.repeat)
                screen.close()
    worst = max(v for r in results.values() for v in r.values())
    report = {"benchmark": "review_ui", "queue_parts": parts, "repeat": args.repeat, "target_ms": TARGET_MS,
              "worst_median_ms": worst, "meets_target": worst < TARGET_MS, "results": results,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    for name, figures in results.items():
        print(f"{name}: " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))
    print(f"worst median {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
