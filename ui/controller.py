"""What the operator's buttons ask of the runtime: start, stop, acknowledge, lot, switch recipe, health, close.

Each is an API call over the station link (``ui.link``); the runtime checks the role and writes the audit entry, as
for any other screen. A refusal comes back as ``ApiError`` (``unauthorized`` / ``forbidden``: the login gate asks
for a login and repeats the tap). A recipe switch takes seconds (new models, new run): the runtime answers at once
and its ``station`` events say when the new station runs, so the window keeps drawing.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from inspector.api.protocol import ApiError
from ui.link import SWITCHING, StationLink
from ui.model import StationModel

log = logging.getLogger(__name__)


class StationController(QObject):
    refused = Signal(str)  # a request the runtime refused, in words

    def __init__(self, model: StationModel, link: StationLink, *, parent: QObject | None = None):
        super().__init__(parent)
        self.model, self.link = model, link
        self.last_refusal = ""

    @property
    def client(self):
        """The link's ``Client`` (the window's login token on it), for the screens that ask the runtime themselves."""
        return self.link.client

    @property
    def station(self) -> dict:
        """The runtime's description of its station (recipe, run, lot, recipes; ``station`` op)."""
        return self.link.station

    def health(self) -> dict:
        return self.link.health

    def _ask(self, op: str, **args):
        """One request; the auth refusals go to the caller (the login gate), others are shown and logged."""
        try:
            return self.link.call(op, **args)
        except ApiError as e:
            if e.code in ("unauthorized", "forbidden"):
                raise
            self.last_refusal = f"{op}: {e.message or e.code}"
            log.warning("the station refused %s", self.last_refusal)
            self.refused.emit(self.last_refusal)
            return None

    # -- operator actions ----------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.model.busy or self.model.running:
            return
        reply = self._ask("start", reason="START tapped")
        if reply is not None:
            self.model.set_running(bool(reply.get("running")))

    def stop(self) -> None:
        """Stop inspecting (the runtime stops the simulated conveyor too; at a real line parts still arriving are
        rejected fail-safe by the core)."""
        if not self.model.running:
            return
        reply = self._ask("stop", reason="STOP tapped")
        if reply is not None:
            self.model.set_running(bool(reply.get("running")))

    def acknowledge(self, kind: str) -> None:
        self._ask("alarm_ack", kind=kind)

    def set_lot(self, lot: str | None, reason: str = "lot entered at START") -> bool:
        return self._ask("set_lot", lot=lot, reason=reason) is not None

    def switch_recipe(self, name: str) -> bool:
        """Ask the runtime to switch to recipe ``name``; False when it cannot now (busy, same recipe, refused). The
        runtime's ``station`` events then say it is switching and which station runs after it (a refused recipe:
        the old one again, with the ``model_refused`` alarm)."""
        if self.model.busy or name == self.model.info.recipe:
            return False
        reply = self._ask("switch_recipe", name=name, reason="RECIPE picked at the line", wait=False)
        if reply is None:
            return False
        if reply.get("switching") and not self.model.busy:
            self.model.set_busy(SWITCHING.format(recipe=name))  # until the station event says so (shown translated)
        return True

    def close(self, timeout: float = 2.0) -> bool:
        """The window leaves; the runtime goes on. True when the link's reader stopped within ``timeout``."""
        ok = self.link.close(timeout)
        self.model.set_running(False)
        return ok
