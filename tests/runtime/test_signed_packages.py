"""A package is trusted only when a key of the trust store signed its manifest, and that manifest names every byte."""
from __future__ import annotations

import json
import stat

import cv2
import numpy as np
import pytest

from inspector import audit, cli
from inspector.models import SigningKeyError, TrustStore, add_trusted_key, generate_key, sign_package
from inspector.models.audit_trail import MODEL_LOAD, MODEL_REFUSE, MODEL_REPLACE
from inspector.runtime import ModelSlot, PackageError, load_package
from inspector.store import Store

from .tiny_packages import H, W, edit_manifest


def refusal(folder, **options) -> str:
    with pytest.raises(PackageError) as info:
        load_package(folder, **options)
    return str(info.value)


def test_a_package_signed_by_a_trusted_key_loads_and_names_its_signer(make_package):
    model = load_package(make_package("classify"))
    assert model.signer.name == "tests" and len(model.package_id) == 64
    assert set(model.manifest.files) == {c.input for c in model.manifest.golden}


def test_the_shipped_packages_are_signed_by_the_project_key():
    from inspector.config import SHIPPED_MODELS

    for name in ("cartridge_counter", "surface_classifier"):
        assert load_package(SHIPPED_MODELS / name, threads=1, warmup_runs=0).signer.name == "project-signing"


def test_an_unsigned_package_is_refused(make_package):
    folder = make_package("count", signed=False)
    assert "missing signature manifest.sig: the package is unsigned" in refusal(folder)


def test_a_package_signed_by_an_unknown_key_is_refused(make_package, tmp_path):
    folder = make_package("count")
    stranger, _ = generate_key(tmp_path / "keys" / "stranger.key")
    sign_package(folder, stranger)
    message = refusal(folder)
    assert "signed by key" in message and "which is not in the trust store" in message


def test_a_manifest_changed_after_signing_is_refused(make_package):
    folder = make_package("classify")
    edit_manifest(folder, lambda m: m["thresholds"].update(defect=0.99), sign=False)
    assert "bad signature: manifest.json does not match manifest.sig" in refusal(folder)


def test_a_swapped_golden_file_is_refused(make_package):
    folder = make_package("classify")
    case = json.loads((folder / "manifest.json").read_text())["golden"][-1]["input"]
    cv2.imwrite(str(folder / case), np.zeros((H, W, 3), np.uint8))
    assert f"bad sha256 of {case}" in refusal(folder)


def test_a_golden_file_the_manifest_does_not_hash_is_refused(make_package):
    folder = make_package("classify")
    edit_manifest(folder, lambda m: m["files"].popitem(), sign=False)
    from tests.signing import resign

    resign(folder, rehash=False)
    assert "files.golden/" in refusal(folder) and "the sha256 of every golden file" in refusal(folder)


def test_a_swapped_model_is_refused_even_with_a_valid_signature(make_package, tmp_path):
    folder = make_package("count")
    other = make_package("classify", "other")
    (folder / "model.onnx").write_bytes((other / "model.onnx").read_bytes())
    assert "bad sha256 of model.onnx" in refusal(folder)


def test_golden_cases_are_required(make_package):
    assert "golden = []: golden cases are required" in refusal(make_package("classify", cover=False))


def test_golden_cases_must_cover_every_outcome(make_package):
    dark = np.zeros((H, W, 3), np.uint8)
    folder = make_package("classify", cover=False, golden=[(dark, {"label": "good"}, {})])
    assert "must cover a case of each label; none expects 'defect'" in refusal(folder)
    counted = make_package("count", "counted", cover=False, golden=[(dark, {"count": 0, "occlusion": 0.0}, {})])
    message = refusal(counted)
    assert "at least two different counts" in message and "a covered box" in message


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites(tmp_path):
    private, public = generate_key(tmp_path / "plant.key")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and public.name == "plant.pub"
    with pytest.raises(SigningKeyError, match="exists already"):
        generate_key(tmp_path / "plant.key")


def test_a_key_added_to_the_data_dir_trust_store_is_trusted_there_only(make_package, tmp_path):
    from inspector.config import StationConfig

    folder = make_package("count")
    private, public = generate_key(tmp_path / "keys" / "plant.key")
    sign_package(folder, private)
    station = StationConfig(data_dir=tmp_path / "data", trust_dir=tmp_path / "no-system-keys")
    assert "not in the trust store" in refusal(folder, trust=TrustStore.for_station(station))
    add_trusted_key(public, station.data_dir / "trust")
    assert load_package(folder, trust=TrustStore.for_station(station)).signer.name == "plant"


def test_models_commands_sign_and_verify_with_exit_codes(make_package, tmp_path, capsys):
    folder = make_package("classify", signed=False)
    data = ["--data-dir", str(tmp_path / "data")]
    assert cli.main(["models", "verify", str(folder), *data]) == 2
    assert "missing signature" in capsys.readouterr().err
    key = tmp_path / "k" / "plant.key"
    assert cli.main(["models", "keygen", "--out", str(key)]) == 0
    assert cli.main(["models", "sign", str(folder), "--key", str(key)]) == 0
    assert cli.main(["models", "verify", str(folder), *data]) == 2
    assert "not in the trust store" in capsys.readouterr().err
    assert cli.main(["models", "trust", str(key.with_suffix(".pub")), *data]) == 0
    capsys.readouterr()
    assert cli.main(["models", "verify", str(folder), *data]) == 0
    assert json.loads(capsys.readouterr().out)["signed_by"] == "plant"


def test_loads_replacements_and_refusals_are_audited_with_the_package_id(make_package, tmp_path):
    with Store.open(tmp_path / "inspector.db") as store:
        slot = ModelSlot("count", audit_db=store)
        first = slot.swap(make_package("count", "v1"))
        second = slot.swap(make_package("count", "v2", version="2.0.0"))
        unsigned = make_package("count", "v3", version="3.0.0", signed=False)
        with pytest.raises(PackageError):
            slot.swap(unsigned)
        assert slot.active is second
        entries = audit.entries(store)
        assert [e.action for e in entries] == [MODEL_LOAD, MODEL_REPLACE, MODEL_REFUSE]
        assert json.loads(entries[0].after)["package_id"] == first.package_id
        assert json.loads(entries[1].before)["package_id"] == first.package_id
        refused = json.loads(entries[2].after)
        assert "missing signature" in refused["cause"] and len(refused["package_id"]) == 64
        assert json.loads(entries[2].before)["package_id"] == second.package_id
        assert audit.verify(store).ok

