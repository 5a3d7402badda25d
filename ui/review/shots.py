"""Screenshots of the review screen (800 x 480, 1920 x 1080) and the reports (1920 x 1080), deterministic.

    .venv/bin/python -m ui.review.shots [--out resources/screenshots]

Two short runs of the real station on the simulated line (cartridge boxes, then surface parts) fill one database;
verdicts by three reviewers over three days feed the reports, a fifth of them audited blind by another reviewer. At 800 x 480 a box with an empty slot is on show with
one point tapped in; at 1920 x 1080 a scratched part.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from hardware.synthetic import ItemStream, render_box, render_part
from inspector import shipped
from inspector.assemble import build_station
from inspector.config import StationConfig, load_recipe
from inspector.qa.audits import ReviewAudits
from inspector.review import Review, QueueFilter

OUT = shipped.resource("screenshots")
DAYS = ("2026-11-19T09:00:00.000+00:00", "2026-11-20T09:00:00.000+00:00", "2026-11-21T09:00:00.000+00:00")


def run_line(recipe_name: str, data: Path, items: list, rate: float = 20.0) -> None:
    recipe = load_recipe(recipe_name)
    config = StationConfig(recipe=recipe_name, data_dir=data, images={"keep_pass_fraction": 0.15})
    station = build_station(config, recipe=recipe, simulate=True, rate_hz=rate, items=iter(items))
    try:
        station.start(parts=len(items))
        end = time.monotonic() + 30 + len(items) / rate
        while station.stats.recorded < len(items) and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        station.close()


def fill(data: Path) -> Path:
    """The database of two runs, with verdicts; returns its path."""
    rng = np.random.default_rng
    boxes = ItemStream("box", seed=4, layout=(4, 6)).pool(40)
    boxes += [render_box(rng(70 + i), layout=(4, 6), empty=e) for i, e in enumerate(([(1, 3)], [(0, 0), (2, 5)]))]
    run_line("cartridge-box", data, boxes)
    surface = ItemStream("part", seed=5).pool(40)
    surface += [render_part(rng(80 + i), defect=d) for i, d in enumerate(("scratch", "crack", "spot"))]
    run_line("surface-part", data, surface)
    db = data / "inspector.db"
    from inspector.store import Store

    with Store.open(db) as store:
        items = Review(store).queue(QueueFilter(), sort="-confidence", limit=400).items  # the least sure stay open
        print(f"  {len(items)} parts in the review queue: {store.outcomes()}", file=sys.stderr)
        people = ("ana", "ben", "chloe")
        draws = iter([0.0 if n % 5 == 0 else 0.9 for n in range(1000)])  # every fifth verdict with a value
        for n, item in enumerate(items[: len(items) * 2 // 3]):
            day = DAYS[n % 3]
            r = item.record
            value = {}
            if n % 5 == 1 and r.count is not None:
                value = {"count": r.count + (1 if n % 2 else -1)}
            elif n % 7 == 2 and r.label is not None:
                value = {"label": "good" if r.label == "defect" else "defect"}
            verdict = "correct" if value else ("inconclusive" if n % 11 == 3 else "confirm")
            review = Review(store, clock=lambda d=day: d)
            ReviewAudits(review, 0.2, draw=lambda: next(draws), clock=lambda d=day: d)
            review.submit(r.part_id, people[n % len(people) if n % 4 else 0], verdict,
                          seconds_spent=3.0 + (n * 37 % 170) / 10, **value)
        review = Review(store, clock=lambda: DAYS[-1])
        audits = ReviewAudits(review, 0.0)
        for n, person in enumerate(people * 20):  # each takes others' audits, blind; one in four disagrees
            pending = audits.pending(person, limit=1)
            if pending:
                audit, item = pending[0]
                count = item.record.count
                value = {"count": count + 1} if n % 4 == 3 and count is not None else {}
                audits.submit(audit.id, person, "correct" if value else "confirm",
                              seconds_spent=4.0 + (n * 29 % 90) / 10, **value)
    return db


def shoot_review(out: Path) -> list[Path]:
    from inspector.store import Store
    from ui.gui_gc import application
    from ui.review.screen import ReviewScreen
    from ui.screenshots import save_png, wait_until

    app = application()
    paths = []
    with tempfile.TemporaryDirectory() as folder:
        db = fill(Path(folder))
        with Store.open(db) as store:
            review = Review(store)
            screen = ReviewScreen(review, reviewer="ana", export_dir=Path(folder) / "reports",
                                  audits=ReviewAudits(review, 0.2))
            screen.move(0, 0)

            def grab(name: str, size: tuple[int, int]) -> None:
                wait_until(app, lambda: False, 0.6)
                path = out / f"{name}_{size[0]}x{size[1]}.png"
                picture = screen.grab()
                print(f"  {path} {picture.width()}x{picture.height()} {save_png(picture, path) // 1000} kB",
                      file=sys.stderr)
                paths.append(path)

            screen.resize(800, 480)
            screen.show()
            model = screen.model
            model.set_filters(recipe="cartridge-box", outcomes=["reject"])
            box = next((i for i in model.items if i.record.count == 23), model.items[0])
            model.go(model.items.index(box))
            wait_until(app, lambda: False, 0.3)
            empty = screen.item.overlay().empty_slots
            if empty:
                model.set_tool("point")
                model.tap(*empty[0], radius=4)  # the reviewer has tapped the missed cartridge in (POINT tool)
            grab("review", (800, 480))

            model.set_filters(recipe="surface-part", outcomes=None, state="all")  # reviewed ones too, ticked
            scratched = next((i for i in model.items if i.record.label == "defect"), None)
            if scratched is not None:
                model.go(model.items.index(scratched))
            screen.resize(1920, 1080)
            grab("review", (1920, 1080))

            screen.toggle_reports()
            counter = next((k for k in screen.reports.models if k.startswith("cartridge_counter")), None)
            screen.reports.set_model(counter)  # the counter's page: its count errors too
            grab("reports", (1920, 1080))
            screen.close()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    shoot_review(args.out)


if __name__ == "__main__":
    main()
