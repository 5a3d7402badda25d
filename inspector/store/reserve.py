"""Room kept for the records the database could not take, and their way back into it at the next start.

A full disk leaves no room for a rescue file on that disk. So the station keeps a *ballast*: a file of zeros written in
full at start (``reserve`` bytes, real blocks, not a sparse or fallocated hole). A rescue overwrites the ballast's own
blocks with the records (no new block is needed), cuts it to their length, syncs it and renames it
``rescued-<time>.jsonl``. Records beyond the ballast go to the configured second place (``rescue_dir``, another disk),
and only then to a new file beside the ballast. At the next start ``reimport_rescued`` puts every rescued record into
the database (a part id already there is skipped: re-running an import never doubles a record), renames the file
``*.imported`` and the ballast is made again.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from inspector.files import sync_folder
from inspector.record import PartRecord
from inspector.store.rows import record_to_json, record_to_row
from inspector.store.store import PendingPart, Store, utc_now

log = logging.getLogger(__name__)

BALLAST = ".rescue-reserve"
RESCUED_PREFIX = "rescued-"
LEGACY_SUFFIX = ".unwritten.jsonl"  # what writers without a reserve appended beside the database
_CHUNK = 1 << 20


class RescueError(RuntimeError):
    """Rescued records could not be put back into the database: the station must not start (their ids would be
    given to new parts)."""


@dataclass
class RescueResult:
    written: int = 0  # records now on disk (synced)
    lost: int = 0  # records no place could take
    alarms_written: int = 0
    alarms_lost: int = 0
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ReimportResult:
    imported: int = 0
    already_recorded: int = 0  # part ids the database had already: skipped
    alarms: int = 0  # alarm rows re-imported (one already there is skipped)
    quarantined: int = 0  # lines the database refused or that were not records (a cut last line)
    files: list[Path] = field(default_factory=list)


class Reserve:
    """The ballast in ``folder`` and, optionally, a second place for rescues."""

    def __init__(self, folder: Path | str, size: int, *, second: Path | str | None = None) -> None:
        self.folder = Path(folder)
        self.size = int(size)
        self.second = Path(second) if second is not None else None
        self.ballast = self.folder / BALLAST

    def ready(self) -> bool:
        """Whether the ballast is there, whole, and not already holding a rescue."""
        try:
            return self.ballast.stat().st_size >= self.size and not _holds_records(self.ballast)
        except OSError:
            return False

    def make(self) -> bool:
        """Writes the ballast in full (zeros, synced); False, with a log line, when the disk cannot hold it."""
        if self.size <= 0 or self.ready():
            return True
        if self.ballast.exists() and _holds_records(self.ballast):
            return False  # a rescue not yet imported: reimport_rescued first
        partial = self.ballast.with_name(BALLAST + ".partial")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            zeros = bytes(_CHUNK)
            with open(partial, "wb") as f:
                left = self.size
                while left > 0:
                    left -= f.write(zeros[: min(left, _CHUNK)])
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, self.ballast)
            sync_folder(self.folder)
            return True
        except OSError as e:
            partial.unlink(missing_ok=True)
            log.warning("rescue reserve: cannot keep %d bytes in %s: %s", self.size, self.folder, e)
            return False

    def rescue(self, records: Sequence[PartRecord], alarms: Sequence[tuple[Any, ...]] = ()) -> RescueResult:
        """Makes ``records`` (and alarm rows) durable outside the database: the ballast first, then the second place,
        then a new file. Records come first: they are what a rescue is for."""
        result = RescueResult()
        lines = [(record_to_json(r) + "\n").encode() for r in records]
        lines += [(alarm_to_json(a) + "\n").encode() for a in alarms]
        kinds = [True] * len(records) + [False] * len(alarms)  # which lines are records
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{RESCUED_PREFIX}{stamp}.jsonl"
        if self.ready():
            fits, used = 0, 0
            while fits < len(lines) and used + len(lines[fits]) <= self.size:
                used += len(lines[fits])
                fits += 1
            if fits:
                try:
                    target = self._overwrite_ballast(lines[:fits], self.folder / name)
                    result.files.append(target)
                    lines = lines[fits:]
                except OSError as e:
                    result.errors.append(f"ballast {self.ballast}: {e}")
        for folder in filter(None, (self.second, self.folder)):
            if not lines:
                break
            target = folder / (name if folder != self.folder else f"{RESCUED_PREFIX}{stamp}-overflow.jsonl")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with open(target, "ab") as f:
                    f.writelines(lines)
                    f.flush()
                    os.fsync(f.fileno())
                result.files.append(target)
                lines = []
            except OSError as e:
                result.errors.append(f"{target}: {e}")
        lost = kinds[len(kinds) - len(lines):]  # what is left of the lines, records first
        result.lost, result.alarms_lost = sum(lost), len(lost) - sum(lost)
        result.written, result.alarms_written = len(records) - result.lost, len(alarms) - result.alarms_lost
        return result

    def _overwrite_ballast(self, lines: Sequence[bytes], target: Path) -> Path:
        data = b"".join(lines)
        with open(self.ballast, "r+b") as f:
            f.write(data)
            f.truncate(len(data))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.replace(self.ballast, target)
        except OSError:
            return self.ballast  # the records are safe in the ballast's name; the next start reads it from there
        sync_folder(self.folder)
        return target

    def rescued_files(self, database: Path | None = None) -> list[Path]:
        """Every rescue waiting to be imported: ballast, this folder, the second place, the legacy file."""
        found = []
        if self.ballast.is_file() and _holds_records(self.ballast):
            found.append(self.ballast)
        for folder in filter(None, (self.folder, self.second)):
            if folder.is_dir():
                found += sorted(folder.glob(f"{RESCUED_PREFIX}*.jsonl"))
        if database is not None:
            legacy = database.with_name(database.name + LEGACY_SUFFIX)
            if legacy.is_file():
                found.append(legacy)
        return found


def alarm_to_json(alarm: Sequence[Any]) -> str:
    """An alarm row ``(part_id, wall_time, kind, message)`` as a rescue line."""
    return json.dumps({"alarm": list(alarm)}, default=str)


def reimport_rescued(store: Store, files: Sequence[Path]) -> ReimportResult:
    """Puts the records of rescue ``files`` into ``store``, skipping ids it has; each file is renamed ``*.imported``.

    Safe to run again after a crash half-way: what went in is skipped the second time.
    """
    result = ReimportResult()
    for path in files:
        parts, alarms = [], []
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            if not line.strip(b"\0 \t"):
                continue
            if line.startswith(b'{"alarm":'):
                try:
                    alarms.append(tuple(json.loads(line)["alarm"]))
                    continue
                except (ValueError, KeyError, TypeError):
                    pass  # a cut alarm line: quarantined with the text it has
            parts.append(_pending(line, f"{path.name} line {number}"))
        alarms = [a for a in alarms if not store.has_alarm(*a)]
        result.alarms += len(alarms)
        known = store.known_part_ids([p.record.part_id for p in parts if isinstance(p.record.part_id, int)])
        fresh = [p for p in parts if p.record.part_id not in known]
        result.already_recorded += len(parts) - len(fresh)
        if fresh or alarms:
            alarms.append((None, utc_now(), "records_rescued", f"{len(fresh)} records and {len(alarms)} alarms "
                           f"re-imported from {path} (rescued when the database could not take them)"))
            try:
                written = store.write_parts(fresh, alarms)
            except Exception as e:
                raise RescueError(f"{len(fresh)} rescued records in {path} could not be put back into the database "
                                  f"({type(e).__name__}: {e}); the file is kept: free space under {path.parent} "
                                  "and start again") from e
            result.imported += len(written.stored)
            result.quarantined += len(written.quarantined)
        done = path.with_name(path.name + ".imported") if path.name != BALLAST else path.with_name(
            f"{RESCUED_PREFIX}from-ballast-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}.jsonl.imported")
        os.replace(path, done)
        result.files.append(done)
        log.warning("re-imported %d rescued records from %s (%d were recorded already)",
                    result.imported, path, len(parts) - len(fresh))
    return result


def _pending(line: bytes, where: str) -> PendingPart:
    try:
        record = PartRecord(**json.loads(line))
        return PendingPart(record, record_to_row(record))
    except Exception as e:  # noqa: BLE001 - a cut line or a record the schema refuses goes to parts_quarantine
        stub = PartRecord(part_id=None, run_id="", recipe="", recipe_hash="", t_trigger=0.0, wall_time=utc_now(),
                          outcome="", reason=line.decode("utf-8", "replace")[:2000], confidence=0.0, actuated=False)
        return PendingPart(stub, None, f"{where}: {type(e).__name__}: {e}")


def _holds_records(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(1) == b"{"

