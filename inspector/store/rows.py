"""PartRecord <-> ``parts`` row: JSON columns, booleans as 0/1, numpy scalars made plain."""
from __future__ import annotations

import enum
import json
from dataclasses import asdict, fields
from typing import Any, Mapping

import numpy as np

from inspector.record import PartRecord

PART_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(PartRecord))
JSON_COLUMNS = frozenset({"models", "points", "defect_box", "timings_ms", "truth"})
BOOL_COLUMNS = frozenset({"actuated", "late"})
REAL_COLUMNS = frozenset({"t_trigger", "confidence", "occlusion", "p_defect", "frame_t"})
INT_COLUMNS = frozenset({"part_id", "count", "expected"})
_JSON_DEFAULTS = {"models": {}, "timings_ms": {}}

INSERT_PART_SQL = "INSERT INTO parts ({}, model_key) VALUES ({}, ?)".format(
    ", ".join(f'"{c}"' for c in PART_COLUMNS), ", ".join("?" for _ in PART_COLUMNS)
)


def model_key(models: Mapping[str, Any] | None) -> str:
    """One indexable text per set of model versions: ``name version`` pairs by name, joined by `` + ``."""
    return " + ".join(f"{name} {version}" for name, version in sorted((models or {}).items()))


def json_default(value: Any) -> Any:
    """Lets model outputs (numpy scalars and arrays, tuples of them) into JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


def dumps(value: Any) -> str:
    return json.dumps(value, default=json_default, separators=(",", ":"), allow_nan=True)


def canonical_json(value: Any) -> str:
    """Stable text of a config or recipe: same content, same text, same hash."""
    if isinstance(value, str):
        return value
    return json.dumps(value, default=json_default, sort_keys=True, separators=(",", ":"))


def _plain(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in JSON_COLUMNS:
        return dumps(value)
    if column in BOOL_COLUMNS:
        return int(bool(value))
    if column in REAL_COLUMNS:
        return float(value)
    if column in INT_COLUMNS:
        return int(value)
    if isinstance(value, enum.Enum):  # Outcome, FailSafeCause
        value = value.value
    return value if type(value) is str else str(value)


def record_to_row(record: PartRecord) -> tuple[Any, ...]:
    """Values in PART_COLUMNS order, ready for INSERT_PART_SQL; raises on a value that cannot be stored."""
    if record.part_id is None:  # SQLite would invent one for an INTEGER PRIMARY KEY
        raise ValueError("a part record needs a part_id")
    return (*(_plain(c, getattr(record, c)) for c in PART_COLUMNS), model_key(record.models))


def record_to_json(record: PartRecord) -> str:
    """Everything a record holds, as text that cannot fail: for the quarantine table."""
    try:
        return dumps(asdict(record))
    except Exception:  # noqa: BLE001 - the last resort must not raise
        return json.dumps({"repr": repr(record)})


def row_to_record(row: Mapping[str, Any]) -> PartRecord:
    values: dict[str, Any] = {}
    for column in PART_COLUMNS:
        value = row.get(column)
        if column in JSON_COLUMNS:
            value = json.loads(value) if value is not None else _JSON_DEFAULTS.get(column)
            if isinstance(value, dict):
                value = dict(value)
        elif column in BOOL_COLUMNS:
            value = bool(value) if value is not None else False
        values[column] = value
    return PartRecord(**values)
