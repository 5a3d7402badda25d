"""The README's screenshots, taken from a real window on the simulated line (deterministic: fixed items and seeds).

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python -m ui.screenshots [--out resources/screenshots]

Two runs of the real station (with its API server, as ``inspector serve``) and the window as its client over the
unix socket: a cartridge-box run whose last box has one empty slot, and a
surface-part run whose last part has a scratch. At the end of each the window is grabbed from the screen at
1920 x 1080 and again at 800 x 480 (the Pi's 7" display); the box run's 800 x 480 window also with its MENU open.
``--language de``: the German line screen, MENU, login, calibration and review at 800 x 480 into ``<out>/de``.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from hardware.synthetic import ItemStream, render_box, render_part
from inspector import shipped
from inspector.assemble import build_station
from inspector.config import StationConfig, load_recipe

OUT = shipped.resource("screenshots")
SIZES = ((1920, 1080), (800, 480))
MAX_BYTES = 400_000


def scene(recipe_name: str, lead_in: int):
    """``lead_in`` parts of the line's own stream, then the part the screenshot is about."""
    recipe = load_recipe(recipe_name)
    items = ItemStream(recipe.product, seed=2, layout=recipe.layout).pool(lead_in)
    if recipe.product == "box":
        last = render_box(np.random.default_rng(7), layout=recipe.layout, empty=[(1, 3)])
    else:
        last = render_part(np.random.default_rng(5), defect="scratch")
    return recipe, items + [last]


def wait_until(app, done, timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    return done()


def palette_png(bgr: np.ndarray, path: Path, colours: int = 256) -> None:
    """An indexed PNG: ``colours`` chosen by k-means on a sample of the pixels, each pixel mapped without dithering."""
    from PySide6.QtGui import QImage

    pixels = bgr.reshape(-1, 3)
    sample = pixels[np.random.default_rng(0).choice(len(pixels), 40_000, replace=False)].astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0)
    _, _, centres = cv2.kmeans(sample, colours, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    grid = (np.stack(np.meshgrid(*[np.arange(32)] * 3, indexing="ij"), -1).reshape(-1, 3) * 8 + 4).astype(np.float32)
    nearest = np.concatenate([np.argmin(((chunk[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
                              for chunk in np.array_split(grid, 16)]).astype(np.uint8)
    cells = pixels.astype(np.int32) >> 3
    index = nearest[(cells[:, 0] << 10) | (cells[:, 1] << 5) | cells[:, 2]].reshape(bgr.shape[:2])
    image = QImage(np.ascontiguousarray(index).data, bgr.shape[1], bgr.shape[0], bgr.shape[1],
                   QImage.Format.Format_Indexed8)
    image.setColorTable([0xFF000000 | (int(r) << 16) | (int(g) << 8) | int(b) for b, g, r in centres.round()])
    image.save(str(path), "PNG", 0)  # 0: the strongest compression


def save_png(pixmap, path: Path) -> int:
    """PNG of at most ``MAX_BYTES``: full colour when it fits, else the largest palette (256, 128, 64 colours) that
    fits; the camera's noise is what costs the bytes."""
    from PySide6.QtGui import QImage

    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb[:, :image.width() * 3]).reshape(image.height(), image.width(), 3),
                       cv2.COLOR_RGB2BGR)
    data = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 9])[1].tobytes()
    if len(data) <= MAX_BYTES:
        path.write_bytes(data)
        return len(data)
    for colours in (256, 128, 64):
        palette_png(bgr, path, colours)
        if path.stat().st_size <= MAX_BYTES:
            break
    return path.stat().st_size


@contextlib.contextmanager
def served(users=None, **build):
    """A station on the simulated line with its API server (the runtime); yields (station, socket path)."""
    from inspector.api.server import ApiServer
    from inspector.config import ApiSettings

    folder = Path(tempfile.mkdtemp(prefix="shots", dir="/tmp"))  # the unix socket's path must stay short
    config = StationConfig(recipe=build.pop("recipe_name", "cartridge-box"), data_dir=folder / "data",
                           api=ApiSettings(socket_path=folder / "api.sock"))
    station = build_station(config, simulate=True, **build)
    if users is not None:
        users(station.store)
    server = ApiServer(station).start()
    try:
        yield station, server.socket_path
    finally:
        server.stop()
        station.close()
        shutil.rmtree(folder, ignore_errors=True)


def connected_window(socket: Path):
    from ui.app import StationWindow
    from ui.controller import StationController
    from ui.link import StationLink
    from ui.model import StationModel

    model = StationModel()
    link = StationLink.local(model, socket).start()
    if not link.wait_connected(10):
        raise RuntimeError(f"no runtime at {socket}: {link.why_not_connected}")
    return StationWindow(model, StationController(model, link))


def shoot(recipe_name: str, out: Path, lead_in: int, rate: float, sizes=SIZES) -> list[Path]:
    from ui.gui_gc import application

    app = application()
    recipe, items = scene(recipe_name, lead_in)
    with served(recipe_name=recipe_name, recipe=recipe, rate_hz=rate, items=iter(items)) as (station, socket):
        window = connected_window(socket)
        model = window.model
        wait_until(app, lambda: model.info.recipe == recipe_name, 10)
        station.start(parts=len(items))
        window.live.idle_after_s = 600  # keep the last part in view while the sizes are shot
        window.move(0, 0)
        window.resize(*SIZES[0])
        window.show()
        if not wait_until(app, lambda: len(model.samples) >= len(items), 30 + len(items) / rate):  # all shown
            raise RuntimeError(f"only {model.counters.inspected} of {len(items)} parts were inspected")
        last = model.latest.record
        print(f"{recipe_name}: last part #{last.part_id} {last.outcome} ({last.reason})", file=sys.stderr)
        if last.outcome != "reject":
            raise RuntimeError(f"the screenshot's part was not rejected: {last.reason}")
        window.charts.refresh()
        paths = []
        for width, height in sizes:
            window.resize(width, height)
            wait_until(app, lambda: False, 1.2)  # layout, re-rendered pictures, the display rate settled
            path = out / f"{recipe.product}_{width}x{height}.png"
            grab = window.screen().grabWindow(window.winId()) if os.environ.get("DISPLAY") else window.grab()
            size = save_png(grab, path)
            print(f"  {path} {grab.width()}x{grab.height()} {size // 1000} kB", file=sys.stderr)
            paths.append(path)
        if recipe.product == "box" and (width, height) == SIZES[1]:  # the header's MENU open at 800 x 480
            window.menu.open()
            wait_until(app, lambda: False, 0.3)
            path = out / f"menu_{width}x{height}.png"
            grab = window.screen().grabWindow(window.winId()) if os.environ.get("DISPLAY") else window.grab()
            print(f"  {path} {grab.width()}x{grab.height()} {save_png(grab, path) // 1000} kB", file=sys.stderr)
            paths.append(path)
            window.menu.hide()
        window.close()
    return paths


def shoot_pin_pad(out: Path) -> Path:
    """The login screen at 800 x 480: four people, one picked after a wrong PIN, two digits typed again."""
    from inspector.users import UserDirectory
    from ui.gui_gc import application
    from ui.link import StationLink
    from ui.login import LoginDialog
    from ui.model import StationModel

    def people(store) -> None:
        users = UserDirectory(store)
        users.add(None, "adam", "admin", "715493", reason="screenshot")
        admin = users.login("adam", "715493")
        for name, role, pin in (("olga", "operator", "482107"), ("quinn", "qa", "593268"),
                                ("tess", "technician", "604319"), ("mia", "operator", "371902")):
            users.add(admin, name, role, pin, reason="screenshot")

    app = application()
    with served(users=people) as (_, socket):
        link = StationLink.local(StationModel(), socket).start()
        link.wait_connected(10)
        dialog = LoginDialog(link, scale=1.0)
        dialog.resize(*SIZES[1])
        dialog.show()
        dialog.choose("olga")
        dialog.submit("222222")
        for digit in "48":
            dialog.pad.press(digit)
        wait_until(app, lambda: False, 0.5)
        path = out / f"pin_pad_{SIZES[1][0]}x{SIZES[1][1]}.png"
        grab = dialog.grab()
        size = save_png(grab, path)
        print(f"  {path} {grab.width()}x{grab.height()} {size // 1000} kB", file=sys.stderr)
        dialog.close()
        link.close()
    return path


def shoot_calibration(out: Path):
    """The calibration screen at 800 x 480 over a simulated station's runtime (``ui.calibration_shots``)."""
    from ui.calibration_shots import shoot_calibration as shoot

    return shoot(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--lead-in", type=int, default=150, help="parts before the one shown (counters, charts)")
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--only", choices=["window", "pin-pad", "calibration", "review", "models", "fit"],
                        help="one kind of screenshot")
    parser.add_argument("--language", choices=["en", "de"], default="en",
                        help="the window's language; de: the line screen, menu, login, calibration and review at "
                             "800 x 480 into <out>/de")
    args = parser.parse_args()
    if args.language != "en":
        main_in(args.language, args.out / args.language, args)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "window"):
        for recipe in ("cartridge-box", "surface-part"):
            shoot(recipe, args.out, args.lead_in, args.rate)
    if args.only in (None, "pin-pad"):
        shoot_pin_pad(args.out)
    if args.only in (None, "calibration"):
        shoot_calibration(args.out)
    if args.only in (None, "review"):  # the QA review screen and reports (ui/review/shots.py)
        from ui.review.shots import shoot_review

        shoot_review(args.out)
    if args.only in (None, "models"):  # the MODELS screen over a station taken through the lifecycle
        from ui.models_shots import shoot_models

        shoot_models(args.out)
    if args.only in (None, "fit"):  # issue #21's fixes at 800 x 480: dialogs as sheets, alarms, strip (ui/fit_shots.py)
        from ui.fit_shots import shoot_fit

        shoot_fit(args.out)


def main_in(language: str, out: Path, args) -> None:
    """The screens of another language at the Pi's 800 x 480 (what is worth a look: where the words got longer)."""
    from ui.gui_gc import application
    from ui.i18n import use_language

    application()
    use_language(language)
    out.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "window"):
        shoot("cartridge-box", out, args.lead_in, args.rate, sizes=(SIZES[1],))
    if args.only in (None, "pin-pad"):
        shoot_pin_pad(out)
    if args.only in (None, "calibration"):
        shoot_calibration(out)
    if args.only in (None, "review"):
        from ui.review.shots import shoot_review

        shoot_review(out, language)


if __name__ == "__main__":
    main()
