"""A wheel built from the repository, installed in a fresh venv outside the checkout, runs the station and predict.

The wheel goes into the new venv without its dependencies, which are borrowed from the test environment's
site-packages by a plain path entry (so that environment's editable hook for this project never loads): the station
must then find its recipes, models and theme in what the wheel installed, not in the checkout. Qt is made unimportable
there, as on a board where it cannot be installed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from setuptools import find_packages

from tests.packaging.conftest import REPO

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next((root / "lib").glob("python3*/site-packages"))
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (site / "no_qt.pth").write_text("import sys; sys.modules.update(PySide6=None, shiboken6=None, pyqtgraph=None)\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", str(site),
                    str(wheel)], check=True, capture_output=True, text=True)
    return root


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("DISPLAY", None)
    python = venv / "bin" / "python"
    return subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


def test_every_source_package_is_in_the_wheel(wheel):
    names = {n.rsplit("/", 1)[0].replace("/", ".") for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py")}
    for package in find_packages(str(REPO), include=["inspector*", "hardware*", "ui*"]):
        assert package in names, f"{package} is missing from pyproject.toml's [tool.setuptools] packages"


def test_the_wheel_carries_recipes_models_and_theme(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for recipe in (REPO / "resources" / "recipes").glob("*.toml"):
        assert f"inspector_resources/recipes/{recipe.name}" in names
    assert "inspector_resources/theme/operator.qss" in names
    for manifest in (REPO / "models").glob("*/manifest.json"):
        package = manifest.parent.name
        assert f"inspector_models/{package}/model.onnx" in names
        golden = {p.name for p in (manifest.parent / "golden").iterdir()}
        assert golden and all(f"inspector_models/{package}/golden/{g}" in names for g in golden)
    assert not any(n.startswith("inspector_models/training/") for n in names), "training code is not station code"


def test_the_installed_station_runs_outside_the_checkout(venv, tmp_path):
    where = _run(venv, "-c", "import inspector, inspector.shipped as s; print(inspector.__file__); "
                             "print(s.recipes_dir()); print(s.models_dir())", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert str(venv) in line and str(REPO) not in line, line
    report = tmp_path / "run.json"
    run = _run(venv, "-m", "inspector", "run", "--simulate", "--headless", "--parts", "20", "--rate", "20",
               "--data-dir", str(tmp_path / "data"), "--report", str(report), cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(report.read_text())["recorded"] == 20


def test_the_installed_station_predicts_with_the_shipped_models(venv, tmp_path):
    for recipe, sample, key in (("cartridge-box", "box_full.png", "count"), ("surface-part", "part_scratch.png",
                                                                               "p_defect")):
        out = _run(venv, "-m", "inspector", "predict", str(REPO / "resources" / "samples" / sample),
                   "--recipe", recipe, "--json", cwd=tmp_path)
        assert out.returncode == 0, out.stderr[-2000:]
        result = json.loads(out.stdout.splitlines()[0])
        assert key in json.dumps(result), result
