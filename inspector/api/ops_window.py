"""What the line's own window asks of the runtime besides the shared operations: who may log in at it, and (until the
runtime's own station operations replace them) the station's description, its health and the lot at START."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector.permissions import RECIPE_SWITCH

if TYPE_CHECKING:
    from inspector.api.operations import Caller


class WindowOps:
    def op_login_users(self, args: dict, caller: Caller) -> list[dict[str, Any]]:
        """The active users' names and roles for the login screen's buttons: on the local socket only (the line's
        own touchscreen, guarded by the socket's file mode); over the network the user types the name."""
        if not caller.local:
            return []
        return [{"name": u.name, "role": u.role.value} for u in self.logins.users.users()]

    def op_station(self, args: dict, caller: Caller) -> dict[str, Any]:
        """What a screen names the station by: recipe, run, lot, models, the recipes it can switch to."""
        self.viewer(caller)
        station = self.station
        line, recipe, config = station.line, station.recipe, station.config
        roi = getattr(line.models, "roi", None)
        return {"recipe": recipe.name, "product": recipe.product, "expected": recipe.expected_count,
                "run_id": line.run_id, "models": dict(line.models.versions), "layout": recipe.layout,
                "roi": list(roi) if roi else None, "deadline_ms": config.timing.travel_s * 1000, "lot": line.lot,
                "lots_required": config.lots.required, "running": line.running,
                "recipes": sorted(p.stem for p in Path(config.recipes_dir).glob("*.toml"))}

    def op_health(self, args: dict, caller: Caller) -> dict[str, Any]:
        self.viewer(caller)
        station = self.station
        return {"camera_dropped": station.line.frames.dropped_frames, "saved": station.writer.stats().written,
                "running": station.line.running}

    def op_set_lot(self, args: dict, caller: Caller) -> dict[str, Any]:
        """The lot for the parts from now on (``lots.change_lot``: audited with the lot before and after)."""
        from inspector import actions
        from inspector.line.lots import change_lot, validate_lot

        who = self.actor(caller, RECIPE_SWITCH)
        station = self.station
        lot = validate_lot(args.get("lot"), source="lot")
        changed = change_lot(None if who is actions.NO_USERS else who, self.store, station.line, lot,
                             reason=str(args.get("reason") or "lot set from a client"),
                             required=station.config.lots.required, sealer=getattr(station, "sealer", None))
        return {"lot": station.line.lot, "changed": changed}
