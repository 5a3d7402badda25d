"""``inspector models import|list|evaluate|shadow|promote|rollback`` and ``inspector rescore``: the model table.

    inspector models import PKG [--as ADMIN]          verify and hold a package as a candidate (never live)
    inspector models list [--json]                    every package: name, version, id, task, state, metrics, approval
    inspector models evaluate NAME [--workers N]      candidate and live model on this station's QA-verified images
    inspector models shadow NAME [--as ADMIN]         the candidate also runs on line parts, never acting
    inspector models promote NAME --reason R [--as ADMIN]   live between two parts (PIN asked once users exist)
    inspector models rollback NAME [--reason R] [--as ADMIN]  back to the version it replaced
    inspector rescore --package NAME|PKG [--since T] [--until T] [--workers N]   every kept image, results beside
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inspector.cli_admin import read_pin, station_config, station_options
from inspector.export.progress import TextProgress

VERBS = ("import", "list", "evaluate", "shadow", "promote", "rollback")


def _who(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="admin", help="the admin doing it (asked for their PIN) once users exist")


def add_lifecycle_commands(models_sub, sub) -> None:
    """The lifecycle verbs under ``inspector models``, and ``inspector rescore`` beside it."""
    imp = models_sub.add_parser("import", help="verify a package and hold it as a candidate")
    imp.add_argument("package", type=Path)
    station_options(imp), _who(imp)
    imp.add_argument("--reason", default="imported for evaluation")
    listing = models_sub.add_parser("list", help="the packages this station holds")
    station_options(listing)
    listing.add_argument("--json", action="store_true")
    evaluate = models_sub.add_parser("evaluate", help="candidate beside the live model on QA-verified images")
    evaluate.add_argument("name")
    evaluate.add_argument("--version")
    evaluate.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    station_options(evaluate)
    for verb, text in (("shadow", "run a candidate beside the live model on line parts"),
                       ("promote", "make a candidate live (signed: admin PIN and a reason)"),
                       ("rollback", "back to the live version this one replaced (signed)")):
        parser = models_sub.add_parser(verb, help=text)
        parser.add_argument("name")
        if verb != "rollback":
            parser.add_argument("--version")
        parser.add_argument("--reason", required=verb == "promote",
                            default=None if verb == "promote" else f"{verb} from the command line")
        station_options(parser), _who(parser)
    rescore = sub.add_parser("rescore", help="run a package over stored images; results beside the decisions")
    rescore.add_argument("--package", required=True, help="a package name held by the station, or a package folder")
    rescore.add_argument("--since")
    rescore.add_argument("--until")
    rescore.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    station_options(rescore)


def _open(args: argparse.Namespace):
    from inspector.models.lifecycle import ModelRegistry
    from inspector.store import Store

    config = station_config(args)
    data_dir = Path(config.data_dir)
    store = Store.open(data_dir / "inspector.db", images_dir=data_dir / "images")
    return store, ModelRegistry(store, config)


def _session(store, admin: str | None, config):
    """None on a station without users; else the admin's session (PIN asked)."""
    from inspector.actions import users_configured
    from inspector.users import UserDirectory

    if users_configured(store) == 0:
        return None, None
    if not admin:
        raise ValueError("users exist: say which admin does this with --as NAME")
    pin = read_pin(f"PIN of {admin}: ")
    return UserDirectory.for_station(store, config).login(admin, pin), pin


def cmd_lifecycle(args: argparse.Namespace) -> int:
    from inspector.manifest import PackageError
    from inspector.models.lifecycle import LifecycleError
    from inspector.permissions import PermissionDenied
    from inspector.users import LoginError

    store, registry = _open(args)
    try:
        return _VERBS[args.models_command](args, store, registry)
    except (LifecycleError, PackageError, PermissionDenied, LoginError, ValueError) as err:
        print(f"inspector: {err}", file=sys.stderr)
        return 2
    finally:
        store.close()


def _import(args, store, registry) -> int:
    session, _ = _session(store, args.admin, station_config(args))
    entry = registry.import_package(args.package, session=session, reason=args.reason)
    print(f"imported {entry.describe()} into {entry.folder}")
    return 0


def _list(args, store, registry) -> int:
    registry.ensure_shipped(sorted({p.name for p in Path(registry.config.models_dir).iterdir()
                                    if (p / "manifest.json").is_file()}))
    entries = registry.entries()
    if args.json:
        print(json.dumps([{**e.__dict__, "folder": str(e.folder)} for e in entries], indent=1))
        return 0
    print(f"{'name':<22} {'version':<10} {'id':<12} {'task':<9} {'state':<10} {'approved by':<24} test metrics")
    for e in entries:
        metrics = ", ".join(f"{k} {v}" for k, v in list((e.test_metrics or {}).items())[:3] if not isinstance(v, dict))
        approved = f"{e.approved_by} {e.approved_at[:16]}" if e.approved_by else "-"
        print(f"{e.name:<22} {e.version:<10} {e.short_id:<12} {e.task:<9} {e.state:<10} {approved:<24} {metrics}")
    return 0


def _progress(label: str):
    bar = TextProgress(label)
    started = [False]

    def update(done: int, total: int) -> None:
        if not started[0]:
            bar.start(total)
            started[0] = True
        bar.update(done)
    return bar, update


def _evaluate(args, store, registry) -> int:
    from inspector.models.evaluation import evaluate

    registry.ensure_shipped([args.name]) if (Path(registry.config.models_dir) / args.name).is_dir() else None
    entry = registry.find(args.name, version=args.version)
    bar, update = _progress(f"evaluate {entry.name} {entry.version}")
    result = evaluate(registry, entry, workers=args.workers, progress=update)
    bar.finish(f"{result['images']} images")
    print(json.dumps(result, indent=1))
    return 0


def _shadow(args, store, registry) -> int:
    session, _ = _session(store, args.admin, station_config(args))
    entry = registry.set_shadow(args.name, session=session, version=args.version, reason=args.reason)
    print(f"{entry.describe()}: runs beside the live model on line parts from the running station's next poll")
    return 0


def _promote(args, store, registry) -> int:
    session, pin = _session(store, args.admin, station_config(args))
    entry = registry.promote(args.name, session=session, pin=pin, reason=args.reason, version=args.version)
    print(f"{entry.describe()}: the running line swaps it in between two parts")
    return 0


def _rollback(args, store, registry) -> int:
    session, pin = _session(store, args.admin, station_config(args))
    entry = registry.rollback(args.name, session=session, pin=pin, reason=args.reason)
    print(f"rolled back: {entry.describe()}")
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from inspector.manifest import PackageError
    from inspector.models.evaluation import rescore
    from inspector.models.lifecycle import LifecycleError
    from inspector.review import ReviewError, utc_text
    from inspector.runtime import load_package

    store, registry = _open(args)
    try:
        since, until = utc_text(args.since, name="--since"), utc_text(args.until, name="--until")
        folder = Path(args.package)
        if not (folder / "manifest.json").is_file():
            folder = registry.find(args.package).folder if registry.entries(args.package) else \
                registry.live_folder(args.package)
        model = load_package(folder, trust=registry.trust, warmup_runs=0)
        bar, update = _progress(f"rescore {model.name} {model.version}")
        summary = rescore(store, folder, model.package_id, model.task, registry.trust.dirs, since=since, until=until,
                          workers=args.workers, progress=update)
        bar.finish(f"{summary['images']} images")
        print(json.dumps(summary, indent=1))
        return 0
    except (LifecycleError, PackageError, ReviewError, ValueError) as err:
        print(f"inspector: {err}", file=sys.stderr)
        return 2
    finally:
        store.close()


_VERBS = {"import": _import, "list": _list, "evaluate": _evaluate, "shadow": _shadow, "promote": _promote,
          "rollback": _rollback}
