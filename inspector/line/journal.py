"""The crash journal: every part the beam books is on disk before it is decided, so a crash never loses one silently.

The journal also hands out the part ids, so the order of ids is the order of the file and ids never repeat: the next
start begins above every id in the journal and in the database.

The trigger's thread only ``os.write``s one short line (a few µs; it survives ``kill -9`` in the page cache); an owned
``journal-sync`` thread ``fdatasync``s in groups, so at 50 parts/s one sync covers the parts booked meanwhile. A part
waits for its sync only where it is decided (``wait_durable``), after its inspection, which takes far longer.
A failed write or sync (a full disk, an I/O error) makes every part not yet durable fail safe and raises the error once;
the journal tries a fresh segment every ``retry_s`` and takes parts again when that works.
The journal learns from the record writer which parts are recorded (``recorded``) and deletes a segment once every
part in it is; a clean ``close`` leaves it empty. Whatever a crash left in it, ``recover`` turns into records.

File layout: ``<folder>/<first id, 12 digits>.log``, each opening with ``run <run_id>``, then one
``<part_id> <t_trigger> <wall_time>`` line per part.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from inspector.files import sync_folder
from inspector.workers import Heartbeat

log = logging.getLogger(__name__)

SEGMENT_SUFFIX = ".log"
SEGMENT_PARTS = 10_000  # parts per segment file: deleted whole once all of them are recorded
RETRY_S = 1.0  # after a failure, how often the trigger's path tries a fresh segment
SYNC_SAMPLES = 1024  # sync times kept for the figures (a rolling window: memory stays flat)


@dataclass
class JournalStats:
    booked: int = 0
    syncs: int = 0
    sync_ms: list[float] = field(default_factory=list)  # the last SYNC_SAMPLES fdatasync durations
    segments_deleted: int = 0
    failed: str | None = None  # why the journal takes no parts now; None while it works
    failures: int = 0


class TriggerJournal:
    """Append-only, fdatasync'ed record of booked parts; open with :meth:`open`, end with :meth:`close`."""

    def __init__(self, folder: Path, *, run_id: str, first_id: int, segment_parts: int = SEGMENT_PARTS,
                 on_error: Callable[[str], None] | None = None, retry_s: float = RETRY_S):
        self.folder, self.run_id, self.segment_parts = Path(folder), run_id, segment_parts
        self.on_error, self.retry_s = on_error, retry_s
        self._retry_at = 0.0
        self._unjournaled: set[int] = set()  # booked while failed, or lost with a failed write or sync: never durable
        self.stats = JournalStats()
        self._next_id = first_id
        self._lock = threading.Lock()
        self._synced = threading.Condition(self._lock)
        self._written_id = first_id - 1  # highest id written (page cache)
        self._durable_id = first_id - 1  # highest id fdatasync'ed
        self._outstanding: set[int] = set()  # booked, not yet reported recorded
        self._segments: list[tuple[int, int, Path]] = []  # (first id, last id, file) of closed segments
        self._fd: int | None = None
        self._retired: list[int] = []  # files of finished segments, synced and closed by the sync thread
        self._segment: tuple[int, Path] | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._sync_loop, name="journal-sync", daemon=True)
        self.heartbeat = Heartbeat("journal-sync")  # beaten every wait (at most 0.5 s) and after each fdatasync

    @classmethod
    def open(cls, folder: str | Path, *, run_id: str, first_id: int, **options) -> "TriggerJournal":
        """A journal for a new run; ids start at ``first_id`` or above any id already in ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        existing = read_journal(folder)
        if existing:
            first_id = max(first_id, max(e.part_id for e in existing) + 1)
        journal = cls(folder, run_id=run_id, first_id=first_id, **options)
        journal._start_segment(first_id)
        journal._thread.start()
        return journal

    # -- the trigger's path ------------------------------------------------------------------------------------
    def book(self, t_trigger: float, wall_time: str) -> int:
        """The next part id, written to the journal (not yet synced). Never raises: a write failure is reported to
        ``on_error`` and the part is never durable, so ``wait_durable`` makes it fail safe."""
        with self._lock:
            part_id = self._next_id
            self._next_id += 1
            self.stats.booked += 1
            self._outstanding.add(part_id)
            if self.stats.failed is not None and time.monotonic() >= self._retry_at:
                self._resume(part_id)
            if self.stats.failed is None:
                try:
                    if self._segment is not None and part_id - self._segment[0] >= self.segment_parts:
                        self._rotate(part_id)
                    os.write(self._fd, f"{part_id} {t_trigger:.6f} {wall_time}\n".encode())
                    self._written_id = part_id
                except OSError as e:
                    self._fail(f"crash journal {self.folder}: cannot write part {part_id}: {e}", part_id)
            else:
                self._unjournaled.add(part_id)
            self._synced.notify_all()
            return part_id

    def wait_durable(self, part_id: int, timeout: float) -> bool:
        """Block until ``part_id`` is fdatasync'ed; False when the journal failed or ``timeout`` passed first."""
        end = time.monotonic() + max(0.0, timeout)
        with self._synced:
            while self._durable_id < part_id:
                remaining = end - time.monotonic()
                if self.stats.failed is not None or remaining <= 0 or self._stop or part_id in self._unjournaled:
                    return False
                self._synced.wait(remaining)
            return part_id not in self._unjournaled

    # -- learning from the record writer -----------------------------------------------------------------------
    def recorded(self, part_ids: list[int]) -> None:
        """``part_ids`` are durable in the database (the writer's ``on_committed``); drop segments all recorded."""
        with self._lock:
            self._outstanding.difference_update(part_ids)
            self._unjournaled.difference_update(part_ids)
            lowest_open = min(self._outstanding, default=self._next_id)
            done = [s for s in self._segments if s[1] < lowest_open]
            self._segments = [s for s in self._segments if s[1] >= lowest_open]
        for _, _, path in done:
            path.unlink(missing_ok=True)
            self.stats.segments_deleted += 1

    @property
    def outstanding(self) -> int:
        """Parts booked and not yet reported recorded."""
        with self._lock:
            return len(self._outstanding)

    @property
    def next_id(self) -> int:
        with self._lock:
            return self._next_id

    # -- sync thread ---------------------------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _sync_loop(self) -> None:
        beat = self.heartbeat.beat
        while True:
            beat()
            with self._synced:
                while not self._stop and (self._written_id <= self._durable_id or self.stats.failed is not None):
                    self._synced.wait(0.5)
                    beat()
                if self._stop and (self._written_id <= self._durable_id or self.stats.failed is not None):
                    return
                fd, upto, retired, self._retired = self._fd, self._written_id, self._retired, []
            t0 = time.perf_counter()
            try:
                for old in retired:
                    os.fdatasync(old)
                    os.close(old)
                os.fdatasync(fd)
            except OSError as e:
                with self._lock:
                    if fd == self._fd:  # not a segment given up meanwhile
                        self._fail(f"crash journal {self.folder}: fdatasync failed: {e}")
                    self._synced.notify_all()
                continue
            ms = (time.perf_counter() - t0) * 1000
            with self._synced:
                self._durable_id = max(self._durable_id, upto)
                self.stats.syncs += 1
                self.stats.sync_ms.append(ms)
                if len(self.stats.sync_ms) > SYNC_SAMPLES:
                    del self.stats.sync_ms[: SYNC_SAMPLES // 2]
                self._synced.notify_all()

    # -- segments ------------------------------------------------------------------------------------------------
    def _start_segment(self, first_id: int) -> None:
        path = self.folder / f"{first_id:012d}{SEGMENT_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        os.write(fd, f"run {self.run_id}\n".encode())
        os.fdatasync(fd)
        sync_folder(self.folder)  # the new file's name is durable too
        self._fd, self._segment = fd, (first_id, path)

    def _resume(self, first_id: int) -> None:
        """Called with the lock held, while failed: a fresh segment from ``first_id`` on; the broken one is kept for
        the next start (what it holds may be recovered) and dropped with the others once its parts are recorded."""
        old_fd, old_segment = self._fd, self._segment
        try:
            self._start_segment(first_id)
        except OSError as e:
            self._retry_at = time.monotonic() + self.retry_s
            log.debug("crash journal still failing: %s", e)
            return
        if old_fd is not None:
            try:
                os.close(old_fd)
            except OSError:
                pass
        if old_segment is not None:
            self._segments.append((old_segment[0], first_id - 1, old_segment[1]))
        self._written_id = self._durable_id = first_id - 1  # ids below were synced or are unjournaled
        log.warning("crash journal %s writes again (from part %d); it failed with: %s", self.folder, first_id,
                    self.stats.failed)
        self.stats.failed = None

    def _rotate(self, first_id: int) -> None:
        """Called with the lock held; the sync thread syncs and closes the old segment's file on its next pass."""
        (old_first, old_path) = self._segment
        self._retired.append(self._fd)
        self._segments.append((old_first, first_id - 1, old_path))
        self._start_segment(first_id)

    def _fail(self, message: str, part_id: int | None = None) -> None:
        """Called with the lock held: every part written and not yet synced (and ``part_id``) will never be durable."""
        self._unjournaled.update(range(self._durable_id + 1, self._written_id + 1))
        if part_id is not None:
            self._unjournaled.add(part_id)
        self._retry_at = time.monotonic() + self.retry_s
        if self.stats.failed is None:
            self.stats.failed = message
            self.stats.failures += 1
            log.error("%s", message)
            if self.on_error is not None:
                try:
                    self.on_error(message)
                except Exception:
                    log.exception("journal error callback failed")

    def close(self, timeout: float = 2.0) -> bool:
        """Sync and stop; delete every segment when all booked parts are recorded. True when the journal is empty."""
        with self._synced:
            self._stop = True
            self._synced.notify_all()
        self._thread.join(timeout)
        with self._lock:
            fd, self._fd = self._fd, None
            retired, self._retired = self._retired, []
            empty = not self._outstanding
            segments = [s[2] for s in self._segments] + ([self._segment[1]] if self._segment else [])
        for open_fd in [*retired, *([fd] if fd is not None else [])]:
            try:
                os.fdatasync(open_fd)
            except OSError:
                pass
            try:
                os.close(open_fd)
            except OSError:
                pass
        if empty:
            for path in segments:
                path.unlink(missing_ok=True)
        return empty


@dataclass(frozen=True)
class JournalEntry:
    part_id: int
    run_id: str
    t_trigger: float
    wall_time: str


def journal_segments(folder: Path) -> list[Path]:
    return sorted(Path(folder).glob(f"*{SEGMENT_SUFFIX}")) if Path(folder).is_dir() else []


def read_journal(folder: str | Path) -> list[JournalEntry]:
    """Every part in the journal's segments; a torn last line (a crash mid-write) is skipped."""
    entries: list[JournalEntry] = []
    for path in journal_segments(Path(folder)):
        run_id = ""
        for line in path.read_bytes().decode("utf-8", "replace").splitlines():
            words = line.split()
            if len(words) == 2 and words[0] == "run":
                run_id = words[1]
            elif len(words) == 3 and words[0].isdigit():
                try:
                    entries.append(JournalEntry(int(words[0]), run_id, float(words[1]), words[2]))
                except ValueError:
                    log.warning("crash journal %s: skipping a torn line %r", path, line)
            elif line.strip():
                log.warning("crash journal %s: skipping a torn line %r", path, line)
    return entries

