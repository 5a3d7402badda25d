"""Screenshots of the line screen's states at 800 x 480 (issue #21): a held REJECT, a covered box, STOPPED, NOT READY,
the strip browsed back, alarms with a FAIL-SAFE, the shift and lot counters.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.states_shots [--out resources/screenshots/states]

The window is the real one over a simulated station (never started); the parts are rendered boxes inspected by the
shipped models and handed to the model as the line (or the API link) does; the counters come as the runtime sends
them.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np

from hardware.synthetic import render_box
from inspector import shipped
from inspector.alarms import Alarm
from inspector.assemble import build_station, load_recipe_models
from inspector.config import StationConfig, load_recipe
from inspector.decide import decide, fail_safe
from inspector.record import PartRecord
from inspector.types import CountResult, FailSafeCause, Frame

OUT = shipped.resource("screenshots") / "states"
SIZE = (800, 480)
_ids = itertools.count(4101)


class Inspect:
    """A rendered box through the recipe's models and rules: (record, frame, results) as the line hands them over."""

    def __init__(self, recipe_name: str = "cartridge-box"):
        self.recipe = load_recipe(recipe_name)
        self.models = load_recipe_models(StationConfig(), self.recipe)

    def __call__(self, image: np.ndarray):
        part_id = next(_ids)
        frame = Frame(image, t=0.0, seq=part_id)
        results = self.models.run(image)
        decision = decide(results, self.recipe)
        record = PartRecord(part_id=part_id, run_id="shots", recipe=self.recipe.name, recipe_hash="0" * 64,
                            t_trigger=0.0, wall_time="2026-12-06T09:41:00.000+00:00", outcome=decision.outcome.value,
                            reason=decision.reason, confidence=round(decision.confidence, 4),
                            actuated=decision.outcome.diverts, models=self.models.versions,
                            expected=self.recipe.expected_count, timings_ms={"trigger_to_decision": 31.0}, lot="4711")
        for r in results:
            if isinstance(r, CountResult):
                record.count, record.points = r.count, [[x, y, s] for x, y, s in r.points]
        return record, frame, results


def boxes(inspect: Inspect, *empties, occluder=None, seed=7):
    rng = np.random.default_rng(seed)
    return [inspect(render_box(rng, layout=(4, 6), empty=list(e), occluder=occluder).image) for e in empties]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--size", default="800x480", help="WxH of the window")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.gui_gc import application
    from ui.model import StationModel
    from ui.screenshots import save_png, wait_until

    app = application()
    inspect = Inspect()
    with tempfile.TemporaryDirectory() as data:
        station = build_station(StationConfig(recipe="cartridge-box", data_dir=Path(data)), simulate=True)
        model = StationModel()
        controller = StationController(model, station)
        window = StationWindow(model, controller, recipes=["cartridge-box", "surface-part"])
        window.live.idle_after_s = 600
        window.resize(*size)
        window.show()
        model.set_running(True)
        model.set_counters({"started": "2026-12-06T06:00:00+00:00", "inspected": 3412, "passed": 3290, "rejected": 97,
                            "check": 21, "fail_safe": 4},
                           {"lot": "4711", "started": "2026-12-06T08:12:00+00:00", "inspected": 1204, "passed": 1170,
                            "rejected": 28, "check": 5, "fail_safe": 1})
        layout = (4, 6)

        def add(parts):
            for record, frame, results in parts:
                model.add(record, frame, results, layout=layout)

        def shot(name: str) -> None:
            wait_until(app, lambda: False, 0.8)
            path = args.out / f"{name}_{size[0]}x{size[1]}.png"
            grab = window.grab()
            print(f"  {path} {grab.width()}x{grab.height()} {save_png(grab, path) // 1000} kB", file=sys.stderr)

        add(boxes(inspect, *[()] * 14, seed=3))
        add(boxes(inspect, [(1, 3), (2, 4)], seed=5))  # a reject ...
        add(boxes(inspect, (), (), (), seed=9))  # ... and three good boxes after it: the reject stays held
        shot("held_reject")
        model.hold.acknowledge()
        add(boxes(inspect, (), occluder="glove", seed=11))
        shot("covered")
        window.strip.browse_to(6)
        shot("strip_browsing")
        window.strip.live()
        model.set_running(False)
        shot("stopped")
        model.set_ready(False, "no connection to the runtime: reconnecting…")
        shot("not_ready")
        model.set_ready(True)
        model.set_running(True)
        decision = fail_safe(FailSafeCause.NO_FRAME, "no camera frame within 0.15 s of the trigger: the part was "
                                                     "rejected without being inspected")
        model.add(PartRecord(part_id=next(_ids), run_id="shots", recipe="cartridge-box", recipe_hash="0" * 64,
                             t_trigger=0.0, wall_time="2026-12-06T09:42:00.000+00:00", outcome=decision.outcome.value,
                             reason=decision.reason, confidence=1.0, actuated=True, fail_safe_cause="no_frame",
                             expected=24))
        model.set_alarms([Alarm("no_frame", "part 4131: no camera frame within 0.15 s of the trigger",
                                "2026-12-06T09:42:00.000+00:00", 4131),
                          Alarm("camera_lost", "the camera stopped sending frames (USB reset?) - reconnecting",
                                "2026-12-06T09:41:58.000+00:00", None, 3),
                          Alarm("disk_low", "only 812 MiB free on /var/lib/inspector", "2026-12-06T09:30:00.000+00:00")])
        shot("alarms_fail_safe")
        window.close()
        controller.close()


if __name__ == "__main__":
    main()
