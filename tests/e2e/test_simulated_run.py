"""The whole station on the simulated line, through the CLI, with the models the project ships."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import cv2
import pytest

from hardware.synthetic import ItemStream
from inspector.cli import main


@pytest.mark.parametrize("recipe", ["cartridge-box", "surface-part"])
def test_simulated_run_records_every_part_and_passes_no_bad_one(tmp_path, recipe):
    report_path = tmp_path / "r.json"
    code = main(["run", "--simulate", "--headless", "--parts", "40", "--rate", "10", "--recipe", recipe,
                 "--report", str(report_path), "--data-dir", str(tmp_path / "data"), "--seed", "7"])
    assert code == 0
    report = json.loads(report_path.read_text())
    assert report["parts"] == report["recorded"] == 40
    assert report["records_in_database"] == 40
    assert report["truth"]["false_pass"] == 0
    assert report["truth"]["unknown"] == 0
    assert report["late"] == 0 and report["fail_safe_causes"] == {}
    assert report["latency_ms"]["trigger_to_decision"]["p99"] < 500
    db = sqlite3.connect(tmp_path / "data" / "inspector.db")
    rows = db.execute("SELECT outcome, models, image_path FROM parts").fetchall()
    assert len(rows) == 40
    assert all(json.loads(models) for _, models, _ in rows)  # every row names its model versions
    for outcome, _, image_path in rows:
        if outcome != "pass":
            assert image_path and (tmp_path / "data" / image_path).is_file()


def test_predict_reports_count_expected_and_decision(tmp_path, capsys):
    stream = ItemStream("box", seed=3, layout=(4, 6), missing_rate=0.5, occlusion_rate=0.0)
    paths = []
    truths = []
    for i in range(4):
        item = stream.next()
        path = tmp_path / f"box{i}.png"
        cv2.imwrite(str(path), item.image)
        paths.append(str(path))
        truths.append(item.truth)
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
    code = main(["predict", *paths, str(tmp_path / "broken.png"), "--recipe", "cartridge-box", "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # one image could not be read
    assert lines[-1]["error"].startswith("not a readable image")
    for out, truth in zip(lines, truths):
        assert out["count"] == truth["count"] and out["expected"] == 24
        assert out["decision"] == ("pass" if truth["should_pass"] else "reject")
        assert {"image", "confidence", "label", "latency_ms"} <= out.keys()


def test_kill_9_mid_run_leaves_a_sound_database_with_every_committed_row(tmp_path):
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "inspector", "run", "--simulate", "--headless", "--rate", "20", "--data-dir", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    db_path = data / "inspector.db"
    seen = 0
    try:
        deadline = time.monotonic() + 60
        while seen < 25 and time.monotonic() < deadline:
            time.sleep(0.2)
            if db_path.exists():
                try:
                    with sqlite3.connect(db_path, timeout=1) as reader:
                        seen = reader.execute("SELECT count(*) FROM parts").fetchone()[0]
                except sqlite3.OperationalError:
                    pass
        assert seen >= 25, "the station recorded too little before the kill"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = [r[0] for r in db.execute("SELECT part_id FROM parts ORDER BY part_id")]
    assert len(ids) >= seen  # nothing a reader saw committed was lost
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # no hole among the committed parts


def _models_copy(tmp_path):
    import shutil

    from inspector.config import SHIPPED_MODELS

    models = tmp_path / "models"
    shutil.copytree(SHIPPED_MODELS / "cartridge_counter", models / "cartridge_counter")
    return models


def test_a_corrupt_model_file_is_refused_naming_package_and_cause_and_nothing_starts(tmp_path, capsys):
    models = _models_copy(tmp_path)
    onnx_file = models / "cartridge_counter" / "model.onnx"
    onnx_file.write_bytes(onnx_file.read_bytes()[: 1000])  # truncated
    config = tmp_path / "station.toml"
    config.write_text(f'models_dir = "{models}"\ndata_dir = "{tmp_path / "data"}"\n')
    code = main(["run", "--headless", "--parts", "5", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2
    assert "model package refused" in err and "cartridge_counter" in err and "sha256" in err
    assert not (tmp_path / "data" / "inspector.db").exists()  # refused before anything was opened


def test_an_unplugged_camera_is_refused_at_start_with_its_name(tmp_path, capsys):
    config = tmp_path / "station.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[camera]\nbackend = "opencv"\nsource = "/dev/video-none"\n')
    code = main(["run", "--headless", "--parts", "5", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and "camera refused" in err and "/dev/video-none" in err
    import threading

    assert not [t for t in threading.enumerate() if t.name in ("record-writer", "capture", "inspect", "actuator")]


def test_bad_config_value_is_refused_with_key_value_and_limit(tmp_path, capsys):
    config = tmp_path / "station.toml"
    config.write_text("[timing]\npulse_s = -0.1\n")
    assert main(["run", "--headless", "--config", str(config)]) == 2
    assert "timing.pulse_s = -0.1: Input should be greater than 0" in capsys.readouterr().err


def test_predict_shows_a_covered_box_as_covered_recount_with_no_count(tmp_path, capsys):
    stream = ItemStream("box", seed=3, layout=(4, 6), missing_rate=0.0, occlusion_rate=1.0)
    path = tmp_path / "covered.png"
    cv2.imwrite(str(path), stream.next().image)
    assert main(["predict", str(path), "--recipe", "cartridge-box", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["decision"], out["count"], out["confidence"], out["covered"]) == ("uncertain", None, None, True)
    assert main(["predict", str(path), "--recipe", "cartridge-box"]) == 0
    line = capsys.readouterr().out
    assert "UNCERTAIN (covered: recount, count unknown)" in line and "conf" not in line
