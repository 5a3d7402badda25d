"""The line screen's operations over the API (a real server, real sockets, real stations): what runs, the recipe
switch (audited, a new run, events resume; a refused recipe falls back with an alarm), the lot, health, and each
part's picture in the event stream."""
from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector import audit
from inspector.api import API_VERSION
from inspector.api.client import Client
from inspector.api.host import StationHost
from inspector.api.protocol import ApiError
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import SHIPPED_RECIPES, load_recipe
from tests.api.conftest import PINS, add_users, station_config

BROKEN = "broken-box"


def recipes_with_a_broken_one(folder: Path) -> Path:
    """The shipped recipes, and one whose model package does not exist (the station refuses it)."""
    folder.mkdir()
    for path in Path(SHIPPED_RECIPES).glob("*.toml"):
        shutil.copy(path, folder / path.name)
    text = (folder / "cartridge-box.toml").read_text()
    text = text.replace('name = "cartridge-box"', f'name = "{BROKEN}"')
    text = text.replace('models = ["cartridge_counter"]', 'models = ["no_such_model"]')
    (folder / f"{BROKEN}.toml").write_text(text)
    return folder


def serve(tmp_path: Path, socket_dir: Path, *, users: bool, lots_required: bool = False):
    config = station_config(tmp_path / "data", socket_dir)
    config = config.model_copy(update={"recipes_dir": recipes_with_a_broken_one(tmp_path / "recipes"),
                                       "lots": config.lots.model_copy(update={"required": lots_required})})

    def build(name: str, lot: str | None = None):
        return build_station(config, recipe=load_recipe(name, config.recipes_dir), simulate=True, rate_hz=20.0,
                             seed=3, lot=lot)

    station = build("cartridge-box", lot="L-100")
    if users:
        add_users(station.store)
    host = StationHost(station, build)
    server = ApiServer(host).start()
    return host, server


@pytest.fixture
def switchable(tmp_path, socket_dir):
    """A simulated station with users, served through a StationHost that can switch recipes."""
    host, server = serve(tmp_path, socket_dir, users=True)
    yield host, server
    server.stop()
    host.close()


@pytest.fixture
def no_users(tmp_path, socket_dir):
    host, server = serve(tmp_path, socket_dir, users=False)
    yield host, server
    server.stop()
    host.close()


def local(server) -> Client:
    return Client.local(str(server.socket_path), timeout=30)


def tls(server) -> Client:
    return Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint, timeout=30)


def next_of(client: Client, kind: str, timeout: float = 20.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        event = client.next_event(timeout=max(0.05, end - time.monotonic()))
        if event is not None and event.get("event") == kind:
            return event
    raise AssertionError(f"no {kind} event within {timeout} s")


def test_station_info_tells_the_screen_what_runs(switchable):
    host, server = switchable
    with local(server) as screen:
        info = screen.station()
    station = host.station
    assert info["api"] == API_VERSION and info["station_id"] == station.config.station_id
    assert info["recipe"] == "cartridge-box" and info["product"] == station.recipe.product
    assert info["expected"] == station.recipe.expected_count and info["layout"] == list(station.recipe.layout)
    assert info["run_id"] == station.line.run_id and info["lot"] == "L-100" and info["lots_required"] is False
    assert info["models"] == dict(station.line.models.versions) and info["models"]
    assert info["deadline_ms"] == station.config.timing.travel_s * 1000
    assert info["running"] is False and info["busy"] == "" and info["switching"] is False
    assert info["recipes"] == sorted(["cartridge-box", "surface-part", BROKEN])
    assert info["users_configured"] == 3 and info["roi"] is None


def test_switching_recipe_over_the_api_is_audited_and_starts_a_new_run_whose_events_reach_the_screen(switchable):
    host, server = switchable
    old_run = host.station.line.run_id
    with local(server) as screen, tls(server) as operator:
        screen.subscribe()
        operator.login("otto", PINS["otto"])
        operator.start(reason="before the switch")
        info = operator.switch_recipe("surface-part", reason="product change")
        assert info["switched"] is True and info["recipe"] == "surface-part"
        assert info["run_id"] != old_run and info["lot"] == "L-100"  # the lot stays: a product change in a lot
        assert info["running"] is True  # it was running: the new station runs
        seen = [next_of(screen, "station")]  # started; "switching to …"; the new station (stopped, then running)
        while seen[-1]["run_id"] != info["run_id"]:
            seen.append(next_of(screen, "station"))
        assert any(s["busy"] == "switching to surface-part…" and s["switching"] for s in seen)
        assert seen[-1]["recipe"] == "surface-part" and seen[-1]["busy"] == ""
        part = next_of(screen, "part")["part"]
        assert part["recipe"] == "surface-part" and part["run_id"] == info["run_id"]
        assert screen.counters()["recipe"] == "surface-part"
        operator.stop()
    entry = next(e for e in audit.entries(host.station.store, newest_first=True) if e.action == "recipe.switch")
    assert (entry.user, json.loads(entry.before), json.loads(entry.after)) == (
        "otto", {"recipe": "cartridge-box"}, {"recipe": "surface-part"})
    assert entry.reason == "product change"


def test_a_refused_recipe_falls_back_to_the_old_one_and_raises_the_alarm(switchable):
    host, server = switchable
    with tls(server) as operator, local(server) as screen:
        screen.subscribe()
        operator.login("otto", PINS["otto"])
        with pytest.raises(ApiError) as refused:
            operator.switch_recipe(BROKEN)
        alarm_kinds = [a["kind"] for a in next_of(screen, "alarms")["active"]]
        assert "model_refused" in alarm_kinds  # the screen hears of it (listeners moved before it was raised)
        assert refused.value.code == "refused" and f"recipe {BROKEN} refused" in refused.value.message
        info = operator.station()
        assert info["recipe"] == "cartridge-box" and info["busy"] == "" and info["lot"] == "L-100"
        alarms = {a["kind"]: a for a in operator.alarms()}
        assert "no_such_model" in alarms["model_refused"]["message"]


def test_a_switch_needs_a_role_that_may_switch_and_an_existing_recipe(switchable):
    host, server = switchable
    with tls(server) as qa, local(server) as screen:
        qa.login("ana", PINS["ana"])
        with pytest.raises(ApiError) as refused:
            qa.switch_recipe("surface-part")
        assert refused.value.code == "forbidden"
        with pytest.raises(ApiError) as refused:
            screen.switch_recipe("surface-part")  # the local screen views without a login, acts with one
        assert refused.value.code == "unauthorized"
        screen.login("otto", PINS["otto"])
        with pytest.raises(ApiError) as refused:
            screen.switch_recipe("no-such-recipe")
        assert refused.value.code == "not_found"
    assert host.station.recipe.name == "cartridge-box" and host.switches == 0


def test_on_a_station_without_users_the_local_screen_may_switch(no_users):
    host, server = no_users
    with local(server) as screen:
        assert screen.switch_recipe("surface-part")["recipe"] == "surface-part"
    assert host.station.recipe.name == "surface-part"


def test_a_lot_change_is_audited_and_stamped_on_the_next_parts(switchable):
    host, server = switchable
    with tls(server) as operator:
        with pytest.raises(ApiError) as refused:
            operator.set_lot("L-200")
        assert refused.value.code == "unauthorized"
        operator.login("otto", PINS["otto"])
        operator.subscribe()
        assert operator.set_lot("L-200", reason="new order") == {"lot": "L-200", "changed": True}
        assert next_of(operator, "station")["lot"] == "L-200"  # the screens hear of it
        assert operator.set_lot("L-200") == {"lot": "L-200", "changed": False}
        with pytest.raises(ApiError) as refused:
            operator.set_lot("bad\x07lot")
        assert refused.value.code == "bad_request" and "non-printable" in refused.value.message
        operator.start(parts=2)
        assert host.station.line.wait_recorded(2, timeout=30)
        operator.stop()
        parts = operator.parts_since(0)
    assert parts and {p["lot"] for p in parts} == {"L-200"}
    entry = next(e for e in audit.entries(host.station.store, newest_first=True) if e.action == "lot.change")
    assert (entry.user, json.loads(entry.before)["lot"], json.loads(entry.after), entry.reason) == (
        "otto", "L-100", {"lot": "L-200"}, "new order")


def test_each_part_event_is_followed_by_its_picture_when_asked(switchable):
    host, server = switchable
    with local(server) as screen, local(server) as plain:
        assert screen.subscribe(part_images=True)["part_images"] is True
        plain.subscribe()
        screen.login("otto", PINS["otto"])
        screen.start(parts=4)
        assert host.station.line.wait_recorded(4, timeout=30)
        seen: list[tuple[str, int]] = []
        pictures = {}
        end = time.monotonic() + 20
        while len(pictures) < 4 and time.monotonic() < end:
            event = screen.next_event(timeout=1)
            if event is None or event["event"] not in ("part", "part_image"):
                continue
            part_id = event["part"]["part_id"] if event["event"] == "part" else event["part_id"]
            seen.append((event["event"], part_id))
            if event["event"] == "part_image":
                pictures[part_id] = event
        screen.stop()
        plain_kinds = set()
        while (event := plain.next_event(timeout=0.5)) is not None:
            plain_kinds.add(event["event"])
    assert len(pictures) == 4
    for part_id, picture in pictures.items():
        assert seen.index(("part", part_id)) < seen.index(("part_image", part_id))  # the event first
        image = cv2.imdecode(np.frombuffer(picture["data"], np.uint8), cv2.IMREAD_COLOR)
        assert picture["type"] == "image/jpeg" and image is not None
        assert (image.shape[1], image.shape[0]) == (picture["width"], picture["height"])
        width = host.station.config.camera.width
        assert picture["width"] == min(width, server.settings.frame_width)
    assert "part_image" not in plain_kinds and "part" in plain_kinds  # only for clients that asked
    assert server.pictures.stats()["encoded"] >= 4


def test_health_gives_what_the_status_line_shows(switchable):
    host, server = switchable
    with local(server) as screen:
        screen.login("otto", PINS["otto"])
        screen.start(parts=3)
        assert host.station.line.wait_recorded(3, timeout=30)
        screen.stop()
        deadline = time.monotonic() + 10
        health = screen.health()
        while health["saved"] < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
            health = screen.health()
    assert health["saved"] >= 3 and health["camera_dropped"] == host.station.line.frames.dropped_frames
    assert health["recent_ms"]["n"] == 3 and health["recent_ms"]["trigger_to_decision"]["p99"] > 0
    assert health["latency_ms"]["trigger_to_decision"]["n"] == 3
    assert health["writer"]["alive"] is True and health["in_transit"] == 0


def test_inspector_serve_switches_recipe_for_its_screen_and_stops_cleanly(tmp_path, socket_dir):
    import json as _json
    import os
    import signal
    import subprocess
    import sys

    config = tmp_path / "station.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n\n[api]\nsocket_path = "{socket_dir / "api.sock"}"\n')
    process = subprocess.Popen([sys.executable, "-m", "inspector", "serve", "--config", str(config), "--simulate",
                                "--rate", "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=os.getcwd())
    try:
        started = _json.loads(process.stdout.readline())
        with Client.local(started["socket"], timeout=30) as screen:
            screen.subscribe()
            info = screen.switch_recipe("surface-part")  # no users: the line's own screen may
            assert info["recipe"] == "surface-part" and info["run_id"] != started["run_id"]
            assert info["running"] is True
            part = next_of(screen, "part")["part"]
            while part["run_id"] != info["run_id"]:  # parts of the old run recorded at its close come first
                part = next_of(screen, "part")["part"]
            assert part["recipe"] == "surface-part"
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0
        summary = _json.loads(process.stderr.read().strip().splitlines()[-1])
        assert summary["clean_shutdown"] and summary["parts"] == summary["recorded"] >= 1
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def test_a_local_screen_may_take_live_frames_raw_through_shared_memory(switchable):
    import os
    import stat

    from inspector.api.shared_frames import SharedFrameReader

    host, server = switchable
    reader = SharedFrameReader()
    with local(server) as screen, tls(server) as desk:
        desk.login("ana", PINS["ana"])
        with pytest.raises(ApiError) as refused:
            desk.subscribe(frames_fps=5, frames_shm=True)
        assert refused.value.code == "bad_request"  # the network gets JPEG only
        assert screen.subscribe(events=False, frames_fps=20, frames_shm=True)["frames_shm"] is True
        matched = 0
        end = time.monotonic() + 20
        while matched < 3 and time.monotonic() < end:
            event = screen.next_event(timeout=1)
            if event is None or event["event"] != "frame_shm":
                continue
            image = reader.read(event)
            latest = host.station.line.frames.latest()
            if image is None or latest is None or latest.seq != event["frame_seq"]:
                continue  # rewritten meanwhile (skipped, never torn) or the camera moved on: try the next
            assert image.shape == latest.image.shape == (event["height"], event["width"], 3)
            assert np.array_equal(image, latest.image)  # the camera's pixels, untouched
            matched += 1
        mode = stat.S_IMODE(os.stat(f"/dev/shm/{event['name']}").st_mode)
    reader.close()
    assert matched == 3 and mode == 0o660
    server.stop()
    assert not os.path.exists(f"/dev/shm/{event['name']}")  # the runtime removes its segment


def test_where_lots_are_required_start_is_refused_until_a_lot_is_set(tmp_path, socket_dir):
    host, server = serve(tmp_path, socket_dir, users=True, lots_required=True)
    try:
        host.station.line.lot = None  # as a station started without --lot
        with tls(server) as operator:
            operator.login("otto", PINS["otto"])
            with pytest.raises(ApiError) as refused:
                operator.start()
            assert refused.value.code == "refused" and "lots.required" in refused.value.message
            assert operator.station()["lots_required"] is True
            with pytest.raises(ApiError):
                operator.set_lot("")  # cannot be cleared either
            operator.set_lot("L-7")
            assert operator.start()["running"] is True
            operator.stop()
        starts = [e for e in audit.entries(host.station.store) if e.action == "line.start"]
        assert len(starts) == 1  # the refused start left no entry
    finally:
        server.stop()
        host.close()


def test_the_local_screen_sees_when_the_line_is_deciding_and_the_network_does_not(switchable):
    import os
    import stat

    from inspector.api.deciding_flag import DecidingView

    host, server = switchable
    with local(server) as screen, tls(server) as desk:
        desk.login("ana", PINS["ana"])
        assert desk.subscribe(events=True)["deciding_shm"] is None  # a desk PC shares no cores with the line
        name = screen.subscribe(events=True)["deciding_shm"]
        view = DecidingView(name)
        mode = stat.S_IMODE(os.stat(f"/dev/shm/{name}").st_mode)
        deciding = host.station.line.deciding
        deciding.begin(10**9)  # as the trigger thread marks a part
        assert view.busy
        deciding.end(10**9)
        assert view.wait_idle(1.0) and not view.busy
        view.close()
    assert mode == 0o660
    server.stop()
    assert not os.path.exists(f"/dev/shm/{name}")  # the runtime removes its segment
    assert deciding.mirror is None


def test_the_screens_health_poll_is_answered_right_after_the_decision_under_way(switchable):
    host, server = switchable
    deciding = host.station.line.deciding
    with local(server) as screen:
        screen.call("health")  # connected and warm
        deciding.begin(10**9)  # a part is being decided
        threading.Timer(0.1, deciding.end, args=(10**9,)).start()
        t = time.monotonic()
        health = screen.call("health")
        waited = time.monotonic() - t
    assert "recent_ms" in health
    assert 0.09 <= waited < 1.0  # not during the decision, and not long after it
