"""``inspector cameras``: the cameras this machine has, per backend, with their controls and ranges, for the
technician who writes the station file's [camera] section.

    inspector cameras [--config station.toml] [--cti /opt/.../producer.cti] [--json]

Each backend lists what it finds or says why it finds nothing (a library missing, no device, no access).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from inspector.config import load_station


def add_command(sub) -> None:
    cameras = sub.add_parser("cameras", help="list the cameras found, their controls and ranges")
    cameras.add_argument("--config", type=Path, help="station settings (TOML): its [camera] cti is used")
    cameras.add_argument("--cti", help="a GenTL producer (.cti) to ask for GenICam cameras")
    cameras.add_argument("--json", action="store_true", help="one JSON document")


def cmd_cameras(args: argparse.Namespace) -> int:
    from hardware.cameras.discovery import find_all

    cti = args.cti or (load_station(args.config).camera.cti if args.config else None)
    found = find_all(cti)
    if args.json:
        print(json.dumps([asdict(f) for f in found], indent=2))
        return 0
    for section in found:
        print(f"{section.backend}:")
        if not section.cameras:
            print(f"  none found: {section.why_none}")
        for camera in section.cameras:
            print(f"  source = {camera.source!r}  {camera.name}" + (f"  [{camera.note}]" if camera.note else ""))
            for control, span in camera.controls.items():
                print(f"      {control}: {span}")
    print("Put the backend and source in the station file's [camera] section (README, 'Hardware').",
          file=sys.stderr)
    return 0


COMMANDS = {"cameras": cmd_cameras}
