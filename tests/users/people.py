"""The station's people for tests: one user per role in a real SQLite file, on a manual clock."""
from __future__ import annotations

import pytest

from inspector.clock import ManualClock
from inspector.store import Store
from inspector.users import UserDirectory

PEOPLE = {  # name: (role, PIN)
    "adam": ("admin", "715493"),
    "olga": ("operator", "482107"),
    "quinn": ("qa", "593268"),
    "tess": ("technician", "604319"),
}
BY_ROLE = {role: name for name, (role, _) in PEOPLE.items()}
MAX_FAILURES, LOCKOUT_S, IDLE_S = 3, 60.0, 120.0


def pin_of(name: str) -> str:
    return PEOPLE[name][1]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "inspector.db") as store:
        yield store


@pytest.fixture
def clock():
    return ManualClock(1000.0)


@pytest.fixture
def directory(store, clock):
    directory = UserDirectory(store, clock=clock, max_failures=MAX_FAILURES, lockout_s=LOCKOUT_S,
                              idle_timeout_s=IDLE_S)
    directory.add(None, "adam", "admin", pin_of("adam"), reason="first admin, at install")
    admin = directory.login("adam", pin_of("adam"))
    for name, (role, pin) in PEOPLE.items():
        if name != "adam":
            directory.add(admin, name, role, pin, reason="new at the station")
    admin.end()
    return directory


@pytest.fixture
def sessions(directory):
    """A logged-in session per role."""
    return {role: directory.login(name, pin_of(name)) for name, (role, _) in PEOPLE.items()}
