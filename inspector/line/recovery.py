"""At start, before a new run: what the last run left unfinished becomes records, and how it ended is written down.

Parts in the crash journal with no record (stored or quarantined) get one: outcome ``fail_safe``, cause
``lost_in_crash``, ``actuated`` false (the station was gone before their deadline: nothing pushed them, so they went
on down the line and must be checked by hand), each with an alarm row, all in one transaction. Runs with no recorded
end are marked ``crash``. Only then are the journal's segments deleted: a crash during recovery repeats it, and a
part already recorded is never recorded twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from inspector.line.journal import JournalEntry, journal_segments, read_journal
from inspector.record import PartRecord
from inspector.store import PendingPart, Store, utc_now
from inspector.store.rows import record_to_row
from inspector.types import FailSafeCause, Outcome

log = logging.getLogger(__name__)

LOST_REASON = ("lost in crash: the station stopped before this part's record was made durable; it was NOT pushed "
               "by the station: check it by hand")


@dataclass
class Recovery:
    lost: list[int] = field(default_factory=list)  # part ids recorded now as lost in a crash
    crashed_runs: list[str] = field(default_factory=list)
    next_id: int = 1  # above every id in the journal and the database

    @property
    def summary(self) -> str:
        ids = _ranges(self.lost)
        return (f"{len(self.crashed_runs)} run(s) ended in a crash ({', '.join(self.crashed_runs)}); "
                f"{len(self.lost)} part(s) triggered then had no record: recorded as fail-safe 'lost_in_crash', "
                f"check them by hand (ids {ids})")


def recover(journal_dir: str | Path, store: Store) -> Recovery:
    """Records for the journal's unrecorded parts, ``crash`` for unended runs; then the journal is emptied."""
    journal_dir = Path(journal_dir)
    entries = read_journal(journal_dir)
    recovery = Recovery(next_id=store.next_part_id())
    if entries:
        lo, hi = min(e.part_id for e in entries), max(e.part_id for e in entries)
        have = store.recorded_part_ids(lo, hi)
        missing = sorted({e.part_id: e for e in entries if e.part_id not in have}.values(), key=lambda e: e.part_id)
        if missing:
            now = utc_now()
            parts = [_pending(_lost_record(e, store)) for e in missing]
            alarms = [(e.part_id, now, "lost_in_crash", f"part {e.part_id} (run {e.run_id}, triggered {e.wall_time}): "
                                                        f"{LOST_REASON}") for e in missing]
            store.write_parts(parts, alarms)
            recovery.lost = [e.part_id for e in missing]
            log.error("crash recovery: %d part(s) recorded as lost in a crash: %s", len(missing), _ranges(recovery.lost))
        recovery.next_id = max(recovery.next_id, hi + 1)
    lost = set(recovery.lost)
    for run_id in store.unended_runs():
        lost_here = sum(1 for e in entries if e.run_id == run_id and e.part_id in lost)
        store.end_run(run_id, "crash", note=f"found unended at the next start; {lost_here} part(s) lost in the crash")
        recovery.crashed_runs.append(run_id)
    for path in journal_segments(journal_dir):  # only now: every part in them has its record
        path.unlink(missing_ok=True)
    return recovery


def _lost_record(entry: JournalEntry, store: Store) -> PartRecord:
    run = store.run(entry.run_id) or {}
    return PartRecord(
        part_id=entry.part_id,
        run_id=entry.run_id or "unknown",
        recipe=run.get("recipe") or "unknown",
        recipe_hash=run.get("recipe_hash") or "",
        t_trigger=entry.t_trigger,
        wall_time=entry.wall_time,
        outcome=Outcome.FAIL_SAFE.value,
        reason=LOST_REASON,
        confidence=1.0,
        actuated=False,
        fail_safe_cause=FailSafeCause.LOST_IN_CRASH.value,
        late=True,
        lot=run.get("lot"),  # the run's lot when it crashed
    )


def _pending(record: PartRecord) -> PendingPart:
    try:
        return PendingPart(record, record_to_row(record))
    except Exception as e:  # noqa: BLE001 - the quarantine keeps it with the reason
        return PendingPart(record, None, f"{type(e).__name__}: {e}")


def _ranges(ids: list[int]) -> str:
    """``1-3, 7``: ids as short ranges, for one readable alarm line."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    text = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in out[:20])
    return text + (" …" if len(out) > 20 else "")
