"""Write a trained model package, whole or not at all, for any task.

``DIR/`` gets ``model.onnx``, ``manifest.json`` (the existing schema, with lineage), ``golden/`` cases (their
expected outputs computed by the station's own runtime on this machine, then checked again at every load) and
``recipe.toml`` naming the package, so ``inspector predict IMAGES --recipe DIR/recipe.toml`` and ``inspector run
--recipe DIR/recipe.toml`` work at once. Everything is built in a hidden sibling folder, loaded with
``inspector.runtime.load_package`` there, and only then renamed to ``DIR``; any failure leaves nothing behind.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from inspector.export.atomic import describe
from inspector.files import file_on_the_way, sync_folder
from inspector.manifest import write_package

GOLDEN_DIR = "golden"
RECIPE_FILE = "recipe.toml"


class PackageWriteError(RuntimeError):
    """The package could not be written; nothing was left at its destination."""


@dataclass(frozen=True)
class GoldenInput:
    name: str  # file stem under golden/
    image_bgr: np.ndarray  # at the package's input size
    outcome: str  # what it shows ("good", "defect", or a count): at least one per outcome the task can give


def check_destination(out: Path) -> Path:
    """``out`` as an absolute path, refused if it exists and is not an empty folder (before any training)."""
    out = Path(out).expanduser().absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PackageWriteError(f"{out}: exists and is not an empty folder (a package never mixes with other files)")
    blocking = file_on_the_way(out.parent)
    if blocking is not None:
        raise PackageWriteError(f"{out}: {blocking} is a file, not a folder")
    return out


def finish_package(folder: Path, sign_key: Path | None = None) -> None:
    """The last step before a package is loaded and moved into place. Signing (the trust store's ed25519 key)
    hooks in here: ``inspector.models.signing.sign_package(folder, sign_key)`` where that module is installed."""
    if sign_key is None:
        return
    try:
        from inspector.models.signing import sign_package
    except ImportError:
        raise PackageWriteError(f"--sign-key {sign_key}: package signing is not installed in this build") from None
    sign_package(folder, Path(sign_key))


def write_trained_package(out: Path, model_bytes: bytes, manifest: dict[str, Any], golden: list[GoldenInput],
                          recipe: dict[str, Any], *, sign_key: Path | None = None, tolerance: float = 0.01):
    """Build the package for ``out`` (see the module doc); returns the loaded, verified model. ``recipe`` holds
    the recipe's fields other than ``models`` (which names ``out``)."""
    from inspector.runtime import load_package

    out = check_destination(out)
    outcomes = {g.outcome for g in golden}
    if len(outcomes) < 2 and manifest.get("task") == "classify":
        raise PackageWriteError(f"{out}: golden cases need a good and a defect image from the test split, "
                                f"got {sorted(outcomes)}")
    tmp = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        write_package(tmp, model_bytes, {**manifest, "golden": []})
        (tmp / GOLDEN_DIR).mkdir()
        for case in golden:
            if not cv2.imwrite(str(tmp / GOLDEN_DIR / f"{case.name}.png"), case.image_bgr):
                raise PackageWriteError(f"{tmp / GOLDEN_DIR / case.name}.png: could not be written")
        model = load_package(tmp, threads=2, warmup_runs=1, unsigned_build_check=True)  # not signed yet
        cases = [{"input": f"{GOLDEN_DIR}/{case.name}.png", "expected": _expected(model.infer(case.image_bgr)),
                  "tolerance": {"value": tolerance, "pixels": 8.0}} for case in golden]
        given = {case["expected"].get("label") for case in cases}
        if manifest.get("task") == "classify" and not {"good", "defect"} <= given:
            raise PackageWriteError(f"{out}: the trained model labels its clearest good and clearest defect test "
                                    f"images {sorted(map(str, given))}: it cannot tell them apart yet (more time "
                                    "or more images); no package was written")
        write_package(tmp, model_bytes, {**manifest, "golden": cases})
        (tmp / RECIPE_FILE).write_text(recipe_toml({**recipe, "models": [str(out)]}), encoding="utf-8")
        finish_package(tmp, sign_key)
        # every check a station makes, once signed (unsigned: every check but the signature's)
        model = load_package(tmp, threads=2, warmup_runs=1, unsigned_build_check=sign_key is None)
        if out.is_dir():
            out.rmdir()
        os.rename(tmp, out)
        sync_folder(out.parent)
        model.folder = out
        return model
    except OSError as e:
        raise PackageWriteError(f"{out}: {describe(e)} while writing the package; nothing was left there") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _expected(result) -> dict[str, Any]:
    from inspector.types import ClassifyResult

    if isinstance(result, ClassifyResult):
        box = [int(v) for v in result.defect_box] if result.defect_box is not None else None
        return {"p_defect": round(float(result.p_defect), 6), "label": result.label, "defect_box": box}
    return {"count": int(result.count), "points": [[round(float(p[0]), 2), round(float(p[1]), 2)]
                                                   for p in result.points]}


def recipe_toml(fields: dict[str, Any]) -> str:
    """A flat recipe as TOML (strings, numbers, booleans, lists of those)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, str):
            return json.dumps(v)
        return repr(v)

    lines = ["# written by inspector train: the package in this folder, with thresholds chosen on its validation split"]
    lines += [f"{k} = {value(v)}" for k, v in fields.items() if v is not None]
    return "\n".join(lines) + "\n"
