"""``inspector train --task defect`` end to end on a tiny folder: the package loads, predicts, carries its lineage and
golden cases, and a refused source or destination leaves nothing behind (exit 2)."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("torch")

from inspector.cli import main  # noqa: E402
from inspector.config import SHIPPED_MODELS  # noqa: E402
from inspector.manifest import read_manifest  # noqa: E402
from inspector.runtime import load_package  # noqa: E402

from .conftest import write_folder  # noqa: E402
from tests import signing


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("train")
    data = write_folder(root / "data", good=12, defect=14, shape=(64, 80))
    out = root / "pkg"
    base = SHIPPED_MODELS / "surface_classifier"  # a few steps from it tell a crack from a bare surface
    assert main(["train", "--task", "defect", "--data", str(data), "--out", str(out), "--minutes", "0.4",
                 "--seed", "3", "--base", str(base), "--sign-key", str(signing.key_file())]) == 0
    return data, out


def test_the_package_loads_with_golden_cases_for_good_and_defect(trained):
    _, out = trained
    model = load_package(out)
    assert model.task == "classify" and model.manifest.input.shape == (1, 64, 80, 3)
    assert {case.expected["label"] for case in model.manifest.golden} == {"good", "defect"}
    assert sorted(p.name for p in out.iterdir()) == ["golden", "manifest.json", "manifest.sig", "model.onnx", "recipe.toml"]


def test_the_manifest_records_source_splits_thresholds_and_command(trained):
    data, out = trained
    m = read_manifest(out)
    lineage = m.lineage
    assert lineage["source"]["kind"] == "folder" and len(lineage["source"]["content_sha256"]) == 64
    assert lineage["labels"] == {"good": 12, "defect": 14} and lineage["route"] == "supervised"
    splits = lineage["splits"]
    assert splits["seed"] == 3
    keys = [set(splits[n]["keys"]) for n in ("train", "validation", "test")]
    assert not (keys[0] & keys[1] or keys[0] & keys[2] or keys[1] & keys[2])
    assert "--data" in lineage["command"] and str(data) in lineage["command"]
    assert lineage["base"].endswith("surface_classifier") and lineage["training"]["base_layers_taken"] >= 15
    assert 0 < m.thresholds["pass_below"] <= m.thresholds["defect"] == 0.5
    assert m.metrics["split"] == "test" and m.metrics["images"] == len(keys[2])


def test_predict_runs_on_the_recipe_beside_the_package(trained, capsys):
    data, out = trained
    recipe = tomllib.loads((out / "recipe.toml").read_text())
    assert recipe["models"] == [str(out)] and recipe["pass_below"] <= recipe["reject_at"]
    images = [str(data / "good" / "g00.jpg"), str(data / "defect" / "d00.png")]
    capsys.readouterr()
    assert main(["predict", *images, "--recipe", str(out / "recipe.toml"), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["image"] for line in lines] == images
    assert all(0 <= line["p_defect"] <= 1 and line["decision"] in ("pass", "reject", "uncertain") for line in lines)


def test_the_good_only_route_trains_without_a_real_defect(tmp_path):
    from inspector.training.defect_package import train_defect_package
    from inspector.training.sources import read_source

    data = write_folder(tmp_path / "data", good=12, defect=6, shape=(64, 80))
    summary = train_defect_package(read_source(data, "defect"), tmp_path / "pkg", minutes=0.5, seed=1,
                                   route="good-only", max_steps=20, base=SHIPPED_MODELS / "surface_classifier")
    m = read_manifest(tmp_path / "pkg")
    assert summary["route"] == m.lineage["route"] == "good-only"
    assert m.lineage["real_defects_seen"] == 0 and m.lineage["training"]["crop_shares"] == {"paint": 0.5, "good": 0.5}


def test_fine_tuning_takes_the_shipped_classifier_s_weights():
    import torch

    from inspector.config import SHIPPED_MODELS
    from inspector.training.defect_net import load_base, new_net

    net, fresh = new_net(), new_net()
    taken = load_base(net, SHIPPED_MODELS / "surface_classifier")
    assert taken >= 15
    assert not torch.equal(net.enc1[0][0].weight, fresh.enc1[0][0].weight)


def _refused(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    return capsys.readouterr().err


def test_a_refused_source_writes_nothing(tmp_path, capsys):
    data = write_folder(tmp_path / "data", good=4, defect=2)
    (data / "good" / "readme.pdf").write_bytes(b"%PDF")
    out = tmp_path / "pkg"
    err = _refused(capsys, ["train", "--task", "defect", "--data", str(data), "--out", str(out), "--minutes", "0.2"])
    assert "readme.pdf" in err and "not an image" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_an_occupied_destination_is_refused_and_left_alone(tmp_path, capsys):
    data = write_folder(tmp_path / "data", good=12, defect=8)
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    err = _refused(capsys, ["train", "--task", "defect", "--data", str(data), "--out", str(out), "--minutes", "0.2"])
    assert "not an empty folder" in err
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


def test_a_failure_while_writing_leaves_no_partial_package(tmp_path, monkeypatch):
    from inspector.training import package
    from inspector.training.defect_package import train_defect_package
    from inspector.training.sources import read_source

    def broken(folder, key):
        raise package.PackageWriteError("signing failed")

    monkeypatch.setattr(package, "finish_package", broken)
    data = write_folder(tmp_path / "data", good=12, defect=14, shape=(64, 80))
    with pytest.raises(package.PackageWriteError, match="signing failed"):
        train_defect_package(read_source(data, "defect"), tmp_path / "pkg", minutes=0.5, max_steps=10, seed=3,
                             base=SHIPPED_MODELS / "surface_classifier")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_count_without_its_learner_or_with_bad_minutes_exits_2(tmp_path, capsys):
    data = write_folder(tmp_path / "data", good=4, defect=2)
    try:
        import inspector.training.count  # noqa: F401
    except ImportError:
        err = _refused(capsys, ["train", "--task", "count", "--data", str(data), "--out", str(tmp_path / "o")])
        assert "count training not installed" in err
    err = _refused(capsys, ["train", "--task", "defect", "--data", str(data), "--out", str(tmp_path / "o"),
                            "--minutes", "0"])
    assert "--minutes" in err
    err = _refused(capsys, ["train", "--task", "defect", "--data", str(data), "--out", str(tmp_path / "o"),
                            "--sign-key", str(tmp_path / "no.key")])
    assert "--sign-key" in err and "no such file" in err
    assert not (tmp_path / "o").exists()


def test_the_line_runs_on_the_trained_recipe(trained, tmp_path, capsys):
    _, out = trained
    assert main(["run", "--simulate", "--headless", "--parts", "3", "--rate", "5", "--recipe",
                 str(out / "recipe.toml"), "--data-dir", str(tmp_path / "data")]) == 0
    out_text = capsys.readouterr().out
    report = json.loads(out_text[out_text.index("{\n"):])
    assert report["recipe"] == out.name and report["records_in_database"] == 3
    assert list(report["models"]) == [out.name]


def test_the_progress_bar_shows_percent_and_eta():
    import io

    from inspector.training.progress import TrainProgress

    stream = io.StringIO()
    bar = TrainProgress("train defect", stream=stream, interval_s=0)
    bar(0.25, "step 10 loss 0.500")
    bar.finish("done")
    text = stream.getvalue()
    assert " 25%" in text and "ETA " in text and "step 10 loss 0.500" in text and text.endswith("\n")


def test_defects_without_masks_teach_through_their_image_labels(tmp_path):
    from inspector.training.defect_package import train_defect_package
    from inspector.training.sources import read_source

    data = write_folder(tmp_path / "data", good=12, defect=14, masks=False, shape=(64, 80))
    summary = train_defect_package(read_source(data, "defect"), tmp_path / "pkg", minutes=0.5, seed=3,
                                   max_steps=12, base=SHIPPED_MODELS / "surface_classifier")
    training = summary["training"]
    assert summary["route"] == "supervised" and training["masked_defects_used"] == 0
    assert training["real_defects_used"] == summary["splits"]["train"]["labels"]["defect"]
    assert summary["metrics"]["pixel_ap"] is None  # no mask, no pixel figure


def test_the_station_s_commands_never_import_torch():
    import subprocess
    import sys

    code = ("import sys; from inspector.cli import build_parser; build_parser(); import inspector.training.sources, "
            "inspector.training.package; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
