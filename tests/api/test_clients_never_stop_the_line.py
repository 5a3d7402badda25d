"""Acceptance of #19 item 1: a frontend killed or hung changes nothing on the line, and a new one catches up from the
records. 300 parts at 10 parts/s on the simulated line, through real sockets and the real database."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from inspector.api.client import Client
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from tests.api.conftest import station_config

PARTS, RATE = 300, 10.0


class ClientProcess:
    def __init__(self, socket_path, frames_fps: float, last: int) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tests.api.client_process", str(socket_path),
                                         str(frames_fps), str(last)], stdout=subprocess.PIPE, text=True,
                                        cwd=os.getcwd())
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.split())

    def parts(self, source: str | None = None) -> list[int]:
        return [int(w[1]) for w in list(self.lines) if w[0] == "part" and (source is None or w[2] == source)]

    def wait_for(self, condition, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                return True
            time.sleep(0.05)
        return False


def test_killed_and_hung_clients_cost_the_line_nothing_and_a_new_client_catches_up(tmp_path, socket_dir):
    config = station_config(tmp_path / "data", socket_dir, client_queue=64)
    station = build_station(config, simulate=True, rate_hz=RATE, seed=11)
    server = ApiServer(station).start()
    first = station.line.journal.next_id if station.line.journal else 1
    last = first + PARTS - 1
    killed = ClientProcess(server.socket_path, 0, last)
    hung = ClientProcess(server.socket_path, 5, last)  # live frames too: its socket fills while it is stopped
    try:
        for client in (killed, hung):
            assert client.wait_for(lambda c=client: ["subscribed"] in c.lines, 30), "client did not subscribe"
        station.start(parts=PARTS)
        assert killed.wait_for(lambda: len(killed.parts()) >= 100, 60)
        killed.process.send_signal(signal.SIGKILL)
        os.kill(hung.process.pid, signal.SIGSTOP)
        assert station.line.wait_recorded(PARTS, timeout=PARTS / RATE + 30)
        os.kill(hung.process.pid, signal.SIGCONT)
        assert hung.process.wait(60) == 0, "the hung client, let go, did not reach the last part"
        deadline = time.monotonic() + 10
        while station.store.count(station.line.run_id) < PARTS and time.monotonic() < deadline:
            time.sleep(0.05)

        stats = station.stats.report(parts=station.line.triggered, dropped_frames=0)
        assert station.line.triggered == stats["recorded"] == PARTS  # 0 parts missing
        assert stats["fail_safe_causes"] == {} and stats["late"] == 0  # 0 extra fail-safes
        assert station.store.count(station.line.run_id) == PARTS

        # the hung client fell behind, was resynced (not waited for) and got every part, the missed from the records
        assert any(w[0] == "resync" for w in hung.lines)
        assert sorted(set(hung.parts())) == list(range(first, last + 1))
        assert hung.parts("records"), "the parts dropped while it hung came from the records"
        gone = time.monotonic() + 5
        while server.hub.subscribers and time.monotonic() < gone:
            time.sleep(0.05)
        assert not server.hub.subscribers  # the killed and the finished client left nothing behind in the runtime

        with Client.local(server.socket_path) as fresh:
            counters = fresh.counters()
            assert counters["recorded"] == PARTS and counters["last_part_id"] == last
            assert counters["outcomes"] == station.store.outcomes(station.line.run_id)
            seen_by_killed = max(killed.parts())
            missed = fresh.parts_since(seen_by_killed)
            assert [p["part_id"] for p in missed] == list(range(seen_by_killed + 1, last + 1))
            records = {r.part_id: r for r in station.store.records(station.line.run_id, limit=None)}
            for part in missed[-10:]:  # the last results, as recorded
                record = records[part["part_id"]]
                assert (part["outcome"], part["count"], part["confidence"]) == \
                       (record.outcome, record.count, record.confidence)
    finally:
        for client in (killed, hung):
            if client.process.poll() is None:
                os.kill(client.process.pid, signal.SIGCONT)
                client.process.kill()
            client.process.wait(5)
        server.stop()
        station.close()
