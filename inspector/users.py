"""People at the station: roles, PINs hashed with scrypt and a salt of their own, lock-out, idle log-out.

A PIN never leaves this module in any form: not in logs, not in exception messages, not in the audit trail (which
records "PIN changed", never a hash). Wrong-PIN counts and lock-outs live in the database (``login_failures``), on the
wall clock, so the service, the window and every CLI call share them; lock-outs, unlocks and their end are audited.

Each hash keeps the scrypt parameters it was made with (``users.kdf``): a hash made with others still verifies, and
is made again with today's ``KDF`` at that user's next right PIN.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Callable

from inspector import audit
from inspector.clock import Clock, MonotonicClock
from inspector.permissions import USERS_MANAGE, SessionExpired, require
from inspector.store import login_failures
from inspector.store.chain import chain_rows

log = logging.getLogger(__name__)

# scrypt's "interactive login" parameters (Percival): 16 MiB, ~60 ms here; a Pi's RAM and a touchscreen's patience
# bound them. No cost makes a 4-digit PIN safe offline (10^4 tries): the database is kept from other accounts (file
# modes) and online guessing is capped by the shared lock-out.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN = 2**14, 8, 1, 32
SALT_BYTES = 16
KDF = f"scrypt:n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P},dklen={SCRYPT_DKLEN}"
PIN_LENGTH = (4, 8)  # the station file's [users] min_pin_length may raise the lower bound
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


def check_new_pin(pin: str, min_length: int = PIN_LENGTH[0]) -> str:
    lo, hi = max(PIN_LENGTH[0], min_length), PIN_LENGTH[1]
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
        raise InvalidPin(f"a PIN is {lo} to {hi} digits (0-9)")
    if len(pin) < lo and lo > PIN_LENGTH[0]:
        raise InvalidPin(f"a PIN here is at least {lo} digits (station file: [users] min_pin_length = {lo})")
    if not lo <= len(pin) <= hi:
        raise InvalidPin(f"a PIN is {lo} to {hi} digits (0-9)")
    if len(set(pin)) == 1:
        raise InvalidPin("a PIN of one repeated digit is refused")
    return pin


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_LENGTH or not name.isprintable():
        raise ValueError(f"user name {name!r}: 1 to {NAME_LENGTH} printable characters")
    return name


def parse_kdf(kdf: str) -> dict[str, int]:
    """``"scrypt:n=16384,r=8,p=1,dklen=32"`` as its parameters; ValueError for anything else."""
    scheme, _, params = (kdf or "").partition(":")
    try:
        values = {k: int(v) for k, v in (item.split("=") for item in params.split(","))}
    except ValueError:
        values = {}
    if scheme != "scrypt" or set(values) != {"n", "r", "p", "dklen"}:
        raise ValueError(f"unknown PIN hash scheme {kdf!r} (known: {KDF})")
    return values


def hash_pin(pin: str, salt: bytes, kdf: str = KDF) -> bytes:
    """scrypt(pin, salt) with ``kdf``'s parameters (today's: n=2**14, r=8, p=1: 16 MiB and tens of ms per try)."""
    k = parse_kdf(kdf)
    return hashlib.scrypt(pin.encode(), salt=salt, n=k["n"], r=k["r"], p=k["p"], dklen=k["dklen"],
                          maxmem=max(64 * 2**20, 2 * 128 * k["r"] * k["n"] * k["p"]))


def _now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Session:
    """One person logged in: who, since when; ends on log-out, idle time-out or lock-out."""

    def __init__(self, directory: UserDirectory, user: User):
        self.directory, self.user = directory, user
        self.clock = directory.clock
        self.started = self.last_activity = self.clock.now()
        self.ended: str | None = None  # why it ended
        self.pin_too_short = False  # the PIN used is shorter than [users] min_pin_length: it must be changed

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
    """The station's users in its database, with logins, lock-out and user management (admins only).

    Idle time runs on ``clock``; wrong PINs and lock-outs on ``wall_clock`` (seconds shared by every process:
    ``time.time``, or the injected ``clock`` when a test gives one and no wall clock).
    """

    def __init__(self, store: Any, *, clock: Clock | None = None, max_failures: int = 5, lockout_s: float = 300.0,
                 idle_timeout_s: float = 120.0, min_pin_length: int = PIN_LENGTH[0],
                 wall_clock: Callable[[], float] | None = None):
        if max_failures < 1 or lockout_s <= 0 or idle_timeout_s <= 0:
            raise ValueError(f"max_failures {max_failures} must be >= 1, lockout_s {lockout_s} and idle_timeout_s "
                             f"{idle_timeout_s} > 0")
        if not PIN_LENGTH[0] <= min_pin_length <= PIN_LENGTH[1]:
            raise ValueError(f"min_pin_length {min_pin_length}: {PIN_LENGTH[0]} to {PIN_LENGTH[1]}")
        self.wall_clock = wall_clock or (clock.now if clock is not None else time.time)
        self.store, self.clock = store, clock or MonotonicClock()
        self.max_failures, self.lockout_s, self.idle_timeout_s = max_failures, lockout_s, idle_timeout_s
        self.min_pin_length = min_pin_length

    @classmethod
    def for_station(cls, store: Any, config: Any, **kwargs: Any) -> UserDirectory:
        """The directory with the station file's ``[users]`` settings (``config``: a StationConfig)."""
        users = config.users
        return cls(store, max_failures=users.max_failures, lockout_s=users.lockout_s,
                   idle_timeout_s=users.idle_timeout_s, min_pin_length=users.min_pin_length, **kwargs)

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
        """Seconds until ``name`` may try again (0 when not locked out), as every process sees it."""
        conn, lock = audit._connection(self.store)
        with lock:
            return login_failures.read(conn, name).seconds_left(self.wall_clock(), self.lockout_s)

    def tries(self, name: str) -> tuple[int, float]:
        """``name``'s wrong PINs in a row and the seconds of lock-out left (0 when not locked out)."""
        conn, lock = audit._connection(self.store)
        with lock:
            tries = login_failures.read(conn, name)
        return tries.failures, tries.seconds_left(self.wall_clock(), self.lockout_s)

    def _check_not_locked(self, name: str) -> None:
        """LockedOut while ``name`` is locked out; a lock-out whose time has passed is cleared and audited."""
        with audit.transaction(self.store) as conn:
            tries = login_failures.read(conn, name)
            if tries.locked_until is None:
                return
            left = tries.seconds_left(self.wall_clock(), self.lockout_s)
            if left > 0:
                raise LockedOut(name, left)
            login_failures.clear(conn, name)
            audit.append(conn, SYSTEM, "user.lockout_ended", f"user:{name}", {"locked": True}, {"locked": False},
                         f"the lock-out time ({self.lockout_s:.0f} s) passed")

    # -- PINs ------------------------------------------------------------------------------------------------
    def verify_pin(self, name: str, pin: str) -> User:
        """The user when ``pin`` is theirs; else WrongPin / LockedOut / UnknownUser (with a lock-out after
        ``max_failures`` wrong PINs in a row, counted across processes, for ``lockout_s``)."""
        self._check_not_locked(name)
        rows = self._rows("SELECT role, active, pin_hash, salt, kdf FROM users WHERE name = ?", [name])
        if not rows or not rows[0][1]:
            hash_pin(str(pin), b"\0" * SALT_BYTES)  # the same time as a real check
            raise UnknownUser(f"no active user {name!r}")
        role, _, stored, salt, kdf = rows[0]
        user = User(name, Role(role))
        ok = isinstance(pin, str) and hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt), kdf),
                                                          bytes.fromhex(stored))
        with audit.transaction(self.store) as conn:
            if ok:
                login_failures.clear(conn, name)
                if kdf != KDF:
                    self._rehash(conn, user, pin, kdf)
                return user
            now = self.wall_clock()
            tries, locked_now = login_failures.add_failure(conn, name, now=now, max_failures=self.max_failures,
                                                           lockout_s=self.lockout_s)
            if locked_now:
                audit.append(conn, user, "user.lockout", f"user:{name}", None, {"locked_s": self.lockout_s},
                             f"{self.max_failures} wrong PINs in a row")
        if tries.locked_until is None:
            log.warning("wrong PIN for user %s (%d of %d)", name, tries.failures, self.max_failures)
            raise WrongPin(name, self.max_failures - tries.failures)
        if locked_now:
            log.warning("user %s locked out for %.0f s after %d wrong PINs", name, self.lockout_s, self.max_failures)
        raise LockedOut(name, tries.seconds_left(now, self.lockout_s))

    def _rehash(self, conn: Any, user: User, pin: str, old_kdf: str) -> None:
        """A right PIN hashed with other parameters: hash it again with today's ``KDF`` (audited, no secrets)."""
        salt = secrets.token_bytes(SALT_BYTES)
        conn.execute("UPDATE users SET pin_hash = ?, salt = ?, kdf = ?, updated_at = ? WHERE name = ?",
                     [hash_pin(pin, salt).hex(), salt.hex(), KDF, _now_utc(), user.name])
        chain_rows(conn, "users", [user.name], "update")
        audit.append(conn, user, "user.rehash_pin", f"user:{user.name}", {"kdf": old_kdf}, {"kdf": KDF},
                     "PIN hash made again with today's parameters at login")
        log.info("PIN hash of %s upgraded from %s to %s", user.name, old_kdf, KDF)

    def login(self, name: str, pin: str) -> Session:
        """A session; ``session.pin_too_short`` when the PIN is shorter than ``min_pin_length`` (logged: change it)."""
        user = self.verify_pin(name, pin)
        log.info("user %s (%s) logged in", name, user.role.value)
        session = Session(self, user)
        if len(pin) < self.min_pin_length:
            session.pin_too_short = True
            log.warning("user %s logged in with a %d-digit PIN; the station file asks for at least %d "
                        "([users] min_pin_length): change it (inspector users change-pin %s)", name, len(pin),
                        self.min_pin_length, name)
        return session

    def change_own_pin(self, name: str, old_pin: str, new_pin: str) -> None:
        """A user changes their own PIN: the old one first (a wrong one counts towards the lock-out)."""
        user = self.verify_pin(name, old_pin)
        salt = secrets.token_bytes(SALT_BYTES)
        digest = hash_pin(check_new_pin(new_pin, self.min_pin_length), salt)
        with audit.transaction(self.store) as conn:
            conn.execute("UPDATE users SET pin_hash = ?, salt = ?, kdf = ?, updated_at = ? WHERE name = ?",
                         [digest.hex(), salt.hex(), KDF, _now_utc(), name])
            chain_rows(conn, "users", [name], "update")
            audit.append(conn, user, "user.change_pin", f"user:{name}", {"pin_set": True}, {"pin_changed": True},
                         "changed by the user")

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
        digest = hash_pin(check_new_pin(pin, self.min_pin_length), salt)
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
        digest = hash_pin(check_new_pin(pin, self.min_pin_length), salt)
        with audit.transaction(self.store) as conn:
            conn.execute("UPDATE users SET pin_hash = ?, salt = ?, kdf = ?, updated_at = ? WHERE name = ?",
                         [digest.hex(), salt.hex(), KDF, _now_utc(), name])
            login_failures.clear(conn, name)  # a new PIN lifts a lock-out
            chain_rows(conn, "users", [name], "update")
            audit.append(conn, actor, "user.reset_pin", f"user:{name}", {"pin_set": True}, {"pin_changed": True},
                         reason)

    def set_role(self, session: Session, name: str, role: Role | str, *, reason: str) -> None:
        role = Role(role)
        if role is Role.SYSTEM:
            raise ValueError("nobody logs in as the station: pick operator, qa, technician or admin")
        self._update(session, name, "role", role.value, reason)

    def set_active(self, session: Session, name: str, active: bool, *, reason: str) -> None:
        self._update(session, name, "active", bool(active), reason)

    def unlock(self, session: Session, name: str, *, reason: str) -> float:
        """An admin lifts ``name``'s lock-out and wrong-PIN count; returns the seconds the lock-out had left."""
        require(session, USERS_MANAGE)
        self._require_user(name)
        with audit.transaction(self.store) as conn:
            was = login_failures.clear(conn, name).seconds_left(self.wall_clock(), self.lockout_s)
            audit.append(conn, session, "user.unlock", f"user:{name}", {"locked_s": round(was, 1)},
                         {"locked_s": 0.0}, reason)
        return was

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
