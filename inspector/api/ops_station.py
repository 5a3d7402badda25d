"""The line screen's operations on the station itself: what runs (``station``), the recipes and the switch between
them, the lot, and the health the status line shows. A mixin of :class:`inspector.api.operations.Operations`.

Acting goes through the core as at the station: a recipe switch through ``actions.switch_recipe`` (role checked,
before/after audited), a lot change through ``inspector.line.lots.change_lot`` (audited, the record chain sealed).
"""
from __future__ import annotations

from typing import Any

from inspector import actions
from inspector.api import API_VERSION
from inspector.api.protocol import ApiError
from inspector.permissions import RECIPE_SWITCH

SWITCH_WAIT_S = 120.0  # a switch closes a station and builds one (models verified): seconds on a small board


class StationOps:
    """Needs ``self.host`` (:class:`inspector.api.host.StationHost`), ``self.store``, ``self.viewer``, ``self.actor``
    and ``self.health_of`` from :class:`Operations`."""

    # -- viewing -----------------------------------------------------------------------------------------------
    def station_info(self) -> dict[str, Any]:
        """What the line screen's header and status line show about the station (also the ``station`` event)."""
        host = self.host
        station = host.station
        info: dict[str, Any] = {"api": API_VERSION, "busy": host.busy, "switching": host.switching,
                                "recipes": host.recipes(), "users_configured": actions.users_configured(self.store)}
        if station is None:
            return {**info, "station_id": None, "recipe": None, "product": None, "expected": None, "run_id": None,
                    "models": {}, "deadline_ms": None, "running": False, "halted": False, "lot": None,
                    "lots_required": False, "layout": None, "roi": None}
        recipe, line, config = station.recipe, station.line, station.config
        roi = getattr(line.models, "roi", None)
        return {**info, "station_id": config.station_id, "recipe": recipe.name, "product": recipe.product,
                "expected": recipe.expected_count, "run_id": line.run_id, "models": dict(line.models.versions),
                "deadline_ms": config.timing.travel_s * 1000, "running": bool(line.running),
                "halted": bool(line.halted), "lot": line.lot, "lots_required": bool(config.lots.required),
                "layout": list(recipe.layout) if getattr(recipe, "layout", None) else None,
                "roi": list(roi) if roi is not None else None}

    def op_station(self, args: dict, caller: Any) -> dict:
        self.viewer(caller)
        return self.station_info()

    def op_recipes(self, args: dict, caller: Any) -> dict:
        self.viewer(caller)
        station = self.host.station
        return {"recipes": self.host.recipes(), "current": station.recipe.name if station is not None else None}

    def op_health(self, args: dict, caller: Any) -> dict:
        self.viewer(caller)
        return self.health_of()

    # -- acting ------------------------------------------------------------------------------------------------
    def op_switch_recipe(self, args: dict, caller: Any) -> dict:
        """{name, reason?, wait?}: switch the line to recipe ``name`` (audited). With ``wait`` (default) the reply
        comes once the new station runs: the station's info, or ``refused`` with why (the old recipe was built again
        and the ``model_refused`` alarm raised). Without: at once ({switching: name}); ``station`` events follow."""
        name = args.get("name")
        if not isinstance(name, str) or not name:
            raise ApiError("bad_request", "switch_recipe needs name (a recipe name, see op recipes)")
        who = self.actor(caller, RECIPE_SWITCH)
        host = self.host
        if name not in host.recipes():
            raise ApiError("not_found", f"recipe {name!r}: not in {host.recipes_dir} (op recipes lists them)")
        station = self.station
        if name == station.recipe.name:
            return {**self.station_info(), "switched": False}
        reason = str(args.get("reason") or "recipe switched from a client")
        session = None if who is actions.NO_USERS else who
        if not actions.switch_recipe(session, self.store, station.recipe.name, name, host.begin_switch,
                                     reason=reason):
            raise ApiError("refused", f"switch to {name}: {host.why_not(name) or 'not possible now'}")
        if not args.get("wait", True):
            return {"switching": name}
        outcome = host.wait_switched(float(args.get("timeout_s") or SWITCH_WAIT_S))
        if outcome is None:
            raise ApiError("refused", f"switch to {name}: still running after the wait; station events follow")
        if outcome.refusal:
            raise ApiError("refused", outcome.refusal)
        return {**self.station_info(), "switched": True}

    def op_set_lot(self, args: dict, caller: Any) -> dict:
        """{lot, reason?}: the lot (batch / order id) in force from the next part on, audited; the record chain is
        sealed so the lot that ended is sealed whole. ``lot`` null or blank clears it (refused where lots.required)."""
        from inspector.line.lots import change_lot

        who = self.actor(caller, RECIPE_SWITCH)
        station = self.station
        if self.host.switching:
            raise ApiError("refused", f"set_lot: {self.host.busy}")
        changed = change_lot(None if who is actions.NO_USERS else who, self.store, station.line, args.get("lot"),
                             reason=str(args.get("reason") or "lot changed from a client"),
                             required=station.config.lots.required, sealer=getattr(station, "sealer", None))
        if changed:
            self.host.changed()
        return {"lot": station.line.lot, "changed": changed}
