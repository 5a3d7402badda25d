"""Station settings changed from the screens go through the core: recipe switch, calibration save, reading the
trail. With users: a session whose role allows it, or nothing happens. Without users (a fresh simulated line): the
change is made and the trail names the actor honestly."""
from __future__ import annotations

import pytest

from inspector import actions, audit
from inspector.calibration import Calibration, restore_calibration, save_calibration
from inspector.camera_controls import CameraControls
from inspector.permissions import PermissionDenied
from inspector.store import Store
from tests.users.people import BY_ROLE


@pytest.fixture
def bare_store(tmp_path):
    """A station database nobody has been added to."""
    with Store.open(tmp_path / "fresh.db") as store:
        yield store


def test_a_recipe_switch_records_before_after_and_who(store, sessions):
    switched = []
    assert actions.switch_recipe(sessions["operator"], store, "cartridge-box", "surface-part",
                                 lambda name: switched.append(name) or True)
    entry = audit.entries(store, newest_first=True, limit=1)[0]
    assert switched == ["surface-part"]
    assert (entry.user, entry.action, entry.reason) == (BY_ROLE["operator"], "recipe.switch", "recipe change")
    assert (entry.before, entry.after) == ('{"recipe":"cartridge-box"}', '{"recipe":"surface-part"}')


def test_a_switch_the_line_could_not_start_leaves_no_entry(store, sessions):
    trail = len(audit.entries(store))
    assert not actions.switch_recipe(sessions["technician"], store, "a", "b", lambda name: False)
    assert not actions.switch_recipe(sessions["technician"], store, "a", "a", lambda name: True)  # already on
    assert len(audit.entries(store)) == trail and audit.verify(store).ok


def test_without_a_session_a_station_with_users_refuses_every_change(store, sessions, tmp_path):
    path = tmp_path / "station.toml"
    with pytest.raises(PermissionDenied, match="recipe.switch needs a logged-in user.*operator"):
        actions.switch_recipe(None, store, "a", "b", lambda name: True)
    with pytest.raises(PermissionDenied, match="calibration.save needs a logged-in user.*technician"):
        save_calibration(path, Calibration(CameraControls(exposure=20)), db=store, reason="new lens")
    with pytest.raises(PermissionDenied, match="audit.read"):
        actions.read_audit(None, store)
    assert not path.exists()


def test_without_users_changes_are_made_and_the_actor_is_named_honestly(bare_store, tmp_path):
    path = tmp_path / "station.toml"
    assert actions.switch_recipe(None, bare_store, "cartridge-box", "surface-part", lambda name: True)
    save_calibration(path, Calibration(CameraControls(exposure=20), travel_s=0.6), db=bare_store,
                     reason="image drifted")
    assert restore_calibration(path).controls.exposure == 20
    switch, calibration = actions.read_audit(None, bare_store)[::-1]
    assert (switch.user, switch.role, switch.action) == ("local, no users configured", "local", "recipe.switch")
    assert (calibration.user, calibration.action, calibration.reason) == (
        "local, no users configured", "calibration.save", "image drifted")
    # only what changed, before and after: exposure and travel; the rest of the controls untouched
    assert calibration.before == '{"controls":{"exposure":10.0},"travel_s":0.5}'
    assert calibration.after == '{"controls":{"exposure":20.0},"travel_s":0.6}'
    assert actions.verify_audit(None, bare_store).ok


def test_a_calibration_save_needs_a_reason_even_without_users(bare_store, tmp_path):
    from inspector.calibration import CalibrationError

    with pytest.raises(CalibrationError, match="needs a reason"):
        save_calibration(tmp_path / "station.toml", Calibration(), db=bare_store, reason="  ")
    assert not (tmp_path / "station.toml").exists() and audit.entries(bare_store) == []


def test_a_station_file_that_cannot_be_written_leaves_no_entry(store, sessions, tmp_path):
    from inspector.config import ConfigError

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    trail = len(audit.entries(store))
    with pytest.raises(ConfigError, match="cannot write the station file"):
        save_calibration(blocked / "station.toml", Calibration(CameraControls(exposure=20)),
                         session=sessions["technician"], db=store, reason="new lens")
    assert len(audit.entries(store)) == trail
