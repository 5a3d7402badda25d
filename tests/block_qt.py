"""Pytest plugin (``-p no:pytest-qt -p tests.block_qt``): run as if PySide6 and pyqtgraph were not installed.

inspector/ and hardware/ must import and pass their tests on a machine without Qt; this proves it in the same venv.
"""
import importlib.abc
import sys

BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "pytestqt")


class _NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: testing without Qt)", name=name)
        return None


def pytest_configure(config):
    loaded = sorted(n for n in sys.modules if n.split(".")[0] in BLOCKED)
    if loaded:
        raise RuntimeError(f"Qt was imported before tests.block_qt could block it ({loaded[:3]}): add -p no:pytest-qt")
    sys.meta_path.insert(0, _NotInstalled())
