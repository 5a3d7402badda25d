"""Point labels for the count task: a CSV of file,x,y, COCO keypoints and YOLO centres (the station's own exports of
a simulated run, and folders a user brings), and the refusals that name the file, the line and the problem."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.export import export_records
from inspector.training.count_labels import CountLabelError, read_count_source, read_points_csv
from tests.export.conftest import box_data, open_store, simulated_runs  # noqa: F401 (fixtures)


def image(folder: Path, name: str, size=(120, 160), grey=False) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shape = size if grey else (*size, 3)
    cv2.imwrite(str(path), np.full(shape, 90, np.uint8))
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    image(tmp_path, "a.png")
    image(tmp_path, "b.png", grey=True)
    image(tmp_path, "sub/c.jpg")
    return tmp_path


def write_csv(folder: Path, text: str) -> Path:
    path = folder / "points.csv"
    path.write_text("file,x,y\n" + text)
    return path


def test_a_csv_gives_each_image_its_points_and_an_empty_row_means_no_objects(folder):
    write_csv(folder, "a.png,10,20\na.png,30.5,40\nb.png,,\nsub/c.jpg,159,119\n")
    data = read_count_source(folder)
    by_key = {s.key: s for s in data.samples}
    assert data.task == "count" and set(by_key) == {"a.png", "b.png", "sub/c.jpg"}
    assert by_key["a.png"].points == ((10.0, 20.0), (30.5, 40.0))
    assert by_key["b.png"].points == () and by_key["sub/c.jpg"].points == ((159.0, 119.0),)
    assert len(data.content_sha256) == 64


def test_the_content_hash_follows_the_images_not_only_the_labels(folder):
    write_csv(folder, "a.png,10,20\nb.png,,\nsub/c.jpg,,\n")
    before = read_points_csv(folder / "points.csv").content_sha256
    cv2.imwrite(str(folder / "a.png"), np.full((120, 160, 3), 91, np.uint8))
    assert read_points_csv(folder / "points.csv").content_sha256 != before


@pytest.mark.parametrize("rows, message", [
    ("a.png,10,20\na.png,160,5\nb.png,,\nsub/c.jpg,,\n",
     r"points.csv:3: point \(160, 5\) is outside a.png \(160 x 120 px\)"),
    ("a.png,10,20\nb.png,,\nsub/c.jpg,,\nd.png,1,1\n", r"points.csv:5: file = 'd.png': unknown file"),
    ("a.png,10,20\nb.png,,\n",
     r"1 image\(s\) without any row, e.g. 'sub/c.jpg' \(an image with no objects is one row 'sub/c.jpg,,'\)"),
    ("a.png,ten,20\nb.png,,\nsub/c.jpg,,\n", r"points.csv:2: x = 'ten': not a number"),
    ("a.png,10,nan\nb.png,,\nsub/c.jpg,,\n", r"points.csv:2: y = 'nan': not a finite number"),
    ("a.png,10\nb.png,,\nsub/c.jpg,,\n", r"points.csv:2: 2 values, expected 3"),
    ("a.png,10,20\nb.png,,\nb.png,5,5\nsub/c.jpg,,\n",
     r"points.csv:3: b.png is listed as empty .* and also has 1 point"),
])
def test_a_bad_csv_is_refused_naming_the_file_the_line_and_the_problem(folder, rows, message):
    write_csv(folder, rows)
    with pytest.raises(CountLabelError, match=message):
        read_count_source(folder / "points.csv")


def test_a_csv_without_the_header_is_refused(folder):
    (folder / "points.csv").write_text("a.png,10,20\n")
    with pytest.raises(CountLabelError, match=r"points.csv:1: header is .*expected file,x,y"):
        read_count_source(folder)


def test_a_folder_without_labels_is_refused_saying_what_was_looked_for(folder):
    with pytest.raises(CountLabelError, match="no points.csv .* annotations.json .* labels/"):
        read_count_source(folder)


@pytest.fixture
def box(box_data):  # noqa: F811 (the fixture imported above)
    with open_store(box_data) as store:
        yield store


def test_the_stations_coco_export_reads_back_with_every_point(box, tmp_path):
    export_records(box, tmp_path / "coco", "coco")
    coco = json.loads((tmp_path / "coco" / "annotations.json").read_text())
    data = read_count_source(tmp_path / "coco")
    assert data.kind == "export" and len(data.samples) == len(coco["images"])
    for entry, sample in zip(coco["images"], data.samples):
        assert sample.key == entry["file_name"] and len(sample.points) == entry["count"]
        assert sample.group == str(entry["part_id"])
    assert data.notes["expected"] == 24
    first = [a["keypoints"][:2] for a in coco["annotations"] if a["image_id"] == coco["images"][0]["id"]]
    assert [list(p) for p in data.samples[0].points] == first


def test_the_stations_yolo_export_reads_back_at_the_box_centres(box, tmp_path):
    export_records(box, tmp_path / "yolo", "yolo")
    coco_out = tmp_path / "coco"
    export_records(box, coco_out, "coco")
    yolo, coco = read_count_source(tmp_path / "yolo"), read_count_source(coco_out)
    assert [len(s.points) for s in yolo.samples] == [len(s.points) for s in coco.samples]
    for a, b in zip(yolo.samples, coco.samples):
        assert np.allclose(a.points, b.points, atol=0.1)  # 0..1 with six decimals on a 640 px frame


def test_a_covered_box_in_coco_is_read_as_covered_and_a_point_off_the_image_is_refused(box, tmp_path):
    out = tmp_path / "coco"
    export_records(box, out, "coco")
    coco = json.loads((out / "annotations.json").read_text())
    coco["images"][0]["class"] = "covered"
    (out / "annotations.json").write_text(json.dumps(coco))
    assert read_count_source(out).samples[0].covered
    coco["annotations"][0]["keypoints"][0] = 700.0
    (out / "annotations.json").write_text(json.dumps(coco))
    with pytest.raises(CountLabelError, match=r"annotations\[0\]: point \(700, .*\) is outside .* \(640 x 480 px\)"):
        read_count_source(out)


def test_a_yolo_image_without_its_label_file_is_refused(box, tmp_path):
    out = tmp_path / "yolo"
    export_records(box, out, "yolo")
    label = sorted((out / "labels").glob("*.txt"))[0]
    label.unlink()
    with pytest.raises(CountLabelError, match=f"{label.stem}.*image without any row"):
        read_count_source(out)
    shutil.copy(sorted((out / "labels").glob("*.txt"))[0], out / "labels" / "stray.txt")
    with pytest.raises(CountLabelError, match="stray.txt: unknown file"):
        read_count_source(out)


def test_reading_and_checking_count_labels_does_not_load_torch():
    import subprocess
    import sys

    code = ("import sys, inspector.training.count_labels, inspector.training.count_scale, inspector.runtime; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
