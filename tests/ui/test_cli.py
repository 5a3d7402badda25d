"""`inspector` with no arguments opens the station window; without a screen or Qt it says so and runs headless."""
import json

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inspector.cli import main
from ui.app import StationWindow


def close_after(parts: int) -> QTimer:
    """Closes the station window once it has shown ``parts`` parts."""
    def check():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, StationWindow) and widget.model.counters.inspected >= parts:
                widget.close()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(50)
    return timer


def test_inspector_without_a_command_opens_the_window_on_the_simulated_line(qapp, tmp_path):
    timer = close_after(6)
    code = main(["--parts", "6", "--rate", "20", "--data-dir", str(tmp_path / "data"),
                 "--report", str(tmp_path / "r.json")])
    timer.stop()
    report = json.loads((tmp_path / "r.json").read_text())
    assert code == 0 and report["clean_shutdown"]
    assert report["recorded"] == report["records_in_database"] == report["parts"] >= 6


def test_without_a_display_it_says_so_and_runs_headless(tmp_path, monkeypatch, capsys):
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    code = main(["run", "--parts", "3", "--rate", "20", "--data-dir", str(tmp_path / "data")])
    assert code == 0
    assert "no display" in capsys.readouterr().err


def test_kiosk_without_a_display_is_refused_and_kiosk_with_headless_too(tmp_path, monkeypatch, capsys):
    assert main(["run", "--headless", "--kiosk"]) == 2
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--kiosk", "--data-dir", str(tmp_path / "data")]) == 2
    assert "needs a screen" in capsys.readouterr().err


def test_calibration_in_the_window_saves_into_the_config_the_station_was_started_from(qapp, tmp_path):
    from inspector.config import load_station

    config = tmp_path / "line7.toml"
    config.write_text(f'recipe = "cartridge-box"\ndata_dir = "{(tmp_path / "data").as_posix()}"\n')
    saved = []

    def calibrate():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, StationWindow) and widget.isVisible() and widget.model.counters.inspected >= 2:
                try:
                    widget.open_calibration()
                    screen = widget.calibration.screen_widget
                    screen.set_control("exposure", 17)
                    saved.append(screen.save("Routine check"))
                    widget.calibration.accept()
                finally:
                    widget.close()

    timer = QTimer()
    timer.timeout.connect(calibrate)
    timer.start(50)
    code = main(["run", "--simulate", "--config", str(config), "--parts", "4", "--rate", "20"])
    timer.stop()
    assert code == 0 and saved == [True]
    station = load_station(config)
    assert station.camera.controls.exposure == 17 and station.recipe == "cartridge-box"
    assert not (tmp_path / "data" / "station.toml").exists()
