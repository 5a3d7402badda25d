"""``StationHost``: the runtime's current station, replaced when the recipe is switched.

A recipe switch closes the station (every part recorded), builds one for the new recipe that keeps the lot in force
(a product change within a lot is no lot change), and hands it to whoever watches (the API server re-attaches its
record and alarm listeners, clients get a ``station`` event). A recipe the station refuses (a model that does not
verify, a recipe file that does not parse) leaves the old recipe built again and the ``model_refused`` alarm raised;
only when that fails too is there no station (``station`` is None and ``busy`` says why).

The switch runs on a thread of its own: ``begin_switch`` starts it (so it can be called inside the audit entry's
transaction), ``wait_switched`` waits for its outcome.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

Build = Callable[..., Any]  # build(recipe_name, lot=...) -> Station
Watcher = Callable[[Any, Any], None]  # (old station or None, new station or None)


@dataclass(frozen=True)
class SwitchOutcome:
    """How a switch ended: to ``recipe`` (the one running now), and why the asked one was refused (else None)."""

    asked: str
    recipe: str | None
    refusal: str | None = None


class SwitchError(RuntimeError):
    """A switch that cannot start now (busy, nothing to build with, no such recipe)."""


class StationHost:
    def __init__(self, station: Any, build: Build | None = None, *, recipes_dir: Path | None = None,
                 parts: int | None = None) -> None:
        self.station = station
        self.build = build
        self.recipes_dir = Path(recipes_dir) if recipes_dir is not None else Path(station.config.recipes_dir)
        self.parts = parts  # the simulated line's part count, for a station started again after a switch
        self.busy = ""  # "switching to X…" while a switch runs; "NO STATION: …" when none could be built
        self.watchers: list[Watcher] = []
        self.switches = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._outcome: SwitchOutcome | None = None
        self._done = threading.Event()
        self._done.set()
        self._closed = False

    # -- what there is -----------------------------------------------------------------------------------------
    def recipes(self) -> list[str]:
        """The recipe names the station can switch to (``*.toml`` in the station's recipes folder)."""
        try:
            return sorted(path.stem for path in self.recipes_dir.glob("*.toml"))
        except OSError:
            return []

    @property
    def switching(self) -> bool:
        return not self._done.is_set()

    # -- switching ---------------------------------------------------------------------------------------------
    def begin_switch(self, name: str) -> bool:
        """Start switching to recipe ``name`` on a thread of its own; False when it cannot now (a switch is running,
        the host is closed, there is nothing to build with, no station, or ``name`` is on already)."""
        with self._lock:
            station = self.station
            if (self.build is None or self._closed or self.switching or station is None
                    or name == station.recipe.name):
                return False
            self._done.clear()
            self._outcome = None
            self.busy = f"switching to {name}…"
            self._thread = threading.Thread(target=self._switch, args=(station, name), name="recipe-switch",
                                            daemon=True)
        self._thread.start()
        return True

    def wait_switched(self, timeout: float | None = None) -> SwitchOutcome | None:
        """The outcome of the last switch once it ended (None while it still runs after ``timeout``)."""
        if not self._done.wait(timeout):
            return None
        return self._outcome

    def why_not(self, name: str) -> str:
        """Why ``begin_switch(name)`` would refuse, in words."""
        if self.build is None:
            return "this runtime was started without a way to build stations (no recipe switch)"
        if self._closed:
            return "the runtime is stopping"
        if self.switching:
            return self.busy or "a recipe switch is running"
        if self.station is None:
            return self.busy or "no station"
        if name == self.station.recipe.name:
            return f"recipe {name} is on already"
        return ""

    def _switch(self, old: Any, name: str) -> None:
        resume, lot = bool(old.line.running), old.line.lot
        refusal: str | None = None
        new = None
        try:
            self._tell(old, old)  # the busy line reaches the screens before the station goes
            try:
                old.close()
            except Exception:  # noqa: BLE001 - the new station is built anyway; the close logged what it lost
                log.exception("closing the station for a recipe switch failed")
            try:
                new = self._build(name, lot)
            except Exception as e:  # noqa: BLE001 - any refusal falls back to the old recipe
                refusal = f"recipe {name} refused: {e}"
                log.error("%s", refusal)
                try:
                    new = self._build(old.recipe.name, lot)
                except Exception as again:  # noqa: BLE001
                    refusal = f"{refusal}; and {old.recipe.name} again: {again}"
                    log.error("no station: %s", refusal)
            with self._lock:
                self.station = new
                self.busy = "" if new is not None else f"NO STATION: {refusal}"
                self.switches += 1
            self._tell(old, new)  # watchers attach before the new station records or raises anything
            if new is None:
                return
            if refusal:
                new.line.alarms.raise_("model_refused", refusal)
            elif resume:
                try:
                    new.start(parts=self.parts)
                except Exception as e:  # noqa: BLE001 - e.g. a lot the new recipe's station requires: stays stopped
                    log.warning("the new station did not start: %s", e)
                self._tell(new, new)  # running now
        finally:
            self._outcome = SwitchOutcome(name, new.recipe.name if new is not None else None, refusal)
            self._done.set()

    def changed(self) -> None:
        """Something the screens show about the station changed (started, stopped, a new lot): tell the watchers."""
        station = self.station
        if station is not None:
            self._tell(station, station)

    def _build(self, name: str, lot: str | None) -> Any:
        """A station for ``name`` keeping the lot in force."""
        return self.build(name, lot=lot) if lot else self.build(name)

    def _tell(self, old: Any, new: Any) -> None:
        for watcher in list(self.watchers):
            try:
                watcher(old, new)
            except Exception:  # noqa: BLE001 - a watcher's failure never stops a switch
                log.exception("station watcher failed")

    # -- the end -----------------------------------------------------------------------------------------------
    def close(self, timeout: float = 2.0) -> bool:
        """Wait for a switch in progress, then close the current station (every part recorded)."""
        with self._lock:
            self._closed = True
        thread = self._thread
        if thread is not None:
            thread.join(timeout + 30)
        station = self.station
        return station.close(timeout) if station is not None else True
