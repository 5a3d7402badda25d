"""API op ``review_undo``: a QA reviewer undoes a saved verdict from any screen (the line's or a desk PC's).

The runtime checks the role and the signature and writes through :func:`inspector.actions.undo_label`, so the new
label row and its ``review.undo`` audit entry are exactly those of the station's own review screen.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from inspector import actions
from inspector.api.protocol import ApiError


class ReviewUndoOps:
    def op_review_undo(self, args: dict, caller: Any) -> dict:
        """{part_id, reason, pin, label_id?, seconds_spent?, reviewer?}: the undo row (``undoes`` = the verdict
        undone). ``reviewer`` names who undoes it only on the local socket of a station without users."""
        if caller.local and not caller.token and actions.users_configured(self.store) == 0:
            session = actions.NO_USERS  # the line's own screen of a station without users names its reviewer
        else:
            session = self.reviewer(caller)
        if "part_id" not in args:
            raise ApiError("bad_request", "review_undo: part_id is required")
        label_id = args.get("label_id")
        label = actions.undo_label(session, self.review, int(args["part_id"]), reason=str(args.get("reason") or ""),
                                   pin=args.get("pin"), label_id=int(label_id) if label_id is not None else None,
                                   reviewer=args.get("reviewer"), seconds_spent=args.get("seconds_spent"))
        return asdict(label)
