"""``inspector``: a thin command line over the library.

    inspector [--kiosk] [--language de]         the station window on the configured line (the simulated one by default):
                                                inspector serve as a child process, the window as its client
    inspector window [--socket P | --connect HOST:PORT --fingerprint SHA] [--kiosk]   the window of a running serve
    inspector run --simulate --headless --parts 300 --rate 10 --report r.json [--lot L]
    inspector report --lot L --out FILE.pdf|.csv   the batch report of a lot; lots, review-queue --lot L
    inspector predict IMAGE... [--recipe NAME] --json
    inspector export --format {imagefolder,coco,yolo,csv,jsonl} --out DIR [--since T] [--until T] [--verified-only]
                     [--lot L] [--include-unreviewed-uncertain]   uncertain parts no QA verdict settled: left out by default
    inspector review-report --out DIR [--since T] [--until T] [--model-key K] [--lot L]   the QA reports as CSV files,
                     and per reviewer items, min/mean/median/max s per item, audit pass rate, agreement with the model
    inspector audit verify|export --out F.csv      the audit trail and the record chain (exit 1, one line per finding)
    inspector users add|list|reset-pin ...      the station's users; PINs asked, never given as arguments
    inspector retention run [--dry-run]         prune pass images by the station's image quota and age
    inspector holds add|list|release ...        keep a lot's, a time range's or an export's images from retention
    inspector cameras [--cti F] [--json]        the cameras found, their controls and ranges (for the technician)
    inspector interlock [--release]             hold the "station ready" pin while the runtime's heartbeats come
    inspector serve [--simulate]                the line as a service, with the API for its screens (inspector.api)
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
import time
from pathlib import Path

from inspector.api.command import COMMANDS as SERVE_COMMANDS, add_command as add_serve_command
from inspector.cli_admin import COMMANDS as ADMIN_COMMANDS
from inspector.cli_admin import add_commands as add_admin_commands
from inspector.cli_models import COMMANDS as MODELS_COMMANDS
from inspector.cli_report import COMMANDS as REPORT_COMMANDS
from inspector.cli_report import add_commands as add_report_commands
from inspector.cli_models import add_commands as add_models_commands
from inspector.cli_storage import COMMANDS as STORAGE_COMMANDS
from inspector.cli_storage import add_commands as add_storage_commands
from inspector.cli_cameras import COMMANDS as CAMERA_COMMANDS, add_command as add_cameras_command
from inspector.cli_interlock import COMMANDS as INTERLOCK_COMMANDS, add_command as add_interlock_command
from inspector.cli_train import COMMANDS as TRAIN_COMMANDS, add_commands as add_train_commands
from inspector.cli_window import COMMANDS as WINDOW_COMMANDS, add_command as add_window_command, language_option
from inspector.config import ConfigError, StationConfig, load_recipe, load_station
from inspector.store.file_access import restrict_umask

log = logging.getLogger("inspector")

MAX_PREDICT_PIXELS = 50_000_000  # 150 MB decoded as BGR; a station camera frame is 0.3-12 MP
HEADER_BYTES = 1 << 20  # JPEG size markers come after EXIF (at most 64 KiB) and a few tables


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="station settings (TOML); none: the simulated line")
    parser.add_argument("--recipe", help="recipe name or .toml path (default: the station's)")
    parser.add_argument("--data-dir", type=Path, help="where the database and images go")
    parser.add_argument("-v", "--verbose", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inspector", description="Line-inspection station")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the line")
    _common(run)
    run.add_argument("--simulate", action="store_true", help="synthetic camera and mock pins, whatever the config says")
    run.add_argument("--headless", action="store_true", help="no window: print the status instead")
    run.add_argument("--kiosk", action="store_true", help="the window full screen without a cursor (line touchscreen)")
    language_option(run)
    run.add_argument("--parts", type=int, help="stop after N parts (default: until Ctrl-C)")
    run.add_argument("--rate", type=float, default=10.0, help="simulated parts per second")
    run.add_argument("--seed", type=int, default=1, help="simulated line's random seed")
    run.add_argument("--report", type=Path, help="write the run report (JSON) here")
    run.add_argument("--lot", help="the lot / batch / order id the parts are made in (required where the station "
                                   "file says [lots] required = true)")
    predict = sub.add_parser("predict", help="run the recipe's models on image files")
    _common(predict)
    predict.add_argument("images", nargs="+", type=Path)
    predict.add_argument("--json", action="store_true", help="one JSON object per image")
    predict.add_argument("--max-pixels", type=int, default=MAX_PREDICT_PIXELS,
                         help=f"refuse larger images, read from the file header before decoding "
                              f"(default {MAX_PREDICT_PIXELS})")
    export = sub.add_parser("export", help="images plus labels of recorded parts, with a manifest")
    _common(export)
    export.add_argument("--format", required=True, choices=["imagefolder", "coco", "yolo", "csv", "jsonl"])
    export.add_argument("--out", required=True, type=Path, help="a new (or empty) folder")
    export.add_argument("--since", help="from this time (ISO 8601, UTC when no zone is given)")
    export.add_argument("--until", help="up to (not including) this time")
    export.add_argument("--verified-only", action="store_true", help="only parts a QA reviewer confirmed or corrected")
    export.add_argument("--lot", help="only the parts of this lot")
    export.add_argument("--include-unreviewed-uncertain", action="store_true",
                        help="also uncertain parts (covered boxes among them) no QA verdict settled, as class "
                             "'uncertain' without a count (left out by default)")
    report = sub.add_parser("review-report", help="reviewer and model-vs-QA reports as CSV files")
    _common(report)
    report.add_argument("--out", required=True, type=Path, help="folder for the CSV files (made if missing)")
    report.add_argument("--since", help="verdicts given from this time (ISO 8601, UTC when no zone is given)")
    report.add_argument("--until", help="verdicts given before this time")
    report.add_argument("--model-key", help="only parts made by this set of model versions")
    report.add_argument("--lot", help="only verdicts on the parts of this lot")
    add_admin_commands(sub)
    add_models_commands(sub)
    add_storage_commands(sub)
    add_cameras_command(sub)
    add_interlock_command(sub)
    add_train_commands(sub)
    add_report_commands(sub)
    add_serve_command(sub)
    add_window_command(sub)
    return parser


def _station(args: argparse.Namespace) -> StationConfig:
    config = load_station(args.config)
    if args.data_dir:
        config = config.model_copy(update={"data_dir": args.data_dir})
    return config


def _config_source(args: argparse.Namespace) -> str:
    return str(args.config) if args.config else "default station settings"


def _settings_source(args: argparse.Namespace) -> str:
    """Where the station's data_dir came from, as refusals name it."""
    if args.data_dir:
        return "--data-dir"
    return str(args.config) if args.config else "default station settings"


def cmd_run(args: argparse.Namespace) -> int:
    from inspector.assemble import build_station, check_data_dir

    config = _station(args)
    check_data_dir(Path(config.data_dir), source=_settings_source(args),
                   min_free_bytes=config.storage.disk_critical_free)
    recipe = load_recipe(args.recipe, config.recipes_dir) if args.recipe else None
    if args.parts is not None and args.parts <= 0:
        raise ConfigError(f"--parts {args.parts}: must be > 0")
    if args.rate <= 0:
        raise ConfigError(f"--rate {args.rate}: must be > 0")
    if args.headless and args.kiosk:
        raise ConfigError("--kiosk shows the window; --headless has none: choose one")
    from inspector.line.lots import check_lot_required, validate_lot

    args.lot = validate_lot(args.lot, source="--lot")
    if not args.headless:
        why = _no_window_reason()
        if why and args.kiosk:
            raise ConfigError(f"--kiosk needs a screen: {why}")
        if why:
            print(f"inspector: {why}; running headless (say --headless to skip this check)", file=sys.stderr)
            args.headless = True
    if not args.headless:  # the runtime as a child process (inspector serve), the window as its client
        from inspector.cli_window import run_with_runtime

        return run_with_runtime(args, config)
    check_lot_required(config, args.lot, source=f"{_config_source(args)} (no --lot given)")
    from inspector.sd_notify import Notifier

    notifier = Notifier()  # systemd's, when $NOTIFY_SOCKET is set (Type=notify): READY=1 comes from the watchdog
    notifier.notify(STATUS="starting: loading models, opening camera, pins and database")
    station = build_station(config, recipe=recipe, simulate=args.simulate, rate_hz=args.rate, seed=args.seed,
                            lot=args.lot, notifier=notifier)
    started = time.monotonic()
    print(f"run {station.line.run_id}: lot {station.line.lot or '(none)'}, recipe {station.recipe.name}, models {station.line.models.versions}, "
          f"data in {station.data_dir}", file=sys.stderr)
    recovery = station.recovery
    if recovery is not None and (recovery.lost or recovery.crashed_runs):
        print(f"inspector: the last run did not end cleanly: {recovery.summary}", file=sys.stderr)
    from inspector.serving import run_until_stopped

    ok = run_until_stopped(station, notifier, parts=args.parts, tick=lambda: _status(station, started))
    return _finish(args, station, started, ok)


def _finish(args: argparse.Namespace, station, started: float, ok: bool) -> int:
    report = station.stats.report(
        parts=station.line.triggered,
        dropped_frames=station.line.frames.dropped_frames,
        extra={
            "run_id": station.line.run_id,
            "lot": station.line.lot,
            "recipe": station.recipe.name,
            "models": station.line.models.versions,
            "database": str(station.store.path),
            "records_in_database": station.writer.stats().written,
            "writer": {"dropped": station.writer.stats().dropped, "errors": station.writer.stats().errors},
            "wall_s": round(time.monotonic() - started, 2),
            "clean_shutdown": ok,
            "recovered_at_start": {"lost_in_crash": len(station.recovery.lost),
                                   "crashed_runs": station.recovery.crashed_runs} if station.recovery else None,
        },
    )
    text = json.dumps(report, indent=2)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n")
    print(text)
    return 0 if ok else 1


def _no_window_reason() -> str | None:
    """Why the window cannot open here (no Qt, or no screen to show it on); None when it can."""
    try:
        if importlib.util.find_spec("PySide6") is None:
            return "PySide6 is not installed"
    except ImportError:
        return "PySide6 is not installed"
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if sys.platform.startswith("linux") and platform in ("", "xcb", "wayland") \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return "no display (DISPLAY and WAYLAND_DISPLAY are unset)"
    return None


def _status(station, started: float) -> None:
    s = station.stats
    print(f"\r{time.monotonic() - started:6.0f}s  parts {station.line.triggered}  recorded {s.recorded}  "
          f"{dict(s.outcomes)}  alarms {[a.kind for a in station.line.alarms.active]}", end="", file=sys.stderr)


def cmd_predict(args: argparse.Namespace) -> int:
    import cv2

    from inspector.assemble import load_recipe_models
    from inspector import tasks
    from inspector.decide import decide
    from inspector.qa.risk import COVERED_TEXT
    from inspector.tasks.count import COVERED_REASON

    config = _station(args)
    recipe = load_recipe(args.recipe or config.recipe, config.recipes_dir)
    if args.max_pixels <= 0:
        raise ConfigError(f"--max-pixels = {args.max_pixels}: must be > 0")
    models = load_recipe_models(config, recipe)
    failed = refused = 0
    for path in args.images:
        too_big = _oversized(path, args.max_pixels)
        if too_big is not None:
            print(json.dumps({"image": str(path), "error": too_big}) if args.json else f"{path}: {too_big}")
            refused += 1
            continue
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            why = "no such file" if not path.exists() else "not a readable image (corrupt or unknown format)"
            print(json.dumps({"image": str(path), "error": why}) if args.json else f"{path}: {why}")
            failed += 1
            continue
        t0 = time.perf_counter()
        results = models.run(image)
        decision = decide(results, recipe)
        latency = (time.perf_counter() - t0) * 1000
        out = {"image": str(path), "decision": decision.outcome.value, "reason": decision.reason,
               "confidence": round(decision.confidence, 4), "count": None, "expected": recipe.expected_count,
               "label": None, "latency_ms": round(latency, 2)}
        for r in results:
            out.update(tasks.for_result(r).summary(r))
        if COVERED_REASON in decision.reason:  # what was counted under a hand is no count: shown as unknown
            out.update(count=None, confidence=None, covered=True)
            what = f"{COVERED_TEXT}, count unknown)"
        else:
            what = f"{decision.reason}) conf {out['confidence']:.2f}"
        print(json.dumps(out) if args.json else f"{path}: {out['decision'].upper()} ({what} in {latency:.1f} ms")
    return 2 if refused else 1 if failed else 0


def _oversized(path: Path, max_pixels: int) -> str | None:
    """Why ``path`` is refused before decoding ("pixels = W x H: rule"), or None. Read from the header only: a
    16000 x 16000 image would take 770 MB decoded. A header this cannot read is refused too, for the same reason."""
    from inspector.export.imagesize import image_size

    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
    except OSError:
        return None  # the decoder's own message says what is wrong with the file
    size = image_size(head) or _bmp_size(head)
    if size is None:
        import cv2

        if head[:4] in (b"\x89PNG", b"BM") or head[:2] == b"\xff\xd8" or not cv2.haveImageReader(str(path)):
            return None  # corrupt or not an image at all: the decoder refuses it without decoding anything
        return ("format = other than PNG, JPEG or BMP: its size cannot be checked against --max-pixels before "
                "decoding; convert the image")
    width, height = size
    if width * height > max_pixels:
        return f"pixels = {width} x {height} = {width * height}: above the limit of {max_pixels} (--max-pixels)"
    return None


def _bmp_size(head: bytes) -> tuple[int, int] | None:
    if head[:2] != b"BM" or len(head) < 26:
        return None
    width, height = int.from_bytes(head[18:22], "little", signed=True), int.from_bytes(head[22:26], "little", signed=True)
    return abs(width), abs(height)


def cmd_export(args: argparse.Namespace) -> int:
    from inspector.export import ExportError, TextProgress, export_records
    from inspector.store import Store

    config = _station(args)
    db = Path(config.data_dir) / "inspector.db"
    if not db.is_file():
        raise ExportError(f"no database at {db}: give the station's --data-dir or --config")
    with Store.open(db, images_dir=Path(config.data_dir) / "images") as store:
        summary = export_records(store, args.out, args.format, since=args.since, until=args.until,
                                 verified_only=args.verified_only,
                                 include_unreviewed_uncertain=args.include_unreviewed_uncertain,
                                 progress=TextProgress("export"), lot=args.lot)
    print(json.dumps({"export_id": summary.export_id, "out": str(summary.out), "manifest": str(summary.manifest),
                      "records": summary.records, "skipped": summary.skipped}))
    return 0


def cmd_review_report(args: argparse.Namespace) -> int:
    from inspector.export.atomic import describe_mkdir
    from inspector.review import ReviewError
    from inspector.review_reports import reviewer_totals, write_csv
    from inspector.store import Store

    db = Path(_station(args).data_dir) / "inspector.db"
    if not db.is_file():
        print(f"inspector: review report failed: no database at {db}: give the station's --data-dir or --config",
              file=sys.stderr)
        return 2
    try:
        with Store.open(db) as store:
            files = write_csv(store, args.out, since=args.since, until=args.until, model_key=args.model_key,
                              lot=args.lot)
            totals = reviewer_totals(store, since=args.since, until=args.until, model_key=args.model_key, lot=args.lot)
    except ReviewError as e:
        print(f"inspector: review report refused: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"inspector: review report to {args.out} failed: {describe_mkdir(e, Path(args.out).absolute())}",
              file=sys.stderr)
        return 2
    print(json.dumps({"out": str(args.out), "files": [p.name for p in files], "reviewers": totals}))
    return 0


def main(argv: list[str] | None = None) -> int:
    restrict_umask()  # before anything is created: the database, images, journal, exports (file_access says why)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]  # `inspector [--kiosk ...]`: the station window on its configured line
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return {"run": cmd_run, "predict": cmd_predict, "export": cmd_export, "review-report": cmd_review_report,
                **ADMIN_COMMANDS, **MODELS_COMMANDS, **STORAGE_COMMANDS, **CAMERA_COMMANDS,
                **INTERLOCK_COMMANDS, **TRAIN_COMMANDS, **REPORT_COMMANDS, **SERVE_COMMANDS,
                **WINDOW_COMMANDS}[args.command](args)
    except ConfigError as e:
        print(f"inspector: configuration refused:\n{e}", file=sys.stderr)
        return 2
    except Exception as e:
        why = _start_failure(e)
        if why is None:
            raise
        print(f"inspector: {why}", file=sys.stderr)
        return 2


def _start_failure(error: Exception) -> str | None:
    """A one-line cause for the failures a station meets at start-up; None for a bug (shown with its traceback)."""
    from inspector.export import ExportError
    from inspector.ports import CameraError
    from inspector.runtime import PackageError
    from inspector.store import RescueError, SchemaError

    if isinstance(error, ExportError):
        return f"export failed: {error}"
    if isinstance(error, PackageError):
        return f"model package refused: {error}"
    if isinstance(error, CameraError):
        return f"camera refused: {error}"
    if isinstance(error, SchemaError):
        return f"database refused: {error}"
    if isinstance(error, RescueError):
        return f"start refused: {error}"
    if isinstance(error, RuntimeError) and "pin factory" in str(error):
        return f"GPIO refused: {error}"
    return None


if __name__ == "__main__":
    sys.exit(main())
