"""Calibration over the API on a real simulated station: trial settings never reach the running line's camera, an
apply is refused while the line runs unless confirmed, a stopped line's camera shows the trial and gets the applied
values back, and a focus far from the reference warns before it is saved."""
import json
import time

import pytest

from inspector import audit
from inspector.api.client import Client
from inspector.api.protocol import ApiError
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.calibration_trial import CameraTrial, actual_controls
from inspector.config import load_station
from inspector.users import UserDirectory
from tests.api.conftest import PINS, add_users, station_config

TESS = "6043"  # technician


@pytest.fixture
def line(tmp_path, socket_dir):
    """A simulated station, stopped, with users (a technician among them), its API on the local socket."""
    station = build_station(station_config(tmp_path / "data", socket_dir), simulate=True, rate_hz=20.0, seed=3)
    add_users(station.store)
    users = UserDirectory(station.store)
    users.add(users.login("root", PINS["root"]), "tess", "technician", TESS, reason="line technician")
    server = ApiServer(station).start()
    try:
        yield station, server
    finally:
        server.stop()
        station.close()


def technician(server) -> Client:
    client = Client.local(str(server.socket_path))
    client.login("tess", TESS)
    return client


def station_file(station):
    return station.data_dir / "station.toml"


def test_a_calibration_change_does_not_reach_the_running_line_camera_until_applied(line):
    station, server = line
    camera = station.line.frames.camera
    station.line.start()
    with technician(server) as client:
        opened = client.call("calibration")
        assert opened["running"] and opened["controls"]["exposure"] == camera.controls.exposure == 10.0
        live, _ = client.call("calibration_preview", controls={})
        trial, jpeg = client.call("calibration_preview", controls={"exposure": 16, "focus": 60})
        assert jpeg[:2] == b"\xff\xd8" and trial["mode"] == "emulated" and trial["not_previewed"] == ["focus"]
        assert trial["exposure"]["mean"] > live["exposure"]["mean"] + 15  # the preview is brighter ...
        assert (camera.controls.exposure, camera.controls.focus) == (10.0, 128.0)  # ... the line's camera is not

        with pytest.raises(ApiError) as refused:
            client.call("calibration_apply", controls={"exposure": 16}, reason="Routine check")
        assert refused.value.code == "refused" and "the line is running" in refused.value.message
        assert camera.controls.exposure == 10.0 and not station_file(station).exists()

        done = client.call("calibration_apply", controls={"exposure": 16}, reason="Routine check", confirm=True)
        assert done["running"] and camera.controls.exposure == 16.0
        assert load_station(station_file(station)).camera.controls.exposure == 16.0
    entry = audit.entries(station.store, newest_first=True, limit=1)[0]
    assert (entry.user, entry.action) == ("tess", "calibration.save")
    assert entry.reason == "Routine check [applied to the running line (confirmed)]"
    assert json.loads(entry.before)["controls"]["exposure"] == 10.0
    assert json.loads(entry.after)["controls"]["exposure"] == 16.0


def test_a_stopped_line_shows_the_trial_on_its_camera_and_gets_the_applied_values_back(line):
    station, server = line
    camera = station.line.frames.camera
    with technician(server) as client:
        sharp, _ = client.call("calibration_preview", controls={})
        blurred, _ = client.call("calibration_preview", controls={"focus": 100})
        assert blurred["mode"] == "camera" and blurred["not_previewed"] == []
        assert camera.controls.focus == 100 and blurred["focus_score"] < sharp["focus_score"] / 3
        client.call("calibration_end")  # the screen closes without applying
        assert camera.controls.focus == 128

        client.call("calibration_preview", controls={"exposure": 4})
        assert camera.controls.exposure == 4
        station.line.start()  # the line starts while a trial is on the camera: the camera goes back first
        assert camera.controls.exposure == 10
        trial, _ = client.call("calibration_preview", controls={"exposure": 4})
        assert trial["mode"] == "emulated" and camera.controls.exposure == 10
        station.line.stop()

        client.call("calibration_apply", controls={"exposure": 12, "gain": 6}, roi=[40, 30, 400, 300],
                    reason="New camera, lens or light")
        assert (camera.controls.exposure, camera.controls.gain) == (12, 6)
        client.call("calibration_preview", controls={"exposure": 20})
        client.call("calibration_end")
        assert camera.controls.exposure == 12  # back on the applied values, not the old ones
    with technician(server) as again:  # reopened: the camera's real values and what was saved
        opened = again.call("calibration")
        assert (opened["controls"]["exposure"], opened["controls"]["gain"], opened["roi"]) == (12, 6, [40, 30, 400, 300])


def test_a_trial_left_by_a_screen_that_died_ends_with_its_lease(line):
    station, _ = line
    camera = station.line.frames.camera
    trial = CameraTrial(station.line, actual_controls(camera, camera.controls), lease_s=0.3)
    trial.preview(camera.controls.with_(focus=90))
    assert camera.controls.focus == 90
    assert trial.ended.wait(3.0) and camera.controls.focus == 128
    assert trial._line_starting not in station.line.before_start


def test_a_trial_puts_back_the_camera_own_values_even_outside_the_calibration_ranges(line):
    station, _ = line
    camera = station.line.frames.camera
    camera.apply_controls(camera.controls.model_copy(update={"fps": 150.0}))  # a fast simulated camera: above 120
    trial = CameraTrial(station.line, actual_controls(camera, camera.controls))
    assert trial.applied.fps == 120  # what the screen shows, held to the range
    trial.preview(trial.applied.with_(focus=90))
    assert (camera.controls.focus, camera.controls.fps) == (90, 120)
    trial.end()
    assert (camera.controls.focus, camera.controls.fps) == (128, 150)


def test_focus_zero_warns_and_is_saved_only_when_the_warning_is_accepted(line):
    station, server = line
    with technician(server) as client:
        check = client.call("calibration_check", controls={"focus": 0})
        assert len(check["warnings"]) == 1 and check["warnings"][0].startswith("focus 0 is 128 steps from the ")
        header, _ = client.call("calibration_preview", controls={"focus": 0})
        assert header["warnings"] == check["warnings"]
        assert client.call("calibration_check", controls={"focus": 140, "exposure": 15})["warnings"] == []
        with pytest.raises(ApiError) as refused:
            client.call("calibration_apply", controls={"focus": 0}, reason="Routine check")
        assert "focus 0 is 128 steps" in refused.value.message and not station_file(station).exists()
        assert "exposure 50 ms is 5.0x above" in client.call("calibration_check", controls={"exposure": 50})["warnings"][0]
        client.call("calibration_apply", controls={"focus": 0}, reason="Routine check", accept_warnings=True)
    assert load_station(station_file(station)).camera.controls.focus == 0
    assert "warnings accepted: focus 0 is 128 steps" in audit.entries(station.store, newest_first=True, limit=1)[0].reason


def test_only_a_technician_changes_the_camera_and_a_refusal_names_the_value(line):
    station, server = line
    camera = station.line.frames.camera
    with Client.local(str(server.socket_path)) as client:
        assert client.call("calibration")["controls"]["focus"] == 128  # viewing: any local screen
        with pytest.raises(ApiError) as anonymous:
            client.call("calibration_preview", controls={"focus": 90})
        assert anonymous.value.code == "unauthorized"
        client.login("otto", PINS["otto"])
        with pytest.raises(ApiError) as operator:
            client.call("calibration_apply", controls={"focus": 90}, reason="Routine check")
        assert operator.value.code == "forbidden" and camera.controls.focus == 128
    with Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint) as remote:
        with pytest.raises(ApiError) as stranger:  # over the network not even the values without a login
            remote.call("calibration")
        assert stranger.value.code == "unauthorized"
    with technician(server) as client:
        with pytest.raises(ApiError) as bad:
            client.call("calibration_preview", controls={"exposure": 500})
        assert bad.value.code == "bad_request" and "exposure 500 ms is above the maximum 200 ms" in bad.value.message


def test_the_pusher_fires_and_the_travel_is_measured_only_on_a_stopped_line(line):
    station, server = line
    beam, pusher = station.io.beam, station.io.pusher
    with technician(server) as client:
        assert client.call("calibration_io")["beam_broken"] is False
        client.call("calibration_io", action="fire", pulse_s=0.05)
        time.sleep(0.3)
        pusher.pin.assert_states([False, True, False])
        beam.pin.drive_high()
        client.call("calibration_io", action="travel_start", trials=2)
        for _ in range(2):
            beam.pin.drive_low()
            beam.pin.drive_high()
            time.sleep(0.3)
            client.call("calibration_io", action="travel_confirm")
            time.sleep(0.05)
        state = client.call("calibration_io")["measurement"]
        assert state["done"] and len(state["trials"]) == 2 and state["result"]["accepted_s"] == pytest.approx(0.3, abs=0.1)
        station.line.start()  # the line takes its beam back before it inspects
        assert client.call("calibration_io")["measurement"] is None
        with pytest.raises(ApiError) as refused:
            client.call("calibration_io", action="fire", pulse_s=0.05)
        assert refused.value.code == "refused" and "stop the line" in refused.value.message
