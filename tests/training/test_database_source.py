"""The station's own records as a training source: QA-verified parts with kept images, filtered as export filters."""
from __future__ import annotations

from pathlib import Path

import pytest

from inspector.cli import main
from inspector.review import Review
from inspector.store import Store
from inspector.training.sources import SourceError, read_source


@pytest.fixture(scope="module")
def station_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("station")
    data = root / "data"
    config = root / "station.toml"
    config.write_text('recipe = "surface-part"\n[images]\nkeep_pass_fraction = 1.0\n')  # every image kept
    assert main(["run", "--simulate", "--headless", "--parts", "16", "--rate", "20", "--config", str(config),
                 "--data-dir", str(data), "--seed", "5"]) == 0
    return data


def _label_some(data: Path) -> dict[int, str]:
    """QA confirms or corrects the parts whose images were kept; returns part id -> the class QA gave."""
    given = {}
    with Store.open(data / "inspector.db", images_dir=data / "images") as store:
        review = Review(store)
        parts = [r for r in store.query("SELECT part_id FROM parts ORDER BY part_id")]
        for i, row in enumerate(parts):
            record = store.record(row["part_id"])
            if store.image_file(record) is None:
                continue
            label = "defect" if i % 2 else "good"
            review.submit(record.part_id, "qa-anna", "correct", label=label)
            given[record.part_id] = label
    return given


def test_verified_parts_with_images_become_samples_labelled_by_qa(station_data, tmp_path):
    import shutil

    data = Path(shutil.copytree(station_data, tmp_path / "data"))
    given = _label_some(data)
    assert len(given) == 16
    dataset = read_source(data, "defect", verified_only=True)
    assert dataset.kind == "database"
    assert {int(s.key.split(":")[1]): s.label for s in dataset.samples} == given
    assert all(s.path.is_file() and s.group == s.key for s in dataset.samples)
    assert dataset.notes["filters"]["verified_only"] is True
    assert len(dataset.content_sha256) == 64


def test_a_database_without_verified_parts_is_refused(station_data, tmp_path):
    import shutil

    data = Path(shutil.copytree(station_data, tmp_path / "data"))
    with pytest.raises(SourceError, match="no QA-verified parts"):
        read_source(data, "defect", verified_only=True)
    with pytest.raises(SourceError, match="--since"):
        read_source(data, "defect", since="yesterday-ish")


def test_a_box_qa_drew_around_a_defect_comes_with_its_sample_and_changes_the_content_hash(station_data, tmp_path):
    import shutil

    data = Path(shutil.copytree(station_data, tmp_path / "data"))
    _label_some(data)
    before = read_source(data, "defect", verified_only=True)
    assert all(s.box is None for s in before.samples)
    part = next(int(s.key.split(":")[1]) for s in before.samples if s.label == "defect")
    with Store.open(data / "inspector.db", images_dir=data / "images") as store:
        Review(store).submit(part, "qa-anna", "correct", label="defect", defect_box=[40, 30, 24, 12])
    after = read_source(data, "defect", verified_only=True)
    boxed = {s.key: s.box for s in after.samples if s.box is not None}
    assert boxed == {f"part:{part}": (40, 30, 24, 12)}
    assert after.notes["qa_defect_boxes"] == 1
    assert after.content_sha256 != before.content_sha256


def test_a_box_qa_confirmed_covered_teaches_the_flag_and_an_unreviewed_one_is_left_out(tmp_path):
    from inspector.qa.risk import is_covered

    data = tmp_path / "data"
    assert main(["run", "--simulate", "--headless", "--parts", "40", "--rate", "20", "--recipe", "cartridge-box",
                 "--data-dir", str(data), "--seed", "5"]) == 0
    with Store.open(data / "inspector.db", images_dir=data / "images") as store:
        covered = [r for r in store.records(limit=None, newest_first=False) if is_covered(r)]
        assert len(covered) >= 2
        Review(store).submit(covered[0].part_id, "qa-anna", "confirm")  # "yes, covered"
    samples = {int(s.key.split(":")[1]): s for s in read_source(data, "count").samples}
    assert samples[covered[0].part_id].covered and samples[covered[0].part_id].points == ()
    assert covered[1].part_id not in samples  # its model count under the hand is no label
    assert not any(s.covered for pid, s in samples.items() if pid != covered[0].part_id)
