"""Screenshots of the calibration screen at 800 x 480, a client of a simulated station's runtime (``ui.screenshots
--only calibration``): the stopped line's preview on the camera, the number pad, a trial on a running line (drawn on its last frame,
the camera untouched), and the warning before saving focus 0."""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from hardware.synthetic import render_box
from inspector.api.client import Client
from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import ApiSettings, StationConfig

SIZE = (800, 480)


def shoot_calibration(out: Path) -> list[Path]:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QPainter

    from ui import theme
    from ui.calibration import for_client
    from ui.gui_gc import application
    from ui.screenshots import save_png, wait_until

    app = application()
    sockets = Path(tempfile.mkdtemp(prefix="cal", dir="/tmp"))
    shots = []
    with tempfile.TemporaryDirectory() as data:
        config = StationConfig(data_dir=Path(data), api=ApiSettings(socket_path=sockets / "api.sock"))
        station = build_station(config, simulate=True)
        server = ApiServer(station).start()
        client = Client.local(str(server.socket_path))
        try:
            station.line.frames.camera.show(render_box(np.random.default_rng(7), layout=(4, 6)))
            screen = for_client(client)
            screen.setStyleSheet(theme.style_sheet(1.0))
            screen.resize(*SIZE)
            screen.show()

            def shot(name: str, dialog=None) -> None:
                screen.refresh()
                wait_until(app, lambda: False, 0.5)
                grab = screen.grab()
                if dialog is not None:  # the dialog over the screen, as the window shows it
                    wait_until(app, lambda: False, 0.3)
                    painter = QPainter(grab)
                    box = dialog.grab()
                    painter.drawPixmap(QPoint((grab.width() - box.width()) // 2, (grab.height() - box.height()) // 2),
                                       box)
                    painter.end()
                path = out / f"{name}_{SIZE[0]}x{SIZE[1]}.png"
                size = save_png(grab, path)
                shots.append(path)
                print(f"  {path} {grab.width()}x{grab.height()} {size // 1000} kB", file=sys.stderr)

            screen.set_roi((60, 50, 530, 395))
            screen.sliders["exposure"].entry.setValue(11.5)
            shot("calibration")
            screen.panel.type_value("gain")  # a tap on a value: the number pad (no keyboard at the line)
            for key in "6.02":
                screen.panel.pad.press(key)
            shot("calibration_number_pad")
            screen.panel.pages.setCurrentIndex(0)
            station.line.start()
            screen.sliders["exposure"].entry.setValue(16)
            screen.sliders["focus"].entry.setValue(90)
            screen.pick("focus")
            shot("calibration_running")
            station.line.stop()
            screen.sliders["exposure"].entry.setValue(10)
            screen.sliders["focus"].entry.setValue(0)
            screen.refresh()
            dialog = screen.ask_save()
            dialog.resize(min(600, SIZE[0] - 40), min(300, SIZE[1] - 40))
            shot("calibration_focus0_warning", dialog)
            dialog.reject()
            screen.finish()
        finally:
            client.close()
            server.stop()
            station.close()
            shutil.rmtree(sockets, ignore_errors=True)
    return shots
