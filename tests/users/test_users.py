"""Users: PINs hashed with scrypt and a salt each, lock-out after wrong PINs, log-out after idle time."""
from __future__ import annotations

import hashlib
import logging

import pytest

from inspector import audit
from inspector.permissions import LINE_STOP, USERS_MANAGE, PermissionDenied, SessionExpired, require
from inspector.users import (KDF, InvalidPin, LockedOut, Role, UnknownUser, WrongPin, check_new_pin, hash_pin)
from tests.users.people import IDLE_S, LOCKOUT_S, MAX_FAILURES, PEOPLE, pin_of


def stored(store, name):
    return store.db.execute("SELECT pin_hash, salt, kdf FROM users WHERE name = ?", [name]).fetchone()


def test_a_pin_is_stored_as_an_scrypt_hash_with_a_salt_of_its_own(store, directory):
    digest, salt, kdf = stored(store, "olga")
    assert len(bytes.fromhex(salt)) == 16 and kdf == KDF
    expected = hashlib.scrypt(b"482107", salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32)
    assert bytes.fromhex(digest) == expected
    assert "482107" not in digest and "482107" not in salt
    admin = directory.login("adam", pin_of("adam"))
    directory.add(admin, "otto", "operator", "482107", reason="second operator, same PIN")
    other_digest, other_salt, _ = stored(store, "otto")
    assert other_salt != salt and other_digest != digest


def test_the_right_pin_logs_in_with_the_users_role(directory):
    session = directory.login("quinn", "593268")
    assert session.user.name == "quinn" and session.role is Role.QA and session.active


def test_a_wrong_pin_says_how_many_tries_are_left(directory):
    with pytest.raises(WrongPin) as wrong:
        directory.login("olga", "0000")
    assert wrong.value.tries_left == MAX_FAILURES - 1
    with pytest.raises(UnknownUser):
        directory.login("nobody", "4821")


def test_repeated_wrong_pins_lock_the_user_out_even_for_the_right_pin(store, directory, clock):
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(WrongPin):
            directory.login("olga", "1111")
    with pytest.raises(LockedOut) as locked:
        directory.login("olga", "1111")
    assert locked.value.seconds_left == LOCKOUT_S
    clock.advance(LOCKOUT_S - 1)
    with pytest.raises(LockedOut) as still:
        directory.login("olga", pin_of("olga"))
    assert still.value.seconds_left == pytest.approx(1.0)
    assert directory.locked_for("olga") == pytest.approx(1.0)
    assert directory.login("quinn", pin_of("quinn")).active  # only olga is locked out
    clock.advance(1)
    assert directory.locked_for("olga") == 0
    assert directory.login("olga", pin_of("olga")).active
    lockouts = [e for e in audit.entries(store) if e.action == "user.lockout"]
    assert [(e.user, e.target) for e in lockouts] == [("olga", "user:olga")]


def test_a_right_pin_between_wrong_ones_starts_the_count_again(directory):
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(WrongPin):
            directory.login("olga", "1111")
    directory.login("olga", pin_of("olga"))
    with pytest.raises(WrongPin) as wrong:
        directory.login("olga", "1111")
    assert wrong.value.tries_left == MAX_FAILURES - 1


def test_a_session_logs_out_after_idle_time_and_activity_keeps_it(sessions, clock):
    operator = sessions["operator"]
    clock.advance(IDLE_S - 1)
    require(operator, LINE_STOP)  # an allowed action is activity
    clock.advance(IDLE_S - 1)
    assert operator.active and operator.seconds_left == pytest.approx(1)
    clock.advance(1)
    assert not operator.active and operator.ended == "idle"
    with pytest.raises(SessionExpired, match="olga was logged out \\(idle\\)"):
        require(operator, LINE_STOP)


def test_a_logged_out_session_may_do_nothing(sessions):
    operator = sessions["operator"]
    operator.end()
    with pytest.raises(SessionExpired):
        require(operator, LINE_STOP)


def test_the_first_user_is_an_admin_added_without_a_session(store, clock):
    from inspector.users import UserDirectory

    fresh = UserDirectory(store, clock=clock)
    with pytest.raises(ValueError, match="first user must be an admin"):
        fresh.add(None, "olga", "operator", "4821", reason="install")
    fresh.add(None, "adam", "admin", "7154", reason="install")
    with pytest.raises(PermissionDenied, match=f"{USERS_MANAGE} needs a logged-in user"):
        fresh.add(None, "eve", "admin", "1234", reason="sneaking in")
    assert [u.name for u in fresh.users()] == ["adam"]


def test_only_an_admin_manages_users_and_the_refusal_names_who_and_what(directory, sessions):
    for role in ("operator", "qa", "technician"):
        with pytest.raises(PermissionDenied) as denied:
            directory.add(sessions[role], "eve", "admin", "1234", reason="x")
        name = next(n for n, (r, _) in PEOPLE.items() if r == role)
        assert (denied.value.user, denied.value.role, denied.value.action) == (name, role, USERS_MANAGE)
        assert f"{name!r} ({role}) may not {USERS_MANAGE}" in str(denied.value)
        with pytest.raises(PermissionDenied):
            directory.set_role(sessions[role], name, "admin", reason="promote myself")
    assert directory.get("eve") is None and directory.get("olga").role is Role.OPERATOR


def test_an_admin_changes_roles_deactivates_and_resets_pins(directory, sessions):
    admin = sessions["admin"]
    directory.set_role(admin, "olga", "technician", reason="trained")
    assert directory.get("olga").role is Role.TECHNICIAN
    with pytest.raises(SessionExpired, match="changed by an admin"):
        require(sessions["operator"], LINE_STOP)  # olga's session still had the operator role
    directory.set_active(admin, "quinn", False, reason="left the company")
    with pytest.raises(UnknownUser):
        directory.login("quinn", pin_of("quinn"))
    directory.reset_pin(admin, "tess", "9182", reason="forgot it")
    with pytest.raises(WrongPin):
        directory.login("tess", pin_of("tess"))
    assert directory.login("tess", "9182").active


def test_a_new_pin_lifts_a_lock_out(directory, sessions):
    for _ in range(MAX_FAILURES):
        with pytest.raises((WrongPin, LockedOut)):
            directory.login("tess", "0001")
    directory.reset_pin(sessions["admin"], "tess", "9182", reason="locked out")
    assert directory.login("tess", "9182").active


def test_the_last_admin_stays_an_admin(directory, sessions):
    with pytest.raises(ValueError, match="last active admin"):
        directory.set_role(sessions["admin"], "adam", "operator", reason="oops")
    with pytest.raises(ValueError, match="last active admin"):
        directory.set_active(sessions["admin"], "adam", False, reason="oops")


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "１２３４", "7777", ""])
def test_a_new_pin_that_breaks_the_rules_is_refused_without_showing_it(pin):
    with pytest.raises(InvalidPin) as refused:
        check_new_pin(pin)
    assert not pin or pin not in str(refused.value)


def test_no_pin_hash_or_salt_reaches_logs_messages_or_the_audit_trail(store, directory, sessions, caplog):
    caplog.set_level(logging.DEBUG)
    messages = []
    for _ in range(MAX_FAILURES):
        try:
            directory.login("olga", "369258")
        except (WrongPin, LockedOut) as e:
            messages.append(str(e))
    try:
        directory.login("olga", pin_of("olga"))
    except LockedOut as e:
        messages.append(str(e))
    directory.login("quinn", pin_of("quinn"))
    directory.reset_pin(sessions["admin"], "tess", "827364", reason="routine change")
    try:
        audit.sign(sessions["qa"], "369258", "a wrong signature")
    except WrongPin as e:
        messages.append(str(e))
    rows = store.db.execute("SELECT pin_hash, salt FROM users").fetchall()
    secrets = {"369258", "827364", *(pin for _, pin in PEOPLE.values())} | {v for row in rows for v in row}
    secrets |= {hash_pin(p, bytes.fromhex(s)).hex() for p in ("369258", "827364") for _, s in rows}
    trail = "\n".join(str(e.values()) for e in audit.entries(store))
    text = "\n".join([caplog.text, *messages, trail])
    assert "locked out" in caplog.text and "wrong PIN" in caplog.text and len(messages) == MAX_FAILURES + 2
    leaked = [s for s in secrets if s in text]
    assert leaked == []


def test_the_trail_refuses_an_entry_carrying_a_secret(store, sessions):
    with pytest.raises(audit.AuditError, match="never go into the trail"):
        audit.append(store, sessions["admin"], "user.add", "user:x", None, {"pin_hash": "ab"}, "x")
