"""Every supported board's Python resolves the station's requirements to binary wheels (no board needed).

pip resolves the built wheel's requirements as the target would (its CPU, glibc and Python), reading only the
packages' metadata (``--dry-run``): the headless set on every target, the window (``[ui]``) where the README says the
window is supported there.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(300)

# name: (CPU, glibc, Python, window supported)
TARGETS = {
    "raspberry-pi-os-bookworm": ("aarch64", (2, 36), "3.11", True),
    "raspberry-pi-os-trixie": ("aarch64", (2, 41), "3.13", True),
    "jetpack-6": ("aarch64", (2, 35), "3.10", True),
    "x86-64-bookworm": ("x86_64", (2, 36), "3.11", True),
}


def platform_tags(cpu: str, glibc: tuple[int, int]) -> list[str]:
    """The manylinux tags a machine with this glibc accepts, newest first."""
    major, minor = glibc
    tags = [f"manylinux_{major}_{m}_{cpu}" for m in range(minor, 16, -1)]
    return tags + [f"manylinux2014_{cpu}", "linux_" + cpu]


def resolve(wheel, requirement: str, cpu: str, glibc: tuple[int, int], python: str, tmp_path) -> dict[str, str]:
    """name -> the file pip picked for it on that target."""
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
               "--target", str(tmp_path / "target"), "--only-binary=:all:", "--implementation", "cp",
               "--python-version", python, "--report", str(report)]
    for tag in platform_tags(cpu, glibc):
        command += ["--platform", tag]
    done = subprocess.run(command + [requirement], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{requirement} does not resolve to wheels: {done.stderr[-3000:]}"
    return {item["metadata"]["name"].lower().replace("_", "-"): item["download_info"]["url"].rsplit("/", 1)[-1]
            for item in json.loads(report.read_text())["install"]}


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_headless_station_resolves_to_wheels(target, wheel, tmp_path):
    cpu, glibc, python, _ = TARGETS[target]
    files = resolve(wheel, str(wheel), cpu, glibc, python, tmp_path)
    for needed in ("numpy", "onnxruntime", "opencv-python-headless", "gpiozero", "sqlite-utils", "pydantic",
                   "websockets"):
        assert needed in files
        assert files[needed].endswith(".whl")
    assert "pyside6-essentials" not in files, "the headless station must not pull Qt in"


@pytest.mark.parametrize("target", sorted(t for t, (*_, window) in TARGETS.items() if window))
def test_window_resolves_to_wheels(target, wheel, tmp_path):
    cpu, glibc, python, _ = TARGETS[target]
    files = resolve(wheel, f"{wheel}[ui]", cpu, glibc, python, tmp_path)
    assert files["pyside6-essentials"].endswith(".whl") and cpu in files["pyside6-essentials"]
    assert "pyqtgraph" in files


def test_platform_tags_stop_at_the_targets_glibc():
    tags = platform_tags("aarch64", (2, 36))
    assert tags[0] == "manylinux_2_36_aarch64" and "manylinux_2_39_aarch64" not in tags
