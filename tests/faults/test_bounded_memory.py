"""Memory stays flat over a long run: every per-part statistic is a rolling window or a fixed-size sample."""
from __future__ import annotations

import numpy as np

import inspector.line.journal as journal_module
from hardware.gpio import MOCK_PIN_HISTORY, make_pin_factory
from inspector.line.journal import TriggerJournal
from inspector.report import Reservoir, RunStats, percentiles
from tests.core.conftest import BAD, GOOD


def test_a_long_run_leaves_no_per_part_state_growing(manual_rig, tmp_path):
    rig = manual_rig
    rig.line.transit.timeline.history = 64
    stats = RunStats(sample_size=128)
    rig.line.listeners.append(stats)
    journal = TriggerJournal.open(tmp_path, run_id="long", first_id=1, segment_parts=100)
    rig.line.journal = journal
    rig.sink.submit = lambda record, image: journal.recorded([record.part_id]) or True  # the writer's commit
    for batch in range(120):  # 600 parts, 240 of them pushed
        for k in range(5):
            rig.part(BAD if k % 2 else GOOD, at=rig.clock.now() + 0.11)
        rig.run_until_idle()

    assert rig.line.triggered == rig.line.recorded == stats.recorded == 600
    assert len(rig.line.transit.timeline.edges) <= 64
    assert all(len(sample) == 128 and sample.n == 600 for sample in stats.latency.values())
    assert not rig.line._parts and rig.line.in_transit() == 0 and not rig.line.deciding.busy
    assert journal.outstanding == 0 and len(list(tmp_path.glob("*.log"))) == 1  # recorded segments are gone
    assert len(journal.stats.sync_ms) <= journal_module.SYNC_SAMPLES
    journal.close()


def test_a_reservoir_keeps_a_fixed_uniform_sample_with_the_exact_count_and_maximum():
    values = np.random.default_rng(3).exponential(10.0, 50_000)
    sample = Reservoir(2000)
    for v in values:
        sample.append(float(v))
    assert len(sample) == 2000 and sample.n == 50_000 and sample.max == values.max()
    summary = percentiles(sample)
    assert summary["n"] == 50_000 and summary["max"] == round(float(values.max()), 3)
    assert abs(summary["p50"] - np.percentile(values, 50)) < 0.08 * np.percentile(values, 50)
    assert abs(summary["p99"] - np.percentile(values, 99)) < 0.15 * np.percentile(values, 99)


def test_the_simulated_lines_mock_pins_keep_only_their_newest_changes():
    factory = make_pin_factory("mock")
    pin = factory.pin(17)
    pin.function = "input"
    for _ in range(3 * MOCK_PIN_HISTORY):
        pin.drive_low()
        pin.drive_high()
    assert MOCK_PIN_HISTORY // 2 <= len(pin.states) <= MOCK_PIN_HISTORY
    assert [s.state for s in pin.states[-2:]] == [False, True]
    factory.close()
