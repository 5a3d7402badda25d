"""Keeps a running line on what the model table says: a promoted package is loaded off the line and swapped in
between two parts (each part is decided wholly by one version, and its record names it); a shadow package runs
beside it; a promoted model whose reject or uncertain rate on the line runs far above its evaluated rate raises
``model_drift``."""
from __future__ import annotations

import collections
import logging
from typing import Any

from inspector.models import audit_trail
from inspector.models.lifecycle import ModelRegistry
from inspector.models.shadow import ShadowRunner
from inspector.manifest import PackageError
from inspector.runtime import load_package
from inspector.workers import Worker

log = logging.getLogger(__name__)
DRIFT_WINDOW = 200
DRIFT_MIN_PARTS = 100


class LiveModels:
    """Polls the registry every ``poll_s``; ``check()`` does one poll (tests call it directly)."""

    def __init__(self, registry: ModelRegistry, line, *, poll_s: float = 1.0, load_options: dict | None = None):
        self.registry, self.line, self.poll_s = registry, line, poll_s
        self.recipe = line.recipe
        self.load_options = load_options or {}
        self.shadow = ShadowRunner(registry.store, self.recipe, roi=line.models.roi, deciding=line.deciding)
        line.listeners.append(self.shadow.offer)
        line.listeners.append(self._watch_rate)
        self._outcomes: collections.deque[bool] = collections.deque(maxlen=DRIFT_WINDOW)
        self._expected_rate: float | None = None
        self._drifting = False
        self._refused: set[str] = set()
        self.swaps = 0
        self.worker = Worker("models", self._loop)

    def start(self) -> "LiveModels":
        self.shadow.start()
        self.worker.start()
        return self

    def close(self, timeout: float = 2.0) -> bool:
        ended = self.worker.stop(timeout)
        return self.shadow.close(timeout) and ended

    def _loop(self) -> None:
        while not self.worker.stop_event.wait(self.poll_s):
            try:
                self.check()
            except Exception as err:  # the table unreadable for a moment: the line keeps its models
                log.warning("model table not read: %s", err)

    def check(self) -> None:
        shadows = {}
        for name in self.recipe.models:
            live = self.registry.live(name)
            current = self.line.models.get(name)
            if live is not None and current is not None and current.package_id != live.package_id:
                model = self._load(live)
                if model is not None:
                    self.line.models.replace(name, model)
                    self.swaps += 1
                    self._start_watching(live)
                    audit_trail.try_record(audit_trail.record_load, self.registry.store, model, previous=current,
                                           reason=f"{live.state} in the model table: swapped in between two parts")
            shadow = self.registry.shadow(name)
            if shadow is not None:
                known = {m.package_id: m for m in self.shadow._models.values()}
                model = known.get(shadow.package_id) or self._load(shadow)
                if model is not None:
                    shadows[name] = model
        if {m.package_id for m in shadows.values()} != set(self.shadow.package_ids):
            self.shadow.set_models(shadows)

    def _load(self, entry) -> Any:
        if entry.package_id in self._refused:
            return None
        try:
            model = load_package(entry.folder, trust=self.registry.trust, **self.load_options)
        except PackageError as err:
            self._refused.add(entry.package_id)
            self.line.alarms.raise_("model_refused", f"{entry.describe()} refused, the line keeps its model: {err}")
            audit_trail.try_record(audit_trail.record_refusal, self.registry.store, entry.folder, err,
                                   kept=self.line.models.get(entry.name), reason="refused when it went live")
            return None
        model.outline_from = self.recipe.pass_below
        return model

    # -- drift ----------------------------------------------------------------------------------------------------
    def _start_watching(self, entry) -> None:
        line_rate = self._line_rate()  # the replaced model's, on this line
        self._outcomes.clear()
        self._drifting = False
        evaluation = entry.evaluation or {}
        rate = (evaluation.get("candidate") or {}).get("not_pass_rate")
        live_rate = (evaluation.get("live") or {}).get("not_pass_rate")
        # QA data over-samples rejects: scale the line's own rate by how the candidate compared with the old model
        if rate is not None and live_rate and line_rate is not None:
            self._expected_rate = line_rate * rate / live_rate
        else:
            self._expected_rate = rate

    def _line_rate(self) -> float | None:
        return sum(self._outcomes) / len(self._outcomes) if len(self._outcomes) >= DRIFT_MIN_PARTS else None

    def _watch_rate(self, record, frame, results) -> None:
        self._outcomes.append(record.outcome != "pass")
        expected = self._expected_rate
        if expected is None or len(self._outcomes) < DRIFT_MIN_PARTS:
            return
        observed = sum(self._outcomes) / len(self._outcomes)
        drifting = observed > max(2 * expected, expected + 0.10)
        if drifting and not self._drifting:  # once per episode: the alarm stays until acknowledged
            self.line.alarms.raise_("model_drift", f"rejects and checks at {observed:.0%} of the last "
                                                   f"{len(self._outcomes)} parts; evaluated {expected:.0%}")
        self._drifting = drifting
