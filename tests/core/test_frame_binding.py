"""A part is decided on its own frame, however long it waited: never on a frame that shows another part."""
import numpy as np

from inspector.capture import FrameBuffer
from inspector.clock import ManualClock
from inspector.types import Frame
from tests.core.conftest import BAD, GOOD, Rig


def test_parts_queued_longer_than_the_buffer_keeps_frames_are_decided_on_their_own_frame(tiny_classifier):
    rig = Rig(ManualClock(100.0), tiny_classifier, queue_size=64, travel_s=5.0)
    try:
        rig.model.gate.clear()  # inference held while 3x the buffer's frames go by
        items = [BAD if k % 3 == 0 else GOOD for k in range(48)]
        ids = [rig.part(what, at=100.0 + 0.01 * k) for k, what in enumerate(items)]
        rig.model.gate.set()
        rig.run_until_idle(timeout=20)
        outcomes = [rig.sink.by_id(i).outcome for i in ids]
        assert outcomes == ["reject" if what is BAD else "pass" for what in items]
    finally:
        assert rig.close()


def frame(t, seq):
    return Frame(np.zeros((4, 4, 3), np.uint8), t=t, seq=seq)


class NoCamera:
    def close(self):
        pass


def test_a_frame_exposed_long_after_the_trigger_is_not_taken_for_the_part():
    buffer = FrameBuffer(NoCamera(), clock=ManualClock(0.0), max_age_s=0.1, keep=4)
    for seq, t in enumerate((1.00, 1.05, 1.50)):
        buffer.push(frame(t, seq))
    assert buffer.frame_for(1.06, timeout=1.0).t == 1.05  # the newest at or before the trigger
    assert buffer.frame_for(0.98, timeout=1.0).t == 1.00  # just after the trigger: still the part
    assert buffer.frame_for(0.50, timeout=1.0) is None  # 1 s after it: another part, so no frame at once
    assert buffer.frame_at(1.30) is None  # 0.25 s old at the trigger: too old
