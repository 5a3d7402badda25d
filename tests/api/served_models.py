"""A recorded station (60 surface parts, their images and QA's verdicts: ``tests/lifecycle``) served by ApiServer on
TLS and the local socket, with the users root / ana / otto; the shipped surface model live."""
from __future__ import annotations

import pytest

from inspector.api.server import ApiServer
from inspector.assemble import build_station
from inspector.config import ApiSettings
from tests.api.conftest import add_users
from tests.lifecycle.conftest import candidate

NAME = "surface_classifier"
__all__ = ["NAME", "candidate", "served_models"]


@pytest.fixture
def served_models(station, socket_dir):
    api = ApiSettings(tls=True, host="127.0.0.1", port=0, socket_path=socket_dir / "api.sock")
    running = build_station(station.model_copy(update={"api": api}), simulate=True, seed=5)
    add_users(running.store)
    server = ApiServer(running).start()
    try:
        yield running, server
    finally:
        server.stop()
        running.close()
