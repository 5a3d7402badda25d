"""The task registry: one object per model task, looked up by the ``task`` name a package's manifest gives.

A task owns everything that differs between kinds of model (Frigate's detector registry is the pattern): the manifest
schema of its post-processing, turning raw outputs into a result, which golden fields are checked how and which golden
outcomes a package must cover, the decision rule, the fields a part record gets, the JSON ``inspector predict`` prints
and what an overlay draws. The rest of the station asks the registry (:func:`get`, :func:`for_result`) instead of
branching on the task's name, so a new task is one new module that calls :func:`register`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, ClassVar

import numpy as np

if TYPE_CHECKING:
    from inspector.config import Recipe
    from inspector.manifest import ManifestBase
    from inspector.runtime import LoadedModel
    from inspector.types import Decision

RawOutputs = dict[str, np.ndarray]
PostProcessor = Callable[[RawOutputs, tuple[int, int]], Any]
FieldCheck = Callable[[str, Any, Any, Any], None]  # key, expected, got, Tolerance; raises GoldenMismatch


class UnknownTask(KeyError):
    """No task of that name is registered; the message lists those that are."""

    def __str__(self) -> str:
        return str(self.args[0])


class Task:
    """What one model task is. Subclass it, fill in the class attributes and methods, and :func:`register` it."""

    name: ClassVar[str]
    manifest_type: ClassVar[type]  # a ManifestBase subclass whose ``task`` field is ``Literal[name]``
    result_type: ClassVar[type]  # the frozen dataclass ``postprocessor`` returns
    golden_fields: ClassVar[dict[str, FieldCheck]] = {}  # result field -> how golden compares it (others: as tensors)
    overlay: ClassVar[str] = ""  # what a frontend draws for a result of this task

    def postprocessor(self, model: LoadedModel) -> PostProcessor:
        """A function from raw outputs (by output name) and the frame's (h, w) to a result in that frame's pixels."""
        raise NotImplementedError

    def decide(self, result: Any, recipe: Recipe) -> Decision:
        """The recipe's rule for one result of this task."""
        raise NotImplementedError

    def missing_golden(self, manifest: ManifestBase) -> str | None:
        """What the golden cases fail to cover of the outcomes this task can give (None: all covered). A graph that
        always answers the same must fail at least one case."""
        raise NotImplementedError

    def record_fields(self, result: Any) -> dict[str, Any]:
        """The part record's fields this result fills (names of :class:`inspector.record.PartRecord`)."""
        return {}

    def summary(self, result: Any) -> dict[str, Any]:
        """The fields ``inspector predict --json`` prints for this result."""
        return self.record_fields(result)

    def shift(self, result: Any, dx: int, dy: int) -> Any:
        """The result moved by (dx, dy) frame pixels (from a region of interest back to the whole frame)."""
        return result


_REGISTRY: dict[str, Task] = {}
_BY_RESULT: dict[type, Task] = {}


def register(task: Task | type[Task]) -> Task:
    """Add a task (an instance or a class, instantiated here); a second task of the same name replaces the first."""
    task = task() if isinstance(task, type) else task
    old = _REGISTRY.get(task.name)
    if old is not None:
        _BY_RESULT.pop(old.result_type, None)
    _REGISTRY[task.name] = task
    _BY_RESULT[task.result_type] = task
    return task


def unregister(name: str) -> None:
    task = _REGISTRY.pop(name, None)
    if task is not None:
        _BY_RESULT.pop(task.result_type, None)


def get(name: str) -> Task:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownTask(f"task = {name!r}: unknown task; registered: {', '.join(map(repr, _REGISTRY))}") from None


def names() -> list[str]:
    return list(_REGISTRY)


def for_result(result: Any) -> Task:
    """The task that produced ``result`` (by its type)."""
    try:
        return _BY_RESULT[type(result)]
    except KeyError:
        raise TypeError(f"no task produces results of type {type(result).__name__}") from None


def shifted_points(points: list[tuple[float, ...]], dx: int, dy: int) -> list[tuple[float, ...]]:
    return [(p[0] + dx, p[1] + dy, *p[2:]) for p in points]


__all__ = ["Task", "UnknownTask", "register", "unregister", "get", "names", "for_result", "shifted_points"]

from inspector.tasks import classify as _classify, count as _count  # noqa: E402  the built-in tasks register themselves

register(_count.CountTask)
register(_classify.ClassifyTask)
