"""The small protocols the core asks of the physical world; ``hardware/`` implements them."""
from __future__ import annotations

from typing import Callable, Protocol

import numpy as np

from inspector.record import PartRecord
from inspector.types import Frame


class CameraError(RuntimeError):
    """The camera cannot deliver frames (unplugged, refused, end of a replay)."""


class Camera(Protocol):
    def open(self) -> None:
        """Start delivering frames; raises CameraError naming the device and the cause."""

    def read(self, timeout: float) -> Frame | None:
        """The next frame, stamped on the station clock; None on timeout; CameraError when lost."""

    def close(self) -> None:
        """Release the device; safe to call twice."""


class Trigger(Protocol):
    """The break-beam sensor: calls ``when_broken`` (on a foreign thread) at each arriving part."""

    when_broken: Callable[[], None] | None

    def close(self) -> None: ...


class Actuator(Protocol):
    """A digital output such as the pusher: on/off, the line decides when."""

    def on(self) -> None: ...

    def off(self) -> None: ...

    def close(self) -> None: ...


class StackLight(Protocol):
    def show(self, state: str) -> None:
        """'green' running and healthy, 'amber' attention (alarm), 'red' stopped or fail-safe."""

    def close(self) -> None: ...


class RecordSink(Protocol):
    """Where finished parts go (the store's writer thread). Never blocks; False when the record could not be queued."""

    def submit(self, record: PartRecord, image: np.ndarray | None) -> bool: ...
