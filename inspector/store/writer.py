"""The record writer: parts go into SQLite and their images onto disk on an owned thread, off the decision path."""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from inspector.record import PartRecord
from inspector.store.images import ImageFiles, ImagePolicy
from inspector.store.reserve import Reserve, alarm_to_json
from inspector.store.rows import record_to_json, record_to_row
from inspector.store.store import PendingPart, Store, utc_now
from inspector.workers import Heartbeat

log = logging.getLogger(__name__)

_IDLE_POLL_S = 0.1
_WAKE: Any = None  # put by close() so an idle worker notices at once


@dataclass(frozen=True)
class WriterStats:
    submitted: int  # accepted by submit()
    written: int  # rows committed to ``parts``
    quarantined: int  # rows the database refused, committed to ``parts_quarantine`` instead
    dropped: int  # refused by submit(): queue full or writer closed
    images_written: int
    images_lost: int  # kept images that could not be saved (each has an alarm row)
    errors: int
    queued: int  # waiting in the queue
    pending: int  # taken from the queue, not yet committed (retried while the database fails)
    last_error: str | None
    last_error_at: str | None
    alive: bool
    rescued: int = 0  # not written by close, made durable in the rescue reserve (re-imported at the next start)
    lost: int = 0  # not written by close and no rescue place could take them


class RecordWriter:
    """Takes ``(PartRecord, image)`` from the line without ever blocking it, and makes them durable.

    Order of durability for a kept image: the file is complete under its final name before the row that points
    to it is committed. Rows go in batches (one transaction per ``batch_rows`` or ``batch_delay_s``). A failed
    database write is counted, exposed in ``last_error`` and retried with the rows kept in memory; a failed image
    write leaves ``image_path`` NULL and an ``image_not_saved`` alarm row for that part.
    ``on_committed(part_ids)`` runs on the writer thread after each commit with the ids now durable;
    ``on_error(message)`` after each counted error (the line raises its ``storage_error`` alarm from it).
    ``before_image()`` runs before each image is encoded while fewer than ``yield_below_images`` wait: the station
    waits there (briefly) while a part is being decided, because encoding on the other core slows the inspection.

    ``sealer`` (a ``Sealer``) signs the record chain's head every N records or T seconds, on this thread.
    ``durability_problem()`` tells the line, before it lets a part pass, whether a record submitted now can be trusted
    to become durable: not while the last commit failed, nor while records have waited longer than
    ``max_commit_lag_s`` for one (a locked database, a stalled disk). Errors are logged once when trouble starts and
    once when the writer has run ``quiet_s`` without one; in between they are counted (``errors``, ``on_error``).
    What close() cannot write goes to ``reserve`` (room kept on purpose) when given, else beside the database.
    """

    def __init__(
        self,
        store: Store,
        *,
        policy: ImagePolicy | None = None,
        queue_size: int = 10_000,
        max_queued_images: int = 256,
        batch_rows: int = 500,
        batch_delay_s: float = 0.02,
        max_pending: int = 100_000,
        retry_s: tuple[float, float] = (0.05, 2.0),
        on_committed: Callable[[list[int]], Any] | None = None,
        on_error: Callable[[str], Any] | None = None,
        name: str = "record-writer",
        before_image: Callable[[], Any] | None = None,
        yield_below_images: int = 16,
        reserve: Reserve | None = None,
        max_commit_lag_s: float = 2.0,
        quiet_s: float = 5.0,
        sealer: Any = None,
    ) -> None:
        self.store = store
        self.policy = policy or ImagePolicy()
        self._images = ImageFiles(store.images_dir, self.policy) if store.images_dir is not None else None
        self.batch_rows = batch_rows
        self.batch_delay_s = batch_delay_s
        self.max_pending = max_pending
        self.max_queued_images = max_queued_images
        self.retry_s = retry_s
        self.on_committed = on_committed
        self.on_error = on_error
        self.name = name
        self.before_image, self.yield_below_images = before_image, yield_below_images
        self._queue: queue.Queue[tuple[PartRecord, np.ndarray | None, str | None] | None] = queue.Queue(queue_size)
        self._pending: list[PendingPart] = []
        self._pending_alarms: list[tuple[Any, ...]] = []
        self._alarms_in: list[tuple[Any, ...]] = []  # from add_alarm, any thread; moved to _pending_alarms
        self._alarms_lock = threading.Lock()
        self._stop = threading.Event()
        self._abandon = threading.Event()
        self._settled = threading.Condition()
        self._thread: threading.Thread | None = None
        self.heartbeat = Heartbeat(name)  # beaten each time round the loop and per record prepared (the watchdog's)
        self._closed = False
        self._hurry = 0
        self._queued_images = 0
        self.submitted = self.written = self.quarantined = self.dropped = 0
        self.images_written = self.images_lost = self.errors = 0
        self.last_error: str | None = None
        self.last_error_at: str | None = None
        self.reserve, self.max_commit_lag_s, self.quiet_s = reserve, max_commit_lag_s, quiet_s
        self.sealer = sealer  # inspector.store.seals.Sealer: signs the chain's head every N records or T seconds
        self.rescued = self.lost = 0
        self._waiting_since: float | None = None  # oldest moment a submitted record has been waiting for a commit
        self._failing: str | None = None  # why the last attempt to commit failed; None after a commit
        self._trouble: tuple[float, int] | None = None  # (monotonic time, errors) when errors began to be counted
        self._last_error_mono = 0.0

    # The line's side

    def start(self) -> RecordWriter:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        return self

    def submit(self, record: PartRecord, image: np.ndarray | None = None) -> bool:
        """Queues a record (and its frame, not copied: do not modify it) for writing; False when it was refused.

        Never blocks. A refusal is counted in ``dropped``; the caller raises an alarm.
        """
        image_lost = None
        with self._settled:
            if self._closed:
                self.dropped += 1
                return False
            if image is not None and (self._images is None or not self._keeps(record)):
                image = None
            if image is not None:
                if self._queued_images < self.max_queued_images:
                    self._queued_images += 1
                else:
                    image, image_lost = None, f"{self.max_queued_images} images already waiting to be written"
            try:
                self._queue.put_nowait((record, image, image_lost))
            except queue.Full:
                self.dropped += 1
                if image is not None:
                    self._queued_images -= 1
                return False
            if self._waiting_since is None:
                self._waiting_since = time.monotonic()
            self.submitted += 1
        return True

    def add_alarm(self, kind: str, message: str, *, part_id: int | None = None, wall_time: str | None = None) -> bool:
        """Queues an alarm row; it is committed with the next batch, retried and rescued like the records. Never
        blocks. Taken while the writer drains at close (its own errors then are alarms too); False once it has
        stopped."""
        if self._closed and not self.alive:
            return False
        with self._alarms_lock:
            self._alarms_in.append((part_id, wall_time or utc_now(), kind, message))
        return True

    def flush(self, timeout: float = 5.0) -> bool:
        """Waits until everything submitted so far is committed; False on timeout."""
        with self._settled:
            target = self.submitted
            self._hurry += 1
            try:
                self._settled.wait_for(lambda: self._done() >= target or not self.alive, timeout)
            finally:
                self._hurry -= 1
            return self._done() >= target

    def close(self, timeout: float = 10.0) -> bool:
        """Refuses new records, drains the queue, stops the thread; True when everything submitted was written.

        Whatever could not be written by then is appended to ``<database>.unwritten.jsonl`` beside the database.
        """
        with self._settled:
            self._closed = True
        if self._thread is None and not self._queue.empty():
            self.start()
        self._stop.set()
        try:
            self._queue.put_nowait(_WAKE)
        except queue.Full:
            pass  # the worker is busy anyway
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._abandon.set()
                self._thread.join(max(1.0, self.retry_s[1]))
        with self._settled:
            return self._done() >= self.submitted and not self.alive

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def durability_problem(self) -> str | None:
        """Why a record submitted now may not become durable; None while records are being committed. Lock-free."""
        if self._closed:
            return "the record writer is closed"
        if self._thread is not None and not self._thread.is_alive():
            return "the record writer has stopped"
        failing = self._failing
        if failing is not None:
            return f"the database cannot commit ({failing})"
        waiting = self._waiting_since
        if waiting is not None and self._thread is not None:
            lag = time.monotonic() - waiting
            if lag > self.max_commit_lag_s:
                return f"records have waited {lag:.1f} s for a commit (limit {self.max_commit_lag_s} s)"
        return None

    def stats(self) -> WriterStats:
        with self._settled:
            return WriterStats(
                submitted=self.submitted, written=self.written, quarantined=self.quarantined, dropped=self.dropped,
                images_written=self.images_written, images_lost=self.images_lost, errors=self.errors,
                queued=self._queue.qsize(), pending=len(self._pending), last_error=self.last_error,
                last_error_at=self.last_error_at, alive=self.alive, rescued=self.rescued, lost=self.lost,
            )

    def __enter__(self) -> RecordWriter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _keeps(self, record: PartRecord) -> bool:
        try:
            return self.policy.keeps(record)
        except Exception:  # noqa: BLE001 - a malformed record keeps its image; the store quarantines it
            return True

    def _done(self) -> int:
        return self.written + self.quarantined

    # The writer thread

    def _run(self) -> None:
        sink: Store | None = None
        backoff = self.retry_s[0]
        while not self._abandon.is_set():
            self.heartbeat.beat()
            try:
                if sink is None:
                    sink = self.store.reopen()
                if len(self._pending) < self.max_pending:
                    self._take_batch()
                self._take_alarms()
                if self._pending or self._pending_alarms:
                    self._commit(sink)
                self._seal_if_due(sink)
                backoff = self.retry_s[0]
            except Exception as e:  # noqa: BLE001 - the thread must outlive any failure
                self._failing = f"{type(e).__name__}: {e}"
                self._fail("writing parts", e)
                self._abandon.wait(backoff)
                backoff = min(backoff * 2, self.retry_s[1])
            if self._stop.is_set() and not self._pending and self._queue.empty() and not self._unwritten_alarms():
                break
        self._rescue_unwritten()
        if sink is not None and sink is not self.store:
            try:
                sink.close()
            except Exception as e:  # noqa: BLE001
                self._fail("closing the writer's connection", e)
        with self._settled:
            self._settled.notify_all()

    def _seal_if_due(self, sink: Store) -> None:
        if self.sealer is None:
            return
        try:
            self.sealer.seal_if_due(sink)
        except Exception as e:  # noqa: BLE001 - a seal that fails is retried when next due; records go on
            self._fail("sealing the record chain", e)

    def _take_alarms(self) -> None:
        with self._alarms_lock:
            self._pending_alarms.extend(self._alarms_in)
            self._alarms_in.clear()

    def _unwritten_alarms(self) -> bool:
        return bool(self._pending_alarms or self._alarms_in)

    def _take_batch(self) -> None:
        try:  # while rows wait for a retry, only take what is already there
            items = [self._queue.get(block=not self._pending, timeout=_IDLE_POLL_S)]
        except queue.Empty:
            return
        deadline = time.monotonic() + self.batch_delay_s
        while len(items) < self.batch_rows:
            try:
                items.append(self._queue.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._hurry or self._stop.is_set():
                break
            try:
                items.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        self._pending.extend(self._prepare(*item) for item in items if item is not _WAKE)

    def _prepare(self, record: PartRecord, image: np.ndarray | None, image_lost: str | None) -> PendingPart:
        self.heartbeat.beat()
        if image is not None:
            with self._settled:
                self._queued_images -= 1
                behind = self._queued_images >= self.yield_below_images
            if self.before_image is not None and not behind:
                self.before_image()
            try:
                path = self._images.write(record, image)
                record = replace(record, image_path=path, image_sha256=self._images.last_sha256)
                self.images_written += 1
            except Exception as e:  # noqa: BLE001
                image_lost = f"{type(e).__name__}: {e}"
                self._fail(f"writing the image of part {record.part_id}", e)
        elif image_lost is not None:
            self._fail(f"image of part {record.part_id} not saved", RuntimeError(image_lost))
        if image_lost is not None:
            self.images_lost += 1
            self._pending_alarms.append(
                (record.part_id, utc_now(), "image_not_saved",
                 f"image of part {record.part_id} not saved: {image_lost}")
            )
        try:
            return PendingPart(record, record_to_row(record))
        except Exception as e:  # noqa: BLE001 - the store quarantines it with this reason
            return PendingPart(record, None, f"{type(e).__name__}: {e}")

    def _commit(self, sink: Store) -> None:
        while self._pending or self._pending_alarms:
            chunk = self._pending[: self.batch_rows]
            result = sink.write_parts(chunk, self._pending_alarms)
            if self.sealer is not None:
                self.sealer.note(len(result.stored))
            with self._settled:
                del self._pending[: len(chunk)]
                self._pending_alarms.clear()
                self.written += len(result.stored)
                self.quarantined += len(result.quarantined)
                self._failing = None
                self._waiting_since = None if self._done() >= self.submitted else time.monotonic()
                self._settled.notify_all()
            self._log_if_quiet_again()
            for part_id in result.quarantined:
                self._fail(f"part {part_id} refused by the database", RuntimeError("kept in parts_quarantine"))
            if self.on_committed is not None:
                try:
                    self.on_committed(result.stored + result.quarantined)
                except Exception as e:  # noqa: BLE001
                    self._fail("on_committed callback", e)

    def _fail(self, what: str, error: BaseException, *, always_log: bool = False) -> None:
        message = f"{what}: {type(error).__name__}: {error}"
        with self._settled:
            self.errors += 1
            self.last_error = message
            self.last_error_at = utc_now()
            self._last_error_mono = time.monotonic()
            starts = self._trouble is None
            if starts:
                self._trouble = (self._last_error_mono, self.errors - 1)
        if starts:
            log.warning("record writer: %s (further errors are counted, not logged, until it runs %.0f s without one)",
                        message, self.quiet_s)
        elif always_log:
            log.warning("record writer: %s", message)
        if self.on_error is not None:
            try:
                self.on_error(message)
            except Exception:  # noqa: BLE001
                log.exception("record writer: on_error callback failed")

    def _log_if_quiet_again(self) -> None:
        with self._settled:
            trouble = self._trouble
            if trouble is None or time.monotonic() - self._last_error_mono < self.quiet_s:
                return
            self._trouble = None
            errors = self.errors - trouble[1]
        log.warning("record writer: writing cleanly again, after %d errors over %.1f s", errors,
                    self._last_error_mono - trouble[0])

    def _rescue_unwritten(self) -> None:
        self._take_alarms()
        alarms = list(self._pending_alarms)
        records = [p.record for p in self._pending]
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _WAKE:
                records.append(item[0])
        if not records and not alarms:
            return
        message = f"{len(records)} records not written to the database" + (f", nor {len(alarms)} alarms" if alarms else "")
        if self.reserve is not None:
            result = self.reserve.rescue(records, alarms)
            self.rescued, self.lost = result.written, result.lost
            where = ", ".join(str(f) for f in result.files) or "nowhere"
            lost = f"; {result.lost} LOST ({'; '.join(result.errors)})" if result.lost else ""
            self._fail(message, RuntimeError(f"{result.written} records and {result.alarms_written} alarms rescued "
                                             f"to {where}{lost}"), always_log=True)
            return
        target = self.rescue_path(self.store)
        try:
            if target is None:
                raise RuntimeError("an in-memory store has no folder to rescue them to")
            with open(target, "a", encoding="utf-8") as f:
                f.writelines(record_to_json(r) + "\n" for r in records)
                f.writelines(alarm_to_json(a) + "\n" for a in alarms)
            self.rescued = len(records)
            self._fail(message, RuntimeError(f"appended to {target}"), always_log=True)
        except Exception as e:  # noqa: BLE001
            self.lost = len(records)
            self._fail(message + " and lost", e, always_log=True)

    @staticmethod
    def rescue_path(store: Store) -> Path | None:
        return store.path.with_name(store.path.name + ".unwritten.jsonl") if store.path else None


def write_all(store: Store, records: Sequence[PartRecord], **writer_options: Any) -> WriterStats:
    """Writes ``records`` through a writer and closes it: for imports and tests."""
    writer = RecordWriter(store, **writer_options).start()
    for record in records:
        while not writer.submit(record):
            time.sleep(0.001)
    writer.close()
    return writer.stats()
