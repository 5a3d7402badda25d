"""A station database with recorded parts, their kept images and QA verdicts; candidate packages signed with the
tests' key."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.config import SHIPPED_MODELS, StationConfig, load_station
from inspector.models.lifecycle import ModelRegistry
from inspector.review import Review
from inspector.store import Store
from tests import signing


def candidate(tmp_path: Path, version: str, *, name: str = "surface_classifier", edit=None) -> Path:
    """The shipped package of ``name`` as another version (``edit`` may change its manifest), signed."""
    folder = tmp_path / f"{name}-{version}"
    shutil.copytree(SHIPPED_MODELS / name, folder)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["version"] = version
    if edit is not None:
        edit(manifest)
    path.write_text(json.dumps(manifest, indent=2))
    (folder / "manifest.sig").unlink(missing_ok=True)
    return signing.sign(folder)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """60 surface parts on the simulated line, every image kept; QA confirmed each part's truth."""
    data = tmp_path_factory.mktemp("station") / "data"
    config = data.parent / "station.toml"
    config.write_text(f'data_dir = "{data}"\nrecipe = "surface-part"\n[images]\nkeep_pass_fraction = 1.0\n')
    assert main(["run", "--simulate", "--headless", "--parts", "60", "--rate", "20", "--config", str(config),
                 "--seed", "11"]) == 0
    with Store.open(data / "inspector.db") as store:
        review = Review(store)
        for record in store.records(limit=None):
            truth = "defect" if not record.truth["should_pass"] else "good"
            review.submit(record.part_id, "qa-tester", "correct", label=truth)
    return config


@pytest.fixture
def station(recorded, tmp_path) -> StationConfig:
    """A private copy of the recorded station (each test changes its model table)."""
    copy = tmp_path / "data"
    shutil.copytree(Path(load_station(recorded).data_dir), copy)
    text = recorded.read_text().replace(str(load_station(recorded).data_dir), str(copy))
    (tmp_path / "station.toml").write_text(text)
    return load_station(tmp_path / "station.toml")


@pytest.fixture
def registry(station):
    store = Store.open(Path(station.data_dir) / "inspector.db")
    yield ModelRegistry(store, station)
    store.close()
