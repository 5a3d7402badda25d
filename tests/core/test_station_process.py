"""What the composition root sets up for the station's process: short GIL slices, inspectors sized to the cores."""
import sys
import threading

import pytest

from inspector.assemble import GIL_SLICE_S, build_station, inspection_workers
from inspector.config import StationConfig
from inspector.runtime import default_threads


@pytest.fixture
def default_slice():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    sys.setswitchinterval(before)


def test_a_station_shortens_the_gil_slice_and_starts_one_inspector_per_share_of_the_cores(tmp_path, default_slice):
    config = StationConfig(data_dir=tmp_path)
    station = build_station(config, simulate=True)
    try:
        assert sys.getswitchinterval() <= GIL_SLICE_S
        workers = inspection_workers(config)
        assert workers == (2 if default_threads() >= 2 else 1)
        names = {t.name for t in threading.enumerate()}
        assert ("inspect-2" in names) == (workers == 2) and "inspect" in names
        model = station.line.models.models[0]
        assert model.session.get_session_options().intra_op_num_threads == max(1, default_threads() // workers)
    finally:
        station.close(timeout=2)


def test_set_inspectors_and_threads_are_taken_as_given(tmp_path, default_slice):
    config = StationConfig(data_dir=tmp_path, inspection_workers=1, inference_threads=1)
    station = build_station(config, simulate=True)
    try:
        assert "inspect-2" not in {t.name for t in threading.enumerate()}
        assert station.line.models.models[0].session.get_session_options().intra_op_num_threads == 1
    finally:
        station.close(timeout=2)
