"""What the operator's buttons do to the station: start, stop, acknowledge, switch recipe, close.

Switching recipe closes the station and builds a new one with that recipe (new models, new run) on a worker thread,
so the window keeps drawing meanwhile; if the new recipe is refused, the old one is built again and the refusal is
raised as an alarm.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from ui.bridge import LineBridge
from ui.model import StationInfo, StationModel

log = logging.getLogger(__name__)


def station_info(station) -> StationInfo:
    recipe, line = station.recipe, station.line
    return StationInfo(recipe=recipe.name, product=recipe.product, expected=recipe.expected_count, run_id=line.run_id,
                       models=dict(line.models.versions), deadline_ms=station.config.timing.travel_s * 1000)


class StationController(QObject):
    _built = Signal(object, str, bool)  # new station (or None), refusal, whether to start it

    def __init__(self, model: StationModel, station, *, build: Callable[[str], object] | None = None,
                 parts: int | None = None, operator: str = "operator", parent: QObject | None = None):
        super().__init__(parent)
        self.model, self.build, self.parts, self.operator = model, build, parts, operator
        self.station = None
        self.bridge = LineBridge(model, self)
        self.switcher: threading.Thread | None = None
        self._fresh = None  # built by the switcher, not yet attached on the GUI thread
        self._built.connect(self._on_built, Qt.ConnectionType.QueuedConnection)
        self._attach(station)

    def _attach(self, station) -> None:
        self.station = self.last_station = station
        self.bridge.attach(station.line)
        self.model.set_station(station_info(station), frames=station.line.frames.latest,
                               deciding=station.line.deciding)
        self.model.set_running(station.line.running)

    def health(self) -> dict:
        station = self.station
        if station is None:
            return {}
        return {"camera_dropped": station.line.frames.dropped_frames, "saved": station.writer.stats().written}

    # -- operator actions ----------------------------------------------------------------------------------------
    def start(self) -> None:
        station = self.station
        if station is None or self.model.busy or station.closed or self.model.running:
            return
        from inspector.line.lots import LotError

        try:
            station.start(parts=self.parts)  # the line, and on the simulated line its conveyor
        except LotError as e:  # the lot-entry step asks first; a start that skipped it stays stopped
            log.warning("start refused: %s", e)
            return
        self.model.set_running(True)

    def stop(self) -> None:
        """Stop inspecting; on the simulated line the conveyor stops too (at a real line, parts still arriving are
        rejected fail-safe by the core)."""
        station = self.station
        if station is None or not self.model.running:
            return
        if station.simulator is not None:
            station.simulator.stop(0.5)
        station.line.stop()
        self.model.set_running(False)

    def acknowledge(self, kind: str) -> None:
        if self.station is not None:
            self.station.line.alarms.acknowledge(kind, by=self.operator)

    def switch_recipe(self, name: str) -> bool:
        """Start switching to recipe ``name``; False when it cannot now (busy, same recipe, nothing to build with)."""
        if self.build is None or self.model.busy or self.station is None or name == self.station.recipe.name:
            return False
        old, resume = self.station, self.model.running
        self.model.set_running(False)
        self.model.set_busy(f"switching to {name}…")
        self.switcher = threading.Thread(target=self._switch, args=(old, name, resume), name="recipe-switch",
                                         daemon=True)
        self.switcher.start()
        return True

    def _build(self, name: str, lot: str | None):
        """A new station for ``name`` that keeps the lot in force (a product change within a lot is no lot change)."""
        return self.build(name, lot=lot) if lot else self.build(name)

    def _switch(self, old, name: str, resume: bool) -> None:
        lot = old.line.lot
        try:
            old.close()
        except Exception:
            log.exception("closing the station for a recipe switch failed")
        try:
            self._fresh = self._build(name, lot)
            self._built.emit(self._fresh, "", resume)
            return
        except Exception as e:
            refusal = f"recipe {name} refused: {e}"
            log.error("%s", refusal)
        try:
            self._fresh = self._build(old.recipe.name, lot)
            self._built.emit(self._fresh, refusal, False)
        except Exception as e:
            self._built.emit(None, f"{refusal}; and {old.recipe.name} again: {e}", False)

    @Slot(object, str, bool)
    def _on_built(self, station, refusal: str, resume: bool) -> None:
        self._fresh = None
        if self.switcher is None:  # closed meanwhile
            return
        self.bridge.detach()
        if station is None:
            self.station = None
            self.model.set_busy(f"NO STATION: {refusal}")
            return
        self._attach(station)
        if refusal:
            station.line.alarms.raise_("model_refused", refusal)
        self.model.set_busy("")
        if resume:
            self.start()

    def close(self, timeout: float = 2.0) -> bool:
        """Stop every worker and record every part; True when all stopped within ``timeout``."""
        switcher, self.switcher = self.switcher, None
        if switcher is not None:
            switcher.join(timeout + 5)
        station, self.station = self._fresh or self.station, None
        self._fresh = None
        if station is not None:
            self.last_station = station
        ok = station.close(timeout) if station is not None else True
        self.bridge.detach()
        self.model.set_running(False)
        return ok
