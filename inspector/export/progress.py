"""A plain text progress bar on stderr, updated by count (no dependency, readable in a log too)."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class TextProgress:
    """``label [#########...........]  4,200/10,000  42%``, redrawn in place at most every ``interval_s``."""

    def __init__(self, label: str = "export", *, stream: TextIO | None = None, width: int = 30,
                 interval_s: float = 0.1) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.interval_s = interval_s
        self.total = 0
        self.done = 0
        self._last = 0.0
        self._shown = ""

    def start(self, total: int) -> None:
        self.total = max(0, int(total))
        self.done = 0
        self._draw()

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self._last >= self.interval_s or done >= self.total:
            self._draw()

    def finish(self, note: str = "") -> None:
        self.done = max(self.done, self.total)
        if self.line() != self._shown:
            self._draw()
        self.stream.write(f"  {note}\n" if note else "\n")
        self.stream.flush()

    def line(self) -> str:
        fraction = self.done / self.total if self.total else 1.0
        filled = int(round(fraction * self.width))
        return (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done:,}/{self.total:,} {fraction * 100:3.0f}%")

    def _draw(self) -> None:
        self._last = time.monotonic()
        self._shown = self.line()
        self.stream.write("\r" + self._shown)
        self.stream.flush()


class NoProgress(TextProgress):
    """Counts without drawing (library callers that show progress their own way)."""

    def _draw(self) -> None:
        self._last = time.monotonic()

    def finish(self, note: str = "") -> None:
        self.done = max(self.done, self.total)
