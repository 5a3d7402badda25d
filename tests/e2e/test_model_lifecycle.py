"""The whole learning loop on a small recorded line, through the commands a plant uses: record → QA labels →
``inspector train`` → ``models import`` → ``evaluate`` → ``shadow`` → ``promote`` → ``rollback``; the audit trail
shows each step and every part record names the model version that decided it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector import audit
from inspector.cli import main
from inspector.config import SHIPPED_MODELS, load_station
from inspector.models.lifecycle import ModelRegistry
from inspector.review import Review
from inspector.store import Store
from inspector.store.model_tables import ModelTables
from tests import signing

pytest.importorskip("torch", reason="inspector train needs the train extra")
pytestmark = pytest.mark.timeout(600)
NAME = "surface_classifier"


def _run(config: Path, parts: int, seed: int) -> None:
    assert main(["run", "--simulate", "--headless", "--parts", str(parts), "--rate", "10", "--config", str(config),
                 "--seed", str(seed)]) == 0


def _versions_by_run(store: Store) -> list[set[str]]:
    runs = [r["run_id"] for r in store.runs()]
    return [{r.models[NAME].split()[0] for r in store.records(run, limit=None)} for run in runs]


def test_record_label_train_import_evaluate_shadow_promote_rollback(tmp_path, capsys):
    data = tmp_path / "data"
    config = tmp_path / "station.toml"
    config.write_text(f'data_dir = "{data}"\nrecipe = "surface-part"\n[images]\nkeep_pass_fraction = 1.0\n')
    _run(config, 60, seed=21)
    with Store.open(data / "inspector.db") as store:  # QA verifies every part
        review = Review(store)
        for record in store.records(limit=None):
            review.submit(record.part_id, "qa-tester", "correct",
                          label="good" if record.truth["should_pass"] else "defect")

    candidate = tmp_path / "candidate"
    assert main(["train", "--task", "defect", "--data", str(data), "--verified-only", "--out", str(candidate),
                 "--name", NAME, "--base", str(SHIPPED_MODELS / NAME), "--minutes", "0.5",
                 "--sign-key", str(signing.key_file())]) == 0
    trained = json.loads((candidate / "manifest.json").read_text())["version"]

    assert main(["models", "import", str(candidate), "--config", str(config)]) == 0
    assert main(["models", "evaluate", NAME, "--workers", "2", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["models", "shadow", NAME, "--config", str(config)]) == 0
    _run(config, 30, seed=22)  # the candidate scores these parts beside the live model, never acting
    assert main(["models", "promote", NAME, "--reason", "learnt from this line's QA-verified parts",
                 "--config", str(config)]) == 0
    _run(config, 20, seed=23)
    assert main(["models", "rollback", NAME, "--reason", "back while QA looks at it", "--config", str(config)]) == 0
    _run(config, 20, seed=24)

    with Store.open(data / "inspector.db") as store:
        shipped = "1.2.0"
        assert _versions_by_run(store) == [{shipped}, {shipped}, {trained}, {shipped}]
        entries = ModelRegistry(store, load_station(config)).entries()
        trained_entry = next(e for e in entries if e.version == trained)
        assert trained_entry.state == "retired" and trained_entry.evaluation["images"] == 60
        assert trained_entry.evaluation["candidate"]["judged"] == 60
        shadow = ModelTables(store).shadow_agreement(trained_entry.package_id)
        assert sum(a["parts"] for a in shadow.values()) > 0
        actions = [e.action for e in audit.entries(store)]
        steps = [a for a in actions if a in ("model.import", "model.shadow", "model.promote", "model.rollback")]
        assert steps == ["model.import", "model.shadow", "model.promote", "model.rollback"]
        loads = [json.loads(e.after)["version"] for e in audit.entries(store) if e.action == "model.load"]
        assert trained in loads  # the run after the promotion started on the promoted package
        assert audit.verify(store).ok
        assert all(r.models.get(NAME) for r in store.records(limit=None))
