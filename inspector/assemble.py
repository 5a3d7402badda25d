"""The composition root: builds a whole station (models, camera, pins, store, line, simulator) from its settings.

This module and ``cli`` are the only places in ``inspector`` that know ``hardware``; the core never does.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from inspector import __version__
from inspector.alarms import Alarm, Alarms
from inspector.camera_controls import CameraControls, ImagingControls
from inspector.clock import Clock, MonotonicClock
from inspector.config import ConfigError, Recipe, StationConfig, load_recipe
from inspector.inference import RecipeModels
from inspector.line import Line
from inspector.line.journal import TriggerJournal
from inspector.line.recovery import Recovery, recover
from inspector.line.watchdog import Watchdog, Watched
from inspector.models.lifecycle import ModelRegistry
from inspector.models.live import LiveModels
from inspector.report import RunStats
from inspector.runtime import PackageError, default_threads, load_package
from inspector.sd_notify import InterlockLink, Notifier
from inspector.store import (
    DiskWatch, ImagePolicy, RecordWriter, Reserve, RetentionPolicy, RetentionWorker, Store, reimport_rescued,
)
from inspector.store.file_access import restrict_umask, secure
from inspector.models.signing import SigningKeyError
from inspector.store.seals import Sealer, default_key_path, seal_at_start

log = logging.getLogger(__name__)

JOURNAL_DIR = "journal"  # the crash journal, in the data dir beside the database
DISK_REFUSE_BYTES = 64 << 20  # below this free at start the station refuses: it could not record what it decides
# A thread woken by a queue or by the end of session.run waits for the GIL until the running thread's slice ends
# (5 ms by default): at half load that was 3 ms of every part's queue wait and the tail of its inference.
GIL_SLICE_S = 0.0005
# Encoding a kept image on the other core slows an inspection running meanwhile (shared caches): the writer waits up to
# this long for the part being decided first (at half load: decision p99 8.6 -> 7.1 ms for the box recipe).
IMAGE_YIELD_S = 0.005


def simulated(config: StationConfig) -> StationConfig:
    """The same station with the synthetic camera and gpiozero's mock pins."""
    return config.model_copy(
        update={
            "camera": config.camera.model_copy(update={"backend": "synthetic"}),
            "gpio": config.gpio.model_copy(update={"pin_factory": "mock"}),
        }
    )


def inspection_workers(config: StationConfig) -> int:
    """Inspector threads: the setting, or two wherever there are two cores to run them."""
    return config.inspection_workers or (2 if default_threads() >= 2 else 1)


def model_load_options(config: StationConfig) -> dict:
    """How the line's sessions are made: the cores divided among the inspectors."""
    threads = config.inference_threads or max(1, default_threads() // inspection_workers(config))
    return {"threads": threads, "spin": config.inference_spin}


def load_recipe_models(config: StationConfig, recipe: Recipe, *, audit_db=None,
                       folders: dict[str, Path] | None = None) -> RecipeModels:
    """The recipe's packages (from ``folders`` by name, else the shipped ones), verified against the station's trust
    store. With ``audit_db``, each load and a refusal go into the audit trail."""
    from inspector.models import TrustStore, audit_trail

    trust = TrustStore.for_station(config)
    models = []
    for name in recipe.models:
        try:
            folder = (folders or {}).get(name) or config.models_dir / name
            models.append(load_package(folder, trust=trust, **model_load_options(config)))
        except PackageError as err:
            if audit_db is not None:
                audit_trail.try_record(audit_trail.record_refusal, audit_db, config.models_dir / name, err,
                                       reason=f"refused at start for recipe {recipe.name}")
            raise
    if audit_db is not None:
        for model in models:
            audit_trail.try_record(audit_trail.record_load, audit_db, model, reason=f"loaded for recipe {recipe.name}")
    for model in models:
        model.outline_from = recipe.pass_below  # outlines follow the recipe's decision, not the package's default
    return RecipeModels(models, roi=config.camera.roi)


def make_camera_for(config: StationConfig, clock: Clock):
    from hardware.cameras import make_camera

    cam = config.camera
    calibrated = cam.controls != ImagingControls()  # never calibrated: the device keeps its own (auto) settings
    if cam.backend == "synthetic":
        camera = make_camera("synthetic", clock=clock, fps=cam.fps, size=(cam.width, cam.height))
        if calibrated:
            camera.apply_controls(camera.controls.with_(**cam.controls.model_dump()))
        return camera
    if cam.backend == "folder":
        return make_camera("folder", folder=cam.source, loop=cam.loop, fps=cam.fps, clock=clock)
    if cam.backend in ("picamera2", "gstreamer", "genicam"):
        from hardware.cameras.from_settings import board_camera

        return board_camera(cam, clock=clock, controls=CameraControls.from_camera(cam) if calibrated else None)
    return make_camera(
        "opencv", source=cam.source, backend=cam.api, width=cam.width, height=cam.height, fps=cam.fps, clock=clock,
        controls=CameraControls.from_camera(cam) if calibrated else None,
    )


@dataclass
class Station:
    """Everything one running station holds; ``close()`` releases it all and leaves nothing unrecorded."""

    config: StationConfig
    recipe: Recipe
    line: Line
    io: object
    store: Store
    writer: RecordWriter
    stats: RunStats
    simulator: object | None = None
    disk: DiskWatch | None = None
    retention: RetentionWorker | None = None
    journal: TriggerJournal | None = None
    recovery: Recovery | None = None  # what this start found left by a crash
    live_models: object | None = None  # inspector.models.live.LiveModels: promotions and the shadow
    sealer: Sealer | None = None  # signs the record chain's head (run end, every N records / T seconds)
    watchdog: Watchdog | None = None  # pets systemd and the ready-pin supervisor while the threads move
    closed: bool = field(default=False, init=False)

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    def start(self, *, parts: int | None = None) -> None:
        self.line.start()
        if self.watchdog is not None:
            self.watchdog.start()
        if self.simulator is not None:
            self.simulator.start(parts)

    def close(self, timeout: float = 2.0) -> bool:
        if self.closed:
            return True
        self.closed = True
        if self.watchdog is not None:
            self.watchdog.close()  # first: the ready pin drops before the line lets go of anything
        if self.simulator is not None:
            self.simulator.stop(0.5)
        if self.live_models is not None:
            self.live_models.close(timeout)
        ok = self.line.close(timeout)
        ok = self.writer.close(timeout=5.0) and ok
        for worker in filter(None, (self.retention, self.disk)):
            worker.stop()
        if self.journal is not None:
            emptied = self.journal.close()  # kept when a record is missing: the next start records those parts
            note = None if emptied else f"{self.journal.outstanding} part(s) without a durable record at close"
            self.store.end_run(self.line.run_id, "clean", note=note)
        if self.sealer is not None:
            try:
                self.sealer.seal(self.store, f"run end {self.line.run_id}")
            except Exception:  # noqa: BLE001 - the next start seals what this could not
                log.exception("could not seal the record chain at run end")
        self.io.close()
        self.store.close()
        return ok


def build_station(
    config: StationConfig,
    *,
    recipe: Recipe | None = None,
    simulate: bool = False,
    rate_hz: float = 10.0,
    seed: int = 1,
    items: Iterable | None = None,
    clock: Clock | None = None,
    camera=None,
    lot: str | None = None,
    notifier: Notifier | None = None,
) -> Station:
    """Open a station: models verified, camera open, pins claimed, database migrated, threads running (not started).

    On the simulated line ``items`` (rendered parts) replace the recipe's own stream of seed ``seed``. ``lot`` is the
    lot the run starts with (validated here; ``Line.start`` refuses without one where ``lots.required``).
    ``notifier``: systemd's (default: from ``$NOTIFY_SOCKET``); the station's watchdog pets it.
    """
    from inspector.line.lots import validate_lot

    from hardware.gpio import StationIO

    if simulate:
        config = simulated(config)
    if config.camera.backend == "synthetic":  # the simulated camera exposes each part several times while in view
        config = config.model_copy(update={"camera": config.camera.model_copy(update={"fps": max(config.camera.fps, 4 * rate_hz)})})
    if config.camera.backend == "synthetic" and config.gpio.pin_factory != "mock":
        raise ConfigError("the simulated line needs gpio.pin_factory = 'mock' (it drives the beam pin itself)")
    # refused before a model is loaded or a pin claimed; below the critical free space no part could pass anyway
    restrict_umask()  # the station owns its process: what it creates is the service user's and group's only
    check_data_dir(Path(config.data_dir), min_free_bytes=config.storage.disk_critical_free)
    exposed = secure([Path(config.data_dir), *([config.storage.rescue_dir] if config.storage.rescue_dir else [])])
    lot = validate_lot(lot)
    clock = clock or MonotonicClock()
    sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SLICE_S))  # the station owns its process
    recipe = recipe or load_recipe(config.recipe, config.recipes_dir)
    data_dir = Path(config.data_dir)
    try:
        models = load_recipe_models(config, recipe, folders=_live_folders(data_dir, config, recipe))
        # (refuses a bad package before anything is opened)
    except PackageError as err:
        _audit_refusal(data_dir, config, err)
        raise
    with ExitStack() as undo:  # a station that cannot open fully leaves nothing half-open behind
        store = Store.open(data_dir / "inspector.db", images_dir=data_dir / "images")
        undo.callback(store.close)
        _audit_loads(store, models, recipe)
        storage = config.storage
        reserve = _reserve_after_rescue(store, Reserve(data_dir, storage.reserve, second=storage.rescue_dir))
        # after the rescue, before the new run: the last run's parts get their records
        recovery = recover(data_dir / JOURNAL_DIR, store)
        sealer = _sealer(config, data_dir)
        seal_at_start(store, sealer)  # what the migration adopted, the recovery and the rescue wrote: signed now
        registry = ModelRegistry(store, config)
        registry.ensure_shipped(recipe.models, models={m.name: m for m in models.models})
        io = StationIO(config.gpio)
        undo.callback(io.close)
        camera = camera or make_camera_for(config, clock)
        camera.open()
        undo.callback(camera.close)
        # Alarm rows go through the record writer: batched off the decision path, retried while the disk is full,
        # rescued with the records at close.
        alarms = Alarms(on_raise=lambda alarm: _persist_alarm(writer, alarm))
        retention = RetentionWorker(store, RetentionPolicy.from_settings(storage),
                                    interval_s=storage.retention_interval_s)
        disk = DiskWatch(data_dir, warn_free=storage.disk_warn_free, critical_free=storage.disk_critical_free,
                         interval_s=storage.disk_check_interval_s, alarms=alarms, on_low=retention.wake)
        images = config.images
        writer = RecordWriter(
            store,
            policy=ImagePolicy(keep_pass_fraction=images.keep_pass_fraction, format=images.format,
                               jpeg_quality=images.jpeg_quality),
            on_error=lambda message: alarms.raise_("storage_error", message),
            reserve=reserve, max_commit_lag_s=storage.max_commit_lag_s, sealer=sealer,
        ).start()
        undo.callback(writer.close)
        run_id = f"{config.station_id}-{uuid.uuid4().hex[:10]}"
        store.start_run(
            run_id, recipe=recipe.name, recipe_json=recipe.model_dump(mode="json"), recipe_hash=recipe.sha256,
            station_config=config.model_dump(mode="json"), software_version=__version__, lot=lot,
        )
        journal = TriggerJournal.open(data_dir / JOURNAL_DIR, run_id=run_id,
                                      first_id=max(store.next_part_id(), recovery.next_id),
                                      on_error=lambda message: alarms.raise_("storage_error", message))
        undo.callback(journal.close)
        writer.on_committed = journal.recorded  # the journal forgets what is durable in the database
        stats = RunStats()
        line = Line(
            station=config, recipe=recipe, models=models, camera=camera, pusher=io.pusher, trigger=io.beam,
            light=io.light, sink=writer, clock=clock, alarms=alarms, first_part_id=journal.next_id, run_id=run_id,
            workers=inspection_workers(config), journal=journal, lot=lot,
        )
        if exposed:
            alarms.raise_("file_access", f"{len(exposed)} station file(s) readable by other accounts: "
                                         + "; ".join(map(str, exposed[:3])) + (" …" if len(exposed) > 3 else ""))
        if recovery.lost:
            alarms.raise_("lost_in_crash", recovery.summary)
        elif recovery.crashed_runs:
            log.warning("run(s) %s ended in a crash; every triggered part had its record", recovery.crashed_runs)
        line.listeners.append(stats)
        writer.before_image = lambda: line.deciding.wait_idle(IMAGE_YIELD_S)
        line.record_health = lambda: writer.durability_problem() or disk.problem()
        disk.start()  # the first check at once: a disk already low or full raises its alarm now
        undo.callback(disk.stop)
        retention.start()
        undo.callback(retention.stop)
        simulator = None
        if config.camera.backend == "synthetic":
            simulator = _simulator(recipe, camera, io, rate_hz=rate_hz, seed=seed, items=items,
                                   active_low=config.gpio.beam_active_low)
        line.open()
        live_models = LiveModels(registry, line, load_options=model_load_options(config)).start()
        undo.pop_all()
    return Station(config, recipe, line, io, store, writer, stats, simulator, disk, retention, journal, recovery,
                   live_models, sealer, station_watchdog(config, line, writer, notifier=notifier))


def _sealer(config: StationConfig, data_dir: Path) -> Sealer:
    """The station key that signs the record chain (made at the first start); refused with the file and why."""
    path = Path(config.station_key) if config.station_key else default_key_path(data_dir)
    try:
        return Sealer.for_station(path, every_records=config.storage.seal_every_records,
                                  every_s=config.storage.seal_every_s)
    except (OSError, SigningKeyError) as e:
        raise ConfigError(f"station settings: station_key = {str(path)!r}: cannot be made or read: {e}") from None


def station_watchdog(config: StationConfig, line: Line, writer: RecordWriter, *,
                     notifier: Notifier | None = None) -> Watchdog | None:
    """The watchdog over the line's threads, the record writer and the crash journal, when something listens: systemd
    (``$NOTIFY_SOCKET``, or ``notifier``) or the ready-pin supervisor (``gpio.ready_pin`` set). None otherwise."""
    notifier = notifier if notifier is not None else Notifier()
    settings = config.interlock
    interlock = InterlockLink(settings.socket) if config.gpio.ready_pin is not None else None
    if not Watchdog.wanted(notifier, interlock):
        return None
    stall = settings.stall_s
    watched = [Watched(hb, stall + (config.timing.travel_s if hb is line.transit.heartbeat else 0), alive,
                       calls_only=hb is line.trigger_heartbeat) for hb, alive in line.threads()]
    watched.append(Watched(writer.heartbeat, stall, lambda: writer.alive))
    journal = line.journal
    if journal is not None:  # a trigger that cannot be made durable is rejected: a stuck sync rejects every part
        watched.append(Watched(journal.heartbeat, stall, lambda: journal.alive))
    return Watchdog(watched, ready=lambda: line.running and not line.halted, notifier=notifier, interlock=interlock,
                    tick_s=settings.beat_ms / 1000 if interlock is not None else None)


def _simulator(recipe: Recipe, camera, io, *, rate_hz: float, seed: int, items: Iterable | None, active_low: bool):
    from hardware.simline import SimulatedLine
    from hardware.synthetic import ItemStream

    if items is None:
        items = ItemStream(product=recipe.product, seed=seed, style="line", layout=recipe.layout)
    return SimulatedLine(camera=camera, beam_pin=io.beam.pin, items=items, rate_hz=rate_hz, active_low=active_low)


def _live_folders(data_dir: Path, config: StationConfig, recipe: Recipe) -> dict[str, Path]:
    """The folders of the packages promoted on this station (from its model table), by name."""
    db = data_dir / "inspector.db"
    if not db.is_file():
        return {}
    with Store.open(db, images_dir=data_dir / "images") as store:
        registry = ModelRegistry(store, config)
        return {name: registry.live_folder(name) for name in recipe.models if registry.live(name) is not None}


def _audit_loads(store: Store, models: RecipeModels, recipe: Recipe) -> None:
    from inspector.models import audit_trail

    for model in models.models:
        audit_trail.try_record(audit_trail.record_load, store, model, reason=f"loaded for recipe {recipe.name}")


def _audit_refusal(data_dir: Path, config: StationConfig, error: PackageError) -> None:
    """A package refused at start goes into the trail of the station's database, when there is one."""
    from inspector.models import audit_trail

    db = data_dir / "inspector.db"
    if not db.is_file():
        return
    try:
        with Store.open(db, images_dir=data_dir / "images") as store:
            audit_trail.record_refusal(store, error.package, error, reason="refused at start")
    except Exception:
        log.exception("could not write the refusal of %s to the audit trail", error.package)


def _persist_alarm(writer: RecordWriter, alarm: Alarm) -> None:
    if not writer.add_alarm(alarm.kind, alarm.message, part_id=alarm.part_id, wall_time=alarm.raised_at):
        log.info("alarm %s raised after the record writer stopped, not recorded: %s", alarm.kind, alarm.message)


def _reserve_after_rescue(store: Store, reserve: Reserve) -> Reserve:
    """Records rescued by an earlier run go into the database first (their ids are then never reused), then the
    ballast is made again for the next rescue."""
    rescued = reserve.rescued_files(store.path)
    if rescued:
        reimport_rescued(store, rescued)
    reserve.make()
    return reserve


def check_data_dir(data_dir: Path, *, source: str = "station settings",
                   min_free_bytes: int = DISK_REFUSE_BYTES) -> None:
    """Refuse (ConfigError, "source: data_dir = value: rule") a data dir the station could not record into: a file,
    one that cannot be made, one this user cannot write, or a disk with less than ``min_free_bytes`` free."""
    where = f"{source}: data_dir = {str(data_dir)!r}"
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"{where}: is a file, not a folder: the database and images need a folder")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"{where}: cannot be made: {e.strerror or e}") from None
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise ConfigError(f"{where}: not writable by this user (uid {os.getuid()}): records could not be kept")
    free = shutil.disk_usage(data_dir).free
    if free < min_free_bytes:
        raise ConfigError(f"{where}: only {free / 2**20:.1f} MiB free on its disk: the station needs at least "
                          f"{min_free_bytes / 2**20:.0f} MiB to record the parts it decides "
                          "(storage.disk_critical_free)")
