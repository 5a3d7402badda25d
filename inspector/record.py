"""The one record each part ends with: what was seen, decided and done, and by which model versions."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class PartRecord:
    part_id: int
    run_id: str
    recipe: str
    recipe_hash: str  # sha256 of the recipe as loaded: which exact rules decided
    t_trigger: float  # station monotonic clock, seconds
    wall_time: str  # ISO 8601 UTC of the trigger, for people
    outcome: str  # Outcome value
    reason: str
    confidence: float
    actuated: bool  # whether the pusher fired for this part
    fail_safe_cause: str | None = None
    late: bool = False
    models: dict[str, str] = field(default_factory=dict)  # model name -> "version sha256[:12]"
    count: int | None = None
    expected: int | None = None
    points: list[list[float]] | None = None  # [[x, y, score], ...] frame pixels
    occlusion: float | None = None
    label: str | None = None
    p_defect: float | None = None
    defect_box: list[int] | None = None  # [x, y, w, h]
    timings_ms: dict[str, float] = field(default_factory=dict)  # capture, inference, decide, trigger_to_decision
    frame_t: float | None = None
    image_path: str | None = None  # relative to the data directory, None when not kept
    truth: dict[str, Any] | None = None  # ground truth from the simulator
    lot: str | None = None  # the lot / batch / order in force at the trigger (inspector.lots)
    image_sha256: str | None = None  # of the kept image file as written (hex)

    def to_row(self) -> dict[str, Any]:
        return asdict(self)
