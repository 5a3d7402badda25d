"""``inspector serve``: the station as a service, headless, with API v1 for its screens (:mod:`inspector.api`).

    inspector serve [--config F] [--data-dir D] [--recipe R] [--simulate] [--parts N] [--rate HZ]
    inspector serve --fingerprint     the TLS certificate's fingerprint (made when missing), for clients to pin

It owns the line as ``inspector run --headless`` does (``build_station``), and listens on the station file's
``[api]`` settings: the local socket by default, TLS on ``api.port`` when ``api.tls = true``. SIGTERM or SIGINT stop it
cleanly (every part recorded); with ``--parts`` it stops after that many parts.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from inspector.cli_admin import station_config, station_options
from inspector.config import ConfigError, load_recipe


def add_command(sub) -> None:
    serve = sub.add_parser("serve", help="run the line as a service with the API for its screens (no window)")
    station_options(serve)
    serve.add_argument("--recipe", help="recipe name or .toml path (default: the station's)")
    serve.add_argument("--simulate", action="store_true", help="synthetic camera and mock pins")
    serve.add_argument("--parts", type=int, help="stop after N parts (default: until SIGTERM)")
    serve.add_argument("--rate", type=float, default=10.0, help="simulated parts per second")
    serve.add_argument("--seed", type=int, default=1, help="simulated line's random seed")
    serve.add_argument("--lot", help="the lot / batch / order the run starts with (required where lots.required)")
    serve.add_argument("--fingerprint", action="store_true",
                       help="print the TLS certificate's sha256 fingerprint (made when missing) and exit")
    serve.add_argument("-v", "--verbose", action="store_true")


def cmd_serve(args: argparse.Namespace) -> int:
    from inspector.api import tls

    config = station_config(args)
    if args.fingerprint:
        cert, _ = tls.station_certificate(Path(config.data_dir) / "api", config.station_id)
        print(tls.certificate_fingerprint(cert))
        return 0
    if args.parts is not None and args.parts <= 0:
        raise ConfigError(f"--parts {args.parts}: must be > 0")
    if args.rate <= 0:
        raise ConfigError(f"--rate {args.rate}: must be > 0")
    if not (config.api.unix_socket or config.api.tls):
        raise ConfigError("api.unix_socket = false and api.tls = false: serve needs at least one listener")
    from inspector.api.host import StationHost
    from inspector.api.server import ApiServer
    from inspector.assemble import build_station

    from inspector.line.lots import check_lot_required
    from inspector.sd_notify import Notifier
    from inspector.serving import run_until_stopped

    check_lot_required(config, args.lot, source="inspector serve (no --lot given)")
    recipe = load_recipe(args.recipe, config.recipes_dir) if args.recipe else None
    notifier = Notifier()  # systemd's, when $NOTIFY_SOCKET is set (Type=notify): READY=1 comes from the watchdog
    notifier.notify(STATUS="starting: loading models, opening camera, pins and database")
    station = build_station(config, recipe=recipe, simulate=args.simulate, rate_hz=args.rate, seed=args.seed,
                            lot=args.lot, notifier=notifier)
    started = time.monotonic()

    def build(name: str, lot: str | None = None):
        """A station for recipe ``name`` with the same settings (a recipe switch from a screen)."""
        return build_station(config, recipe=load_recipe(name, config.recipes_dir), simulate=args.simulate,
                             rate_hz=args.rate, seed=args.seed, lot=lot, notifier=notifier)

    host = StationHost(station, build, recipes_dir=Path(config.recipes_dir), parts=args.parts)
    try:
        server = ApiServer(host).start()
        server.operations.station_path = args.config  # calibration saves where the station came from
    except BaseException:
        station.close()
        raise
    print(json.dumps({"run_id": station.line.run_id, "recipe": station.recipe.name,
                      "socket": str(server.socket_path) if config.api.unix_socket else None,
                      "tls_port": server.port, "fingerprint": server.fingerprint}), flush=True)
    ok = run_until_stopped(station, notifier, parts=args.parts, tick_s=0.5, before_close=server.stop, host=host)
    station = host.station or station
    print(json.dumps({"parts": station.line.triggered, "recorded": station.stats.recorded,
                      "wall_s": round(time.monotonic() - started, 2), "clean_shutdown": ok}), file=sys.stderr)
    return 0 if ok else 1


COMMANDS = {"serve": cmd_serve}
