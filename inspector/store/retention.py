"""Retention: kept images by quota and by age, pass images only, oldest first.

What may go: the image of a *pass* that no person has labelled and no active hold covers. What never goes: the
images of rejects, fail-safes and uncertain parts (every part flagged for a person), of QA-labelled parts, and of
parts under a hold. The part row stays; its ``image_path`` becomes NULL and ``image_pruned_at`` /
``image_pruned_reason`` say when and why (with the path it had). A pass that was waiting in the QA queue as part of
the pass sample leaves the queue with its image.

The file is deleted before the row says so: a crash in between leaves a row whose file is gone, which the next run
marks as pruned; never a file no row points to.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from inspector.store.chain import chain_rows
from inspector.store.holds import HOLD_MATCHES_PART
from inspector.store.store import Store, utc_now
from inspector.workers import Worker

log = logging.getLogger(__name__)

# Over the quota, pass images go until the kept images take at most this share of it (less when they grow faster
# between runs): the images kept until the next run (retention_interval_s) then fit under the quota.
LOW_WATER = 0.9
PRUNABLE = (
    "p.outcome = 'pass' AND p.image_path IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.part_id = p.part_id)"
    f" AND NOT EXISTS (SELECT 1 FROM holds h WHERE {HOLD_MATCHES_PART})"
)


def on_disk(stat: os.stat_result) -> int:
    """Bytes a file takes on its disk: its allocated blocks (a 7 kB JPEG takes 8 kB), else its size."""
    blocks = getattr(stat, "st_blocks", None)
    return blocks * 512 if blocks is not None else stat.st_size


@dataclass(frozen=True)
class RetentionPolicy:
    image_quota: int | None = None  # bytes all kept images may take
    max_age_days: float | None = None  # pass images older than this go whatever the quota

    @property
    def enabled(self) -> bool:
        return self.image_quota is not None or self.max_age_days is not None

    @classmethod
    def from_settings(cls, storage: Any) -> RetentionPolicy:
        return cls(image_quota=storage.image_quota, max_age_days=storage.max_image_age_days)


@dataclass
class Pruned:
    part_id: int
    image_path: str
    wall_time: str
    bytes: int
    why: str  # "age" or "quota"


@dataclass
class RetentionReport:
    dry_run: bool
    images_bytes_before: int
    images_bytes_after: int
    quota: int | None
    max_age_days: float | None
    pruned: list[Pruned] = field(default_factory=list)
    over_quota_protected: bool = False  # still above the quota with nothing left that may go

    def summary(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run, "quota": self.quota, "max_age_days": self.max_age_days,
            "images_bytes_before": self.images_bytes_before, "images_bytes_after": self.images_bytes_after,
            "pruned": len(self.pruned), "pruned_bytes": sum(p.bytes for p in self.pruned),
            "by_age": sum(p.why == "age" for p in self.pruned), "by_quota": sum(p.why == "quota" for p in self.pruned),
            "over_quota_protected": self.over_quota_protected,
        }


class Retention:
    """Prunes the images of ``store`` (whose ``images_dir`` holds them) by ``policy``; ``run`` does one pass."""

    def __init__(self, store: Store, policy: RetentionPolicy, *, now: Callable[[], datetime] | None = None,
                 batch: int = 500) -> None:
        if store.images_dir is None:
            raise ValueError("retention needs a store with an images folder")
        self.store, self.policy, self.batch = store, policy, batch
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.data_dir = store.images_dir.parent
        self._last_after = 0  # bytes the images took after the last run, and how much they grew until this one
        self._grown = 0

    def low_water(self) -> float:
        """Where a quota run prunes down to: 90 % of the quota, lower when the images grew more than that between
        two runs (the next run's growth, with a quarter to spare, must fit under the quota)."""
        quota = self.policy.image_quota or 0
        return max(0.0, min(quota * LOW_WATER, quota - 1.25 * self._grown))

    def images_bytes(self) -> int:
        """What the kept images take on the disk (allocated blocks, as ``du`` counts them)."""
        total = 0
        for folder, _, files in os.walk(self.store.images_dir):
            for name in files:
                try:
                    total += on_disk(os.stat(os.path.join(folder, name)))
                except OSError:
                    pass
        return total

    def run(self, *, dry_run: bool = False) -> RetentionReport:
        policy = self.policy
        total = self.images_bytes()
        report = RetentionReport(dry_run, total, total, policy.image_quota, policy.max_age_days)
        if policy.max_age_days is not None:
            cutoff = (self.now() - timedelta(days=policy.max_age_days)).isoformat(timespec="milliseconds")
            total = self._prune(report, total, "age", lambda row, _: row["wall_time"] < cutoff, cutoff)
        if policy.image_quota is not None and total > self.low_water():
            # down to the low-water mark, so the images kept until the next run have room under the quota
            low_water = self.low_water()
            total = self._prune(report, total, "quota", lambda _, left: left > low_water, None)
            report.over_quota_protected = total > policy.image_quota
        if not dry_run:
            self._grown = max(0, report.images_bytes_before - self._last_after) if self._last_after else 0
            self._last_after = total
        report.images_bytes_after = total
        if report.pruned and not dry_run:
            s = report.summary()
            log.warning("retention: pruned %d pass images (%d by age, %d by quota), %.1f MiB; images now %.1f MiB",
                        s["pruned"], s["by_age"], s["by_quota"], s["pruned_bytes"] / 2**20, total / 2**20)
        return report

    def _prune(self, report: RetentionReport, total: int, why: str, goes: Callable[[dict, int], bool],
               before: str | None) -> int:
        """Takes candidates oldest first while ``goes(row, bytes_left)``; returns the bytes left."""
        after: tuple[str, int] = ("", 0)
        done = {p.part_id for p in report.pruned}  # a dry run sees the age pass's choices again
        while True:
            rows = self._candidates(after, before)
            if not rows:
                return total
            chosen, enough = [], False
            for row in rows:
                after = (row["wall_time"], row["part_id"])
                if row["part_id"] in done:
                    continue
                if not goes(row, total):
                    enough = True
                    break
                size = self._file_size(row["image_path"])
                total -= size
                chosen.append(Pruned(row["part_id"], row["image_path"], row["wall_time"], size, why))
            if chosen:
                self._apply(report, chosen)
            if enough:
                return total

    def _candidates(self, after: tuple[str, int], before: str | None) -> list[dict[str, Any]]:
        age = " AND p.wall_time < ?" if before is not None else ""
        sql = (f"SELECT p.part_id, p.image_path, p.wall_time FROM parts p WHERE {PRUNABLE}{age}"
               " AND (p.wall_time > ? OR (p.wall_time = ? AND p.part_id > ?))"
               " ORDER BY p.wall_time, p.part_id LIMIT ?")
        params = ([before] if before is not None else []) + [after[0], after[0], after[1], self.batch]
        return self.store.query(sql, params)

    def _file_size(self, image_path: str) -> int:
        try:
            return on_disk((self.data_dir / image_path).stat())
        except OSError:
            return 0

    def _apply(self, report: RetentionReport, chosen: list[Pruned]) -> None:
        report.pruned.extend(chosen)
        if report.dry_run:
            return
        for item in chosen:
            try:
                (self.data_dir / item.image_path).unlink(missing_ok=True)
            except OSError as e:
                log.warning("retention: could not delete %s: %s", item.image_path, e)
        now = utc_now()
        quota = f" (quota {self.policy.image_quota} B)" if self.policy.image_quota is not None else ""
        age = f" (older than {self.policy.max_age_days} days)" if self.policy.max_age_days is not None else ""
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE parts SET image_path = NULL, image_pruned_at = ?, image_pruned_reason = ?"
                " WHERE part_id = ? AND image_path = ?",
                [(now, f"retention by {p.why}{quota if p.why == 'quota' else age}: {p.image_path}, {p.bytes} B",
                  p.part_id, p.image_path) for p in chosen])
            conn.executemany("DELETE FROM review_items WHERE part_id = ? AND reviewed = 0",
                             [(p.part_id,) for p in chosen])
            chain_rows(conn, "parts", [p.part_id for p in chosen], "prune")  # a prune on the chain is legitimate


class RetentionWorker:
    """Runs retention every ``interval_s`` (and at once on ``wake()``) on its own thread and connection."""

    def __init__(self, store: Store, policy: RetentionPolicy, *, interval_s: float = 300.0,
                 name: str = "retention") -> None:
        self.store, self.policy, self.interval_s = store, policy, interval_s
        self.runs = 0
        self.last: RetentionReport | None = None
        self._wake = threading.Event()
        self._worker = Worker(name, self._run)

    def start(self) -> RetentionWorker:
        if self.policy.enabled:
            self._worker.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 2.0) -> bool:
        return self._worker.stop(timeout, wake=self._wake.set)

    def _run(self) -> None:
        stop = self._worker.stop_event
        store = self.store.reopen()
        try:
            retention = Retention(store, self.policy)
            while not stop.is_set():
                try:
                    self.last = retention.run()
                    self.runs += 1
                except Exception:  # noqa: BLE001 - one failed pass must not end retention
                    log.exception("retention run failed")
                self._wake.wait(self.interval_s)
                self._wake.clear()
        finally:
            if store is not self.store:
                store.close()

