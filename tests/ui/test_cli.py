"""`inspector` with no arguments starts the runtime (`inspector serve`) as a child and opens the station window as its
client; without a screen or Qt it says so and runs headless. `inspector window` is the client alone."""
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
    assert code == 0 and report["clean_shutdown"] and report["window_closed_cleanly"]
    assert report["recorded"] == report["records_in_database"] == report["parts"] >= 6
    assert not list((tmp_path / "data").glob("api.sock"))  # the runtime child ended and removed its socket


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


def test_window_refuses_bad_arguments_with_exit_code_2(capsys):
    assert main(["window", "--size", "800by480"]) == 2
    assert "--size = '800by480'" in capsys.readouterr().err
    assert main(["window", "--connect", "station.local:8443"]) == 2
    assert "--connect needs --fingerprint" in capsys.readouterr().err


def test_window_connects_to_a_running_runtime_and_dumps_what_it_shows(qapp, served, tmp_path):
    station = served.serve("cartridge-box")
    station.start(parts=5)
    assert station.line.wait_recorded(5, timeout=20)
    dump = tmp_path / "state.json"

    def check():
        if dump.exists() and json.loads(dump.read_text())["counters"]["inspected"] >= 5:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, StationWindow):
                    widget.close()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(50)
    code = main(["window", "--socket", str(served.socket), "--size", "800x480", "--dump-state", str(dump)])
    timer.stop()
    state = json.loads(dump.read_text())
    assert code == 0 and state["connected"] and state["run_id"] == station.line.run_id
    assert state["counters"]["inspected"] == station.stats.recorded == 5
    assert state["strip"][0] == state["verdict"]["part_id"] == max(state["strip"])
