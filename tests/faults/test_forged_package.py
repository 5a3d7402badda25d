"""A forged model package, tried as a hostile plant would (issue 18): the shipped classifier's folder with its graph
replaced by a constant "always good" one, the new sha256 written into the manifest and the golden cases removed — once
as it is, once re-signed with the forger's own key, once signed by a key the station trusts. The forgery works (it passes a scratched part), so each refusal
matters: the station refuses it naming why, keeps the model it had, and the refusal is in the audit trail."""
from __future__ import annotations

import hashlib
import json
import re
import shutil

import cv2
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from inspector import audit
from inspector.assemble import build_station
from inspector.config import SHIPPED_MODELS, StationConfig
from inspector.models import generate_key, sign_package
from inspector.models.audit_trail import MODEL_REFUSE
from inspector.runtime import ModelSlot, PackageError, load_package
from inspector.store import Store
from tests import signing

SHIPPED = SHIPPED_MODELS / "surface_classifier"


def always_good_graph(manifest: dict) -> bytes:
    """A graph with the shipped classifier's input and outputs that says p_defect = 0 to every frame."""
    spec = manifest["input"]
    frame = helper.make_tensor_value_info(spec["name"], TensorProto.UINT8, spec["shape"])
    nodes, outputs = [], []
    for out in manifest["outputs"]:
        zeros = numpy_helper.from_array(np.zeros(out["shape"], np.float32), name=f"{out['name']}_value")
        nodes.append(helper.make_node("Constant", [], [out["name"]], value=zeros))
        outputs.append(helper.make_tensor_value_info(out["name"], TensorProto.FLOAT, out["shape"]))
    model = helper.make_model(helper.make_graph(nodes, "always_good", [frame], outputs),
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def forge(folder, *, resign_with=None):
    shutil.copytree(SHIPPED, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    graph = always_good_graph(manifest)
    (folder / "model.onnx").write_bytes(graph)
    manifest.update(sha256=hashlib.sha256(graph).hexdigest(), golden=[], files={})
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if resign_with is not None:
        sign_package(folder, resign_with)
    return folder


@pytest.fixture
def forger_key(tmp_path):
    return generate_key(tmp_path / "forger" / "forger.key")[0]


CAUSES = {
    "re-hashed": "bad signature: manifest.json does not match manifest.sig",
    "re-signed by the forger": "not in the trust store",
    # a trusted key that signed it anyway (stolen, or a careless build): the missing golden cases still refuse it
    "re-signed by a trusted key": "golden = []: golden cases are required",
}


@pytest.fixture(params=list(CAUSES))
def forged(request, tmp_path, forger_key):
    key = {"re-hashed": None, "re-signed by the forger": forger_key,
           "re-signed by a trusted key": signing.key_file()}[request.param]
    return forge(tmp_path / "surface_classifier", resign_with=key), CAUSES[request.param]


def test_the_forgery_would_pass_a_scratched_part(forged):
    folder, _ = forged
    scratched = cv2.imread(str(SHIPPED / "golden" / "scratch.png"), cv2.IMREAD_COLOR)
    assert load_package(SHIPPED).infer(scratched).label == "defect"
    fake = load_package(folder, unsigned_build_check=True)  # what the station ran before packages were signed
    assert fake.infer(scratched).label == "good" and fake.infer(scratched).p_defect == 0.0


def test_a_forged_package_is_refused_the_old_model_kept_and_the_refusal_audited(forged, tmp_path):
    folder, cause = forged
    with Store.open(tmp_path / "inspector.db") as store:
        slot = ModelSlot("classify", audit_db=store, threads=1)
        shipped = slot.swap(SHIPPED)
        with pytest.raises(PackageError, match=re.escape(cause)):
            slot.swap(folder)
        assert slot.active is shipped and slot.last_error is not None
        refusal = audit.entries(store)[-1]
        assert refusal.action == MODEL_REFUSE and cause.split(":")[0] in json.loads(refusal.after)["cause"]
        assert json.loads(refusal.before)["package_id"] == shipped.package_id
        assert json.loads(refusal.after)["package_id"] == hashlib.sha256(
            (folder / "manifest.json").read_bytes()).hexdigest()
        assert audit.verify(store).ok


def test_a_station_will_not_start_on_a_forged_package_and_audits_why(forged, tmp_path):
    folder, cause = forged
    config = StationConfig(recipe="surface-part", models_dir=folder.parent, data_dir=tmp_path / "data")
    config.data_dir.mkdir()
    Store.open(config.data_dir / "inspector.db").close()  # a station that has run before
    with pytest.raises(PackageError, match=re.escape(cause)):
        build_station(config, simulate=True)
    with Store.open(config.data_dir / "inspector.db") as store:
        (entry,) = [e for e in audit.entries(store) if e.action == MODEL_REFUSE]
        assert entry.target == "package:surface_classifier" and cause.split(":")[0] in entry.after
