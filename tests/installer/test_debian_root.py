"""installer/install.sh end to end in a clean Debian bookworm root, booted with systemd (systemd-nspawn).

Run apart from the suite (``.ci/run`` does, as root, after installing debootstrap and systemd-nspawn):
``pytest -m system tests/installer``. The root is made once from the host's own Debian mirror (debootstrap, about
2 min) and cached (``INSPECTOR_DEBIAN_ROOT``); each run works on a fresh copy of it, where the installer pip-installs
the station's dependencies.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO

pytestmark = [pytest.mark.system, pytest.mark.timeout(1800)]
CACHE = Path(os.environ.get("INSPECTOR_DEBIAN_ROOT", "/var/tmp/inspector-bookworm-root"))
PACKAGES = "python3,python3-venv,python3-pip,systemd,systemd-sysv,dbus,udev,ca-certificates"


def _host_mirror() -> str:
    for source in [*Path("/etc/apt/sources.list.d").glob("*.sources"), Path("/etc/apt/sources.list")]:
        if source.exists():
            found = re.search(r"(?:URIs:|deb)\s+(\S+/debian)\b", source.read_text())
            if found:
                return found.group(1)
    pytest.skip("no Debian mirror configured on this host")


@pytest.fixture(scope="module")
def clean_root(tmp_path_factory) -> Path:
    if os.geteuid() != 0 or not shutil.which("debootstrap") or not shutil.which("systemd-nspawn"):
        pytest.skip("needs root, debootstrap and systemd-nspawn")
    if not (CACHE / "usr/bin/python3").exists():
        subprocess.run(["debootstrap", "--variant=minbase", f"--include={PACKAGES}", "bookworm", str(CACHE),
                        _host_mirror()], check=True, capture_output=True)
    root = tmp_path_factory.mktemp("debian") / "root"
    subprocess.run(["cp", "-a", str(CACHE), str(root)], check=True)
    shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    # the host's trust anchors (a plant's proxy CA, say), as IT would put them on a board
    shutil.copy("/etc/ssl/certs/ca-certificates.crt", root / "etc/ssl/certs/ca-certificates.crt")
    (root / "etc/apt/sources.list").write_text(f"deb {_host_mirror()} bookworm main\n")
    shutil.copytree(REPO, root / "src", ignore=shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info",
                                                                        "__pycache__", "data", "out"))
    return root


class Booted:
    """The root booted with systemd as PID 1; ``run`` executes a command inside it."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen(["systemd-nspawn", "--quiet", "--register=no", "--keep-unit", "--boot", "-D", str(root)],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = self.run("systemctl is-system-running 2>/dev/null || true", check=False).stdout.strip()
            if state in ("running", "degraded"):
                return
            time.sleep(1)
        raise AssertionError(f"the root did not boot: {state!r}")

    def leader(self) -> int:
        """The container's PID 1 (systemd), seen from the host."""
        for _ in range(100):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            if children:
                return int(children[0])
            assert self.process.poll() is None, "systemd-nspawn exited"
            time.sleep(0.1)
        raise AssertionError("systemd-nspawn started no container")

    def run(self, command: str, *, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        clean = ["env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"]
        done = subprocess.run(["nsenter", "-t", str(self.leader()), "-a", *clean, "/bin/bash", "-c", command],
                              input=stdin,
                              capture_output=True, text=True, timeout=1200)
        if check:
            assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
        return done

    def stop(self) -> None:
        self.run("systemctl poweroff", check=False)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _records(box: Booted) -> int:
    count = box.run("/opt/inspector/venv/bin/python -c \"import sqlite3, glob; "
                    "print(sum(sqlite3.connect(f).execute('select count(*) from parts').fetchone()[0] "
                    "for f in glob.glob('/var/lib/inspector/data/*.db')))\"", check=False)
    return int(count.stdout.strip() or 0)


def test_install_upgrade_uninstall_in_a_clean_bookworm_root(clean_root):
    box = Booted(clean_root)
    try:
        first = box.run("/src/installer/install.sh --simulate --admin adam", stdin="246813\n246813\n")
        assert "installed line-inspector" in first.stdout
        assert box.run("systemctl is-active inspector").stdout.strip() == "active"
        assert box.run("id inspector").stdout.count("gpio") and "video" in box.run("id inspector").stdout
        modes = box.run("stat -c '%a %U:%G' /var/lib/inspector /etc/inspector/station.toml").stdout.split("\n")
        assert modes[0] == "750 inspector:inspector" and modes[1] == "640 root:inspector"
        deadline = time.monotonic() + 120
        while _records(box) < 20 and time.monotonic() < deadline:
            time.sleep(3)
        assert _records(box) >= 20, box.run("journalctl -u inspector --no-pager | tail -30", check=False).stdout
        assert "adam" in box.run("inspector users list --config /etc/inspector/station.toml").stdout
        _assert_no_station_file_open_to_others(box)
        _restarted_after_kill_9(box)

        again = box.run("/src/installer/install.sh --simulate")
        assert "nothing to upgrade" in again.stdout
        _assert_no_station_file_open_to_others(box)
        assert box.run("systemctl is-active inspector").stdout.strip() == "active"
        assert box.run("grep -c . /etc/inspector/station.toml").stdout == \
            box.run("grep -c . /src/installer/station.example.toml").stdout, "the station file was kept"

        _ready_pin_follows_the_runtime(box)
        _kiosk_window_is_a_client_of_the_service(box)

        box.run("/src/installer/uninstall.sh")
        assert box.run("systemctl is-active inspector", check=False).stdout.strip() != "active"
        assert box.run("test -e /etc/systemd/system/inspector.service", check=False).returncode != 0
        assert box.run("test -e /etc/systemd/system/inspector-interlock.service", check=False).returncode != 0
        assert box.run("test -d /opt/inspector", check=False).returncode != 0
        assert _records_kept(box)
    finally:
        box.stop()


def _assert_no_station_file_open_to_others(box: Booted) -> None:
    """Every file and folder of the station (data, images, journal, reserve, station file) has no bit for others,
    and an unprivileged account reads none of it."""
    listed = box.run("find /var/lib/inspector -printf '%m %u:%g %p\\n'").stdout.splitlines()
    assert any(line.endswith("/inspector.db") for line in listed), "\n".join(listed)
    open_to_others = box.run("find /var/lib/inspector /etc/inspector -perm /o=rwx -printf '%m %p\\n'").stdout
    assert open_to_others == "", f"station files open to other accounts:\n{open_to_others}"
    box.run("id inspector-test-guest >/dev/null 2>&1 || useradd --no-create-home inspector-test-guest")
    tried = box.run("runuser -u inspector-test-guest -- cat /var/lib/inspector/data/inspector.db "
                    "/etc/inspector/station.toml", check=False)
    assert tried.returncode != 0 and "Permission denied" in tried.stderr and tried.stdout == ""
    readable = box.run("runuser -u inspector-test-guest -- find /var/lib/inspector /etc/inspector -readable "
                       "2>/dev/null; true").stdout
    assert readable == "", f"readable by another account:\n{readable}"


def _main_pid(box: Booted, unit: str = "inspector") -> int:
    return int(box.run(f"systemctl show -p MainPID --value {unit}").stdout.strip() or 0)


def _wait_for(what, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(0.5)
    return bool(what())


def _restarted_after_kill_9(box: Booted) -> None:
    """Type=notify + Restart=on-failure: the unit starts a new runtime after kill -9, which says READY=1 again."""
    killed = _main_pid(box)
    assert killed > 0
    box.run(f"kill -9 {killed}")
    assert _wait_for(lambda: _main_pid(box) not in (0, killed)
                     and box.run("systemctl is-active inspector", check=False).stdout.strip() == "active", 90), \
        box.run("journalctl -u inspector --no-pager | tail -30", check=False).stdout
    assert int(box.run("systemctl show -p NRestarts --value inspector").stdout.strip()) >= 1
    assert box.run("systemctl show -p Type --value inspector").stdout.strip() == "notify"


def _kiosk_window_is_a_client_of_the_service(box: Booted) -> None:
    """install-kiosk.sh: the desktop user's unit runs ``inspector window --kiosk`` against inspector.service, which
    stays enabled and running; the user joins the service's group and reaches the API socket, nothing else."""
    box.run("id desk >/dev/null 2>&1 || useradd --create-home desk")
    box.run("/src/installer/install-kiosk.sh desk")
    assert box.run("systemctl is-active inspector").stdout.strip() == "active"
    unit = box.run("cat /home/desk/.config/systemd/user/inspector-kiosk.service").stdout
    assert "inspector window --kiosk --config /etc/inspector/station.toml" in unit
    assert "inspector" in box.run("id -nG desk").stdout.split()
    probe = ("from inspector.api.client import Client; "
             "c = Client.local('/var/lib/inspector/data/api.sock'); print(c.counters()['run_id']); c.close()")
    command = f'runuser -u desk -- /opt/inspector/venv/bin/python -c "{probe}"'
    # the runtime may be starting again (the interlock check killed it): its socket comes once it serves
    reached = lambda: (r := box.run(command, check=False)).returncode == 0 and r.stdout.strip()  # noqa: E731
    assert _wait_for(reached, 90), box.run(command, check=False)


def _ready_pin_follows_the_runtime(box: Booted) -> None:
    """With gpio.ready_pin set, the interlock unit runs (mock pins under --simulate): the pin rises with the runtime's
    heartbeats and drops when the runtime is killed."""
    assert box.run("systemctl is-active inspector-interlock", check=False).stdout.strip() != "active"  # no pin set
    box.run("sed -i 's/^# ready_pin = 5 /ready_pin = 5   /' /etc/inspector/station.toml")
    box.run("systemctl restart inspector-interlock inspector")
    journal = "journalctl -u inspector-interlock --no-pager -o cat"
    assert _wait_for(lambda: "station ready HIGH" in box.run(journal, check=False).stdout, 90), \
        box.run(journal, check=False).stdout[-3000:]
    killed = _main_pid(box)
    highs = box.run(journal, check=False).stdout.count("station ready HIGH")
    box.run(f"kill -9 {killed}")
    assert _wait_for(lambda: f"runtime gone (connection closed) (pid {killed})" in box.run(journal, check=False).stdout,
                     30), box.run(journal, check=False).stdout[-3000:]
    assert _wait_for(lambda: box.run(journal, check=False).stdout.count("station ready HIGH") > highs, 90)  # restarted


def _records_kept(box: Booted) -> bool:
    return box.run("ls /var/lib/inspector/data/*.db", check=False).returncode == 0
