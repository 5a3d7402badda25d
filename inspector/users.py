"""People at the station: roles, PINs hashed with scrypt and a salt of their own, lock-out, idle log-out.

A PIN never leaves this module in any form: not in logs, not in exception messages, not in the audit trail (which
records "PIN changed", never a hash). Wrong-PIN counts and lock-outs live in memory, on the injected clock.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from inspector import audit
from inspector.clock import Clock, MonotonicClock
from inspector.permissions import USERS_MANAGE, SessionExpired, require
from inspector.store.chain import chain_rows

log = logging.getLogger(__name__)

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN = 2**14, 8, 1, 32
SALT_BYTES = 16
KDF = f"scrypt:n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P},dklen={SCRYPT_DKLEN}"
PIN_LENGTH = (4, 8)
NAME_LENGTH = 32


class Role(str, Enum):
    OPERATOR = "operator"
    QA = "qa"
    TECHNICIAN = "technician"
    ADMIN = "admin"
    SYSTEM = "system"  # the station itself (automatic start/stop); nobody logs in as it


PEOPLE = (Role.OPERATOR, Role.QA, Role.TECHNICIAN, Role.ADMIN)


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    active: bool = True


SYSTEM = User("station", Role.SYSTEM)
"""The actor of the automatic line (the headless run, the window's start-up): never a person."""


class LoginError(Exception):
    """A login or re-authentication was refused (the message never holds the PIN)."""


class WrongPin(LoginError):
    def __init__(self, name: str, tries_left: int):
        super().__init__(f"wrong PIN for {name}: {tries_left} {'try' if tries_left == 1 else 'tries'} left")
        self.name, self.tries_left = name, tries_left


class LockedOut(LoginError):
    def __init__(self, name: str, seconds_left: float):
        super().__init__(f"{name} is locked out for {seconds_left:.0f} s after too many wrong PINs")
        self.name, self.seconds_left = name, seconds_left


class UnknownUser(LoginError):
    pass


class InvalidPin(ValueError):
    """A new PIN that does not meet the rules (the message never holds the PIN)."""


def check_new_pin(pin: str) -> str:
    lo, hi = PIN_LENGTH
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit() or not lo <= len(pin) <= hi:
        raise InvalidPin(f"a PIN is {lo} to {hi} digits (0-9)")
    if len(set(pin)) == 1:
        raise InvalidPin("a PIN of one repeated digit is refused")
    return pin


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_LENGTH or not name.isprintable():
        raise ValueError(f"user name {name!r}: 1 to {NAME_LENGTH} printable characters")
    return name


def hash_pin(pin: str, salt: bytes) -> bytes:
    """scrypt(pin, salt) with n=2**14, r=8, p=1: 16 MiB and tens of ms per try, on purpose."""
    return hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_DKLEN,
                          maxmem=64 * 2**20)


def _now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class _Attempts:
    failures: int = 0
    locked_until: float = float("-inf")


class Session:
    """One person logged in: who, since when; ends on log-out, idle time-out or lock-out."""

    def __init__(self, directory: UserDirectory, user: User):
        self.directory, self.user = directory, user
        self.clock = directory.clock
        self.started = self.last_activity = self.clock.now()
        self.ended: str | None = None  # why it ended

    def __repr__(self) -> str:
        return f"<Session {self.user.name} ({self.user.role.value}){' ended: ' + self.ended if self.ended else ''}>"

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def idle_s(self) -> float:
        return self.clock.now() - self.last_activity

    @property
    def seconds_left(self) -> float:
        return max(0.0, self.directory.idle_timeout_s - self.idle_s)

    @property
    def active(self) -> bool:
        if self.ended is None and self.idle_s >= self.directory.idle_timeout_s:
            self.end("idle")
        return self.ended is None

    def touch(self) -> None:
        """Activity (a tap, an allowed action): the idle time starts again."""
        if self.active:
            self.last_activity = self.clock.now()

    def end(self, why: str = "logout") -> None:
        if self.ended is None:
            self.ended = why
            log.info("user %s logged out (%s)", self.user.name, why)

    def check_alive(self, action: str) -> None:
        """Raise SessionExpired unless logged in and the user still exists, active, with the same role."""
        if not self.active:
            raise SessionExpired(f"{self.user.name} was logged out ({self.ended}); log in again to {action}",
                                 user=self.user.name, role=self.user.role.value, action=action)
        now = self.directory.get(self.user.name)
        if now is None or not now.active or now.role != self.user.role:
            self.end("user changed")
            raise SessionExpired(f"{self.user.name} was changed by an admin; log in again to {action}",
                                 user=self.user.name, role=self.user.role.value, action=action)

    def reauthenticate(self, pin: str) -> None:
        """The PIN again (a signature); a lock-out it causes ends the session."""
        try:
            self.directory.verify_pin(self.user.name, pin)
        except LockedOut:
            self.end("locked out")
            raise


class UserDirectory:
    """The station's users in its database, with logins, lock-out and user management (admins only)."""

    def __init__(self, store: Any, *, clock: Clock | None = None, max_failures: int = 5, lockout_s: float = 300.0,
                 idle_timeout_s: float = 120.0):
        if max_failures < 1 or lockout_s <= 0 or idle_timeout_s <= 0:
            raise ValueError(f"max_failures {max_failures} must be >= 1, lockout_s {lockout_s} and idle_timeout_s "
                             f"{idle_timeout_s} > 0")
        self.store, self.clock = store, clock or MonotonicClock()
        self.max_failures, self.lockout_s, self.idle_timeout_s = max_failures, lockout_s, idle_timeout_s
        self._attempts: dict[str, _Attempts] = {}
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------------------------------------------
    def _rows(self, sql: str, params: list[Any] = ()) -> list[tuple]:
        conn, lock = audit._connection(self.store)
        with lock:
            return conn.execute(sql, params).fetchall()

    def users(self, *, include_inactive: bool = False) -> list[User]:
        where = "" if include_inactive else " WHERE active = 1"
        return [User(n, Role(r), bool(a)) for n, r, a in self._rows(f"SELECT name, role, active FROM users{where} "
                                                                    "ORDER BY name COLLATE NOCASE")]

    def get(self, name: str) -> User | None:
        rows = self._rows("SELECT name, role, active FROM users WHERE name = ?", [name])
        return User(rows[0][0], Role(rows[0][1]), bool(rows[0][2])) if rows else None

    def count(self) -> int:
        return self._rows("SELECT count(*) FROM users WHERE active = 1")[0][0]

    def locked_for(self, name: str) -> float:
        """Seconds until ``name`` may try again (0 when not locked out)."""
        with self._lock:
            attempts = self._attempts.get(name)
            return max(0.0, attempts.locked_until - self.clock.now()) if attempts else 0.0

    # -- PINs ------------------------------------------------------------------------------------------------
    def verify_pin(self, name: str, pin: str) -> User:
        """The user when ``pin`` is theirs; else WrongPin / LockedOut / UnknownUser (with a lock-out after
        ``max_failures`` wrong PINs in a row, for ``lockout_s``)."""
        with self._lock:
            attempts = self._attempts.setdefault(name, _Attempts())
            left = attempts.locked_until - self.clock.now()
            if left > 0:
                raise LockedOut(name, left)
        rows = self._rows("SELECT role, active, pin_hash, salt FROM users WHERE name = ?", [name])
        if not rows or not rows[0][1]:
            hash_pin(str(pin), b"\0" * SALT_BYTES)  # the same time as a real check
            raise UnknownUser(f"no active user {name!r}")
        role, _, stored, salt = rows[0]
        ok = isinstance(pin, str) and hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt)), bytes.fromhex(stored))
        with self._lock:
            if ok:
                attempts.failures = 0
                return User(name, Role(role))
            attempts.failures += 1
            if attempts.failures < self.max_failures:
                log.warning("wrong PIN for user %s (%d of %d)", name, attempts.failures, self.max_failures)
                raise WrongPin(name, self.max_failures - attempts.failures)
            attempts.failures, attempts.locked_until = 0, self.clock.now() + self.lockout_s
        log.warning("user %s locked out for %.0f s after %d wrong PINs", name, self.lockout_s, self.max_failures)
        audit.append(self.store, User(name, Role(role)), "user.lockout", f"user:{name}", None,
                     {"locked_s": self.lockout_s}, f"{self.max_failures} wrong PINs in a row")
        raise LockedOut(name, self.lockout_s)

    def login(self, name: str, pin: str) -> Session:
        user = self.verify_pin(name, pin)
        log.info("user %s (%s) logged in", name, user.role.value)
        return Session(self, user)

    # -- management (admins; the very first user at install time needs no session) ----------------------------
    def _manage(self, session: Session | None, name: str) -> Any:
        if session is None and self.count() == 0:
            return _Installer(name)
        require(session, USERS_MANAGE)
        return session

    def add(self, session: Session | None, name: str, role: Role | str, pin: str, *, reason: str) -> User:
        """A new user. With no user yet, ``session`` may be None and the first user must be an admin."""
        name, role = check_name(name), Role(role)
        if role is Role.SYSTEM:
            raise ValueError("nobody logs in as the station: pick operator, qa, technician or admin")
        actor = self._manage(session, name)
        if isinstance(actor, _Installer) and role is not Role.ADMIN:
            raise ValueError(f"the first user must be an admin (who then adds the others), not {role.value}")
        salt = secrets.token_bytes(SALT_BYTES)
        digest = hash_pin(check_new_pin(pin), salt)
        now = _now_utc()
        with audit.transaction(self.store) as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
                raise ValueError(f"user {name!r} exists already")
            conn.execute("INSERT INTO users (name, role, pin_hash, salt, kdf, active, created_at, updated_at)"
                         " VALUES (?, ?, ?, ?, ?, 1, ?, ?)", [name, role.value, digest.hex(), salt.hex(), KDF, now, now])
            chain_rows(conn, "users", [name], "insert")
            audit.append(conn, actor, "user.add", f"user:{name}", None,
                         {"role": role.value, "active": True, "pin_set": True}, reason)
        log.info("user %s (%s) added by %s", name, role.value, getattr(actor, "user", actor).name)
        return User(name, role)

    def reset_pin(self, session: Session | None, name: str, pin: str, *, reason: str) -> None:
        actor = self._manage(session, name)
        self._require_user(name)
        salt = secrets.token_bytes(SALT_BYTES)
        digest = hash_pin(check_new_pin(pin), salt)
        with audit.transaction(self.store) as conn:
            conn.execute("UPDATE users SET pin_hash = ?, salt = ?, kdf = ?, updated_at = ? WHERE name = ?",
                         [digest.hex(), salt.hex(), KDF, _now_utc(), name])
            chain_rows(conn, "users", [name], "update")
            audit.append(conn, actor, "user.reset_pin", f"user:{name}", {"pin_set": True}, {"pin_changed": True},
                         reason)
        with self._lock:
            self._attempts.pop(name, None)  # a new PIN lifts a lock-out

    def set_role(self, session: Session, name: str, role: Role | str, *, reason: str) -> None:
        role = Role(role)
        if role is Role.SYSTEM:
            raise ValueError("nobody logs in as the station: pick operator, qa, technician or admin")
        self._update(session, name, "role", role.value, reason)

    def set_active(self, session: Session, name: str, active: bool, *, reason: str) -> None:
        self._update(session, name, "active", bool(active), reason)

    def unlock(self, session: Session, name: str, *, reason: str) -> None:
        require(session, USERS_MANAGE)
        self._require_user(name)
        with self._lock:
            was = self._attempts.pop(name, None)
        audit.append(self.store, session, "user.unlock", f"user:{name}",
                     {"locked_s": round(max(0.0, was.locked_until - self.clock.now()), 1) if was else 0.0},
                     {"locked_s": 0.0}, reason)

    def _update(self, session: Session, name: str, column: str, value: Any, reason: str) -> None:
        require(session, USERS_MANAGE)
        user = self._require_user(name)
        before = user.role.value if column == "role" else user.active
        if (column == "role" or value is False) and user.role is Role.ADMIN and user.active and self._admins() == 1:
            raise ValueError(f"{name} is the last active admin: add another admin first")
        with audit.transaction(self.store) as conn:
            conn.execute(f"UPDATE users SET {column} = ?, updated_at = ? WHERE name = ?",
                         [value if column == "role" else int(value), _now_utc(), name])
            chain_rows(conn, "users", [name], "update")
            audit.append(conn, session, f"user.set_{column}", f"user:{name}", {column: before}, {column: value},
                         reason)

    def _require_user(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            known = ", ".join(u.name for u in self.users(include_inactive=True)) or "none"
            raise ValueError(f"no user {name!r}; users: {known}")
        return user

    def _admins(self) -> int:
        return self._rows("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1")[0][0]


@dataclass(frozen=True)
class _Installer:
    """The actor of the very first ``add`` (at install time, before any user exists): the new admin themself."""

    name: str
    role: str = "admin"
