"""Part pictures never queue without bound: the line's listener keeps a few frame references, the encoder drops the
oldest when behind, a client that reads nothing loses pictures (counted), never part events."""
from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import numpy as np

from inspector.api.encoding import Encoder
from inspector.api.events import IMAGES_HELD, Subscriber
from inspector.api.pictures import PENDING, PartPictures
from inspector.config import ApiSettings


class Hub:
    """What PartPictures asks of the event hub: whether anyone wants pictures, and where they go."""

    def __init__(self) -> None:
        self.image_subscribers, self.images_dropped, self.pictures = 1, 0, []
        self.done = threading.Event()

    def on_image(self, header, payload) -> None:
        self.pictures.append((header, payload))
        if len(self.pictures) == PENDING:
            self.done.set()


def test_a_busy_encoder_keeps_only_the_newest_frames_and_counts_the_rest():
    encoder = Encoder(lambda: None, ApiSettings(frame_width=320))
    hub = Hub()
    pictures = PartPictures(SimpleNamespace(encoder=encoder), hub)
    busy = threading.Event()
    encoder.submit(busy.wait, 10)  # the encoder thread is occupied
    frame = SimpleNamespace(image=np.full((240, 640, 3), 90, np.uint8))
    try:
        for part_id in range(1, 11):
            pictures.offer(SimpleNamespace(part_id=part_id), frame)
        assert pictures.dropped == 10 - PENDING
        busy.set()
        assert hub.done.wait(10)
    finally:
        encoder.close()
    assert [h["part_id"] for h, _ in hub.pictures] == list(range(11 - PENDING, 11))  # the newest
    assert {(h["width"], h["height"]) for h, _ in hub.pictures} == {(320, 120)}  # scaled to frame_width
    assert pictures.stats() == {"encoded": PENDING, "dropped": 10 - PENDING, "failed": 0}


def test_a_part_without_a_frame_or_without_a_subscriber_costs_nothing():
    hub = Hub()
    pictures = PartPictures(SimpleNamespace(encoder=None), hub)  # never reached
    pictures.offer(SimpleNamespace(part_id=1), None)
    hub.image_subscribers = 0
    pictures.offer(SimpleNamespace(part_id=2), SimpleNamespace(image=np.zeros((4, 4, 3), np.uint8)))
    assert pictures.stats() == {"encoded": 0, "dropped": 0, "failed": 0}


def test_a_client_that_reads_nothing_loses_pictures_not_parts():
    async def scenario():
        subscriber = Subscriber(size=64, part_images=True)
        taken = []
        for n in range(1, 21):
            subscriber.offer(f"part {n}", n)
            taken.append(subscriber.offer_image(b"jpeg"))
        held = [await subscriber.next() for _ in range(subscriber.held())]
        return subscriber, taken, held

    subscriber, taken, held = asyncio.run(scenario())
    assert taken.count(True) == IMAGES_HELD and subscriber.images_dropped == 20 - IMAGES_HELD
    assert [m for m, _ in held if isinstance(m, str)] == [f"part {n}" for n in range(1, 21)]  # every part
    assert subscriber.resyncs == 0 and subscriber.images_held == 0
