"""A frontend process for the kill/hang tests: subscribes on the local socket and prints each part it gets.

    python -m tests.api.client_process SOCKET FRAMES_FPS LAST_PART_ID
prints "part <id> <live|records>" per part, "resync <after> <dropped>" per resync, and exits once it has part
LAST_PART_ID (or after 120 s).
"""
from __future__ import annotations

import sys
import time

from inspector.api.client import Client


def main(socket_path: str, frames_fps: float, last: int) -> int:
    with Client.local(socket_path) as client:
        client.subscribe(frames_fps=frames_fps)
        print("subscribed", flush=True)
        end = time.monotonic() + 120
        while time.monotonic() < end:
            event = client.next_event(timeout=1.0)
            if event is None:
                continue
            if event.get("event") == "part":
                part_id = event["part"]["part_id"]
                print(f"part {part_id} {'records' if event.get('from_records') else 'live'}", flush=True)
                if part_id >= last:
                    return 0
            elif event.get("event") == "resync":
                print(f"resync {event['after']} {event['dropped']}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))
