"""The batch report of one lot: what a QA manager reads and signs before the lot is released.

Gathered from the records only (parts, alarms, runs, labels, audit, model tables), never from a running line, so the
same report can be made at any later time and says the same. ``batch_report`` returns tables that the PDF and the CSV
writers (``batch_pdf``, ``batch_csv``) lay out; neither needs Qt.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from inspector import __version__, audit
from inspector.line.lots import LOT_CHANGE, validate_lot
from inspector.permissions import CALIBRATION_SAVE
from inspector.store import Store
from inspector.store import lots as lot_rows

OUTCOME_ORDER = ("pass", "reject", "uncertain", "fail_safe")
CALIBRATION_KEYS = ("exposure", "gain", "wb_temperature", "focus", "brightness")
TIMING_KEYS = ("travel_s", "pulse_s", "frame_timeout_s", "frame_max_age_s")


class BatchReportError(ValueError):
    """No report can be made (an unknown lot); the message names the lot and the lots the database holds."""


@dataclass
class Table:
    """One section: a title, column names, rows of plain values (text, numbers, None) and an optional note."""

    key: str  # machine name: the CSV section
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class ChainResult:
    ok: bool
    text: str  # one line for people: intact, or what is broken and where
    checked: int  # entries (or records) checked


@dataclass
class BatchReport:
    lot: str
    station: str
    recipes: list[str]
    first: str | None
    last: str | None
    parts: int
    outcomes: dict[str, int]
    generated_at: str
    chain: ChainResult
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def model_versions(self) -> dict[str, set[str]]:
        """Model name -> the versions (``version sha12``) that decided the lot's parts."""
        out: dict[str, set[str]] = {}
        for row in self.table("versions").rows:
            for pair in (row[2] or "").split(" + "):
                if pair:
                    name, _, version = pair.partition(" ")
                    out.setdefault(name, set()).add(version)
        return out


def batch_report(store: Store, lot: str, *, key_path: Path | None = None) -> BatchReport:
    """The report of ``lot``; BatchReportError when the database holds no part of it."""
    lot = validate_lot(lot, source="--lot")
    if lot is None:
        raise BatchReportError("--lot is empty: name the lot to report on")
    span = lot_rows.lot_span(store, lot)
    if not span["parts"]:
        known = [r["lot"] for r in lot_rows.known_lots(store, limit=10)]
        held = f"lots held (newest first): {', '.join(known)}" if known else "the database holds no lot yet"
        raise BatchReportError(f"--lot = {lot!r}: no part of this lot in the database; {held}")
    outcomes = lot_rows.lot_outcomes(store, lot)
    versions = lot_rows.lot_versions(store, lot)
    runs = lot_rows.lot_runs(store, lot)
    tables = [
        _outcomes_table(outcomes, span["parts"]),
        _reasons_table(lot_rows.lot_reasons(store, lot)),
        _fail_safes_table(lot_rows.lot_fail_safes(store, lot)),
        _alarms_table(lot_rows.lot_alarms(store, lot)),
        _versions_table(versions),
        _packages_table(store, versions),
        _calibration_table(runs),
        _calibration_changes_table(store, span["last"]),
        _lot_changes_table(store, lot),
        *_qa_tables(store, lot),
        _runs_table(runs, lot),
    ]
    chain = _chain_section(store, lot, key_path)
    tables.append(Table("chain", "Records chain verification", ["result", "checked", "detail"],
                        [["intact" if chain.ok else "BROKEN", chain.checked, chain.text]]))
    return BatchReport(
        lot=lot, station=_station_id(runs), recipes=sorted({v["recipe"] for v in versions}),
        first=span["first"], last=span["last"], parts=span["parts"], outcomes=outcomes,
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), chain=chain, tables=tables,
    )


def _chain_section(store: Store, lot: str, key_path: Path | None) -> ChainResult:
    """Whether the records behind the lot are as they were written and sealed: the audit trail's own chain, and the
    record chain (the lot's parts and labels, users, the audit trail, the images, the signed seals)."""
    from inspector.store.integrity import verify_records
    from inspector.store.seals import default_key_path

    trail = audit.verify(store)
    if key_path is None and getattr(store, "path", None) is not None:
        key_path = default_key_path(store.path.parent)
    records = verify_records(store, lot=lot, key_path=key_path)
    checked = trail.entries + sum(records.checked.values())
    if trail.ok and records.ok:
        return ChainResult(True, f"audit trail intact ({trail.entries} entries); {records.summary()}; "
                                 f"software {__version__}", checked)
    problems = ([f"audit trail broken: {trail.broken}"] if not trail.ok else []) + [
        str(f) for f in records.findings[:5]]
    more = f" (+{len(records.findings) - 5} more: inspector audit verify --lot {lot})" if len(records.findings) > 5 else ""
    return ChainResult(False, "; ".join(problems) + more, checked)


def _station_id(runs: list[dict[str, Any]]) -> str:
    ids = []
    for run in runs:
        config = json.loads(run["station_config"]) if run.get("station_config") else {}
        ids.append(config.get("station_id") or run["run_id"].rsplit("-", 1)[0])
    return ", ".join(dict.fromkeys(ids)) or "unknown"


def _outcomes_table(outcomes: dict[str, int], parts: int) -> Table:
    order = [o for o in OUTCOME_ORDER if o in outcomes] + sorted(set(outcomes) - set(OUTCOME_ORDER))
    rows = [[o, outcomes[o], round(100 * outcomes[o] / parts, 2)] for o in order]
    rows.append(["total", parts, 100.0])
    return Table("outcomes", "Parts by outcome", ["outcome", "parts", "percent"], rows)


def _reasons_table(rows: list[dict[str, Any]]) -> Table:
    return Table("reasons", "Why parts were not passed", ["outcome", "fail_safe_cause", "reason", "parts"],
                 [[r["outcome"], r["fail_safe_cause"], r["reason"], r["parts"]] for r in rows],
                 "" if rows else "every part of the lot passed")


def _fail_safes_table(rows: list[dict[str, Any]]) -> Table:
    return Table("fail_safes", "Fail-safe parts", ["part_id", "time_utc", "cause", "reason", "pushed"],
                 [[r["part_id"], r["wall_time"], r["fail_safe_cause"], r["reason"], "yes" if r["actuated"] else "NO"]
                  for r in rows], "" if rows else "no part of the lot was decided fail-safe")


def _alarms_table(rows: list[dict[str, Any]]) -> Table:
    return Table("alarms", "Alarms", ["time_utc", "kind", "part_id", "message", "acknowledged_by", "acknowledged_at"],
                 [[r["wall_time"], r["kind"], r["part_id"], r["message"], r["acknowledged_by"], r["acknowledged_at"]]
                  for r in rows], "" if rows else "no alarm was raised during the lot")


def _versions_table(versions: list[dict[str, Any]]) -> Table:
    return Table("versions", "Recipe and model versions used",
                 ["recipe", "recipe_sha256", "models", "parts", "first_utc", "last_utc"],
                 [[v["recipe"], v["recipe_hash"], v["model_key"], v["parts"], v["first"], v["last"]]
                  for v in versions])


def _packages_table(store: Store, versions: list[dict[str, Any]]) -> Table:
    """The signed packages behind the model versions (matched by name and version)."""
    used = {(name, text.split(" ")[0]) for v in versions for name, text in v["models"].items()}
    rows = [[p["name"], p["version"], p["package_id"], p["signer"], p["state"]]
            for p in lot_rows.packages_named(store, sorted({n for n, _ in used})) if (p["name"], p["version"]) in used]
    return Table("packages", "Model packages (signed)", ["model", "version", "package_id", "signer", "state_now"],
                 rows, "" if rows else "no package row for these models (loaded outside the model table)")


def _calibration_table(runs: list[dict[str, Any]]) -> Table:
    """The camera and timing settings each run started with (calibration is saved into the station file)."""
    rows = []
    for run in runs:
        config = json.loads(run["station_config"]) if run.get("station_config") else {}
        controls = config.get("camera", {}).get("controls", {})
        timing = config.get("timing", {})
        rows.append([run["run_id"], run["started"], *(controls.get(k) for k in CALIBRATION_KEYS),
                     *(timing.get(k) for k in TIMING_KEYS)])
    return Table("calibration", "Calibration in force (per run, at its start)",
                 ["run_id", "started_utc", *CALIBRATION_KEYS, *TIMING_KEYS], rows)


def _calibration_changes_table(store: Store, until: str | None) -> Table:
    rows = [[e["time"], e["user"], e["role"], e["target"], e["after"], e["reason"]]
            for e in lot_rows.audit_actions(store, (CALIBRATION_SAVE,), until=until)]
    return Table("calibration_saves", "Calibration saves up to the lot's last part (audit trail)",
                 ["time_utc", "user", "role", "station_file", "after", "reason"], rows,
                 "" if rows else "no calibration was saved through the station before the lot's last part")


def _lot_changes_table(store: Store, lot: str) -> Table:
    rows = []
    for e in lot_rows.audit_actions(store, (LOT_CHANGE,)):
        before = json.loads(e["before"]).get("lot") if e["before"] else None
        after = json.loads(e["after"]).get("lot") if e["after"] else None
        if lot in (before, after):
            rows.append([e["time"], e["user"], e["role"], before, after, e["reason"]])
    return Table("lot_changes", "Lot changes (audit trail)", ["time_utc", "user", "role", "from_lot", "to_lot", "reason"],
                 rows, "" if rows else "the lot was set when its run started and not changed")


def _qa_tables(store: Store, lot: str) -> list[Table]:
    """Verdicts per reviewer, and each reviewed part with its latest verdict and the audit entry that signs it."""
    signed = {}
    for entry in lot_rows.lot_signatures(store, lot):
        label_id = json.loads(entry["after"]).get("label_id") if entry["after"] else None
        signed[label_id] = entry
    dispositions = lot_rows.lot_dispositions(store, lot)
    by_reviewer: dict[tuple[str, str], int] = {}
    rows = []
    for d in dispositions:
        by_reviewer[d["reviewer"], d["verdict"]] = by_reviewer.get((d["reviewer"], d["verdict"]), 0) + 1
        entry = signed.get(d["label_id"])
        value = d["label"] if d["label"] is not None else (d["count"] if d["count"] is not None else "")
        rows.append([d["part_id"], d["outcome"], d["verdict"], value, d["reviewer"], d["created_at"],
                     ("signed" if entry["signed"] else "audited") if entry else "no audit entry",
                     entry["reason"] if entry else d["comment"]])
    summary = [[reviewer, verdict, n] for (reviewer, verdict), n in sorted(by_reviewer.items())]
    return [
        Table("qa_summary", "QA dispositions by reviewer", ["reviewer", "verdict", "parts"], summary,
              "" if summary else "no part of the lot has been reviewed yet"),
        Table("qa_dispositions", "QA dispositions per part (latest verdict)",
              ["part_id", "outcome", "verdict", "qa_value", "reviewer", "time_utc", "audit", "reason"], rows,
              "" if rows else "no verdict yet"),
    ]


def _runs_table(runs: list[dict[str, Any]], lot: str) -> Table:
    return Table("runs", "Runs", ["run_id", "started_utc", "ended_utc", "end_state", "software", "lot_now"],
                 [[r["run_id"], r["started"], r["ended"], r["end_state"], r["software_version"], r["lot"]]
                  for r in runs])
