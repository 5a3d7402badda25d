"""A candidate beside the live model on line parts: it sees each part's frame after the part is recorded, only while
no part is being decided, on a thread the kernel runs only on idle cores, on at most a fifth of a core (a sample of
the parts), and never acts. Frames it does not take are dropped and counted. Its outcomes are written beside the
parts (``shadow_results``) for agreement with the live model and QA."""
from __future__ import annotations

import logging
import queue
import time
from typing import Any

from inspector.decide import decide
from inspector.inference import RecipeModels
from inspector.models.rescore import result_value
from inspector.store.model_tables import ModelTables
from inspector.workers import Worker, idle_priority

log = logging.getLogger(__name__)
FLUSH_S = 1.0
IDLE_WAIT_S = 0.05
REST = 4.0  # after scoring for t seconds, rest 4 t: a sample of the parts is enough for agreement per class


class ShadowRunner:
    """``offer`` is a line record listener; ``set_models`` changes which candidates run (none: it only drops)."""

    def __init__(self, store, recipe, *, roi=None, deciding=None, maxsize: int = 4):
        self.tables = ModelTables(store)
        self.recipe, self.roi, self.deciding = recipe, roi, deciding
        self._models: dict[str, Any] = {}
        self._queue: queue.Queue = queue.Queue(maxsize=maxsize)
        self._pending: list[tuple[str, int, str, str, dict]] = []
        self._last_flush = time.monotonic()
        self.scored = 0
        self.dropped = 0
        self.worker = Worker("shadow", self._loop)

    # -- the line's side: never blocks --------------------------------------------------------------------------
    def offer(self, record, frame, results) -> None:
        if not self._models or frame is None:
            return
        try:
            self._queue.put_nowait((record.part_id, frame.image, record.outcome))
        except queue.Full:
            self.dropped += 1

    def set_models(self, models: dict[str, Any]) -> None:
        """name -> loaded candidate package; replaces the whole set at once."""
        for model in models.values():
            model.outline_from = self.recipe.pass_below
        self._models = dict(models)

    @property
    def package_ids(self) -> list[str]:
        return [m.package_id for m in self._models.values()]

    # -- its own thread -----------------------------------------------------------------------------------------
    def start(self) -> "ShadowRunner":
        self.worker.start()
        return self

    def close(self, timeout: float = 2.0) -> bool:
        ended = self.worker.stop(timeout)
        self._flush()
        return ended

    def _loop(self) -> None:
        idle_priority()
        stop = self.worker.stop_event
        while not stop.is_set():
            try:
                part_id, image, live_outcome = self._queue.get(timeout=0.2)
            except queue.Empty:
                self._flush_if_due()
                continue
            while self.deciding is not None and not stop.is_set() and not self.deciding.wait_idle(IDLE_WAIT_S):
                pass  # the line first: start only between parts
            started = time.monotonic()
            for model in list(self._models.values()):
                try:
                    results = RecipeModels([model], roi=self.roi).run(image)
                    outcome = decide(results, self.recipe).outcome.value
                except Exception as err:  # a shadow never stops the line; it says why it scored nothing
                    log.warning("shadow %s on part %d: %s", model.name, part_id, err)
                    continue
                self._pending.append((model.package_id, part_id, outcome, str(live_outcome), result_value(results[0])))
                self.scored += 1
            self._flush_if_due()
            stop.wait(REST * (time.monotonic() - started))  # at most 1 / (1 + REST) of a core; frames meanwhile drop

    def _flush_if_due(self) -> None:
        if self._pending and (len(self._pending) >= 50 or time.monotonic() - self._last_flush >= FLUSH_S):
            self._flush()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        self._last_flush = time.monotonic()
        if pending:
            try:
                self.tables.add_shadow_results(pending)
            except Exception as err:
                log.warning("shadow results not written (%d lost): %s", len(pending), err)
