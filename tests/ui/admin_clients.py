"""API clients of a served station for the ADMIN screens' tests, and what the window's login gate gives a screen:
the user logged in on that client (the client carries the token; the runtime checks every call)."""
from __future__ import annotations

from dataclasses import dataclass

from inspector.api.client import Client
from inspector.permissions import allowed
from inspector.users import Role
from tests.api.conftest import PINS


def remote(server, user: str | None = None) -> Client:
    """A desk PC's client: TLS to the station, logged in as ``user``."""
    client = Client.tls("127.0.0.1", server.port, fingerprint=server.fingerprint)
    if user is not None:
        client.login(user, PINS[user])
    return client


@dataclass
class _User:
    name: str
    role: Role


@dataclass
class _Session:
    user: _User


class ClientLogin:
    """The gate over one client: ``session_for`` gives the logged-in user when the role may act (``trusting``: always,
    as a client that skips its own check would), else None and the ask is remembered."""

    def __init__(self, client: Client, *, trusting: bool = False) -> None:
        self.client, self.trusting, self.asked = client, trusting, []
        self.session: _Session | None = None

    def log_in(self, user: str) -> "ClientLogin":
        reply = self.client.login(user, PINS[user])
        self.session = _Session(_User(reply["user"], Role(reply["role"])))
        return self

    def session_for(self, action: str, then):
        if self.session is not None and (self.trusting or allowed(self.session.user.role, action)):
            return self.session
        self.asked.append((action, then))
        return None
