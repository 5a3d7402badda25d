"""Screenshots of the ADMIN screens (MODELS, AUDIT, USERS at 800 x 480 and 1920 x 1080) as clients of a runtime that
went through the model lifecycle for real.

    .venv/bin/python -m ui.models_shots [--out resources/screenshots]

The simulated line records 60 surface parts (every image kept) and QA confirms each; two builds of the shipped
classifier (1.3.0 and 1.4.0, signed with a key made for the run and trusted in the station's ``<data_dir>/trust``)
are imported and evaluated; 1.3.0 is promoted (the shipped 1.2.0 retires), 1.4.0 goes into shadow and the line runs
40 more parts with it beside the live model. Then the station is served (``ApiServer``, local socket), its first admin
and three users are added over the API, one locks herself out with wrong PINs, and the screens are shot over an
admin's client: MODELS with the shadow selected, AUDIT with its newest page, USERS with the lock-out.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from inspector import shipped
from inspector.assemble import build_station
from inspector.config import SHIPPED_MODELS, StationConfig
from inspector.models import generate_key, sign_package

OUT = shipped.resource("screenshots")
SIZES = ((800, 480), (1920, 1080))
NAME = "surface_classifier"


def run_line(config: StationConfig, parts: int, rate: float = 20.0) -> None:
    station = build_station(config, simulate=True, rate_hz=rate, seed=11)
    try:
        station.start(parts=parts)
        end = time.monotonic() + 30 + parts / rate
        while station.stats.recorded < parts and time.monotonic() < end:
            time.sleep(0.05)
        time.sleep(1.5)  # the shadow's last results flushed
    finally:
        station.close()


def build(data: Path, version: str, key: Path) -> Path:
    folder = data.parent / f"{NAME}-{version}"
    shutil.copytree(SHIPPED_MODELS / NAME, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["version"] = version
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    (folder / "manifest.sig").unlink(missing_ok=True)
    sign_package(folder, key)
    return folder


def station_with_history(data: Path) -> StationConfig:
    """The station's data dir after record → QA → import → evaluate → promote → shadow on the line."""
    from inspector.models.evaluation import evaluate
    from inspector.models.lifecycle import ModelRegistry
    from inspector.store import Store

    config = StationConfig(recipe="surface-part", data_dir=data, images={"keep_pass_fraction": 1.0})
    run_line(config, 60)
    key, pub = generate_key(data.parent / "keys" / "plant-build.key")
    (data / "trust").mkdir(exist_ok=True)
    shutil.copy(pub, data / "trust" / "plant-build.pub")
    with Store.open(data / "inspector.db", images_dir=data / "images") as store:
        verified = qa_verify(store)
        registry = ModelRegistry(store, config)
        registry.ensure_shipped([NAME])
        first = registry.import_package(build(data, "1.3.0", key))
        evaluate(registry, first, workers=1)
        registry.promote(first.package_id, reason="Better on our QA-verified parts")
        second = registry.import_package(build(data, "1.4.0", key))
        evaluate(registry, second, workers=1)
        registry.set_shadow(second.package_id)
    run_line(config, 40, rate=10.0)
    with Store.open(data / "inspector.db", images_dir=data / "images") as store:
        qa_verify(store, after=verified)  # the shadow's parts too: its agreement with QA
    return config


def qa_verify(store, after: int = 0) -> int:
    """QA's verdict on every part after ``after`` (the simulated line knows each part's truth); the last part's id."""
    from inspector.review import Review

    review = Review(store)
    last = after
    for record in store.records():
        if record.part_id > after:
            review.submit(record.part_id, "quinn", "correct", label="good" if record.truth["should_pass"] else "defect")
            last = max(last, record.part_id)
    return last


PEOPLE = (("adam", "admin", "246810"), ("olga", "operator", "135790"), ("quinn", "qa", "975310"),
          ("tess", "technician", "864201"))


def serve(config: StationConfig, socket_dir: Path):
    """The station as ``inspector serve`` runs it (simulated hardware), its API on a local socket."""
    from inspector.api.server import ApiServer
    from inspector.config import ApiSettings

    api = ApiSettings(socket_path=socket_dir / "api.sock")
    station = build_station(config.model_copy(update={"api": api}), simulate=True, seed=11)
    return station, ApiServer(station).start()


def add_people(socket_path: Path):
    """The first admin on the local socket, the others by that admin; quinn then mistypes her PIN 5 times.
    Returns the admin's client."""
    from inspector.api.client import Client
    from inspector.api.protocol import ApiError

    client = Client.local(str(socket_path))
    (name, role, pin), *others = PEOPLE
    client.call("user_add", name=name, role=role, pin=pin, reason="installed")
    client.login(name, pin)
    for other, role, pin in others:
        client.call("user_add", name=other, role=role, pin=pin, reason="New at the station")
    with Client.local(str(socket_path)) as guesser:
        for _ in range(5):
            try:
                guesser.login("quinn", "0000")
            except ApiError:
                pass
    return client


def shoot_models(out: Path) -> list[Path]:
    from ui import theme
    from ui.audit_view import AuditView
    from ui.gui_gc import application
    from ui.models_model import ModelsModel
    from ui.models_view import ModelsView
    from ui.screenshots import save_png, wait_until
    from ui.users_view import UsersView

    app = application()
    paths = []
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(prefix="shots", dir="/tmp") as sockets:
        data = Path(tmp) / "data"
        config = station_with_history(data)
        station, server = serve(config, Path(sockets))
        client = add_people(server.socket_path)
        try:
            model = ModelsModel(client)
            shadow = next(e for e in model.entries if e.state == "shadow")
            print(f"  shadow agreement: {model.agreement(shadow)}", file=sys.stderr)
            for width, height in SIZES:
                scale = theme.scale_for(width, height)
                views = {"models": ModelsView(model, scale=scale), "audit": AuditView(client, scale=scale),
                         "users": UsersView(client, scale=scale)}
                model.select(shadow.package_id)
                views["users"].select("quinn")
                for name, view in views.items():
                    view.resize(width, height)
                    view.show()
                    wait_until(app, lambda: False, 0.5)
                    path = out / f"{name}_{width}x{height}.png"
                    grab = view.grab()
                    print(f"  {path} {grab.width()}x{grab.height()} {save_png(grab, path) // 1000} kB", file=sys.stderr)
                    paths.append(path)
                    view.close()
        finally:
            model.close()
            client.close()
            server.stop()
            station.close()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    shoot_models(args.out)


if __name__ == "__main__":
    main()
