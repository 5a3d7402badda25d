"""Run statistics gathered from the records as they finish, and the run report the CLI writes."""
from __future__ import annotations

import random
import threading
import time
from collections import Counter
from typing import Iterable, Iterator

import numpy as np

from inspector.record import PartRecord


SAMPLE_SIZE = 4096  # latencies kept per statistic: a whole run's percentiles, in memory that stays flat


class Reservoir:
    """A fixed-size uniform sample of a stream of values (algorithm R), with the stream's exact count and maximum.

    Iterates and sizes like the list it replaces (the sample); ``n`` and ``max`` are over every value ever added.
    """

    def __init__(self, size: int = SAMPLE_SIZE, *, seed: int = 0) -> None:
        if size < 1:
            raise ValueError(f"reservoir size {size} must be at least 1")
        self.size, self.n, self.max = size, 0, None
        self.sample: list[float] = []
        self._rng = random.Random(seed)

    def append(self, value: float) -> None:
        self.n += 1
        self.max = value if self.max is None else max(self.max, value)
        if len(self.sample) < self.size:
            self.sample.append(value)
        else:
            j = self._rng.randrange(self.n)
            if j < self.size:
                self.sample[j] = value

    def __iter__(self) -> Iterator[float]:
        return iter(self.sample)

    def __len__(self) -> int:
        return len(self.sample)


def percentiles(values: Iterable[float]) -> dict[str, float | None]:
    """p50, p99 (of a reservoir's sample), max and n (exact, also for a reservoir)."""
    sample = list(values)
    if not sample:
        return {"p50": None, "p99": None, "max": None, "n": 0}
    a = np.asarray(sample, dtype=float)
    top = values.max if isinstance(values, Reservoir) else a.max()
    return {
        "p50": round(float(np.percentile(a, 50)), 3),
        "p99": round(float(np.percentile(a, 99)), 3),
        "max": round(float(top), 3),
        "n": values.n if isinstance(values, Reservoir) else int(a.size),
    }


class RunStats:
    """A record listener: outcome counts, agreement with simulator truth, latencies."""

    def __init__(self, sample_size: int = SAMPLE_SIZE) -> None:
        self._lock = threading.Lock()
        self.started = time.monotonic()
        self.first_trigger: float | None = None
        self.last_trigger: float | None = None
        self.recorded = 0
        self.outcomes: Counter[str] = Counter()
        self.causes: Counter[str] = Counter()
        self.truth: Counter[str] = Counter()
        self.late = 0
        self.actuated = 0
        self.latency: dict[str, Reservoir] = {"trigger_to_decision": Reservoir(sample_size),
                                              "inference": Reservoir(sample_size, seed=1)}

    def __call__(self, record: PartRecord, frame=None, results=None) -> None:
        with self._lock:
            self.recorded += 1
            self.outcomes[record.outcome] += 1
            if record.fail_safe_cause:
                self.causes[record.fail_safe_cause] += 1
            self.late += record.late
            self.actuated += record.actuated
            t = record.t_trigger
            self.first_trigger = t if self.first_trigger is None else min(self.first_trigger, t)
            self.last_trigger = t if self.last_trigger is None else max(self.last_trigger, t)
            for key, values in self.latency.items():
                if key in record.timings_ms:
                    values.append(record.timings_ms[key])
            self.truth[_truth_verdict(record)] += 1

    def counts(self) -> dict:
        """Recorded parts, outcomes and fail-safe causes only: cheap enough for every part event (``report`` also
        sorts the latency samples, holding the lock the line's record listener waits for)."""
        with self._lock:
            return {"recorded": self.recorded, "outcomes": dict(self.outcomes),
                    "fail_safe_causes": dict(self.causes)}

    def report(self, *, parts: int, dropped_frames: int, extra: dict | None = None) -> dict:
        with self._lock:
            span = (self.last_trigger - self.first_trigger) if self.recorded > 1 else 0.0
            out = {
                "parts": parts,
                "recorded": self.recorded,
                "outcomes": dict(self.outcomes),
                "fail_safe_causes": dict(self.causes),
                "truth": {k: self.truth.get(k, 0) for k in ("correct", "false_pass", "false_reject", "unknown")},
                "latency_ms": {k: percentiles(v) for k, v in self.latency.items()},
                "throughput_pps": round((self.recorded - 1) / span, 3) if span > 0 else None,
                "late": self.late,
                "actuated": self.actuated,
                "dropped_frames": dropped_frames,
            }
        out.update(extra or {})
        return out


def _truth_verdict(record: PartRecord) -> str:
    if not record.truth or "should_pass" not in record.truth:
        return "unknown"
    passed = record.outcome == "pass"
    if record.truth["should_pass"] is None:  # the frame showed no product (e.g. the bare belt)
        return "false_pass" if passed else "unknown"
    should = bool(record.truth["should_pass"])
    if passed == should:
        return "correct"
    return "false_pass" if passed else "false_reject"
