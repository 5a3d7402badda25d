"""The dependency direction is ui -> inspector <- hardware; only the composition root wires them together."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
QT = {"PySide6", "shiboken6", "pyqtgraph", "pytestqt"}
COMPOSITION_ROOTS = {"inspector/cli.py", "inspector/assemble.py", "inspector/cli_cameras.py",
                     "inspector/cli_interlock.py", "inspector/cli_window.py"}  # CLI: wires hardware and the window
# `inspector train` only (the train extra): PyTorch, imported lazily, and the project's physical defect families
TRAINING_ROOM = "inspector/training/"


def imported_top_levels(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def python_files(package):
    return sorted((ROOT / package).rglob("*.py"))


def test_core_and_hardware_never_import_qt_or_torch():
    for package in ("inspector", "hardware"):
        for path in python_files(package):
            allowed = {"torch"} if path.relative_to(ROOT).as_posix().startswith(TRAINING_ROOM) else set()
            bad = set(imported_top_levels(path)) & (QT | {"torch"}) - allowed
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_core_does_not_depend_on_hardware_or_ui_except_the_composition_root():
    for path in python_files("inspector"):
        relative = path.relative_to(ROOT).as_posix()
        if relative in COMPOSITION_ROOTS or relative == TRAINING_ROOM + "paint.py":
            continue
        bad = set(imported_top_levels(path)) & {"hardware", "ui"}
        assert not bad, f"{relative} imports {bad}"


def test_hardware_never_imports_ui():
    for path in python_files("hardware"):
        assert "ui" not in set(imported_top_levels(path)), path


def test_qt_is_really_blocked_when_asked(pytestconfig):
    import importlib

    import pytest

    if not any("block_qt" in str(p) for p in pytestconfig.pluginmanager.get_plugins()):
        pytest.skip("run with -p no:pytest-qt -p tests.block_qt to check the core without Qt")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("PySide6.QtCore")
