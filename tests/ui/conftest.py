"""Qt tests of the operator screen: offscreen, with parts inspected by the shipped models or a simulated station."""
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import itertools  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hardware.synthetic import render_box, render_part  # noqa: E402
from inspector.assemble import build_station, load_recipe_models  # noqa: E402
from inspector.config import ApiSettings, StationConfig, load_recipe  # noqa: E402
from inspector.decide import decide, fail_safe  # noqa: E402
from inspector.record import PartRecord  # noqa: E402
from inspector.types import ClassifyResult, CountResult, FailSafeCause, Frame  # noqa: E402

_ids = itertools.count(1)


class Inspector:
    """Turns a rendered item into what the line hands its listeners: (record, frame, results)."""

    def __init__(self, recipe_name: str):
        self.recipe = load_recipe(recipe_name)
        self.models = load_recipe_models(StationConfig(), self.recipe)

    def __call__(self, item, *, outcome: str | None = None):
        frame = Frame(item.image, t=0.0, seq=next(_ids), truth=item.truth)
        results = self.models.run(item.image)
        decision = decide(results, self.recipe)
        record = PartRecord(part_id=frame.seq, run_id="test", recipe=self.recipe.name, recipe_hash="0" * 64,
                            t_trigger=0.0, wall_time="2026-01-01T08:00:00.000+00:00",
                            outcome=outcome or decision.outcome.value, reason=decision.reason,
                            confidence=round(decision.confidence, 4), actuated=decision.outcome.diverts,
                            models=self.models.versions, expected=self.recipe.expected_count,
                            timings_ms={"trigger_to_decision": 12.5}, truth=item.truth)
        for r in results:
            if isinstance(r, CountResult):
                record.count, record.points = r.count, [[x, y, s] for x, y, s in r.points]
                record.occlusion = r.occlusion
            elif isinstance(r, ClassifyResult):
                record.label, record.p_defect = r.label, r.p_defect
                record.defect_box = list(r.defect_box) if r.defect_box else None
        return record, frame, results


@pytest.fixture(scope="session")
def boxes():
    return Inspector("cartridge-box")


@pytest.fixture(scope="session")
def parts():
    return Inspector("surface-part")


def box(empty=(), seed=4, occluder=None):
    return render_box(np.random.default_rng(seed), layout=(4, 6), empty=list(empty), occluder=occluder)


def part(defect=None, seed=4):
    return render_part(np.random.default_rng(seed), defect=defect)


def no_frame_record(part_id=999):
    decision = fail_safe(FailSafeCause.NO_FRAME, "no frame within 0.15s")
    return PartRecord(part_id=part_id, run_id="test", recipe="cartridge-box", recipe_hash="0" * 64, t_trigger=0.0,
                      wall_time="2026-01-01T08:00:00.000+00:00", outcome=decision.outcome.value,
                      reason=decision.reason, confidence=1.0, actuated=True, fail_safe_cause="no_frame", expected=24)


@pytest.fixture
def station_factory(tmp_path):
    """Builds real stations on the simulated line (closed at the end of the test)."""
    built = []

    def make(recipe="cartridge-box", rate_hz=20.0, **kw):
        config = StationConfig(recipe=recipe, data_dir=tmp_path / "data", timing={"travel_s": 0.3})
        station = build_station(config, simulate=True, rate_hz=rate_hz, seed=3, **kw)
        built.append(station)
        return station

    make.built = built
    yield make
    for station in built:
        station.close()


@pytest.fixture
def socket_dir():
    folder = Path(tempfile.mkdtemp(prefix="win", dir="/tmp"))  # unix socket paths are limited to 107 bytes
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


class Served:
    """A real station on the simulated line with its API server (``inspector serve`` in this process), switchable
    between recipes (``StationHost``): the window under test only talks to it over the unix socket."""

    def __init__(self, tmp_path: Path, socket_dir: Path):
        self.tmp_path, self.socket_dir = tmp_path, socket_dir
        self.host = self.server = None

    def serve(self, recipe: str = "cartridge-box", rate_hz: float = 20.0, users=None, recipes_dir=None, lot=None,
              tls: bool = False):
        from inspector.api.host import StationHost
        from inspector.api.server import ApiServer

        config = StationConfig(recipe=recipe, data_dir=self.tmp_path / "data", timing={"travel_s": 0.3},
                               api=ApiSettings(socket_path=self.socket_dir / "api.sock", tls=tls, host="127.0.0.1",
                                               port=0))
        if recipes_dir is not None:
            config = config.model_copy(update={"recipes_dir": recipes_dir})

        def build(name: str, lot: str | None = None):
            return build_station(config, recipe=load_recipe(name, config.recipes_dir), simulate=True,
                                 rate_hz=rate_hz, seed=3, lot=lot)

        station = build(recipe, lot=lot)
        if users is not None:
            users(station.store)
        self.host = StationHost(station, build)
        self.server = ApiServer(self.host).start()
        return station

    @property
    def station(self):
        """The current station (a recipe switch replaces it)."""
        return self.host.station

    @property
    def socket(self) -> Path:
        return self.server.socket_path

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.host is not None:
            self.host.close()
        self.server = self.host = None


@pytest.fixture
def served(tmp_path, socket_dir):
    runtime = Served(tmp_path, socket_dir)
    yield runtime
    runtime.close()


def connect_window(qtbot, socket, *, size=(1280, 800), recipes=None, users=None, link=None):
    """A station window connected to the runtime at ``socket`` (or over ``link``), shown and connected."""
    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.link import StationLink
    from ui.model import StationModel

    link = link or StationLink.local(StationModel(), socket)
    model = link.model
    link.start()
    assert link.wait_connected(10), link.why_not_connected
    qtbot.waitUntil(lambda: model.busy != "NOT CONNECTED", timeout=5000)  # the first delivery arrived
    win = StationWindow(model, StationController(model, link), recipes=recipes, users=users)
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def language():
    """The language test_fit's window is made in (a test parametrizes it); None leaves the one chosen before."""
    return None


@pytest.fixture
def model(qtbot):
    from ui.model import StationModel

    model = StationModel()
    model.set_running(True)
    return model


@pytest.fixture(autouse=True)
def gui_thread_collector(qapp):
    """As in the application: Python's cyclic collector runs on the GUI thread only (ui/gui_gc.py), again after a test
    whose event loop ended."""
    from ui.gui_gc import collect_on_gui_thread

    return collect_on_gui_thread(qapp)
