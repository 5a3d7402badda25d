"""Reading a training source: what a labelled folder or an export gives, and every refusal naming file and problem."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.training.sources import SourceError, read_source

from .conftest import write_folder


def test_a_labelled_folder_gives_labels_masks_and_a_content_hash(folder):
    data = read_source(folder, "defect")
    assert data.kind == "folder"
    labels = [s.label for s in data.samples]
    assert labels.count("good") == 10 and labels.count("defect") == 8
    assert all(s.mask is not None and s.mask.stem == s.path.stem for s in data.samples if s.label == "defect")
    assert all(s.mask is None for s in data.samples if s.label == "good")
    assert read_source(folder, "defect").content_sha256 == data.content_sha256
    cv2.imwrite(str(folder / "good" / "g00.jpg"), np.zeros((96, 128), np.uint8))
    assert read_source(folder, "defect").content_sha256 != data.content_sha256


def test_a_subfolder_is_a_lot_and_masks_may_have_another_extension(tmp_path):
    root = write_folder(tmp_path / "f", good=4, defect=2)
    lot = root / "good" / "lot7"
    lot.mkdir()
    for name in ("g00.jpg", "g01.jpg"):
        shutil.move(root / "good" / name, lot / name)
    mask = cv2.imread(str(root / "masks" / "d00.png"))
    (root / "masks" / "d00.png").unlink()
    cv2.imwrite(str(root / "masks" / "d00.bmp"), mask)
    data = read_source(root, "defect")
    groups = {s.key: s.group for s in data.samples}
    assert groups["good/lot7/g00.jpg"] == groups["good/lot7/g01.jpg"] == "lot:lot7"
    assert groups["good/g02.jpg"] != groups["good/g03.jpg"]
    assert next(s for s in data.samples if s.key == "defect/d00.png").mask.suffix == ".bmp"


def _break(kind: str, root: Path) -> str:
    """Spoil a good folder one way; returns what the refusal must name."""
    if kind == "no good folder":
        shutil.rmtree(root / "good")
        return "good"
    if kind == "unknown folder":
        (root / "bad").mkdir()
        return "bad"
    if kind == "not an image":
        (root / "good" / "notes.csv").write_text("a,b\n")
        return "notes.csv"
    if kind == "corrupt image":
        (root / "defect" / "d03.png").unlink()
        (root / "masks" / "d03.png").unlink()
        (root / "good" / "broken.png").write_bytes(b"not a png at all")
        return "broken.png"
    if kind == "mask of another size":
        cv2.imwrite(str(root / "masks" / "d01.png"), np.zeros((50, 50), np.uint8))
        return "d01.png"
    if kind == "mask without image":
        cv2.imwrite(str(root / "masks" / "zz.png"), np.zeros((96, 128), np.uint8))
        return "zz.png"
    if kind == "mask of a good image":
        cv2.imwrite(str(root / "masks" / "g02.png"), np.zeros((96, 128), np.uint8))
        return "g02.png"
    if kind == "same image, both labels":
        shutil.copyfile(root / "good" / "g04.jpg", root / "defect" / "g04copy.jpg")
        return "g04copy.jpg"
    if kind == "two masks for one image":
        shutil.copyfile(root / "masks" / "d02.png", root / "masks" / "d02.bmp")
        return "d02"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["no good folder", "unknown folder", "not an image", "corrupt image",
                                  "mask of another size", "mask without image", "mask of a good image",
                                  "same image, both labels", "two masks for one image"])
def test_a_malformed_folder_is_refused_naming_the_file(folder, kind):
    named = _break(kind, folder)
    with pytest.raises(SourceError, match=named.replace(".", r"\.")):
        read_source(folder, "defect")


def test_a_missing_path_and_a_plain_folder_for_counting_are_refused(tmp_path, folder):
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "nowhere", "defect")
    with pytest.raises(SourceError, match="point labels"):
        read_source(folder, "count")
    with pytest.raises(SourceError, match="--verified-only chooses records"):
        read_source(folder, "defect", verified_only=True)


def _fake_export(root: Path, folder: Path) -> Path:
    """An ImageFolder export layout with its manifest, as ``inspector export`` writes them."""
    from inspector.export.manifest import sha256_file

    records = []
    for i, path in enumerate(sorted(folder.glob("good/*")) + sorted(folder.glob("defect/*"))):
        rel = f"{path.parent.name}/{i:08d}{path.suffix}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / rel)
        records.append({"part_id": i, "file": rel, "sha256": sha256_file(root / rel), "class": path.parent.name,
                        "label_source": "qa"})
    doc = {"export_id": "abc123", "format": "imagefolder", "complete": True, "content_sha256": "f" * 64,
           "records": records}
    (root / "manifest.json").write_text(json.dumps(doc))
    return root


def test_an_export_folder_gives_its_records_with_their_export_id(tmp_path, folder):
    export = _fake_export(tmp_path / "export", folder)
    data = read_source(export, "defect")
    assert data.kind == "export" and data.notes["export_id"] == "abc123"
    assert len(data.samples) == 18 and {s.group for s in data.samples} == {f"part:{i}" for i in range(18)}


@pytest.mark.parametrize("spoil, named", [
    (lambda doc, root: doc.update(complete=False), "complete = False"),
    (lambda doc, root: (root / doc["records"][0]["file"]).unlink(), "missing"),
    (lambda doc, root: (root / doc["records"][1]["file"]).write_bytes(b"changed"), "sha256 differs"),
    (lambda doc, root: doc["records"][2].update({"class": "missing"}), "class = 'missing'"),
    (lambda doc, root: doc["records"][3].pop("sha256"), r"records\[3\]"),
])
def test_a_spoilt_export_is_refused(tmp_path, folder, spoil, named):
    export = _fake_export(tmp_path / "export", folder)
    doc = json.loads((export / "manifest.json").read_text())
    spoil(doc, export)
    (export / "manifest.json").write_text(json.dumps(doc))
    with pytest.raises(SourceError, match=named):
        read_source(export, "defect")
