"""``inspector retention run`` and ``inspector holds``: the library's retention and holds from the command line."""
from __future__ import annotations

import json

import numpy as np

from inspector.cli import main
from inspector.store import ImagePolicy, RecordWriter, Store
from tests.store.conftest import make_record


def station_with_images(tmp_path, n=6):
    data = tmp_path / "data"
    with Store.open(data / "inspector.db") as store:
        writer = RecordWriter(store, policy=ImagePolicy(keep_pass_fraction=1.0, format="png")).start()
        for i in range(1, n + 1):
            writer.submit(make_record(i, wall_time=f"2026-11-0{i}T10:00:00.000+00:00", label="good", p_defect=0.1),
                          np.full((16, 16, 3), i, np.uint8))
        assert writer.close()
    settings = tmp_path / "station.toml"
    settings.write_text('[storage]\nimage_quota = 0\n')
    return data, settings


def test_a_dry_run_then_a_run_prune_by_the_station_file_and_a_hold_keeps_its_parts(tmp_path, capsys):
    data, settings = station_with_images(tmp_path)
    assert main(["holds", "add", "--reference", "lot 7", "--parts", "2-3", "--reason", "complaint",
                 "--data-dir", str(data)]) == 0
    assert "hold 1 (lot 7) placed" in capsys.readouterr().out
    assert main(["retention", "run", "--dry-run", "--config", str(settings), "--data-dir", str(data)]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] and dry["pruned"] == 4
    assert len(list((data / "images").rglob("*.png"))) == 6
    assert main(["retention", "run", "--config", str(settings), "--data-dir", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["pruned"] == 4
    assert sorted(p.stem for p in (data / "images").rglob("*.png")) == ["00000002", "00000003"]
    assert main(["holds", "list", "--data-dir", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["reference"] == "lot 7"
    assert main(["holds", "release", "1", "--reason", "closed", "--data-dir", str(data)]) == 0


def test_refusals_name_the_value_and_exit_2(tmp_path, capsys):
    data, settings = station_with_images(tmp_path, n=1)
    assert main(["retention", "run", "--data-dir", str(data)]) == 2  # no quota, no age in the default settings
    assert "image_quota and storage.max_image_age_days are both unset" in capsys.readouterr().err
    assert main(["retention", "run", "--data-dir", str(tmp_path / "nowhere")]) == 2
    assert "no station database there" in capsys.readouterr().err
    assert main(["holds", "add", "--reference", "x", "--parts", "9-2", "--reason", "r", "--data-dir", str(data)]) == 2
    assert "parts = 9-2: the first id must not exceed the last" in capsys.readouterr().err
    assert main(["holds", "add", "--reference", "x", "--reason", "r", "--data-dir", str(data)]) == 2
    assert "at least one of since, until, run, part range" in capsys.readouterr().err
    assert main(["holds", "release", "5", "--reason", "r", "--data-dir", str(data)]) == 2
    assert "hold 5: no such hold" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('[storage]\nmax_image_age_days = -1\n')
    assert main(["retention", "run", "--config", str(bad), "--data-dir", str(data)]) == 2
    assert "storage.max_image_age_days = -1: Input should be greater than 0" in capsys.readouterr().err


def test_an_exports_manifest_holds_the_parts_it_lists(tmp_path, capsys):
    data, settings = station_with_images(tmp_path)
    out = tmp_path / "export"
    assert main(["export", "--format", "jsonl", "--out", str(out), "--since", "2026-11-04",
                 "--data-dir", str(data)]) == 0
    export_id = json.loads(capsys.readouterr().out)["export_id"]
    assert main(["holds", "add", "--export-manifest", str(out / "manifest.json"), "--reason", "training set 12",
                 "--data-dir", str(data)]) == 0
    assert f"(export {export_id})" in capsys.readouterr().out
    assert main(["retention", "run", "--config", str(settings), "--data-dir", str(data)]) == 0
    assert sorted(p.stem for p in (data / "images").rglob("*.png")) == ["00000004", "00000005", "00000006"]
    (tmp_path / "not-a-manifest.json").write_text("{}")
    assert main(["holds", "add", "--export-manifest", str(tmp_path / "not-a-manifest.json"), "--reason", "r",
                 "--data-dir", str(data)]) == 2
    assert "not an export manifest" in capsys.readouterr().err
