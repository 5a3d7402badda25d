"""What the distribution ships beside the code: recipes, model packages, theme, trust keys.

Found through ``importlib.resources``, so a wheel installed anywhere finds them as well as a checkout does. In the
repository they are the top-level ``resources/`` and ``models/`` folders; the distribution installs them as the
packages ``inspector_resources`` and ``inspector_models`` (``pyproject.toml``, ``package-dir``).
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

RESOURCES_PACKAGE = "inspector_resources"
MODELS_PACKAGE = "inspector_models"


def _folder(package: str) -> Path:
    # Installed as plain files (a wheel unpacked into site-packages, or an editable checkout): a real directory.
    return Path(str(files(package)))


def resources_dir() -> Path:
    """The shipped resources: ``recipes/``, ``theme/``, ``trust/``, ``samples/``."""
    return _folder(RESOURCES_PACKAGE)


def resource(relative: str) -> Path:
    """One shipped resource file, e.g. ``theme/operator.qss``."""
    return resources_dir() / relative


def models_dir() -> Path:
    """The shipped model packages, one folder each (``model.onnx``, ``manifest.json``, ``golden/``)."""
    return _folder(MODELS_PACKAGE)


def recipes_dir() -> Path:
    return resources_dir() / "recipes"
