"""``inspector retention`` and ``inspector holds``: the disk as a resource, from the command line.

    inspector retention run [--dry-run] [--config F | --data-dir D]    prune pass images by the station's quota and age
    inspector holds add --reference "lot 48" --since T --until T --reason R [--as NAME]
    inspector holds add --export-manifest export/manifest.json --reason R    keep the images an export lists
    inspector holds list [--all] | release ID --reason R [--as NAME]

Holds are placed and released by a QA user or an admin (PIN asked, as for ``inspector users``); on a station without
users the audit trail names the local actor. Refusals exit 2 with "key = value: why".
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inspector.cli_admin import station_config, station_options
from inspector.config import load_station

HOLD_ROLES = ("qa", "admin")


def add_commands(sub) -> None:
    retention = sub.add_parser("retention", help="prune kept pass images by the station's quota and age")
    retention_sub = retention.add_subparsers(dest="retention_command", required=True)
    run = retention_sub.add_parser("run", help="one retention pass now")
    run.add_argument("--dry-run", action="store_true", help="say what would go, delete nothing")
    station_options(run)

    holds = sub.add_parser("holds", help="keep the images of a lot, a time range or an export from retention")
    holds_sub = holds.add_subparsers(dest="holds_command", required=True)
    add = holds_sub.add_parser("add", help="place a hold")
    add.add_argument("--reference", help="what is held, for people (a lot, an export id)")
    add.add_argument("--since", help="from this trigger time (ISO 8601, UTC when no zone is given)")
    add.add_argument("--until", help="up to (not including) this time")
    add.add_argument("--run", dest="run_id", help="only this run")
    add.add_argument("--parts", help="a range of part ids, FIRST-LAST")
    add.add_argument("--export-manifest", type=Path, help="hold the parts an export's manifest.json lists")
    release = holds_sub.add_parser("release", help="end a hold: its images may be pruned again")
    release.add_argument("hold_id", type=int)
    for parser in (add, release):
        parser.add_argument("--reason", required=True, help="for the audit trail")
        parser.add_argument("--as", dest="user", help="the QA user or admin doing it (asked for their PIN)")
        station_options(parser)
    listing = holds_sub.add_parser("list", help="active holds (--all: released ones too)")
    listing.add_argument("--all", action="store_true")
    station_options(listing)


def _open(args: argparse.Namespace):
    from inspector.store import Store

    config = load_station(args.config)
    data_dir = Path(args.data_dir or config.data_dir)
    path = data_dir / "inspector.db"
    if not path.is_file():
        raise _Refused(f"data_dir = {str(data_dir)!r}: no station database there (give --data-dir or --config)")
    return config, Store.open(path, images_dir=data_dir / "images")


class _Refused(ValueError):
    pass


def cmd_retention(args: argparse.Namespace) -> int:
    from inspector.store import Retention, RetentionPolicy

    try:
        config, store = _open(args)
    except _Refused as e:
        print(f"inspector: retention refused: {e}", file=sys.stderr)
        return 2
    with store:
        policy = RetentionPolicy.from_settings(config.storage)
        if not policy.enabled:
            print("inspector: retention refused: storage.image_quota and storage.max_image_age_days are both unset "
                  f"in {args.config or 'the default settings'}: nothing to prune by", file=sys.stderr)
            return 2
        report = Retention(store, policy).run(dry_run=args.dry_run)
    print(json.dumps(report.summary()))
    return 0


def cmd_holds(args: argparse.Namespace) -> int:
    from inspector.store import HoldError, add_hold, holds, release_hold

    try:
        _, store = _open(args)
    except _Refused as e:
        print(f"inspector: holds refused: {e}", file=sys.stderr)
        return 2
    with store:
        if args.holds_command == "list":
            for hold in holds(store, include_released=args.all):
                state = "active" if hold.active else f"released {hold.released_at} by {hold.released_by}"
                print(json.dumps({"id": hold.id, "reference": hold.reference, **hold.conditions(),
                                  "reason": hold.reason, "by": hold.created_by, "at": hold.created_at,
                                  "state": state}))
            return 0
        try:
            who = _actor(store, args.user, station_config(args))
            if args.holds_command == "release":
                hold = release_hold(store, who, args.hold_id, reason=args.reason)
                print(f"hold {hold.id} ({hold.reference}) released")
                return 0
            hold = add_hold(store, who, reason=args.reason, **_hold_fields(args))
            print(f"hold {hold.id} ({hold.reference}) placed: {json.dumps(hold.conditions())}")
            return 0
        except (HoldError, PermissionError, ValueError) as e:
            print(f"inspector: holds refused: {e}", file=sys.stderr)
            return 2
        except Exception as e:
            from inspector.users import LoginError

            if isinstance(e, LoginError):
                print(f"inspector: holds refused: {e}", file=sys.stderr)
                return 2
            raise


def _hold_fields(args: argparse.Namespace) -> dict:
    fields = {"reference": args.reference, "since": args.since, "until": args.until, "run_id": args.run_id}
    if args.parts:
        first, sep, last = args.parts.partition("-")
        if not sep or not first.strip().isdigit() or not last.strip().isdigit():
            raise ValueError(f"--parts = {args.parts!r}: give a range of part ids as FIRST-LAST, e.g. 1200-1450")
        fields.update(part_from=int(first), part_to=int(last))
    if args.export_manifest:
        try:
            manifest = json.loads(args.export_manifest.read_text(encoding="utf-8"))
            records = manifest["records"]
            ids = [int(r["part_id"]) for r in records]
            times = sorted(r["wall_time"] for r in records)
            export_id = manifest["export_id"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ValueError(f"--export-manifest = {str(args.export_manifest)!r}: not an export manifest ({e})") from None
        if not ids:
            raise ValueError(f"--export-manifest = {str(args.export_manifest)!r}: the export lists no records")
        fields.update(part_from=min(ids), part_to=max(ids), reference=fields["reference"] or f"export {export_id}")
        fields.update(since=fields["since"] or times[0])
    if not fields["reference"]:
        raise ValueError("--reference is missing: name what is held (a lot, an export id)")
    return fields


def _actor(store, name: str | None, config):
    from inspector.actions import NO_USERS, users_configured
    from inspector.cli_admin import read_pin
    from inspector.users import UserDirectory

    if users_configured(store) == 0:
        return NO_USERS
    if not name:
        raise PermissionError(f"--as is missing: a hold is placed or released by a user with role {' or '.join(HOLD_ROLES)}")
    session = UserDirectory.for_station(store, config).login(name, read_pin(f"PIN of {name}: "))
    role = getattr(session.role, "value", session.role)
    if role not in HOLD_ROLES:
        raise PermissionError(f"--as = {name!r}: role {role} may not place or release holds ({', '.join(HOLD_ROLES)} may)")
    return session


COMMANDS = {"retention": cmd_retention, "holds": cmd_holds}
