"""A small disk for the data directory, filled and freed on demand, and the full-disk run of the simulated line.

Where this machine lets us mount, the disk is a real tmpfs of a few MiB: SQLite, the image files and the rescue meet a
real ENOSPC. Where it does not (a sandbox), the same run goes on the real folder with the fault injected at the
file-system boundary: commits raise ``database or disk is full``, image writes ``OSError(ENOSPC)``, and free space
reads as zero. ``run_full_disk`` is shared by the fault test (a few seconds full) and ``benchmarks/bench_full_disk.py``
(60 s full, the acceptance's figure).
"""
from __future__ import annotations

import errno
import logging
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MiB = 1 << 20


class SmallDisk:
    """``with SmallDisk(folder, size_mib) as disk``: ``disk.path`` is the mount (or the folder), ``fill()``/``free()``."""

    def __init__(self, folder: Path, size_mib: int = 8, *, allow_mount: bool = True) -> None:
        self.path = Path(folder)
        self.size_mib = size_mib
        self.allow_mount = allow_mount
        self.mode = "unset"
        self._filler = self.path / "filler.bin"
        self._full = False
        self._undo: list[Any] = []

    def __enter__(self) -> SmallDisk:
        self.path.mkdir(parents=True, exist_ok=True)
        if self.allow_mount and self._mount():
            self.mode = "tmpfs"
        else:
            self.mode = "injected"
            self._inject()
        return self

    def __exit__(self, *exc: object) -> None:
        for undo in reversed(self._undo):
            undo()
        if self.mode == "tmpfs":
            subprocess.run(["umount", "-l", str(self.path)], check=False, capture_output=True)

    @property
    def full(self) -> bool:
        return self._full

    def fill(self) -> None:
        """Takes every free block (tmpfs) or turns the injected fault on."""
        self._full = True
        if self.mode != "tmpfs":
            return
        chunk = b"\xff" * (64 * 1024)
        fd = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(fd, chunk)
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
        finally:
            os.close(fd)
        for size in (4096, 512, 1):  # the last partial block too
            try:
                with open(self._filler, "ab") as f:
                    while True:
                        f.write(b"\xff" * size)
                        f.flush()
            except OSError:
                pass

    def free(self) -> None:
        self._full = False
        if self.mode == "tmpfs":
            self._filler.unlink(missing_ok=True)

    def free_bytes(self) -> int:
        import shutil

        return shutil.disk_usage(self.path).free

    def _mount(self) -> bool:
        try:
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.size_mib}m", "tmpfs", str(self.path)],
                                  capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return False
        return done.returncode == 0

    def _inject(self) -> None:
        """The fault at the file-system boundary, active while ``full``: what a full disk does to each writer."""
        from inspector.store import diskwatch
        from inspector.store.images import ImageFiles
        from inspector.store.store import Store

        disk = self
        write_parts, write_image, usage = Store.write_parts, ImageFiles.write, diskwatch._disk_usage

        def full_write_parts(store, parts, alarms=()):
            if disk.full:
                raise sqlite3.OperationalError("database or disk is full")
            return write_parts(store, parts, alarms)

        def full_write_image(files, record, image):
            if disk.full:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(files.images_dir))
            return write_image(files, record, image)

        def full_usage(folder):
            real = usage(folder)
            return diskwatch.Usage(real.total, real.total, 0) if disk.full else real

        Store.write_parts, ImageFiles.write, diskwatch._disk_usage = full_write_parts, full_write_image, full_usage
        self._undo.append(lambda: setattr(Store, "write_parts", write_parts))
        self._undo.append(lambda: setattr(ImageFiles, "write", write_image))
        self._undo.append(lambda: setattr(diskwatch, "_disk_usage", usage))


class LogLines(logging.Handler):
    """Counts what the station logs at WARNING and above: what ``inspector run`` prints on stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")

    def __enter__(self) -> LogLines:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)


@dataclass
class FullDiskRun:
    mode: str
    rate_hz: float
    full_s: float
    triggered: int = 0
    first_id: int = 0
    full_windows: list[tuple[int, int]] = field(default_factory=list)  # first and last part id triggered while full
    detection_s: list[float] = field(default_factory=list)  # fill -> the line knows records may not be durable
    recovery_s: float = 0.0  # space back -> records durable again (the writer's retry, the disk watch)
    recovered_from_id: int = 0  # the first part triggered after that
    records_rescued: int = 0
    records_lost_at_close: int = 0
    alarms_seen: set[str] = field(default_factory=set)
    alarms_active_after_recovery: set[str] = field(default_factory=set)
    log_lines: list[str] = field(default_factory=list)
    reimported: int = 0  # records read back from the rescue at the restart
    wall_s: float = 0.0


def station_config(data_dir: Path, *, reserve_mib: int = 2) -> Any:
    from inspector.config import StationConfig, StorageSettings

    return StationConfig(data_dir=data_dir, storage=StorageSettings(
        reserve=reserve_mib * MiB, disk_warn_free=MiB, disk_critical_free=MiB // 4, disk_check_interval_s=0.1,
        max_commit_lag_s=2.0))


def run_full_disk(disk: SmallDisk, *, full_s: float, rate_hz: float = 20.0, healthy_s: float = 1.5,
                  recover_s: float = 2.5, full_at_stop_s: float = 2.0, reserve_mib: int = 2) -> FullDiskRun:
    """Healthy, then full for ``full_s``, space back for ``recover_s``, full again for ``full_at_stop_s`` and the station
    stopped while full (its records rescued); then space freed and the station started again (the rescue
    re-imported). Returns what happened; the database under ``disk.path / "data"`` holds the rest."""
    from inspector.assemble import build_station

    run = FullDiskRun(disk.mode, rate_hz, full_s)
    config = station_config(disk.path / "data", reserve_mib=reserve_mib)
    seen: set[str] = set()
    started = time.monotonic()
    with LogLines() as log_lines:
        station = build_station(config, simulate=True, rate_hz=rate_hz)
        station.line.alarms.listeners.append(lambda active: seen.update(a.kind for a in active))
        first_id = station.store.next_part_id()
        station.start()
        try:
            time.sleep(healthy_s)
            for hold_s, then_free in ((full_s, True), (full_at_stop_s, False)):
                disk.fill()
                t_full, id_full = time.monotonic(), first_id + station.line.triggered
                while station.line.record_health() is None and time.monotonic() - t_full < 5:
                    time.sleep(0.005)
                run.detection_s.append(round(time.monotonic() - t_full, 3))
                time.sleep(max(0.0, hold_s - (time.monotonic() - t_full)))
                run.full_windows.append((id_full, first_id + station.line.triggered - 1))
                if then_free:
                    disk.free()
                    t_free = time.monotonic()
                    while station.line.record_health() is not None and time.monotonic() - t_free < recover_s:
                        time.sleep(0.005)
                    run.recovery_s = round(time.monotonic() - t_free, 3)
                    run.recovered_from_id = first_id + station.line.triggered
                    time.sleep(max(0.0, recover_s - (time.monotonic() - t_free)))
                    run.alarms_active_after_recovery = {a.kind for a in station.line.alarms.active}
        finally:
            station.close()
        stats = station.writer.stats()
        run.triggered, run.first_id = station.line.triggered, first_id
        run.records_rescued, run.records_lost_at_close = stats.rescued, stats.lost
        disk.free()
        again = build_station(config, simulate=True, rate_hz=rate_hz)  # the rescue goes back into the database
        again.close()
        run.alarms_seen = seen
        run.log_lines = list(log_lines.lines)
    run.reimported = sum(1 for f in Path(config.data_dir).glob("rescued-*.imported")
                         for line in f.read_bytes().splitlines() if line.startswith(b'{"part_id"'))
    run.wall_s = round(time.monotonic() - started, 1)
    return run
