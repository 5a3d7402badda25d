"""``inspector report``, ``inspector lots`` and ``inspector review-queue``: a lot's batch report and the parts by lot.

    inspector report --lot 4711 --out lot-4711.pdf [--data-dir D]   the batch report (.pdf to sign, .csv for machines)
    inspector lots [--data-dir D]                                    the lots recorded, newest first (JSON lines)
    inspector review-queue --lot 4711 [--state open] [--limit 50]    the parts QA is asked to look at (JSON lines)

None of them needs Qt; each reads a station's database without changing it. A refusal exits 2 with its cause.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inspector.cli_admin import station_config, station_key_path, station_options


def add_commands(sub) -> None:
    report = sub.add_parser("report", help="the batch report of one lot as PDF or CSV")
    station_options(report)
    report.add_argument("--lot", required=True, help="the lot / batch / order id")
    report.add_argument("--out", required=True, type=Path, help="FILE.pdf (to sign) or FILE.csv (one section per table)")
    station_options(sub.add_parser("lots", help="the lots recorded, newest first"))
    queue = sub.add_parser("review-queue", help="the review queue (JSON lines), filtered by lot, outcome, state")
    station_options(queue)
    queue.add_argument("--lot", help="only the parts of this lot")
    queue.add_argument("--outcome", action="append", help="reject, fail_safe, uncertain or pass (repeatable)")
    queue.add_argument("--state", default="open", help="open (default), reviewed or all")
    queue.add_argument("--limit", type=int, default=50, help="parts to list (default 50)")


def _database(args: argparse.Namespace) -> Path | None:
    db = Path(station_config(args).data_dir) / "inspector.db"
    if not db.is_file():
        print(f"inspector: no database at {db}: give the station's --data-dir or --config", file=sys.stderr)
        return None
    return db


def cmd_report(args: argparse.Namespace) -> int:
    from inspector.reports import BatchReportError, batch_report, write_batch_report
    from inspector.line.lots import LotError
    from inspector.store import Store

    db = _database(args)
    if db is None:
        return 2
    if args.out.suffix.lower() not in (".pdf", ".csv"):
        print(f"inspector: report refused: --out = {str(args.out)!r}: the report is written as .pdf or .csv "
              "(by the file's suffix)", file=sys.stderr)
        return 2
    try:
        with Store.open(db) as store:
            report = batch_report(store, args.lot, key_path=station_key_path(args))
        write_batch_report(report, args.out)
    except (BatchReportError, LotError) as e:
        print(f"inspector: report refused: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"inspector: report to {args.out} failed: {e.strerror or e}", file=sys.stderr)
        return 2
    print(json.dumps({"out": str(args.out), "lot": report.lot, "parts": report.parts, "outcomes": report.outcomes,
                      "chain_ok": report.chain.ok}))
    return 0 if report.chain.ok else 1


def cmd_lots(args: argparse.Namespace) -> int:
    from inspector.store import Store
    from inspector.store.lots import known_lots

    db = _database(args)
    if db is None:
        return 2
    with Store.open(db) as store:
        for row in known_lots(store, limit=1000):
            print(json.dumps(row))
    return 0


def cmd_review_queue(args: argparse.Namespace) -> int:
    from inspector.line.lots import LotError, validate_lot
    from inspector.review import QueueFilter, Review, ReviewError
    from inspector.store import Store

    db = _database(args)
    if db is None:
        return 2
    try:
        lot = validate_lot(args.lot, source="--lot")
        filters = QueueFilter(outcomes=args.outcome, state=args.state, lot=lot)
        if args.limit < 1:
            raise ReviewError(f"--limit = {args.limit}: must be at least 1")
        with Store.open(db) as store:
            page = Review(store).queue(filters, limit=args.limit)
    except (ReviewError, LotError) as e:
        print(f"inspector: review queue refused: {e}", file=sys.stderr)
        return 2
    for item in page.items:
        r = item.record
        print(json.dumps({"part_id": r.part_id, "lot": r.lot, "wall_time": r.wall_time, "outcome": r.outcome,
                          "confidence": r.confidence, "reason": r.reason,
                          "verdict": item.label.verdict if item.label else None}))
    return 0


COMMANDS = {"report": cmd_report, "lots": cmd_lots, "review-queue": cmd_review_queue}
