"""On a running line: a promoted package is swapped in between two parts (each record names the version that
decided it, no fail-safe), a shadow scores parts beside the live model without acting."""
from __future__ import annotations

import json
import time
from pathlib import Path

from inspector import audit
from inspector.assemble import build_station
from inspector.config import load_recipe
from inspector.models.evaluation import evaluate
from inspector.models.lifecycle import ModelRegistry
from inspector.store import Store
from inspector.store.model_tables import ModelTables
from tests.lifecycle.conftest import candidate


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_a_promotion_reaches_the_running_line_between_two_parts(station, tmp_path):
    recipe = load_recipe("surface-part", station.recipes_dir)
    with Store.open(Path(station.data_dir) / "inspector.db") as desk:  # the CLI's own connection
        desk_registry = ModelRegistry(desk, station)
        desk_registry.ensure_shipped(["surface_classifier"])
        entry = desk_registry.import_package(candidate(tmp_path, "1.3.0"))
        evaluate(desk_registry, entry, workers=1)
        running = build_station(station, recipe=recipe, simulate=True, rate_hz=20, seed=5)
        running.live_models.poll_s = 0.1
        try:
            running.start(parts=80)
            assert running.line.wait_recorded(20, timeout=30)
            desk_registry.promote("surface_classifier", reason="evaluated on this line")
            assert _wait(lambda: running.live_models.swaps == 1, 10)
            assert running.line.wait_recorded(80, timeout=60)
        finally:
            running.close()
        run_id = running.line.run_id
        records = desk.records(run_id, limit=None)
        versions = [r.models["surface_classifier"].split()[0] for r in sorted(records, key=lambda r: r.part_id)]
        assert len(records) == 80 and set(versions) == {"1.2.0", "1.3.0"}
        assert versions[0] == "1.2.0" and versions[-1] == "1.3.0"
        assert not [r for r in records if r.outcome == "fail_safe"]
        replace = [e for e in audit.entries(desk) if e.action == "model.replace"]
        assert replace and json.loads(replace[-1].after)["version"] == "1.3.0"


def test_a_shadow_scores_line_parts_and_never_acts(station, tmp_path):
    recipe = load_recipe("surface-part", station.recipes_dir)
    with Store.open(Path(station.data_dir) / "inspector.db") as desk:
        desk_registry = ModelRegistry(desk, station)
        desk_registry.ensure_shipped(["surface_classifier"])
        entry = desk_registry.import_package(candidate(tmp_path, "1.3.0"))
        desk_registry.set_shadow("surface_classifier")
        running = build_station(station, recipe=recipe, simulate=True, rate_hz=10, seed=6)
        try:
            running.start(parts=40)
            assert running.line.wait_recorded(40, timeout=60)
            shadow = running.live_models.shadow
            # a bounded queue behind an idle-priority worker: how many parts it scores depends on the machine's load
            # (bench_lifecycle measures that); what is queued when the line stops is always scored
            assert _wait(lambda: shadow.scored >= 4, 30), (shadow.scored, shadow.dropped)
        finally:
            running.close()
        records = desk.records(running.line.run_id, limit=None)
        assert all(r.models["surface_classifier"].startswith("1.2.0") for r in records)  # the shadow never decided
        agreement = ModelTables(desk).shadow_agreement(entry.package_id)
        seen = sum(a["parts"] for a in agreement.values())
        assert seen == running.live_models.shadow.scored
        assert all(a["agree_live"] == a["parts"] for a in agreement.values())  # same weights: same outcomes
