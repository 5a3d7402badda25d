"""API tokens stand for a user's session: they end with it, and at their time to live."""
from __future__ import annotations

from inspector.api.logins import Logins
from inspector.clock import ManualClock
from inspector.store import Store
from inspector.users import UserDirectory
from tests.api.conftest import PINS, add_users


def directory(clock):
    store = Store.open()
    add_users(store)
    return UserDirectory(store, clock=clock, idle_timeout_s=120)


class Now:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_token_ends_at_its_time_to_live_even_while_used():
    now = Now()
    logins = Logins(directory(ManualClock(100.0)), ttl_s=60, clock=now)
    token, _ = logins.login("ana", PINS["ana"])
    assert logins.session(token).user.name == "ana"
    now.t += 61
    assert logins.session(token) is None


def test_a_token_ends_with_the_idle_session_and_at_logout():
    clock = ManualClock(100.0)
    logins = Logins(directory(clock), ttl_s=3600)
    idle, _ = logins.login("ana", PINS["ana"])
    clock.advance(121)
    assert logins.session(idle) is None
    token, _ = logins.login("ana", PINS["ana"])
    assert logins.logout(token) and logins.session(token) is None


def test_only_a_digest_of_each_token_is_kept():
    logins = Logins(directory(ManualClock(100.0)), ttl_s=60)
    token, _ = logins.login("ana", PINS["ana"])
    assert token not in logins._by_hash and len(token) >= 40
