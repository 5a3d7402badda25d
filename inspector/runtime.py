"""Model packages on ONNX Runtime: load, verify, warm up, check golden cases, infer; and the slot holding the active one.

``load_package`` refuses (``PackageError``) anything it cannot vouch for: a manifest not signed by a key of the trust
store (missing, unknown or bad signature), missing files, bad JSON or values, a model or golden file whose sha256
differs from the manifest, golden cases that do not cover every outcome of the task, a graph whose inputs/outputs
differ from the manifest, a graph ONNX Runtime refuses, and golden outputs outside tolerance. ``ModelSlot.swap`` only
replaces the active model with one that loaded cleanly. What differs between tasks is asked of :mod:`inspector.tasks`.
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import onnxruntime as ort

from inspector import golden, tasks
from inspector.manifest import MODEL_FILE, ManifestBase, PackageError, golden_files, parse_manifest_bytes, \
    read_manifest_bytes
from inspector.models.signing import Signer, package_id, verify_manifest
from inspector.models.trust import TrustStore
from inspector.preprocess import Preprocessor
from inspector.types import ClassifyResult, CountResult

__all__ = [
    "PackageError", "LoadedModel", "ModelSlot", "ModelOutputError", "NoActiveModel", "load_package",
    "default_providers", "default_threads",
]

log = logging.getLogger(__name__)

PREFERRED_PROVIDERS = ("TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider")
_ORT_TYPES = {"float32": "tensor(float)", "uint8": "tensor(uint8)"}
_OPTIMIZATION = {
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}

ModelResult = CountResult | ClassifyResult
Manifest = ManifestBase


def default_providers() -> list[str]:
    """TensorRT, then CUDA, then CPU — those this onnxruntime build offers, in that order."""
    available = ort.get_available_providers()
    return [p for p in PREFERRED_PROVIDERS if p in available] or list(available)


def default_threads() -> int:
    """Cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class LoadedModel:
    """A verified package with its session: ``infer`` a BGR frame to a result in that frame's pixels."""

    def __init__(self, folder: Path, manifest: Manifest, session: ort.InferenceSession, *, package_id: str = "",
                 signer: Signer | None = None):
        self.folder = folder
        self.package_id = package_id  # sha256 of the signed manifest.json: what audit entries name
        self.signer = signer  # None only for a build's unsigned check
        self.manifest = manifest
        self.name, self.version, self.task, self.sha256 = manifest.name, manifest.version, manifest.task, manifest.sha256
        self.session = session
        self.providers: list[str] = session.get_providers()
        self.input_name = manifest.input.name
        self.output_names = manifest.output_names()
        self.input_hw = self._input_hw = (manifest.input.height, manifest.input.width)
        self._preprocess = Preprocessor(manifest.input)
        # classify: the p_defect from which a result carries its defect outline. The package's pass_below by default;
        # the recipe that runs the package sets its own, so a part it passes shows none and one it sends to QA shows where
        self.outline_from: float = manifest.thresholds.get("pass_below", manifest.thresholds.get("defect", 0.5))
        self.task_type = tasks.get(self.task)
        self._postprocess: Callable[[dict[str, np.ndarray], tuple[int, int]], ModelResult] = \
            self.task_type.postprocessor(self)

    def __repr__(self) -> str:
        return f"<LoadedModel {self.name} {self.version} {self.task} {self.sha256[:12]} on {self.providers[0]}>"

    @property
    def tag(self) -> str:
        """``version sha256[:12]``, as part records name the model that decided."""
        return f"{self.version} {self.sha256[:12]}"

    def preprocess(self, image_bgr: np.ndarray) -> np.ndarray:
        """The input tensor for a BGR uint8 frame, as the manifest prescribes (for ``in_graph`` packages: the frame
        itself with a batch axis, resized first only if it is not the size the package expects)."""
        return self._preprocess(image_bgr)

    def run_raw(self, tensor: np.ndarray) -> list[np.ndarray]:
        """Bare ``session.run`` on an already-preprocessed tensor; outputs in manifest order."""
        return self.session.run(self.output_names, {self.input_name: tensor})

    def postprocess(self, outputs: Sequence[np.ndarray], frame_hw: tuple[int, int]) -> ModelResult:
        """``run_raw`` outputs to a result in the pixels of a frame of size ``frame_hw``."""
        return self._postprocess(dict(zip(self.output_names, outputs)), frame_hw)

    def infer(self, image_bgr: np.ndarray) -> ModelResult:
        """Preprocess, run, post-process; coordinates are pixels of ``image_bgr``."""
        return self.infer_with_raw(image_bgr)[0]

    def infer_with_raw(self, image_bgr: np.ndarray) -> tuple[ModelResult, dict[str, np.ndarray]]:
        raw = dict(zip(self.output_names, self.run_raw(self._preprocess(image_bgr))))
        return self._postprocess(raw, image_bgr.shape[:2]), raw


class ModelOutputError(ValueError):
    """The graph returned something no decision may rest on (NaN, infinity): the line treats it as a model error."""


def finite_scalar(raw: dict[str, np.ndarray], output: str) -> float:
    """One output's single value as a float; :class:`ModelOutputError` when it is NaN or infinite."""
    value = float(np.asarray(raw[output]).item(0))  # item + math: far fewer code paths than numpy scalars
    if not math.isfinite(value):
        raise ModelOutputError(f"output {output!r} is {value}")
    return value


_scalar = finite_scalar


def load_package(
    path: str | Path, *, threads: int | None = None, providers: Sequence[str] | None = None, warmup_runs: int = 2,
    spin: bool = False, trust: TrustStore | None = None, unsigned_build_check: bool = False,
) -> LoadedModel:
    """Load and verify a model package folder; raise :class:`PackageError` naming the folder and the cause.

    ``trust``: the keys a signature must come from (default: :meth:`TrustStore.default`, no data dir; a station
    passes its own, :meth:`TrustStore.for_station`).
    ``spin`` lets ONNX Runtime's worker threads busy-wait for the next run: a little lower latency on an idle machine,
    but on 2–4 cores it takes the CPU the line's own threads and the window need, so the station leaves it off.
    ``unsigned_build_check`` is for a build script checking its own package before it is signed and its golden set is
    complete: it skips the signature and the golden coverage (every other check is made). Never on a station.
    """
    folder = Path(path)
    manifest_bytes = read_manifest_bytes(folder)
    signer = None
    if not unsigned_build_check:
        signer = verify_manifest(folder, manifest_bytes, trust if trust is not None else TrustStore.default())
    manifest = parse_manifest_bytes(manifest_bytes, folder)
    model_bytes = _read_verified_model(folder, manifest)
    golden_bytes = _read_verified_golden(folder, manifest, every_file_hashed=not unsigned_build_check)
    session = _create_session(folder, model_bytes, threads, providers, manifest.session.graph_optimization, spin)
    _check_io(folder, manifest, session)
    model = LoadedModel(folder, manifest, session, package_id=package_id(manifest_bytes), signer=signer)
    try:
        zeros = np.zeros(manifest.input.shape, np.dtype(manifest.input.dtype))
        for _ in range(warmup_runs):
            model.run_raw(zeros)
    except Exception as err:  # ORT raises its own exception types per failure
        raise PackageError(folder, f"warm-up run failed: {err}") from None
    if not unsigned_build_check:
        _check_golden_coverage(folder, manifest)
    _check_golden(folder, model, golden_bytes)
    log.info("loaded %r signed by %s (threads=%s)", model, signer.name if signer else "nobody (build check)",
             threads or default_threads())
    return model


def _read_verified_golden(folder: Path, manifest: Manifest, *, every_file_hashed: bool) -> dict[str, bytes]:
    """The bytes of every golden file, each checked against ``manifest.files`` (read once: no swap after the check)."""
    out = {}
    for rel in golden_files(manifest):
        path = folder / rel
        if not path.is_file():
            raise PackageError(folder, f"missing file {rel} (golden)")
        data = path.read_bytes()
        want = manifest.files.get(rel)
        if want is None:
            if every_file_hashed:
                raise PackageError(folder, f"files.{rel} missing: the manifest must hold the sha256 of every golden file")
        else:
            digest = hashlib.sha256(data).hexdigest()
            if digest != want:
                raise PackageError(folder, f"bad sha256 of {rel}: file has {digest}, manifest says {want}")
        out[rel] = data
    return out


def _check_golden_coverage(folder: Path, manifest: Manifest) -> None:
    task = tasks.get(manifest.task)
    gap = task.missing_golden(manifest)
    if not manifest.golden:
        raise PackageError(folder, f"golden = []: golden cases are required, at least {gap or 'one'}")
    if gap:
        raise PackageError(folder, f"golden cases of a {task.name} package must cover {gap}")


def _read_verified_model(folder: Path, manifest: Manifest) -> bytes:
    path = folder / MODEL_FILE
    if not path.is_file():
        raise PackageError(folder, f"missing file {MODEL_FILE}")
    data = path.read_bytes()  # hashed and loaded from the same bytes: no swap between check and use
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest.sha256:
        raise PackageError(folder, f"bad sha256 of {MODEL_FILE}: file has {digest}, manifest says {manifest.sha256}")
    return data


def _create_session(folder: Path, model_bytes: bytes, threads: int | None, providers: Sequence[str] | None,
                    optimization: str = "all", spin: bool = False) -> ort.InferenceSession:
    available = ort.get_available_providers()
    chosen = list(providers) if providers is not None else default_providers()
    missing = [p for p in chosen if p not in available]
    if missing or not chosen:
        raise PackageError(folder, f"providers {missing or chosen} not available here; available: {available}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = _OPTIMIZATION[optimization]
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    try:
        return ort.InferenceSession(model_bytes, sess_options=options, providers=chosen)
    except Exception as err:  # InvalidProtobuf, InvalidGraph, Fail, NotImplemented, ...
        raise PackageError(folder, f"ONNX Runtime refused the graph: {err}") from None


def _dims_match(graph_shape: Sequence[int | str | None], wanted: Sequence[int | str]) -> bool:
    if len(graph_shape) != len(wanted):
        return False
    return all(not isinstance(g, int) or not isinstance(w, int) or g == w for g, w in zip(graph_shape, wanted))


def _check_io(folder: Path, manifest: Manifest, session: ort.InferenceSession) -> None:
    inputs = session.get_inputs()
    spec = manifest.input
    if len(inputs) != 1 or inputs[0].name != spec.name:
        raise PackageError(folder, f"graph inputs are {[i.name for i in inputs]}, manifest says one input {spec.name!r}")
    graph_in = inputs[0]
    if not _dims_match(graph_in.shape, spec.shape):
        raise PackageError(folder, f"wrong input shape: graph {spec.name!r} has {graph_in.shape}, manifest says {list(spec.shape)}")
    if graph_in.type != _ORT_TYPES[spec.dtype]:
        raise PackageError(folder, f"input {spec.name!r} of the graph is {graph_in.type}, manifest says {spec.dtype}")
    graph_out = {o.name: o for o in session.get_outputs()}
    for out in manifest.outputs:
        if out.name not in graph_out:
            raise PackageError(folder, f"output {out.name!r} of the manifest is not in the graph (outputs: {list(graph_out)})")
        if out.shape is not None and not _dims_match(graph_out[out.name].shape, out.shape):
            raise PackageError(
                folder, f"wrong output shape: graph {out.name!r} has {graph_out[out.name].shape}, manifest says {out.shape}"
            )


def _check_golden(folder: Path, model: LoadedModel, data: dict[str, bytes]) -> None:
    for i, case in enumerate(model.manifest.golden):
        where = f"golden[{i}] ({case.input})"
        try:
            image = golden.read_golden_image(folder, case, data.get(case.input))
            expected_raw = golden.read_golden_raw(folder, case, data.get(case.raw) if case.raw else None)
            result, raw = model.infer_with_raw(image)
            golden.compare(case, result, raw, expected_raw)
        except (FileNotFoundError, golden.GoldenMismatch) as err:
            raise PackageError(folder, f"{where}: {err}") from None
        except Exception as err:
            raise PackageError(folder, f"{where}: inference failed: {err}") from None


class NoActiveModel(RuntimeError):
    """The slot has never had a package load cleanly."""


class ModelSlot:
    """The active model for one task; ``swap`` replaces it only with a package that loaded cleanly.

    Readers take ``active`` (one attribute read, atomic) and keep using that model for the whole part, so a swap
    mid-inference never mixes two models in one result. With ``audit_db`` (the station's store or database), every
    load, replacement and refusal is appended to the audit trail with the package id.
    """

    def __init__(self, task: str | None = None, *, loader: Callable[..., LoadedModel] = load_package,
                 audit_db=None, **load_options):
        self.task = task
        self._loader = loader
        self._load_options = load_options
        self._audit_db = audit_db
        self._active: LoadedModel | None = None
        self._lock = threading.Lock()  # one swap at a time
        self.last_error: PackageError | None = None

    @property
    def active(self) -> LoadedModel | None:
        return self._active

    def swap(self, path: str | Path, *, actor=None, reason: str | None = None) -> LoadedModel:
        """Load ``path``; on success make it active and return it; on failure raise and keep the previous one."""
        from inspector.models import audit_trail

        with self._lock:
            try:
                model = self._loader(path, **self._load_options)
                if self.task is not None and model.task != self.task:
                    raise PackageError(path, f"task is {model.task!r}, this slot holds {self.task!r} models")
            except PackageError as err:
                self.last_error = err
                log.warning("model swap refused, keeping %r: %s", self._active, err)
                if self._audit_db is not None:
                    audit_trail.try_record(audit_trail.record_refusal, self._audit_db, path, err, kept=self._active,
                                           actor=actor, reason=reason or "package refused by its checks")
                raise
            previous, self._active, self.last_error = self._active, model, None
            log.info("model swap: %r -> %r", previous, model)
            if self._audit_db is not None:
                audit_trail.try_record(audit_trail.record_load, self._audit_db, model, previous=previous, actor=actor,
                                       reason=reason or ("model replaced" if previous else "model loaded"))
            return model

    def infer(self, image_bgr: np.ndarray) -> ModelResult:
        model = self._active
        if model is None:
            raise NoActiveModel(f"no {self.task} model loaded" if self.task else "no model loaded")
        return model.infer(image_bgr)
