"""Wrong PINs and lock-outs live in the database: every process (service, window, each CLI call) counts the same
tries; an admin or the lock-out time ends a lock-out, both audited."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from inspector import audit
from inspector.config import ConfigError, parse_station
from inspector.store import Store
from inspector.users import LockedOut, UserDirectory, WrongPin
from tests.users.people import LOCKOUT_S, MAX_FAILURES, pin_of


class WallClock:
    """Seconds shared by processes, moved by hand."""

    def __init__(self, t: float = 1_700_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def another_process(store, wall: WallClock) -> UserDirectory:
    """The same station seen by another process: its own connection, its own directory, nothing in memory shared."""
    return UserDirectory(store.reopen(), max_failures=MAX_FAILURES, lockout_s=LOCKOUT_S, wall_clock=wall)


def test_wrong_pins_in_different_processes_add_up_to_one_lock_out(store, directory):
    wall = WallClock()
    window, cli = another_process(store, wall), another_process(store, wall)
    with pytest.raises(WrongPin) as first:
        window.login("olga", "1111")
    with pytest.raises(WrongPin) as second:
        cli.login("olga", "2222")
    assert (first.value.tries_left, second.value.tries_left) == (MAX_FAILURES - 1, MAX_FAILURES - 2)
    for _ in range(MAX_FAILURES - 2):
        with pytest.raises((WrongPin, LockedOut)):
            another_process(store, wall).login("olga", "3333")
    with pytest.raises(LockedOut):
        window.login("olga", pin_of("olga"))
    assert cli.locked_for("olga") == pytest.approx(LOCKOUT_S)


def test_a_lock_out_ends_when_its_time_has_passed_and_the_end_is_audited(store, directory):
    wall = WallClock()
    station = another_process(store, wall)
    for _ in range(MAX_FAILURES):
        with pytest.raises((WrongPin, LockedOut)):
            station.login("tess", "0001")
    wall.t += LOCKOUT_S - 1
    with pytest.raises(LockedOut) as still:
        another_process(store, wall).login("tess", pin_of("tess"))
    assert still.value.seconds_left == pytest.approx(1)
    wall.t += 1
    assert another_process(store, wall).login("tess", pin_of("tess")).active
    actions = [(e.action, e.user, e.target) for e in audit.entries(store) if e.target == "user:tess"]
    assert actions[-2:] == [("user.lockout", "tess", "user:tess"), ("user.lockout_ended", "station", "user:tess")]


def test_an_admin_unlocks_a_user_at_once_audited_with_the_time_that_was_left(store, directory, sessions):
    wall = WallClock()
    station = another_process(store, wall)
    for _ in range(MAX_FAILURES):
        with pytest.raises((WrongPin, LockedOut)):
            station.login("olga", "0001")
    wall.t += 20
    admin = another_process(store, wall)
    assert admin.unlock(sessions["admin"], "olga", reason="forgot her glasses") == pytest.approx(LOCKOUT_S - 20)
    assert station.login("olga", pin_of("olga")).active
    unlock = [e for e in audit.entries(store) if e.action == "user.unlock"][-1]
    assert (unlock.user, unlock.target, unlock.reason) == ("adam", "user:olga", "forgot her glasses")
    assert '"locked_s":40.0' in unlock.before.replace(" ", "")


def test_a_clock_set_back_never_leaves_a_user_locked_out_for_longer_than_the_setting(store, directory):
    wall = WallClock()
    station = another_process(store, wall)
    for _ in range(MAX_FAILURES):
        with pytest.raises((WrongPin, LockedOut)):
            station.login("olga", "0001")
    wall.t -= 86_400  # the lock-out now seems to run for a day
    assert station.locked_for("olga") == 0 and station.login("olga", pin_of("olga")).active


def test_the_station_file_sets_the_lock_out_rules():
    config = parse_station({"users": {"max_failures": 3, "lockout_s": 900, "min_pin_length": 6}}, "station.toml")
    with Store.open(":memory:") as store:
        users = UserDirectory.for_station(store, config)
    assert (users.max_failures, users.lockout_s, users.min_pin_length) == (3, 900, 6)
    with pytest.raises(ConfigError, match=r"station.toml: users.max_failures = 0: .*greater than or equal to 1"):
        parse_station({"users": {"max_failures": 0}}, "station.toml")
    with pytest.raises(ConfigError, match=r"station.toml: users.min_pin_length = 3"):
        parse_station({"users": {"min_pin_length": 3}}, "station.toml")


def inspector(data_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The real ``inspector`` command, a process of its own each call."""
    return subprocess.run([sys.executable, "-m", "inspector", *args, "--data-dir", str(data_dir)], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_six_wrong_pins_over_six_cli_calls_lock_the_user_out_and_the_seventh_with_the_right_pin_is_refused(tmp_path):
    assert inspector(tmp_path, "users", "add", "adam", "--role", "admin", stdin="715493\n715493\n").returncode == 0
    added = inspector(tmp_path, "users", "add", "anna", "--role", "admin", "--as", "adam",
                      stdin="715493\n604319\n604319\n")
    assert added.returncode == 0, added.stderr
    calls = [inspector(tmp_path, "users", "reset-pin", "anna", "--as", "adam", stdin=f"00000{i}\n") for i in range(6)]
    assert [c.returncode for c in calls] == [1] * 6
    said = [c.stderr.splitlines()[-1] for c in calls]
    assert said[:4] == [f"inspector: wrong PIN for adam: {n} {'try' if n == 1 else 'tries'} left" for n in (4, 3, 2, 1)]
    assert all("adam is locked out" in c.stderr for c in calls[4:])
    seventh = inspector(tmp_path, "users", "reset-pin", "anna", "--as", "adam", stdin="715493\n")
    assert seventh.returncode == 1
    assert re.search(r"adam is locked out for (2[0-9]{2}|300) s after too many wrong PINs", seventh.stderr)
    assert "inspector users unlock adam --as ADMIN" in seventh.stderr and "new PIN" not in seventh.stderr
    assert "locked-out" in inspector(tmp_path, "users", "list").stdout.splitlines()[0]

    unlocked = inspector(tmp_path, "users", "unlock", "adam", "--as", "anna", "--reason", "typo at the terminal",
                         stdin="604319\n")
    assert unlocked.returncode == 0 and "adam unlocked" in unlocked.stdout, unlocked.stderr
    again = inspector(tmp_path, "users", "reset-pin", "anna", "--as", "adam", stdin="715493\n826153\n826153\n")
    assert again.returncode == 0, again.stderr
    with Store.open(tmp_path / "inspector.db") as store:
        trail = [(e.action, e.user, e.target) for e in audit.entries(store)]
    assert ("user.lockout", "adam", "user:adam") in trail and ("user.unlock", "anna", "user:adam") in trail
    assert trail.count(("user.lockout", "adam", "user:adam")) == 1  # locked calls do not lock again


def test_a_wrong_pin_checked_while_another_process_locked_the_user_keeps_the_lock_out(store, directory):
    wall = WallClock()
    slow = another_process(store, wall)
    slow._check_not_locked = lambda name: None  # this process has passed the lock check and is hashing the PIN...
    for _ in range(MAX_FAILURES):  # ...while another locks olga out
        with pytest.raises((WrongPin, LockedOut)):
            another_process(store, wall).login("olga", "0001")
    with pytest.raises(LockedOut):
        slow.verify_pin("olga", "0002")
    assert slow.locked_for("olga") == pytest.approx(LOCKOUT_S)
    assert [e.action for e in audit.entries(store)].count("user.lockout") == 1
