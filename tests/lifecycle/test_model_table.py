"""The model table: import holds a verified candidate, evaluate judges it beside the live model on QA's truth,
shadow and promote change its state, rollback goes back; every step is in the audit trail."""
from __future__ import annotations

import json

import pytest

from inspector import audit
from inspector.manifest import PackageError
from inspector.models.evaluation import evaluate
from inspector.models.lifecycle import LifecycleError
from tests.lifecycle.conftest import candidate


def test_a_fresh_station_holds_its_shipped_package_as_live(registry):
    registry.ensure_shipped(["surface_classifier"])
    (entry,) = registry.entries()
    assert entry.state == "live" and entry.name == "surface_classifier" and entry.imported_by.startswith("station")
    assert registry.live_folder("surface_classifier") == entry.folder


def test_import_holds_a_verified_copy_as_a_candidate_never_live(registry, tmp_path):
    registry.ensure_shipped(["surface_classifier"])
    entry = registry.import_package(candidate(tmp_path, "1.3.0"))
    assert entry.state == "candidate" and entry.version == "1.3.0"
    assert entry.folder.is_relative_to(registry.root) and (entry.folder / "model.onnx").is_file()
    assert registry.live("surface_classifier").version != "1.3.0"
    with pytest.raises(LifecycleError, match="already held"):
        registry.import_package(candidate(tmp_path / "again", "1.3.0"))
    assert [e.action for e in audit.entries(registry.store)][-1] == "model.import"


def test_a_package_that_fails_its_checks_is_refused_at_import_and_the_refusal_audited(registry, tmp_path):
    forged = candidate(tmp_path, "6.6.6")
    (forged / "model.onnx").write_bytes((forged / "model.onnx").read_bytes()[:-10])
    with pytest.raises(PackageError):
        registry.import_package(forged)
    assert registry.entries("surface_classifier") == [] or all(e.version != "6.6.6" for e in registry.entries())
    assert audit.entries(registry.store)[-1].action == "model.refuse"


def test_evaluation_scores_candidate_and_live_on_the_same_qa_verified_images(registry, tmp_path):
    registry.ensure_shipped(["surface_classifier"])
    entry = registry.import_package(candidate(tmp_path, "1.3.0"))
    result = evaluate(registry, entry, workers=1)
    assert result["images"] == 60 and result["no_image_kept"] == 0
    for side in ("candidate", "live"):
        summary = result[side]
        assert summary["judged"] == 60
        assert sum(sum(row.values()) for row in summary["confusion"].values()) == 60
    # the same weights under another version number: the same decisions
    assert result["candidate"]["confusion"] == result["live"]["confusion"]
    assert registry.find(entry.package_id).evaluation["rescore_id"] == result["rescore_id"]
    rows = registry.tables.rescore_results(result["rescore_id"])
    assert len(rows) == 60 and {r["outcome"] for r in rows} <= {"pass", "reject", "uncertain"}


def test_two_worker_processes_give_the_same_scores_as_one(registry, tmp_path):
    registry.ensure_shipped(["surface_classifier"])
    entry = registry.import_package(candidate(tmp_path, "1.3.0"))
    one = evaluate(registry, entry, workers=1)
    two = evaluate(registry, entry, workers=2)
    first = {r["part_id"]: r["result"] for r in registry.tables.rescore_results(one["rescore_id"])}
    second = {r["part_id"]: r["result"] for r in registry.tables.rescore_results(two["rescore_id"])}
    assert first == second


def test_promote_needs_an_evaluation_then_swaps_states_and_rollback_goes_back(registry, tmp_path):
    registry.ensure_shipped(["surface_classifier"])
    shipped = registry.live("surface_classifier")
    entry = registry.import_package(candidate(tmp_path, "1.3.0"))
    with pytest.raises(LifecycleError, match="never evaluated"):
        registry.promote("surface_classifier", reason="better on our parts")
    evaluate(registry, entry, workers=1)
    registry.set_shadow("surface_classifier")
    assert registry.shadow("surface_classifier").package_id == entry.package_id
    live = registry.promote("surface_classifier", reason="better on our parts")
    assert live.state == "live" and live.previous_live == shipped.package_id
    assert registry.find(shipped.package_id).state == "retired"
    assert registry.shadow("surface_classifier") is None
    back = registry.rollback("surface_classifier")
    assert back.package_id == shipped.package_id and back.state == "live"
    assert registry.find(entry.package_id).state == "retired"
    with pytest.raises(LifecycleError, match="no earlier live version"):
        registry.rollback("surface_classifier")
    actions = [e.action for e in audit.entries(registry.store)]
    assert actions[-4:] == ["model.import", "model.shadow", "model.promote", "model.rollback"]
    promoted = [e for e in audit.entries(registry.store) if e.action == "model.promote"][-1]
    assert json.loads(promoted.after)["version"] == "1.3.0" and promoted.reason == "better on our parts"
    assert audit.verify(registry.store).ok


def test_promote_is_an_admins_signed_act_once_users_exist(registry, tmp_path):
    from inspector.permissions import PermissionDenied
    from inspector.users import UserDirectory

    users = UserDirectory(registry.store)
    users.add(None, "adam", "admin", "2468", reason="first admin")
    users.add(users.login("adam", "2468"), "olga", "operator", "1357", reason="line operator")
    registry.ensure_shipped(["surface_classifier"])
    entry = registry.import_package(candidate(tmp_path, "1.3.0"), session=users.login("adam", "2468"))
    evaluate(registry, entry, workers=1)
    with pytest.raises(PermissionDenied):
        registry.promote("surface_classifier", session=users.login("olga", "1357"), pin="1357", reason="why not")
    with pytest.raises(Exception, match="PIN"):
        registry.promote("surface_classifier", session=users.login("adam", "2468"), pin="0000", reason="better")
    live = registry.promote("surface_classifier", session=users.login("adam", "2468"), pin="2468", reason="better")
    assert live.approved_by == "adam"
    signed = [e for e in audit.entries(registry.store) if e.action == "model.promote"][-1]
    assert signed.signed and signed.user == "adam"
