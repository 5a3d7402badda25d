"""The API's picture making, on one thread the kernel runs only on otherwise idle cores: live frames (JPEG, or raw
into shared memory for the local screen) and part pictures, each scaled to ``api.frame_width`` at most and made right
after a decision so that no inference shares its core's caches with an encoding.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

import cv2

from inspector.api.shared_frames import SharedFrameWriter
from inspector.deciding import JUST_DECIDED_S, LINE_QUIET_S
from inspector.workers import idle_priority

FRAME_QUALITY = 75


class Encoder:
    """``station``: a callable giving the current station (None while there is none); ``settings``: ``[api]``."""

    def __init__(self, station: Callable[[], Any], settings: Any) -> None:
        self.station, self.settings = station, settings
        self.shared_frames = SharedFrameWriter()  # raw live frames for local screens that ask (frames_shm)
        self._frame_cache: tuple[float, bytes] | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="api-frames", initializer=idle_priority)

    def submit(self, job: Callable[..., Any], *args: Any) -> Future:
        """Run ``job`` on the encoder thread; RuntimeError once closed."""
        return self._executor.submit(job, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.shared_frames.close()

    def _just_decided(self, max_wait_s: float) -> None:
        """Wait (at most ``max_wait_s``) for the moment right after a decision: at a steady rate the next part is
        then furthest away, so the encoding (a few ms on another core, sharing its caches) slows no inference. On a
        quiet line (no decision for ``LINE_QUIET_S``) there is no better moment: at once."""
        station = self.station()
        if station is not None:
            station.line.deciding.wait_after_decision(max_wait_s, within_s=JUST_DECIDED_S, quiet_s=LINE_QUIET_S)

    def scaled_size(self, image: Any) -> tuple[int, int]:
        height, width = image.shape[:2]
        if width > self.settings.frame_width:
            scale = self.settings.frame_width / width
            width, height = self.settings.frame_width, max(1, round(height * scale))
        return width, height

    def encode(self, image: Any, max_wait_s: float | None = None) -> tuple[bytes, int, int]:
        """``image`` (BGR) scaled to ``api.frame_width`` at most, as JPEG, right after a decision; on the encoder
        thread only."""
        width, height = self.scaled_size(image)
        self._just_decided(1.0 / max(self.settings.frames_fps, 1.0) if max_wait_s is None else max_wait_s)
        if image.shape[1] != width:
            image = self._scaled(image, width, height)
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, FRAME_QUALITY])
        return (data.tobytes() if ok else b""), width, height

    def shared(self, frame: Any, max_wait_s: float) -> dict[str, Any]:
        """``frame`` into the shared-memory segment (scaled to ``api.frame_width`` at most); its ``frame_shm`` event."""
        image = frame.image
        width, height = self.scaled_size(image)
        if image.shape[1] != width:
            self._just_decided(max_wait_s)
            image = self._scaled(image, width, height)
        return self.shared_frames.write(image, t=frame.t, frame_seq=frame.seq)

    @staticmethod
    def _scaled(image: Any, width: int, height: int) -> Any:
        # area averaging only for large reductions: at 1280 -> 960 it cost 14.7 ms a frame, bilinear 1.5 ms
        # (benchmarks/bench_live_frames.py); a screen shows no difference at less than 2:1
        area = image.shape[1] >= 2 * width
        return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA if area else cv2.INTER_LINEAR)

    def jpeg(self, frame: Any, max_wait_s: float | None = None) -> tuple[bytes, int, int]:
        cached = self._frame_cache
        if cached is not None and cached[0] == frame.t:
            width, height = self.scaled_size(frame.image)
            return cached[1], width, height
        jpeg, width, height = self.encode(frame.image, max_wait_s)
        self._frame_cache = (frame.t, jpeg)
        return jpeg, width, height
