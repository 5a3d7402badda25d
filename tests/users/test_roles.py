"""Each role can do exactly what it may: every guarded action called in the core for every role.

Allowed: the action happens and one audit entry says who did it. Refused: PermissionDenied, nothing changed, nothing
appended to the trail.
"""
from __future__ import annotations

import shutil
import tomllib

import pytest

from inspector import actions, audit
from inspector.alarms import Alarms
from inspector.assemble import build_station
from inspector.config import SHIPPED_RECIPES, StationConfig, load_recipe
from inspector.calibration import Calibration, restore_calibration, save_calibration
from inspector.camera_controls import CameraControls
from inspector.line.shift_counters import ShiftCounters, reset_counters
from inspector.permissions import (ACTIONS, ALLOWED, ALARM_ACKNOWLEDGE, AUDIT_READ, CALIBRATION_SAVE, COUNTERS_LOT,
                                   COUNTERS_SHIFT, LINE_START, LINE_STOP, MODEL_APPROVE, RECIPE_EDIT, RECIPE_SWITCH,
                                   REVIEW_LABEL, USERS_MANAGE, PermissionDenied, require)
from inspector.runtime import ModelSlot, PackageError
from inspector.users import SYSTEM, WrongPin
from tests.runtime.tiny_packages import build_package
from tests.store.conftest import make_record
from tests.users.people import BY_ROLE, PEOPLE, pin_of

ROLES = ("operator", "qa", "technician", "admin")
EXPECTED = {  # the issue's table, written out: the code's table must match it
    "operator": {LINE_START, LINE_STOP, ALARM_ACKNOWLEDGE, RECIPE_SWITCH, COUNTERS_SHIFT},
    "qa": {REVIEW_LABEL, AUDIT_READ},
    "technician": {CALIBRATION_SAVE, RECIPE_EDIT, RECIPE_SWITCH, LINE_START, LINE_STOP, ALARM_ACKNOWLEDGE,
                   COUNTERS_SHIFT, COUNTERS_LOT},
    "admin": {USERS_MANAGE, MODEL_APPROVE, RECIPE_SWITCH, AUDIT_READ, COUNTERS_LOT},
}
NOT_AUDITED = {AUDIT_READ}  # reading changes nothing

AUDITED_AS = {USERS_MANAGE: "user.add"}


@pytest.fixture(scope="module")
def line(tmp_path_factory):
    config = StationConfig(recipe="surface-part", data_dir=tmp_path_factory.mktemp("data"))
    station = build_station(config, simulate=True)
    yield station.line
    station.close()


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pkg") / "tiny_classifier"
    return build_package(folder, "classify")


class Attempts:
    """Per action: do it as ``session`` and tell whether it took effect."""

    def __init__(self, store, directory, line, package, tmp_path):
        self.store, self.directory, self.line, self.package = store, directory, line, package
        self.recipe = tmp_path / "surface-part.toml"
        shutil.copy(SHIPPED_RECIPES / "surface-part.toml", self.recipe)
        self.alarms = Alarms()
        self.slot = ModelSlot("classify")
        self.station_file = tmp_path / "station.toml"
        self.switched: list[str] = []
        self.read: list = []
        store.insert(make_record(41, "reject", lot="L7"))
        self.counters = ShiftCounters(store, lot_now=lambda: "L7")

    def prepare(self, action):
        if action == LINE_START:
            self.line.stop()
        elif action == LINE_STOP:
            self.line.start()
        elif action == ALARM_ACKNOWLEDGE:
            self.alarms.raise_("disk_low", "only 300 MiB free")

    def run(self, action, session):
        pin = pin_of(session.user.name)
        self.prepare(action)
        if action == LINE_START:
            actions.start_line(session, self.line, self.store)
            return lambda: self.line.running
        if action == LINE_STOP:
            actions.stop_line(session, self.line, self.store)
            return lambda: not self.line.running
        if action == ALARM_ACKNOWLEDGE:
            actions.acknowledge_alarm(session, self.alarms, "disk_low", self.store)
            return lambda: not self.alarms.active
        if action == RECIPE_EDIT:
            actions.edit_recipe(session, self.recipe, {"reject_at": 0.65}, pin=pin, reason="fewer false rejects",
                                store=self.store)
            return lambda: load_recipe(self.recipe).reject_at == 0.65
        if action == MODEL_APPROVE:
            actions.approve_model(session, self.slot, self.package, pin=pin, reason="validated on lot 7",
                                  store=self.store)
            return lambda: self.slot.active is not None
        if action == USERS_MANAGE:
            self.directory.add(session, "newbie", "operator", "246813", reason="new starter")
            return lambda: self.directory.get("newbie") is not None
        if action == REVIEW_LABEL:
            from inspector.review import Review

            review = Review(self.store)
            actions.submit_label(session, review, 41, "correct", label="good", pin=pin, reason="no scratch, dust")
            return lambda: review.latest_label(41) is not None
        if action == CALIBRATION_SAVE:
            save_calibration(self.station_file, Calibration(CameraControls(exposure=12.5)), session=session,
                             db=self.store, reason="new lens")
            return lambda: restore_calibration(self.station_file).controls.exposure == 12.5
        if action == RECIPE_SWITCH:
            actions.switch_recipe(session, self.store, "surface-part", "cartridge-box",
                                  lambda name: self.switched.append(name) or True)
            return lambda: self.switched[-1:] == ["cartridge-box"]
        if action in (COUNTERS_SHIFT, COUNTERS_LOT):
            scope = "shift" if action == COUNTERS_SHIFT else "lot"
            before = self.counters.snapshot()[scope]["started"]
            reset_counters(session, self.counters, scope, "end of the early shift", store=self.store)
            return lambda: self.counters.snapshot()[scope]["started"] != before
        if action == AUDIT_READ:
            self.read = actions.read_audit(session, self.store)
            return lambda: bool(self.read) and self.read[0].id == len(audit.entries(self.store))
        raise AssertionError(action)


def test_the_role_table_is_the_issues():
    assert {role: set(ALLOWED[role]) for role in ROLES} == EXPECTED
    assert set(ALLOWED["system"]) == {LINE_START, LINE_STOP}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_can_do_exactly_what_it_may(role, store, directory, sessions, line, package, tmp_path):
    attempts = Attempts(store, directory, line, package, tmp_path)
    session = sessions[role]
    for action in ACTIONS:
        trail = len(audit.entries(store))
        if action in EXPECTED[role]:
            took_effect = attempts.run(action, session)
            assert took_effect(), f"{role} may {action} but it did not happen"
            if action not in NOT_AUDITED:
                last = audit.entries(store, newest_first=True, limit=1)[0]
                assert (last.user, last.role, last.action) == (BY_ROLE[role], role, AUDITED_AS.get(action, action))
                assert last.signed == (action in (RECIPE_EDIT, MODEL_APPROVE, REVIEW_LABEL))
        else:
            attempts.prepare(action)
            before = (line.running, [a.kind for a in attempts.alarms.active], load_recipe(attempts.recipe).reject_at, directory.get("newbie"),
                      attempts.slot.active, attempts.station_file.exists(), list(attempts.switched), attempts.read,
                      attempts.counters.snapshot())
            with pytest.raises(PermissionDenied) as denied:
                attempts.run(action, session)
            assert denied.value.action == action and denied.value.role == role
            assert (line.running, [a.kind for a in attempts.alarms.active], load_recipe(attempts.recipe).reject_at, directory.get("newbie"),
                    attempts.slot.active, attempts.station_file.exists(), list(attempts.switched), attempts.read,
                    attempts.counters.snapshot()) == before
            assert len(audit.entries(store)) == trail, f"a refused {action} left an audit entry"
    assert audit.verify(store).ok


def test_the_automatic_line_runs_as_the_station_not_as_a_person(line, store):
    actions.start_line(SYSTEM, line, store, reason="automatic start")
    assert line.running and audit.entries(store)[-1].user == "station"
    with pytest.raises(PermissionDenied):
        require(SYSTEM, USERS_MANAGE)


def test_a_signed_change_with_a_wrong_pin_changes_nothing(store, sessions, tmp_path):
    recipe = tmp_path / "surface-part.toml"
    shutil.copy(SHIPPED_RECIPES / "surface-part.toml", recipe)
    with pytest.raises(WrongPin):
        actions.edit_recipe(sessions["technician"], recipe, {"reject_at": 0.7}, pin="000111", reason="try",
                            store=store)
    assert load_recipe(recipe).reject_at == 0.5 and audit.entries(store)[-1].action != RECIPE_EDIT


def test_a_recipe_edit_keeps_the_other_lines_and_refuses_a_bad_value(store, sessions, tmp_path):
    recipe = tmp_path / "surface-part.toml"
    shutil.copy(SHIPPED_RECIPES / "surface-part.toml", recipe)
    text = recipe.read_text()
    technician = sessions["technician"]
    with pytest.raises(ValueError, match="pass_below 0.6 must not exceed reject_at 0.5"):
        actions.edit_recipe(technician, recipe, {"pass_below": 0.6}, pin=pin_of("tess"), reason="x", store=store)
    with pytest.raises(ValueError, match="cannot be edited here"):
        actions.edit_recipe(technician, recipe, {"models": ["other"]}, pin=pin_of("tess"), reason="x", store=store)
    assert recipe.read_text() == text
    actions.edit_recipe(technician, recipe, {"pass_below": 0.3}, pin=pin_of("tess"), reason="fewer QA checks",
                        store=store)
    shipped = tomllib.loads(text)["pass_below"]
    assert recipe.read_text() == text.replace(f"pass_below = {shipped}", "pass_below = 0.3")
    entry = audit.entries(store)[-1]
    assert (entry.before, entry.after, entry.reason) == (f'{{"pass_below":{shipped}}}', '{"pass_below":0.3}',
                                                         "fewer QA checks")


def test_a_verdict_written_around_the_session_is_refused_in_the_same_transaction(store, sessions):
    from inspector.review import Review

    store.insert(make_record(42, "reject"))
    review = actions.guard_review(Review(store))
    with pytest.raises(PermissionDenied, match="needs a logged-in QA user"):
        review.submit(42, "quinn", "confirm")
    assert review.latest_label(42) is None
    with pytest.raises(PermissionDenied, match="signed"):
        actions.submit_label(sessions["qa"], review, 42, "correct", label="good")
    actions.submit_label(sessions["qa"], review, 42, "confirm")
    assert review.latest_label(42).reviewer == "quinn"
    assert audit.entries(store)[-1].target == "part:42"


def test_people_table_covers_every_role():
    assert sorted(role for role, _ in PEOPLE.values()) == sorted(ROLES)


def test_an_admin_approving_an_unsigned_package_is_refused_and_the_attempt_audited(store, sessions, tmp_path):
    slot = ModelSlot("classify")
    unsigned = build_package(tmp_path / "unsigned_classifier", "classify", signed=False)
    with pytest.raises(PackageError, match="missing signature"):
        actions.approve_model(sessions["admin"], slot, unsigned, pin=pin_of(BY_ROLE["admin"]),
                              reason="new supplier's model", store=store)
    entry = audit.entries(store, newest_first=True, limit=1)[0]
    assert slot.active is None and (entry.user, entry.action) == (BY_ROLE["admin"], "model.refuse")
    assert "missing signature" in entry.after and entry.reason == "new supplier's model"
