"""Child process of the kill -9 test: the simulated station at ``rate`` parts/s on ``data_dir`` until killed.

Prints ``ready <run_id>`` once running, then ``<part_id>`` for every part the beam books (after the line booked it).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from inspector.assemble import build_station
from inspector.config import StationConfig


def main(data_dir: str, rate: float) -> None:
    station = build_station(StationConfig(data_dir=Path(data_dir)), simulate=True, rate_hz=rate)
    out = sys.stdout
    book = station.line.on_trigger

    def booked() -> None:
        part_id = book()
        out.write(f"{part_id}\n")
        out.flush()

    station.io.beam.when_broken = booked
    out.write(f"ready {station.line.run_id}\n")
    out.flush()
    station.start()
    time.sleep(120)  # the test kills us long before


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
