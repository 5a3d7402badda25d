"""Run statistics gathered from the records as they finish, and the run report the CLI writes."""
from __future__ import annotations

import threading
import time
from collections import Counter

import numpy as np

from inspector.record import PartRecord


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p99": None, "max": None, "n": 0}
    a = np.asarray(values, dtype=float)
    return {
        "p50": round(float(np.percentile(a, 50)), 3),
        "p99": round(float(np.percentile(a, 99)), 3),
        "max": round(float(a.max()), 3),
        "n": int(a.size),
    }


class RunStats:
    """A record listener: outcome counts, agreement with simulator truth, latencies."""

    def __init__(self) -> None:
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
        self.latency: dict[str, list[float]] = {"trigger_to_decision": [], "inference": []}

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
