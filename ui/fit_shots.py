"""Screenshots of issue #21's fit fixes at 800 x 480: each dialog as an in-window sheet, the alarm banner, the strip.

    .venv/bin/python -m ui.fit_shots [--out resources/screenshots]    (or: python -m ui.screenshots --only fit)

The simulated line inspects 60 boxes with the window open (a station with users: an admin and a technician); then
two alarms are raised as the runtime raises them, and each fixed point is opened as an operator opens it and the
window grabbed: the part detail (CLOSE in view), the recipe picker, the lot entry, the login, QA's signature for a
count correction, the calibration save's reason, and the calibration screen with SAVE / CLOSE pinned under it.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from inspector import shipped
from inspector.alarms import Alarm
from inspector.assemble import build_station
from inspector.config import ApiSettings, StationConfig

OUT = shipped.resource("screenshots")
SIZE = (800, 480)
NOW = "2026-01-01T08:00:00.000+00:00"
ALARMS = [Alarm("camera_lost", "camera unplugged: no frame for 2.0 s (cable or power)", NOW),
          Alarm("disk_low", "data disk 92% full: 3.1 GB left, about 6 days of images", NOW)]


def settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def failed_part(last):
    """A part the runtime failed safe on after ``last``, with a cause as long as a model error's."""
    import dataclasses

    from inspector.decide import fail_safe
    from inspector.types import FailSafeCause

    decision = fail_safe(FailSafeCause.MODEL_ERROR, "cartridge_counter raised RuntimeError in the ONNX Runtime "
                                                    "session on input 'image'")
    return dataclasses.replace(last, part_id=last.part_id + 1, outcome=decision.outcome.value, reason=decision.reason,
                               confidence=1.0, actuated=True, fail_safe_cause=decision.cause.value, count=None,
                               points=[])


def shoot_fit(out: Path, parts: int = 60) -> list[Path]:
    from inspector.store import Store
    from inspector.users import UserDirectory
    from inspector.api.client import Client
    from inspector.api.server import ApiServer
    from ui.app import StationWindow
    from ui.calibration import CalibrationDialog, for_client
    from ui.controller import StationController
    from ui.gui_gc import application
    from ui.login import SignDialog, open_users
    from ui.model import StationModel
    from ui.review.screen import CORRECTION_REASONS
    from ui.screenshots import save_png

    app = application()
    paths: list[Path] = []
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory(dir="/tmp") as sockets:
        config = StationConfig(recipe="cartridge-box", data_dir=Path(data),
                               api=ApiSettings(socket_path=Path(sockets) / "api.sock"))
        station = build_station(config, simulate=True, rate_hz=20.0, seed=7)
        server = ApiServer(station).start()  # calibration is a client of the runtime
        with Store.open(station.store.path) as setup:
            people = UserDirectory(setup)
            people.add(None, "adam", "admin", "715493", reason="screenshot")
            people.add(people.login("adam", "715493"), "tess", "technician", "604319", reason="screenshot")
        model = StationModel()
        controller = StationController(model, station, parts=parts)
        window = StationWindow(model, controller, recipes=["cartridge-box", "surface-part"],
                               users=open_users(station))
        window.live.idle_after_s = 600
        window.move(0, 0)
        window.resize(*SIZE)
        window.show()
        controller.start()
        end = time.monotonic() + 30 + parts / 20
        while model.counters.inspected < parts and time.monotonic() < end:
            settle(app, 0.05)
        controller.stop()  # stopped: START asks for the lot
        end = time.monotonic() + 10
        while station.line.running and time.monotonic() < end:
            settle(app, 0.05)
        model.set_alarms(ALARMS)
        users = window.login.users

        def grab(name: str) -> None:
            settle(app, 0.6)
            path = out / f"fit_{name}_{SIZE[0]}x{SIZE[1]}.png"
            picture = window.screen().grabWindow(window.winId()) if os.environ.get("DISPLAY") else window.grab()
            print(f"  {path} {picture.width()}x{picture.height()} {save_png(picture, path) // 1000} kB",
                  file=sys.stderr)
            paths.append(path)

        grab("line")  # the alarm banner on two lines, "+1 more"; the strip's tiles with whole labels
        model.add(failed_part(model.latest.record))  # a long fail-safe cause: it stays off the count line
        grab("fail_safe")
        rejected = [p for p in model.history if p.outcome == "reject"]
        window.show_part(rejected[-1] if rejected else model.latest)
        grab("part_detail")
        window.detail.reject()
        window.pick_recipe()
        grab("recipe_picker")
        window.picker.reject()
        window.lot_gate.start()
        grab("lot_entry")
        window.lot_gate.dialog.reject()
        window.login.ask("STOP needs: operator, technician")
        grab("login")
        window.login.dialog.reject()
        admin = users.login("adam", "715493")
        sign = SignDialog(admin, f"count 23 → 24 on part #{model.latest.record.part_id}", list(CORRECTION_REASONS),
                          window)
        sign.open()
        sign.reason_buttons[1].click()
        grab("sign")
        sign.reject()
        technician = Client.local(str(server.socket_path))
        technician.login("tess", "604319")
        calibration = CalibrationDialog(for_client(technician), window)
        calibration.open()
        grab("calibration")
        screen = calibration.screen_widget
        screen.save_button.click()  # SAVE asks the reason (after a confirmation where one is needed)
        if screen.confirm_dialog is not None and screen.confirm_dialog.isVisible():
            screen.confirm_dialog.yes_button.click()
        grab("reason")
        screen.reason_dialog.reject()
        calibration.reject()
        technician.close()
        window.close()
        server.stop()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    shoot_fit(args.out)


if __name__ == "__main__":
    main()
