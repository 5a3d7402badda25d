"""Exports of simulated runs: each format matches its labels, the manifest's hashes match the files."""
import csv
import hashlib
import json
from pathlib import Path

import pytest

from inspector.export import MANIFEST, export_records, sha256_file
from inspector.review import Review
from tests.export.conftest import open_store


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text())


def chosen(store) -> list:
    """The records a default export takes: all but the uncertain ones no QA verdict settled."""
    records = store.records(limit=None, newest_first=False)
    labels = Review(store).latest_labels(r.part_id for r in records)
    return [r for r in records if r.outcome != "uncertain" or (r.part_id in labels and labels[r.part_id].is_truth)]


def check_manifest(out: Path, store) -> dict:
    m = manifest(out)
    assert m["complete"] is True and m["records"]
    for entry in m["records"] + m["label_files"]:
        assert sha256_file(out / entry["file"]) == entry["sha256"], entry["file"]
    listed = {e["file"] for e in m["records"] + m["label_files"]} | {MANIFEST}
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == listed  # nothing unlisted
    kept = {r.part_id for r in chosen(store) if r.image_path}
    assert {e["part_id"] for e in m["records"]} == kept
    assert {s["part_id"] for s in m["skipped"]} == {r.part_id for r in chosen(store)} - kept
    assert {s["reason"] for s in m["skipped"]} == {"image not kept"}
    assert m["model_versions"] == sorted({e["model_key"] for e in m["records"]}) and all(m["model_versions"])
    lines = sorted(f"{e['sha256']}  {e['file']}\n" for e in m["records"] + m["label_files"])
    assert m["content_sha256"] == hashlib.sha256("".join(lines).encode()).hexdigest()
    return m


@pytest.fixture
def box(box_data):
    with open_store(box_data) as store:
        yield store


@pytest.fixture
def part(part_data):
    with open_store(part_data) as store:
        yield store


def test_coco_loads_and_its_ids_are_consistent(box, tmp_path):
    review = Review(box)
    corrected = box.records(outcome="reject", limit=1)[0]
    review.submit(corrected.part_id, "qa-anna", "correct", points=corrected.points[:-1] + [[5.0, 5.0]] * 2)
    out = tmp_path / "coco"
    export_records(box, out, "coco")
    m = check_manifest(out, box)
    coco = json.loads((out / "annotations.json").read_text())
    image_ids = [i["id"] for i in coco["images"]]
    assert len(set(image_ids)) == len(image_ids) == len(m["records"])
    assert len({a["id"] for a in coco["annotations"]}) == len(coco["annotations"])
    categories = {c["id"]: c["name"] for c in coco["categories"]}
    assert categories == {1: "cartridge"} and coco["categories"][0]["keypoints"] == ["centre"]
    by_image = {i: [] for i in image_ids}
    for a in coco["annotations"]:
        by_image[a["image_id"]].append(a)
        assert a["category_id"] in categories and a["num_keypoints"] == 1 and len(a["keypoints"]) == 3
    for image, entry in zip(coco["images"], m["records"]):
        assert (out / image["file_name"]).is_file() and image["file_name"] == entry["file"]
        assert (image["width"], image["height"]) == (640, 480)
        assert len(by_image[image["id"]]) == image["count"] == entry["count"]
    qa = [e for e in m["records"] if e["label_source"] == "qa"]
    assert [(e["part_id"], e["count"]) for e in qa] == [(corrected.part_id, len(corrected.points) + 1)]
    assert m["counts"]["label_sources"] == {"model": len(m["records"]) - 1, "qa": 1}


def test_yolo_has_one_label_file_per_image_matching_the_labels(box, part, tmp_path):
    for store, name in ((box, "box"), (part, "part")):
        out = tmp_path / f"out-{name}"
        export_records(store, out, "yolo")
        m = check_manifest(out, store)
        classes = (out / "classes.txt").read_text().split()
        images = sorted(p.stem for p in (out / "images").iterdir())
        assert images == sorted(p.stem for p in (out / "labels").iterdir())
        for entry in m["records"]:
            lines = (out / "labels" / (Path(entry["file"]).stem + ".txt")).read_text().splitlines()
            values = [[float(v) for v in line.split()] for line in lines]
            assert all(0 <= v <= 1 for row in values for v in row[1:])
            names = [classes[int(row[0])] for row in values]
            if name == "box":
                assert names == ["cartridge"] * entry["count"]
            else:
                assert names == [entry["class"]]
                record = store.record(entry["part_id"])
                if record.defect_box:
                    x, y, w, h = record.defect_box
                    assert values[0][1:] == pytest.approx([(x + w / 2) / 640, (y + h / 2) / 480, w / 640, h / 480],
                                                          abs=1e-5)
                else:
                    assert values[0][1:] == [0.5, 0.5, 1.0, 1.0]
        assert "names:" in (out / "data.yaml").read_text()


def test_imagefolder_puts_each_image_under_its_class(box, part, tmp_path):
    for store, name, allowed in ((box, "box", {"complete", "missing", "extra"}), (part, "part", {"good", "defect"})):
        out = tmp_path / f"out-{name}"
        export_records(store, out, "imagefolder")
        m = check_manifest(out, store)
        for entry in m["records"]:
            assert Path(entry["file"]).parent.name == entry["class"] and entry["class"] in allowed
            record = store.record(entry["part_id"])
            assert entry["class"] == (record.label or ("complete" if record.count == record.expected else "missing"))


def test_csv_and_jsonl_rows_match_the_manifest(part, tmp_path):
    Review(part).submit(part.records(outcome="reject", limit=1)[0].part_id, "qa", "correct", label="good")
    export_records(part, tmp_path / "csv", "csv")
    export_records(part, tmp_path / "jsonl", "jsonl")
    m = check_manifest(tmp_path / "csv", part)
    rows = list(csv.DictReader(open(tmp_path / "csv" / "labels.csv")))
    lines = [json.loads(line) for line in (tmp_path / "jsonl" / "labels.jsonl").read_text().splitlines()]
    assert [int(r["part_id"]) for r in rows] == [e["part_id"] for e in m["records"]] == [x["part_id"] for x in lines]
    for r, x, e in zip(rows, lines, m["records"]):
        assert r["file"] == x["file"] == e["file"] and r["class"] == x["class"] == e["class"]
        assert r["label_source"] == x["label_source"] == e["label_source"]
    qa = [x for x in lines if x["label_source"] == "qa"]
    assert len(qa) == 1 and qa[0]["class"] == "good" and qa[0]["defect_box"] is None and qa[0]["width"] == 640


def test_verified_only_takes_the_qa_labels_and_leaves_the_rest_out(box, tmp_path):
    review = Review(box)
    kept = [r for r in box.records(limit=None, newest_first=False) if r.image_path]
    review.submit(kept[0].part_id, "qa", "confirm")
    review.submit(kept[1].part_id, "qa", "correct", count=3)
    review.submit(kept[2].part_id, "qa", "confirm")
    review.submit(kept[2].part_id, "qa", "inconclusive")  # the latest verdict gives no value
    out = tmp_path / "verified"
    summary = export_records(box, out, "jsonl", verified_only=True)
    m = manifest(out)
    assert summary.records == 2 and m["filters"]["verified_only"] is True
    assert [(e["part_id"], e["label_source"], e["count"]) for e in m["records"]] == [
        (kept[0].part_id, "qa", kept[0].count), (kept[1].part_id, "qa", 3)]
    assert m["records"][1]["label_id"] == review.latest_label(kept[1].part_id).id


def test_since_and_until_choose_the_records_by_trigger_time(box, tmp_path):
    records = chosen(box)
    middle = records[20].wall_time
    export_records(box, tmp_path / "late", "csv", since=middle)
    export_records(box, tmp_path / "early", "csv", until=middle)
    late, early = manifest(tmp_path / "late"), manifest(tmp_path / "early")
    ids = lambda m: {e["part_id"] for e in m["records"] + m["skipped"]}  # noqa: E731
    assert ids(late) == {r.part_id for r in records[20:]} and ids(early) == {r.part_id for r in records[:20]}
    assert late["filters"]["since"] == middle


def test_a_record_whose_image_file_is_gone_is_skipped_with_the_reason(box, box_data, tmp_path):
    gone = box.records(outcome="reject", limit=1)[0]
    (box_data / gone.image_path).unlink()
    export_records(box, tmp_path / "out", "coco")
    assert {"part_id": gone.part_id, "reason": "image file missing"} in manifest(tmp_path / "out")["skipped"]


def test_the_same_data_exported_twice_has_the_same_content_hash_and_a_new_export_id(part, tmp_path):
    first = export_records(part, tmp_path / "one", "coco")
    second = export_records(part, tmp_path / "two", "coco")
    assert first.export_id != second.export_id
    assert manifest(tmp_path / "one")["content_sha256"] == manifest(tmp_path / "two")["content_sha256"]
