"""The wire format of API v1 (see :mod:`inspector.api`): JSON text frames, and binary frames for images."""
from __future__ import annotations

import json
import struct
from dataclasses import asdict
from typing import Any

from inspector.record import PartRecord

ERROR_CODES = ("unauthorized", "forbidden", "bad_request", "not_found", "refused")
_HEADER = struct.Struct(">I")
MAX_HEADER = 64 * 1024


class ApiError(Exception):
    """A request the runtime refused; ``code`` is one of ``ERROR_CODES`` (client side also ``connection``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


def text(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), default=_default)


def reply(request_id: Any, result: Any) -> str:
    return text({"id": request_id, "ok": True, "result": result})


def error(request_id: Any, code: str, message: str) -> str:
    return text({"id": request_id, "ok": False, "error": {"code": code, "message": message}})


def binary(header: dict[str, Any], payload: bytes) -> bytes:
    """A binary frame: header length, JSON header, payload (image bytes)."""
    head = text(header).encode()
    return _HEADER.pack(len(head)) + head + payload


def split_binary(frame: bytes) -> tuple[dict[str, Any], bytes]:
    if len(frame) < _HEADER.size:
        raise ValueError("binary frame shorter than its header length")
    (size,) = _HEADER.unpack_from(frame)
    if size > MAX_HEADER or _HEADER.size + size > len(frame):
        raise ValueError(f"binary frame header length {size} does not fit the frame")
    header = json.loads(frame[_HEADER.size:_HEADER.size + size])
    return header, frame[_HEADER.size + size:]


def part_event(record: PartRecord, layout: tuple[int, int] | None = None) -> dict[str, Any]:
    """A recorded part as the stream and ``parts`` give it: the record, and what an overlay draws for it."""
    part = asdict(record)
    part.pop("truth", None)  # the simulator's ground truth is for tests and reports, not for screens
    part["overlay"] = {"points": record.points, "defect_box": record.defect_box, "layout": layout,
                       "count": record.count, "expected": record.expected, "label": record.label,
                       "p_defect": record.p_defect}
    part["image"] = bool(record.image_path)
    return part


def _default(value: Any) -> Any:
    if hasattr(value, "value"):  # enums
        return value.value
    if hasattr(value, "tolist"):  # numpy
        return value.tolist()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)
