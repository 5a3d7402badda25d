"""``inspector serve``: the station as a service, reached by a QA desk over TLS with the fingerprint it printed."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from inspector.api.client import Client
from inspector.cli import main
from inspector.store import Store
from tests.api.conftest import PINS, add_users


def station_file(tmp_path, socket_dir) -> str:
    path = tmp_path / "station.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\n\n[api]\ntls = true\nhost = "127.0.0.1"\nport = 0\n'
                    f'socket_path = "{socket_dir / "api.sock"}"\n')
    return str(path)


def test_serve_runs_the_line_and_a_qa_desk_follows_it_over_tls(tmp_path, socket_dir, capsys):
    config = station_file(tmp_path, socket_dir)
    with Store.open(tmp_path / "data" / "inspector.db") as store:
        add_users(store)
    assert main(["serve", "--config", config, "--fingerprint"]) == 0
    printed = capsys.readouterr().out.strip()
    process = subprocess.Popen([sys.executable, "-m", "inspector", "serve", "--config", config, "--simulate",
                                "--rate", "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=os.getcwd())
    try:
        started = json.loads(process.stdout.readline())
        assert started["fingerprint"] == printed  # the one the technician read off the station
        with Client.tls("127.0.0.1", started["tls_port"], fingerprint=printed) as desk:
            desk.login("ana", PINS["ana"])
            desk.subscribe()
            parts = []
            while len(parts) < 5:
                event = desk.next_event(timeout=10)
                assert event is not None, "no part event within 10 s"
                if event["event"] == "part":
                    parts.append(event["part"]["part_id"])
            assert parts == sorted(parts) and desk.counters()["run_id"] == started["run_id"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        summary = json.loads(process.stderr.read().strip().splitlines()[-1])
        assert summary["clean_shutdown"] and summary["parts"] == summary["recorded"] >= 5
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert not (socket_dir / "api.sock").exists()


def test_serve_refuses_a_station_file_without_any_listener(tmp_path, capsys):
    path = tmp_path / "station.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\n\n[api]\nunix_socket = false\n')
    assert main(["serve", "--config", str(path), "--simulate"]) == 2
    assert "api.unix_socket = false and api.tls = false" in capsys.readouterr().err


def test_serve_refuses_an_api_setting_out_of_range_naming_it(tmp_path, capsys):
    path = tmp_path / "station.toml"
    path.write_text('[api]\nport = 70000\n')
    assert main(["serve", "--config", str(path), "--simulate"]) == 2
    assert "port" in capsys.readouterr().err
