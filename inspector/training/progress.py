"""A progress bar with an ETA on stderr for a job that runs to a time budget (``inspector train``)."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class TrainProgress:
    """``train [########..........]  40%  ETA 3:12  step 812 loss 0.412``, redrawn at most every ``interval_s``.

    Called as ``progress(fraction, note)``; the ETA is from the elapsed time and the fraction done."""

    def __init__(self, label: str = "train", *, stream: TextIO | None = None, width: int = 24,
                 interval_s: float = 0.5) -> None:
        self.label, self.width, self.interval_s = label, width, interval_s
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self._last = -1e9
        self.fraction = 0.0

    def __call__(self, fraction: float, note: str = "") -> None:
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        if now - self._last >= self.interval_s or self.fraction >= 1.0:
            self._last = now
            self.stream.write("\r" + self.line(note))
            self.stream.flush()

    def line(self, note: str = "") -> str:
        elapsed = time.monotonic() - self.started
        filled = int(round(self.fraction * self.width))
        eta = elapsed * (1 - self.fraction) / self.fraction if self.fraction > 0.001 else None
        eta_text = f"ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None else "ETA --:--"
        return (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {self.fraction * 100:3.0f}%  {eta_text}  "
                f"{note}")[:110].ljust(110)

    def finish(self, note: str = "") -> None:
        self(1.0, note)
        self.stream.write("\n")
        self.stream.flush()
