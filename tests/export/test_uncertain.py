"""Uncertain parts in exports: a covered box no QA verdict settled is left out by default, comes in only when asked
(class ``uncertain``, no count), and is exported as ``missing`` only when QA counted it so."""
import json
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.export import MANIFEST, export_records
from inspector.qa.risk import is_covered
from inspector.review import Review
from tests.export.conftest import open_store


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text())


@pytest.fixture
def box(box_data):
    with open_store(box_data) as store:
        yield store


def covered_parts(store) -> list:
    covered = [r for r in store.records(limit=None, newest_first=False) if is_covered(r)]
    assert len(covered) >= 2 and all(r.image_path for r in covered)  # the simulated run shows hands over boxes
    return covered


def test_the_default_export_leaves_unreviewed_covered_boxes_out(box, tmp_path):
    covered = {r.part_id for r in covered_parts(box)}
    export_records(box, tmp_path / "out", "imagefolder")
    m = manifest(tmp_path / "out")
    exported = {e["part_id"] for e in m["records"] + m["skipped"]}
    assert exported and not exported & covered
    assert "missing" in {e["class"] for e in m["records"]}  # the real rejects are still there
    assert m["filters"]["include_unreviewed_uncertain"] is False


def test_asked_for_they_come_as_uncertain_without_the_models_count(box, tmp_path):
    covered = covered_parts(box)
    export_records(box, tmp_path / "out", "imagefolder", include_unreviewed_uncertain=True)
    entries = {e["part_id"]: e for e in manifest(tmp_path / "out")["records"]}
    for record in covered:
        entry = entries[record.part_id]
        assert record.count is not None  # the model did count something under the hand...
        assert (entry["class"], entry["count"], entry["label_source"]) == ("uncertain", None, "unreviewed")  # ...not kept
        assert Path(entry["file"]).parent.name == "uncertain"


def test_a_covered_box_is_missing_only_where_qa_counted_it_so(box, tmp_path):
    confirmed, recounted, *_ = covered_parts(box)
    review = Review(box)
    review.submit(confirmed.part_id, "qa-anna", "confirm")  # "yes, covered": no count
    review.submit(recounted.part_id, "qa-anna", "correct", count=confirmed.expected - 3)
    export_records(box, tmp_path / "out", "jsonl")
    entries = {e["part_id"]: e for e in manifest(tmp_path / "out")["records"]}
    assert (entries[confirmed.part_id]["class"], entries[confirmed.part_id]["count"]) == ("covered", None)
    assert (entries[recounted.part_id]["class"], entries[recounted.part_id]["count"]) == \
        ("missing", confirmed.expected - 3)
    assert entries[recounted.part_id]["label_source"] == "qa"


def test_the_cli_flag_brings_them_in(box_data, tmp_path, capsys):
    with open_store(box_data) as store:
        covered = {r.part_id for r in covered_parts(store)}
    assert main(["export", "--data-dir", str(box_data), "--format", "csv", "--out", str(tmp_path / "with"),
                 "--include-unreviewed-uncertain"]) == 0
    assert main(["export", "--data-dir", str(box_data), "--format", "csv", "--out", str(tmp_path / "without")]) == 0
    with_ids = {e["part_id"] for e in manifest(tmp_path / "with")["records"]}
    without_ids = {e["part_id"] for e in manifest(tmp_path / "without")["records"]}
    assert covered <= with_ids and not covered & without_ids


def test_a_selection_of_only_unreviewed_covered_boxes_names_the_flag(box, tmp_path):
    from datetime import datetime, timedelta

    from inspector.export import ExportError

    one = covered_parts(box)[0]
    start = datetime.fromisoformat(one.wall_time)
    with pytest.raises(ExportError, match="uncertain parts without a QA verdict are left out; "
                                          "--include-unreviewed-uncertain takes them"):
        export_records(box, tmp_path / "none", "csv", since=start, until=start + timedelta(milliseconds=1))
    assert not (tmp_path / "none").exists()
