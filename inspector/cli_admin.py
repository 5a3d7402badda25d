"""``inspector audit`` and ``inspector users``: the audit trail's check and export, users at install time.

    inspector audit verify [--run R | --lot L] [--data-dir D]
                                                 the audit trail and the record chain (parts, labels, users, images,
                                                 seals): exit 0 intact; exit 1 one line per finding
    inspector audit export --out trail.csv [--data-dir D]
    inspector users add NAME --role admin        the first user (an admin), PIN asked twice
    inspector users add NAME --role operator --as ADMIN
    inspector users list | reset-pin NAME --as ADMIN | unlock NAME --as ADMIN
    inspector users change-pin NAME               a user's own PIN: the old one, then the new one twice

Wrong PINs count in the database: every command, the service and the window share one count per user, and the
``[users] max_failures``-th wrong PIN in a row locks the user out for ``[users] lockout_s`` or until an admin unlocks.

PINs are read from the terminal without echo (or one per line from stdin when it is not a terminal), never from the
command line, where they would end up in the shell's history and the process list.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from inspector.config import load_station

ROLES = ("operator", "qa", "technician", "admin")


def station_options(parser: argparse.ArgumentParser) -> None:
    """``--config`` and ``--data-dir``: which station a command works on (every command over its data uses these)."""
    parser.add_argument("--config", type=Path, help="station settings (TOML); none: the simulated line's")
    parser.add_argument("--data-dir", type=Path, help="where the database is (default: the station's data_dir)")


def station_config(args: argparse.Namespace):
    """The station file named by ``--config`` (the simulated line's without one), ``--data-dir`` put in its place."""
    config = load_station(args.config)
    if getattr(args, "data_dir", None) is not None:
        config = config.model_copy(update={"data_dir": args.data_dir})
    return config


def add_commands(sub) -> None:
    trail = sub.add_parser("audit", help="check or export the audit trail")
    trail_sub = trail.add_subparsers(dest="audit_command", required=True)
    verify = trail_sub.add_parser("verify", help="check the audit trail and the record chain; exit 1 naming each "
                                                 "changed, deleted or inserted record, label, user, image or seal")
    station_options(verify)
    scope = verify.add_mutually_exclusive_group()
    scope.add_argument("--run", help="check only this run's parts and labels (the chain and seals whole)")
    scope.add_argument("--lot", help="check only this lot's parts and labels (the chain and seals whole)")
    verify.add_argument("--no-images", action="store_true", help="do not read the image files")
    export = trail_sub.add_parser("export", help="write the trail as CSV")
    station_options(export)
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")

    users = sub.add_parser("users", help="the station's users (admin; at install time)")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user (the first one must be an admin)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    reset = users_sub.add_parser("reset-pin", help="give a user a new PIN (lifts a lock-out)")
    reset.add_argument("name")
    unlock = users_sub.add_parser("unlock", help="lift a user's lock-out after too many wrong PINs")
    unlock.add_argument("name")
    for parser in (add, reset, unlock):
        parser.add_argument("--as", dest="admin", help="the admin doing it (asked for their PIN)")
        parser.add_argument("--reason", default="from the command line", help="for the audit trail")
        station_options(parser)
    station_options(users_sub.add_parser("list", help="users, roles, active or not, locked out or not"))
    change = users_sub.add_parser("change-pin", help="change your own PIN (the old one asked first)")
    change.add_argument("name")
    station_options(change)


def _database(args: argparse.Namespace) -> Path:
    data_dir = args.data_dir or load_station(args.config).data_dir
    return Path(data_dir) / "inspector.db"


def station_key_path(args: argparse.Namespace) -> Path:
    """The station key that signs the record chain's seals: the station file's station_key, else beside the data."""
    from inspector.store.seals import default_key_path

    config = station_config(args)
    return Path(config.station_key) if config.station_key else default_key_path(config.data_dir)


def _open(args: argparse.Namespace, *, must_exist: bool):
    from inspector.store import Store

    path = _database(args)
    if must_exist and not path.exists():
        raise FileNotFoundError(f"no station database at {path} (give --data-dir)")
    return Store.open(path)


def cmd_audit(args: argparse.Namespace) -> int:
    from inspector import audit

    try:
        store = _open(args, must_exist=True)
    except FileNotFoundError as e:
        print(f"inspector: {e}", file=sys.stderr)
        return 2
    with store:
        if args.audit_command == "verify":
            return _verify(store, args)
        try:
            n = audit.export_csv(store, args.out)
        except OSError as e:
            print(f"inspector: {e}", file=sys.stderr)
            return 2
        print(f"{n} audit entries written to {args.out}")
        return 0


def _verify(store, args: argparse.Namespace) -> int:
    from inspector import audit
    from inspector.store.integrity import verify_records

    verdict = audit.verify(store)
    if verdict.ok:
        print(f"audit trail intact: {verdict.entries} entries in {store.path}")
    else:
        print(f"audit trail BROKEN at entry {verdict.broken.entry_id} ({verdict.broken.kind}): "
              f"{verdict.broken.why} [{store.path}]")
    try:
        records = verify_records(store, run_id=args.run, lot=args.lot, key_path=station_key_path(args),
                                 images=not args.no_images)
    except ValueError as e:
        print(f"inspector: {e}", file=sys.stderr)
        return 2
    for finding in records.findings:
        print(finding)
    for note in records.notes:
        print(f"note: {note}")
    print(records.summary())
    return 0 if verdict.ok and records.ok else 1


def read_pin(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt.rstrip(), file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\r\n")


def _new_pin(name: str) -> str:
    pin = read_pin(f"new PIN for {name}: ")
    if read_pin("the same PIN again: ") != pin:
        raise ValueError("the two PINs differ; nothing changed")
    return pin


def cmd_users(args: argparse.Namespace) -> int:
    from inspector.users import LockedOut, LoginError, UserDirectory

    with _open(args, must_exist=False) as store:
        users = UserDirectory.for_station(store, station_config(args))
        if args.users_command == "list":
            for user in users.users(include_inactive=True):
                locked = users.locked_for(user.name)
                print(f"{user.name:<{24}} {user.role.value:<11} {'active' if user.active else 'inactive'}"
                      + (f" locked-out {locked:.0f} s" if locked else ""))
            return 0
        try:
            if args.users_command == "change-pin":
                old = read_pin(f"current PIN of {args.name}: ")
                users.change_own_pin(args.name, old, _new_pin(args.name))
                print(f"new PIN set for {args.name}")
                return 0
            session = None
            if users.count() > 0:
                if not args.admin:
                    raise ValueError("users exist already: say which admin does this with --as NAME")
                session = users.login(args.admin, read_pin(f"PIN of {args.admin}: "))
                _warn_short_pin(session)
            if args.users_command == "unlock":
                left = users.unlock(session, args.name, reason=args.reason)
                print(f"{args.name} unlocked" + (f" ({left:.0f} s of lock-out were left)" if left else
                                                 " (was not locked out; wrong-PIN count cleared)"))
            elif args.users_command == "add":
                users.add(session, args.name, args.role, _new_pin(args.name), reason=args.reason)
                print(f"user {args.name} ({args.role}) added")
            else:
                users.reset_pin(session, args.name, _new_pin(args.name), reason=args.reason)
                print(f"new PIN set for {args.name}")
            return 0
        except (LoginError, ValueError, PermissionError) as e:
            print(f"inspector: {e}", file=sys.stderr)
            if isinstance(e, LockedOut):
                print(f"inspector: refused: an admin can lift the lock-out with `inspector users unlock {e.name} "
                      "--as ADMIN`", file=sys.stderr)
            return 1


def _warn_short_pin(session) -> None:
    if session.pin_too_short:
        print(f"inspector: warning: the PIN of {session.user.name} is shorter than the station file's [users] "
              f"min_pin_length = {session.directory.min_pin_length}: change it now (inspector users change-pin "
              f"{session.user.name})", file=sys.stderr)


COMMANDS = {"audit": cmd_audit, "users": cmd_users}
