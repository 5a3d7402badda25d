"""The notify protocol as systemd speaks it: KEY=VALUE lines in one datagram to $NOTIFY_SOCKET."""
from __future__ import annotations

import os

from inspector.sd_notify import Notifier, message, parse, watchdog_interval_s
from tests.interlock.fake_systemd import FakeNotifySocket


def test_a_message_is_key_value_lines_and_parses_back():
    data = message(READY=1, STATUS="line up\nat 10 parts/s")
    assert data == b"READY=1\nSTATUS=line up at 10 parts/s\n"
    assert parse(data) == {"READY": "1", "STATUS": "line up at 10 parts/s"}
    assert parse(b"garbage\nWATCHDOG=1\n") == {"WATCHDOG": "1"}


def test_notifier_reaches_a_socket_in_the_abstract_namespace_and_one_on_a_path():
    for abstract in (True, False):
        systemd = FakeNotifySocket(abstract=abstract)
        try:
            notifier = Notifier(systemd.env())
            assert notifier.notify(READY=1, STATUS="up")
            got = systemd.wait_for("READY", "1", timeout=5)
            assert got is not None and got.fields["STATUS"] == "up"
        finally:
            systemd.close()


def test_without_notify_socket_every_call_is_a_no_op():
    notifier = Notifier({})
    assert not notifier.enabled and not notifier.notify(READY=1) and notifier.watchdog_s is None


def test_a_socket_that_is_gone_is_counted_never_raised(tmp_path):
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "nobody")})
    assert not notifier.notify(WATCHDOG=1)
    assert notifier.failed == 1


def test_watchdog_interval_applies_only_to_the_process_it_names():
    assert watchdog_interval_s({"WATCHDOG_USEC": "3000000"}) == 3.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": str(os.getpid())}) == 3.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": str(os.getpid() + 1)}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_s({}) is None
