"""A simulated station served by ``ApiServer``: real TLS socket, real unix socket, real SQLite, mock pins."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import ApiSettings, StationConfig
from inspector.users import UserDirectory

PINS = {"root": "9173", "ana": "4826", "otto": "5937"}  # admin, qa, operator


def station_config(data_dir: Path, socket_dir: Path, **api) -> StationConfig:
    settings = ApiSettings(tls=True, host="127.0.0.1", port=0, socket_path=socket_dir / "api.sock", **api)
    return StationConfig(data_dir=data_dir, api=settings)


def add_users(store) -> None:
    users = UserDirectory(store)
    users.add(None, "root", "admin", PINS["root"], reason="installed")
    admin = users.login("root", PINS["root"])
    users.add(admin, "ana", "qa", PINS["ana"], reason="QA reviewer")
    users.add(admin, "otto", "operator", PINS["otto"], reason="line operator")


@pytest.fixture
def socket_dir():
    folder = Path(tempfile.mkdtemp(prefix="api", dir="/tmp"))  # unix socket paths are limited to 107 bytes
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def served(tmp_path, socket_dir):
    """A station with users and 12 recorded parts, stopped, its API on TLS and the local socket."""
    yield from _served(tmp_path, socket_dir)


@pytest.fixture(scope="module")
def served_for_reading(tmp_path_factory):
    """As ``served``, shared by the tests of a module that change nothing."""
    folder = Path(tempfile.mkdtemp(prefix="api", dir="/tmp"))
    try:
        yield from _served(tmp_path_factory.mktemp("station"), folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _served(tmp_path: Path, socket_dir: Path):
    station = build_station(station_config(tmp_path / "data", socket_dir), simulate=True, rate_hz=20.0, seed=3)
    add_users(station.store)
    server = ApiServer(station).start()
    try:
        station.start(parts=12)
        assert station.line.wait_recorded(12, timeout=30)
        deadline = time.monotonic() + 10
        while station.store.count() < 12 and time.monotonic() < deadline:
            time.sleep(0.05)
        station.line.stop()
        yield station, server
    finally:
        server.stop()
        station.close()
