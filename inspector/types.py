"""Values that flow through the line: frames, parts, model outputs, decisions."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Frame:
    """One camera image (H x W x 3, uint8, BGR) and when it was exposed on the station clock."""

    image: np.ndarray
    t: float
    seq: int
    truth: dict[str, Any] | None = None  # ground truth, only from the synthetic camera


class Outcome(str, enum.Enum):
    PASS = "pass"
    REJECT = "reject"
    UNCERTAIN = "uncertain"  # diverted for a human check, never passed
    FAIL_SAFE = "fail_safe"  # not inspected in time: rejected by rule

    @property
    def diverts(self) -> bool:
        """Whether the pusher takes the part off the line."""
        return self is not Outcome.PASS


class FailSafeCause(str, enum.Enum):
    NO_FRAME = "no_frame"
    MODEL_ERROR = "model_error"
    LATE = "late"
    QUEUE_FULL = "queue_full"
    STOPPED = "stopped"  # line stopped while the part was in transit
    RECORD_NOT_DURABLE = "record_not_durable"  # the store could not make records durable: no part may pass
    NOT_JOURNALED = "not_journaled"  # the crash journal could not make its trigger durable before the decision
    LOST_IN_CRASH = "lost_in_crash"  # triggered, then the station died before its record: recorded at the next start


@dataclass(frozen=True)
class CountResult:
    """What a counting model saw: every item's centre in frame pixels, and whether it could count."""

    count: int
    points: list[tuple[float, float, float]]  # x, y, score
    occlusion: float  # 0..1, high means the box is covered and cannot be counted
    model: str
    version: str


@dataclass(frozen=True)
class ClassifyResult:
    """Good/defect: the probability of a defect and where it is (frame pixels)."""

    p_defect: float
    label: str
    defect_box: tuple[int, int, int, int] | None  # x, y, w, h
    defect_outline: list[tuple[int, int]] = field(default_factory=list)
    model: str = ""
    version: str = ""


ModelResult = CountResult | ClassifyResult


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str
    confidence: float  # confidence in the outcome, 0..1
    cause: FailSafeCause | None = None
