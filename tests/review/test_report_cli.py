"""``inspector review-report``: the QA reports as CSV files from the command line, with the causes of a refusal."""
import csv
import json
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.store import Store
from inspector.store.rows import model_key
from tests.review.conftest import BOX_V1, RECORDS
from tests.review.test_reports import reviewed


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    with Store.open(folder / "inspector.db") as store:
        for record in RECORDS:
            store.insert(record)
        reviewed(store)
    return folder


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_writes_the_reports_and_says_where_with_the_figures_per_reviewer(data, tmp_path, capsys):
    out = tmp_path / "reports"
    assert main(["review-report", "--out", str(out), "--data-dir", str(data)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["out"] == str(out) and summary["files"] == [
        "reviewers.csv", "reviewer_totals.csv", "agreement.csv", "confusion.csv", "count_errors.csv"]
    anna = summary["reviewers"]["anna"]  # 10, 4 and 7 seconds; no audits taken
    assert (anna["items"], anna["min_seconds"], anna["mean_seconds"], anna["median_seconds"], anna["max_seconds"],
            anna["audit_pass_rate"]) == (3, 4, 7, 7, 10, None)
    assert sum(int(r["items"]) for r in rows(out / "reviewers.csv")) == 7


def test_time_range_and_model_version_choose_the_verdicts(data, tmp_path):
    out = tmp_path / "day1-v1"
    code = main(["review-report", "--out", str(out), "--data-dir", str(data), "--since", "2026-11-23",
                 "--until", "2026-11-24", "--model-key", model_key(BOX_V1)])
    assert code == 0
    assert [(r["reviewer"], r["items"]) for r in rows(out / "reviewers.csv")] == [("anna", "2")]
    assert [r["model_key"] for r in rows(out / "agreement.csv")] == [model_key(BOX_V1)]


@pytest.mark.parametrize("extra, message", [
    (["--since", "yesterday"], "review report refused: since 'yesterday' is not an ISO 8601 time"),
    (["--until", "2026-11-31"], "review report refused: until '2026-11-31' is not an ISO 8601 time"),
])
def test_a_bad_time_is_named(data, tmp_path, capsys, extra, message):
    assert main(["review-report", "--out", str(tmp_path / "r"), "--data-dir", str(data), *extra]) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "r").exists()


def test_a_file_in_the_way_and_a_missing_database_are_named(data, tmp_path, capsys):
    (tmp_path / "a-file").write_text("mine")
    assert main(["review-report", "--out", str(tmp_path / "a-file"), "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"review report to {tmp_path / 'a-file'} failed: {tmp_path / 'a-file'} is a file, not a folder" in err
    assert (tmp_path / "a-file").read_text() == "mine"
    assert main(["review-report", "--out", str(tmp_path / "r"), "--data-dir", str(tmp_path / "none")]) == 2
    assert f"no database at {tmp_path / 'none' / 'inspector.db'}" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs the Linux /proc file system")
def test_a_file_system_without_new_folders_is_named(data, capsys):
    assert main(["review-report", "--out", "/proc/inspector-reports", "--data-dir", str(data)]) == 2
    assert "the file system at /proc does not allow new folders" in capsys.readouterr().err
