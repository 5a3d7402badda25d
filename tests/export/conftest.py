"""Real records and images from short simulated runs (boxes and parts), copied fresh for each test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.store import Store


@pytest.fixture(scope="session")
def simulated_runs(tmp_path_factory) -> dict[str, Path]:
    runs = {}
    for recipe in ("cartridge-box", "surface-part"):
        data = tmp_path_factory.mktemp(recipe) / "data"
        code = main(["run", "--simulate", "--headless", "--parts", "40", "--rate", "20", "--recipe", recipe,
                     "--data-dir", str(data), "--seed", "5"])
        assert code == 0
        runs[recipe] = data
    return runs


@pytest.fixture
def box_data(simulated_runs, tmp_path) -> Path:
    return Path(shutil.copytree(simulated_runs["cartridge-box"], tmp_path / "box"))


@pytest.fixture
def part_data(simulated_runs, tmp_path) -> Path:
    return Path(shutil.copytree(simulated_runs["surface-part"], tmp_path / "part"))


def open_store(data: Path) -> Store:
    return Store.open(data / "inspector.db", images_dir=data / "images")
