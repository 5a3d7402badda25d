"""Station files are the service user's and group's only: umask 027, data dir 0750, others' bits taken off what the
station owns, and an alarm naming what others can still read."""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from inspector.assemble import build_station
from inspector.config import ImageSettings, StationConfig
from inspector.store import Store
from inspector.store.file_access import STATION_UMASK, exposed, restrict_umask, secure


@pytest.fixture
def loose_umask():
    """The usual login umask (022) while the test runs; the test process's own afterwards."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def others_bits(folder: Path) -> dict[str, str]:
    found = {str(folder): oct(mode(folder))} if mode(folder) & 0o007 else {}
    for path in folder.rglob("*"):
        if not path.is_symlink() and mode(path) & 0o007:
            found[str(path.relative_to(folder))] = oct(mode(path))
    return found


def test_the_station_umask_gives_files_to_user_and_group_only_and_never_loosens_a_stricter_one(tmp_path, loose_umask):
    assert restrict_umask() == STATION_UMASK
    (tmp_path / "record").write_text("x")
    (tmp_path / "images").mkdir()
    assert mode(tmp_path / "record") == 0o640 and mode(tmp_path / "images") == 0o750
    os.umask(0o077)
    assert restrict_umask() == 0o077


def test_securing_a_data_dir_takes_others_off_what_the_station_made_before_with_a_loose_umask(tmp_path, loose_umask):
    data = tmp_path / "data"
    with Store.open(data / "inspector.db") as store:
        store.db.execute("CREATE TABLE t (x)")
        (data / "images" / "2026").mkdir(parents=True)
        (data / "images" / "2026" / "1.jpg").write_bytes(b"jpg")
        assert mode(data / "inspector.db") == 0o644 and exposed(data)  # as a station before this change left it
        assert secure([data]) == []
    assert exposed(data) == [] and mode(data) == 0o750 and mode(data / "inspector.db") == 0o640
    assert others_bits(data) == {}  # the images below the once-open folder too


@pytest.mark.skipif(os.geteuid() != 0, reason="a file of another account needs root to make")
def test_what_another_account_left_readable_is_named_with_its_mode(tmp_path, loose_umask):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chown(data, 65534, 65534)  # a data dir made by someone else, open to all
    key = data / "station.key"
    key.write_text("secret")
    os.chown(key, 65534, 65534)
    found = secure([data])
    assert [(item.path, stat.S_IMODE(item.mode)) for item in found] == [(data, 0o755), (key, 0o644)]
    assert f"{key} (mode 0644, owner uid 65534) is readable by other accounts" in str(found[1])


def _run_parts(station, parts: int) -> None:
    station.start(parts=parts)
    deadline = time.monotonic() + 60
    while station.store.db.execute("SELECT count(*) FROM parts").fetchone()[0] < parts:
        assert time.monotonic() < deadline, "the simulated line recorded too few parts"
        time.sleep(0.2)


def test_after_a_run_no_station_file_is_readable_by_other_accounts(tmp_path, loose_umask):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    with Store.open(data / "inspector.db"):  # a database left world-readable by an older station
        pass
    assert mode(data / "inspector.db") == 0o644
    config = StationConfig(data_dir=data, images=ImageSettings(keep_pass_fraction=1.0))
    station = build_station(config, simulate=True, rate_hz=20)
    try:
        _run_parts(station, 12)
        assert (data / "inspector.db-wal").exists() and any((data / "journal").iterdir())
        assert others_bits(data) == {}
        assert not any(a.kind == "file_access" for a in station.line.alarms.active)
    finally:
        station.close(timeout=2)
    assert any((data / "images").rglob("*.jpg"))
    assert others_bits(data) == {} and exposed(data) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="a file of another account needs root to make")
def test_a_station_starts_with_an_alarm_naming_a_readable_file_it_cannot_fix(tmp_path, loose_umask):
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 65534, 65534)
    os.chmod(data, 0o777)
    backup = data / "copy-of-inspector.db"
    backup.write_text("rows")
    os.chown(backup, 65534, 65534)
    station = build_station(StationConfig(data_dir=data), simulate=True)
    try:
        alarm = next(a for a in station.line.alarms.active if a.kind == "file_access")
        assert f"{backup} (mode 0644" in alarm.message and f"{data} (mode 0777" in alarm.message
    finally:
        station.close(timeout=2)
    with Store.open(data / "inspector.db") as store:
        kinds = [row[0] for row in store.db.execute("SELECT kind FROM alarms")]
    assert "file_access" in kinds
