"""The manifest of a model package: what the graph expects, what it returns, how it was built and checked.

A package is a folder holding ``model.onnx``, ``manifest.json`` and ``golden/``. The manifest carries the full
preprocessing (applied by the station, or documented where the graph does it itself), the post-processing parameters
for the task, default thresholds, metrics, lineage and the golden cases checked at every load. Any fault is a
:class:`PackageError` naming the folder.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model.onnx"
SIGNATURE_FILE = "manifest.sig"
FORMAT_VERSION = 1
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class PackageError(RuntimeError):
    """A model package cannot be used; the message names the package folder and the cause."""

    def __init__(self, package: str | Path, cause: str):
        self.package = str(package)
        self.cause = cause
        super().__init__(f"model package {self.package}: {cause}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Positive = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]


class InputSpec(_Strict):
    """The graph's one image input, and how a camera frame (BGR uint8, H x W x 3) becomes it.

    ``preprocessing = "station"``: the station resizes the frame to the tensor's size (``resize``), reorders its colours
    to ``color_order``, computes ``(x * scale - mean) / std`` and lays it out as ``layout``.

    ``preprocessing = "in_graph"``: the tensor *is* the frame, ``uint8`` NHWC BGR at the size the package expects; the
    station only adds the batch axis (no copy for a contiguous frame). The graph itself reorders to ``color_order``,
    resizes to ``resize_to`` with ``resize`` and normalises — those fields then document what the graph does, and the
    checked graph is the only place the preprocessing lives. A frame of another size is first resized by the station
    (OpenCV, ``resize`` interpolation) to the expected size.
    """

    name: str
    shape: tuple[Literal[1], Positive, Positive, Positive]  # [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC)
    layout: Literal["NCHW", "NHWC"] = "NCHW"
    preprocessing: Literal["station", "in_graph"] = "station"
    color_order: Literal["RGB", "BGR"]  # the order the model's filters see
    resize: Literal["area", "linear"]
    resize_to: tuple[Positive, Positive] | None = None  # in_graph only: height, width the graph resizes to
    scale: float = 1.0 / 255.0
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (1.0, 1.0, 1.0)
    dtype: Literal["float32", "uint8"] = "float32"

    @property
    def height(self) -> int:
        return self.shape[2] if self.layout == "NCHW" else self.shape[1]

    @property
    def width(self) -> int:
        return self.shape[3] if self.layout == "NCHW" else self.shape[2]

    @property
    def in_graph(self) -> bool:
        return self.preprocessing == "in_graph"

    @model_validator(mode="after")
    def _consistent(self) -> InputSpec:
        channels = self.shape[1] if self.layout == "NCHW" else self.shape[3]
        if channels != 3:
            want = "[1, 3, H, W]" if self.layout == "NCHW" else "[1, H, W, 3]"
            raise ValueError(f"layout {self.layout} needs shape {want} (3 colour channels), got {list(self.shape)}")
        if self.in_graph:
            if self.dtype != "uint8" or self.layout != "NHWC":
                raise ValueError(
                    "preprocessing 'in_graph' takes the camera frame as it comes: dtype must be 'uint8' and layout "
                    f"'NHWC' (shape [1, H, W, 3]), got dtype {self.dtype!r} and layout {self.layout!r}"
                )
            return self
        if self.resize_to is not None:
            raise ValueError("resize_to documents a resize inside the graph: only with preprocessing 'in_graph' "
                             "(the station resizes to the tensor's own size)")
        if self.dtype == "uint8" and (self.scale != 1.0 or any(self.mean) or any(s != 1.0 for s in self.std)):
            raise ValueError("dtype uint8 feeds raw pixels: scale must be 1, mean 0 and std 1 "
                             "(or let the graph normalise: preprocessing 'in_graph')")
        return self


class OutputSpec(_Strict):
    name: str
    shape: list[int | str] | None = None  # str marks a dimension the graph leaves symbolic
    meaning: str = ""


class Tolerance(_Strict):
    value: Annotated[float, Field(ge=0)] = 1e-4  # absolute, on probabilities, fractions and raw tensors
    pixels: Annotated[float, Field(ge=0)] = 1.0  # on point and box coordinates, frame pixels


class SessionHints(_Strict):
    """How ONNX Runtime should run this graph. ``all`` adds layout rewrites (NCHWc) that help wide CNNs and slow down
    thin single-channel filter graphs; a package says which suits it."""

    graph_optimization: Literal["basic", "extended", "all"] = "all"


class GoldenCase(_Strict):
    """An input image and what the package must return for it: result fields and/or raw outputs (npz)."""

    input: str
    expected: dict[str, Any] = {}
    raw: str | None = None  # .npz of raw output tensors, keyed by output name
    tolerance: Tolerance = Tolerance()


class ManifestBase(_Strict):
    """What every task's manifest holds; a task's own manifest type adds ``task`` and ``postprocess``.

    ``sha256`` is the model's; ``files`` maps every other file the package uses (golden inputs and raw outputs) to its
    sha256, so with the manifest signed nothing in the folder can be swapped.
    """

    format_version: Literal[1] = FORMAT_VERSION
    name: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1)]
    kind: str = "trained"
    description: str = ""
    sha256: Sha256
    created: str
    input: InputSpec
    outputs: list[OutputSpec]
    labels: list[str]
    thresholds: dict[str, float] = {}
    metrics: dict[str, Any] = {}
    lineage: dict[str, Any] = {}
    session: SessionHints = SessionHints()
    golden: list[GoldenCase] = []
    files: dict[str, Sha256] = {}

    @field_validator("outputs")
    @classmethod
    def _unique_outputs(cls, outputs: list[OutputSpec]) -> list[OutputSpec]:
        names = [o.name for o in outputs]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"output names must be present and unique, got {names}")
        return outputs

    def output_names(self) -> list[str]:
        return [o.name for o in self.outputs]

    def _check_refs(self, refs: dict[str, str], fields: set[str]) -> None:
        names = self.output_names()
        for key, ref in refs.items():
            if ref not in names:
                raise ValueError(f"postprocess.{key} = {ref!r} is not among outputs {names}")
        for i, case in enumerate(self.golden):
            unknown = set(case.expected) - fields - set(names)
            if unknown:
                raise ValueError(
                    f"golden[{i}].expected has unknown keys {sorted(unknown)}; allowed: {sorted(fields)} or output names"
                )


def describe_validation_error(err: ValidationError) -> str:
    """One line per fault: the key path, the value found, and what is allowed."""
    lines = []
    for e in err.errors(include_url=False):
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        value = e.get("input")
        shown = "missing" if e["type"] == "missing" else f"= {value!r}"[:120]
        lines.append(f"{loc} {shown}: {e['msg']}")
    return "; ".join(lines)


def parse_manifest(data: Any, package: str | Path) -> ManifestBase:
    """Validate manifest data against the schema of the task it names (see :mod:`inspector.tasks`)."""
    from inspector import tasks

    if not isinstance(data, dict):
        raise PackageError(package, f"{MANIFEST_FILE}: (top level) = {type(data).__name__}: must be a JSON object")
    if "task" not in data:
        raise PackageError(package, f"{MANIFEST_FILE}: task missing: one of {', '.join(map(repr, tasks.names()))}")
    try:
        schema = tasks.get(data["task"]).manifest_type
    except (tasks.UnknownTask, TypeError) as err:
        raise PackageError(package, f"{MANIFEST_FILE}: {err}") from None
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        raise PackageError(package, f"{MANIFEST_FILE}: {describe_validation_error(err)}") from None


def read_manifest(folder: str | Path) -> ManifestBase:
    """Read and validate ``manifest.json`` of a package folder (its signature is checked by the loader)."""
    folder = Path(folder)
    return parse_manifest_bytes(read_manifest_bytes(folder), folder)


def read_manifest_bytes(folder: Path) -> bytes:
    path = folder / MANIFEST_FILE
    if not folder.is_dir():
        raise PackageError(folder, "not a folder")
    if not path.is_file():
        raise PackageError(folder, f"missing file {MANIFEST_FILE}")
    return path.read_bytes()


def parse_manifest_bytes(data: bytes, folder: Path) -> ManifestBase:
    try:
        return parse_manifest(json.loads(data.decode("utf-8")), folder)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PackageError(folder, f"{MANIFEST_FILE} is not valid JSON: {err}") from None


def manifest_to_json(manifest: ManifestBase) -> str:
    return json.dumps(manifest.model_dump(mode="json"), indent=2) + "\n"


def golden_files(manifest: ManifestBase) -> list[str]:
    """Every file the golden cases name, relative to the package folder, in order, once each."""
    return list(dict.fromkeys(rel for case in manifest.golden for rel in (case.input, case.raw) if rel))


def hash_files(folder: Path, names: list[str]) -> dict[str, str]:
    """sha256 of those of ``names`` that exist under ``folder``."""
    return {rel: hashlib.sha256((folder / rel).read_bytes()).hexdigest() for rel in names if (folder / rel).is_file()}


def write_package(folder: str | Path, model_bytes: bytes, manifest: dict[str, Any]) -> ManifestBase:
    """Write ``model.onnx`` and ``manifest.json`` (its ``sha256`` filled in from the bytes, ``files`` from the golden
    files already in the folder), validated first. The package is unsigned until :func:`inspector.models.sign_package`
    signs it: an old signature is removed, since it cannot match the new manifest."""
    folder = Path(folder)
    parsed = parse_manifest({**manifest, "sha256": hashlib.sha256(model_bytes).hexdigest()}, folder)
    parsed = parsed.model_copy(update={"files": hash_files(folder, golden_files(parsed))})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SIGNATURE_FILE).unlink(missing_ok=True)
    (folder / MODEL_FILE).write_bytes(model_bytes)
    (folder / MANIFEST_FILE).write_text(manifest_to_json(parsed), encoding="utf-8")
    return parsed


_ManifestBase = ManifestBase
_MOVED = {"CountManifest": "count", "CountPostprocess": "count", "ClassifyManifest": "classify",
          "ClassifyPostprocess": "classify"}


def __getattr__(name: str) -> Any:
    """The task-specific schemas live with their task (:mod:`inspector.tasks`); old imports still find them."""
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f"inspector.tasks.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
