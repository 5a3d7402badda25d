"""Two lots recorded by the simulated line through the CLI (real models, real SQLite, real images), copied per test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inspector.cli import main
from tests.users.people import PEOPLE, clock, directory, pin_of, sessions, store  # noqa: F401

LOTS = {"A-4711": 40, "B-0815": 30}


@pytest.fixture(scope="session")
def two_lots(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("lots") / "data"
    for seed, (lot, parts) in enumerate(LOTS.items(), start=3):
        code = main(["run", "--simulate", "--headless", "--parts", str(parts), "--rate", "20", "--lot", lot,
                     "--data-dir", str(data), "--seed", str(seed)])
        assert code == 0
    return data


@pytest.fixture
def lots_data(two_lots, tmp_path) -> Path:
    return Path(shutil.copytree(two_lots, tmp_path / "data"))
