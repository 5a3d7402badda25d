"""Golden cases: a package's own inputs and expected outputs, re-run at every load on this machine's runtime."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from inspector.manifest import GoldenCase, Tolerance
from inspector.types import ClassifyResult, CountResult

ModelResult = CountResult | ClassifyResult


class GoldenMismatch(ValueError):
    """One golden case gave outputs outside its tolerance; the message says which, by how much."""


def read_golden_image(folder: Path, case: GoldenCase, data: bytes | None = None) -> np.ndarray:
    """The case's input image; from ``data`` (the bytes whose sha256 was checked) when given."""
    if data is None:
        path = folder / case.input
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    else:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"golden input {case.input} is missing or not an image")
    return image


def read_golden_raw(folder: Path, case: GoldenCase, data: bytes | None = None) -> dict[str, np.ndarray]:
    if case.raw is None:
        return {}
    source = folder / case.raw if data is None else io.BytesIO(data)
    try:
        with np.load(source, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as err:
        raise FileNotFoundError(f"golden raw outputs {case.raw} are missing or unreadable: {err}") from None


def compare(case: GoldenCase, result: ModelResult, raw: dict[str, np.ndarray],
            expected_raw: dict[str, np.ndarray]) -> None:
    """Raise :class:`GoldenMismatch` at the first output outside tolerance."""
    from inspector import tasks

    tol, checks = case.tolerance, tasks.for_result(result).golden_fields
    for key, want in case.expected.items():
        got = raw[key] if key in raw else getattr(result, key)
        checks.get(key, check_tensor)(key, want, got, tol)
    for key, want in expected_raw.items():
        if key not in raw:
            raise GoldenMismatch(f"{case.raw} holds {key!r}, which the graph does not output")
        check_tensor(key, want, raw[key], tol)


def check_tensor(key: str, want: Any, got: Any, tol: Tolerance) -> None:
    want_a, got_a = np.asarray(want, np.float64), np.asarray(got, np.float64)
    if want_a.size != got_a.size:
        raise GoldenMismatch(f"{key} has shape {got_a.shape}, expected {want_a.shape}")
    diff = float(np.max(np.abs(want_a.reshape(-1) - got_a.reshape(-1)), initial=0.0))
    if not diff <= tol.value:  # NaN fails too
        raise GoldenMismatch(f"{key} differs by {diff:.3g} > tolerance {tol.value:g}")


def check_exact(key: str, want: Any, got: Any, tol: Tolerance) -> None:
    if want != got:
        raise GoldenMismatch(f"{key} is {got!r}, expected {want!r}")


def check_points(key: str, want: Any, got: Any, tol: Tolerance) -> None:
    want_xy = np.asarray(want, np.float64).reshape(len(want), -1)[:, :2] if len(want) else np.zeros((0, 2))
    got_xy = np.asarray(got, np.float64).reshape(-1, 3)[:, :2]
    if len(want_xy) != len(got_xy):
        raise GoldenMismatch(f"points: {len(got_xy)} found, expected {len(want_xy)}")
    worst, free = 0.0, list(range(len(got_xy)))
    for p in want_xy:  # nearest unused match; golden points are far apart compared with the tolerance
        d = np.hypot(*(got_xy[free] - p).T)
        k = int(np.argmin(d))
        worst = max(worst, float(d[k]))
        free.pop(k)
    if worst > tol.pixels:
        raise GoldenMismatch(f"points differ by {worst:.3g} px > tolerance {tol.pixels:g} px")


def check_box(key: str, want: Any, got: Any, tol: Tolerance) -> None:
    if want is None or got is None:
        check_exact(key, None if want is None else tuple(want), got, tol)
        return
    diff = float(np.max(np.abs(np.subtract(want, got))))
    if diff > tol.pixels:
        raise GoldenMismatch(f"defect_box {tuple(got)} differs from {tuple(want)} by {diff:g} px > {tol.pixels:g} px")


def expected_from(result: ModelResult, keys: tuple[str, ...]) -> dict[str, Any]:
    """The ``expected`` block a builder writes for a result (points rounded to 0.01 px)."""
    out: dict[str, Any] = {}
    for key in keys:
        value = getattr(result, key)
        if key == "points":
            value = [[round(x, 2), round(y, 2), round(s, 4)] for x, y, s in value]
        elif key == "defect_box":
            value = list(value) if value is not None else None
        elif isinstance(value, float):
            value = round(value, 6)
        out[key] = value
    return out
