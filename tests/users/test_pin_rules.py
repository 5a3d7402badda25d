"""PIN rules from the station file (``[users] min_pin_length``) and hashes that keep their scrypt parameters."""
from __future__ import annotations

import logging
import secrets
import subprocess
import sys

import pytest

from inspector import audit
from inspector.store import Store
from inspector.users import KDF, InvalidPin, UserDirectory, WrongPin, check_new_pin, hash_pin, parse_kdf
from tests.users.people import pin_of


def test_a_longer_minimum_refuses_a_shorter_new_pin_naming_the_setting(store, sessions):
    strict = UserDirectory(store, min_pin_length=6)
    with pytest.raises(InvalidPin, match=r"at least 6 digits \(station file: \[users\] min_pin_length = 6\)"):
        strict.add(sessions["admin"], "otto", "operator", "4821", reason="new")
    with pytest.raises(InvalidPin, match=r"min_pin_length = 6"):
        strict.reset_pin(sessions["admin"], "olga", "48213", reason="new PIN")
    assert strict.add(sessions["admin"], "otto", "operator", "482137", reason="new").name == "otto"
    assert check_new_pin("4821") == "4821"  # the default minimum stays 4
    with pytest.raises(InvalidPin, match="6 to 8 digits"):
        check_new_pin("123456789", min_length=6)


def test_a_pin_shorter_than_the_minimum_still_logs_in_but_is_flagged_and_logged_until_changed(store, directory,
                                                                                           sessions, caplog):
    directory.reset_pin(sessions["admin"], "olga", "4821", reason="a 4-digit PIN from before")
    strict = UserDirectory(store, min_pin_length=6)
    caplog.set_level(logging.WARNING)
    session = strict.login("olga", "4821")
    assert session.active and session.pin_too_short
    assert "min_pin_length" in caplog.text and "4821" not in caplog.text
    strict.change_own_pin("olga", "4821", "48213769")
    assert not strict.login("olga", "48213769").pin_too_short
    with pytest.raises(WrongPin):
        strict.change_own_pin("olga", "4821", "90817263")
    change = [e for e in audit.entries(store) if e.action == "user.change_pin"]
    assert [(e.user, e.target) for e in change] == [("olga", "user:olga")]


def test_a_hash_made_with_other_scrypt_parameters_verifies_and_is_made_again_at_the_next_right_pin(store, directory):
    old_kdf = "scrypt:n=1024,r=8,p=1,dklen=32"
    salt = secrets.token_bytes(16)
    store.db.execute("UPDATE users SET pin_hash = ?, salt = ?, kdf = ? WHERE name = 'quinn'",
                     [hash_pin(pin_of("quinn"), salt, old_kdf).hex(), salt.hex(), old_kdf])
    store.db.conn.commit()
    with pytest.raises(WrongPin):
        directory.login("quinn", "000000")
    assert store.db.execute("SELECT kdf FROM users WHERE name = 'quinn'").fetchone()[0] == old_kdf
    assert directory.login("quinn", pin_of("quinn")).active
    digest, new_salt, kdf = store.db.execute("SELECT pin_hash, salt, kdf FROM users WHERE name = 'quinn'").fetchone()
    assert kdf == KDF and bytes.fromhex(digest) == hash_pin(pin_of("quinn"), bytes.fromhex(new_salt))
    assert directory.login("quinn", pin_of("quinn")).active
    rehash = [e for e in audit.entries(store) if e.action == "user.rehash_pin"]
    assert len(rehash) == 1 and old_kdf in rehash[0].before and KDF in rehash[0].after
    assert audit.verify(store).ok


def test_todays_parameters_are_scrypts_interactive_login_cost_and_unknown_schemes_are_refused():
    assert parse_kdf(KDF) == {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # 16 MiB per try
    for bad in ("bcrypt:rounds=12", "scrypt:n=1024", "", "scrypt:n=x,r=8,p=1,dklen=32"):
        with pytest.raises(ValueError, match="unknown PIN hash scheme"):
            parse_kdf(bad)


def test_the_cli_warns_a_user_whose_pin_is_shorter_than_the_station_file_asks(tmp_path):
    station = tmp_path / "station.toml"
    station.write_text(f'data_dir = "{tmp_path / "data"}"\n[users]\nmin_pin_length = 6\n')

    def inspector(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "inspector", *args, "--config", str(station)], input=stdin,
                              capture_output=True, text=True, timeout=120)

    with Store.open(tmp_path / "data" / "inspector.db") as store:  # added before the minimum was raised
        UserDirectory(store).add(None, "adam", "admin", "7154", reason="install")
    short = inspector("users", "add", "olga", "--role", "operator", "--as", "adam", stdin="7154\n4821\n4821\n")
    assert short.returncode == 1 and "[users] min_pin_length = 6" in short.stderr
    assert "the PIN of adam is shorter than the station file's [users] min_pin_length = 6" in short.stderr
    changed = inspector("users", "change-pin", "adam", stdin="7154\n715493\n715493\n")
    assert changed.returncode == 0, changed.stderr
    ok = inspector("users", "add", "olga", "--role", "operator", "--as", "adam", stdin="715493\n482107\n482107\n")
    assert ok.returncode == 0 and "shorter" not in ok.stderr
