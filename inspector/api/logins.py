"""PIN logins of API clients: a token per login, standing for a :class:`inspector.users.Session` in the runtime.

Only the sha256 of a token is kept, so a lookup leaks nothing through its timing. A token ends when its session does
(log-out, the station's idle time-out, an admin changing the user) and at ``ttl_s`` after the login at the latest.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable

from inspector.users import Session, UserDirectory


@dataclass
class Login:
    session: Session
    expires: float  # time.monotonic()


class Logins:
    def __init__(self, users: UserDirectory, *, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.users, self.ttl_s, self.clock = users, ttl_s, clock
        self._by_hash: dict[str, Login] = {}
        self._lock = threading.Lock()

    def login(self, name: str, pin: str) -> tuple[str, Session]:
        """A new token for ``name``; the directory's errors (WrongPin, LockedOut, UnknownUser) otherwise."""
        session = self.users.login(name, pin)
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired()
            self._by_hash[_digest(token)] = Login(session, self.clock() + self.ttl_s)
        return token, session

    def session(self, token: str | None) -> Session | None:
        """The live session of ``token``; None when there is none (unknown, expired, logged out)."""
        if not token or not isinstance(token, str):
            return None
        key = _digest(token)
        with self._lock:
            login = self._by_hash.get(key)
            if login is None:
                return None
            if self.clock() >= login.expires:
                login.session.end("token expired")
            if not login.session.active:
                del self._by_hash[key]
                return None
            return login.session

    def seconds_left(self, token: str) -> float:
        with self._lock:
            login = self._by_hash.get(_digest(token))
            return max(0.0, login.expires - self.clock()) if login else 0.0

    def logout(self, token: str | None) -> bool:
        if not token or not isinstance(token, str):
            return False
        with self._lock:
            login = self._by_hash.pop(_digest(token), None)
        if login is not None:
            login.session.end("logout")
        return login is not None

    def end_user(self, name: str, why: str = "user changed") -> int:
        """End every login of ``name`` (an admin changed or deactivated them); returns how many ended."""
        with self._lock:
            ended = [k for k, v in self._by_hash.items() if v.session.user.name == name]
            for key in ended:
                self._by_hash.pop(key).session.end(why)
        return len(ended)

    def _forget_expired(self) -> None:
        now = self.clock()
        for key in [k for k, v in self._by_hash.items() if now >= v.expires or v.session.ended]:
            del self._by_hash[key]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
