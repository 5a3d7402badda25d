"""Who may do what: each role's actions, checked in the core by ``require`` before anything changes.

Roles do not inherit from one another; the table below is the whole truth (tests check every role x action):

=============  ============================================================================
operator       run and stop the line, acknowledge alarms, switch the recipe (product change), end a shift (its
               counters start again from zero)
qa             review parts and correct their labels; read the audit trail
technician     calibrate, edit recipes, switch the recipe; run/stop the line and acknowledge alarms (needed while
               calibrating); end a shift; restart a lot's counters
admin          manage users, approve (activate) model packages, switch the recipe; read the audit trail; restart a
               lot's counters
system         the station itself: starts and stops the automatic line, never a person
=============  ============================================================================

While a station has no users at all (a fresh simulated line), the screens act without a login and the audit trail
names the actor ``NO_USERS`` ("local, no users configured"): see ``inspector.actions.actor``.
"""
from __future__ import annotations

from typing import Any

LINE_START = "line.start"
LINE_STOP = "line.stop"
ALARM_ACKNOWLEDGE = "alarm.acknowledge"
REVIEW_LABEL = "review.label"
CALIBRATION_SAVE = "calibration.save"
RECIPE_EDIT = "recipe.edit"
RECIPE_SWITCH = "recipe.switch"
AUDIT_READ = "audit.read"
MODEL_APPROVE = "model.approve"
USERS_MANAGE = "users.manage"
COUNTERS_SHIFT = "counters.shift"  # end the shift: the line screen's shift counters start again (records untouched)
COUNTERS_LOT = "counters.lot"  # restart the lot in force's counters mid-lot (e.g. after sorting a lot again)

ACTIONS = (LINE_START, LINE_STOP, ALARM_ACKNOWLEDGE, REVIEW_LABEL, CALIBRATION_SAVE, RECIPE_EDIT, RECIPE_SWITCH,
           MODEL_APPROVE, USERS_MANAGE, AUDIT_READ, COUNTERS_SHIFT, COUNTERS_LOT)

ALLOWED: dict[str, frozenset[str]] = {
    "operator": frozenset({LINE_START, LINE_STOP, ALARM_ACKNOWLEDGE, RECIPE_SWITCH, COUNTERS_SHIFT}),
    "qa": frozenset({REVIEW_LABEL, AUDIT_READ}),
    "technician": frozenset({CALIBRATION_SAVE, RECIPE_EDIT, RECIPE_SWITCH, LINE_START, LINE_STOP, ALARM_ACKNOWLEDGE,
                             COUNTERS_SHIFT, COUNTERS_LOT}),
    "admin": frozenset({USERS_MANAGE, MODEL_APPROVE, RECIPE_SWITCH, AUDIT_READ, COUNTERS_LOT}),
    "system": frozenset({LINE_START, LINE_STOP}),
}

SIGNED = frozenset({RECIPE_EDIT, REVIEW_LABEL, MODEL_APPROVE})
"""Actions that matter enough to ask for the PIN again and a reason (an electronic signature)."""


class PermissionDenied(PermissionError):
    """A session asked for an action its role does not allow, or it is no longer logged in."""

    def __init__(self, message: str, *, user: str | None = None, role: str | None = None, action: str | None = None):
        super().__init__(message)
        self.user, self.role, self.action = user, role, action


class SessionExpired(PermissionDenied):
    """The session was logged out (by hand, idle time-out or lock-out); log in again."""


def role_name(role: Any) -> str:
    return getattr(role, "value", role)


def allowed(role: Any, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    return action in ALLOWED.get(role_name(role), frozenset())


def roles_for(action: str) -> list[str]:
    return [role for role, actions in ALLOWED.items() if action in actions]


def require(session: Any, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``session`` is logged in with a role that may do ``action``.

    ``session`` is a ``users.Session`` (checked for idle time-out, log-out and a since-deactivated user) or the
    ``users.SYSTEM`` actor. A successful check counts as activity and keeps the session alive.
    """
    if session is None:
        raise PermissionDenied(f"{action} needs a logged-in user (allowed for: {', '.join(roles_for(action))})",
                               action=action)
    check_alive = getattr(session, "check_alive", None)
    if check_alive is not None:
        check_alive(action)
    user = getattr(session, "user", session)
    role = role_name(user.role)
    if not allowed(role, action):
        raise PermissionDenied(
            f"user {user.name!r} ({role}) may not {action}; allowed for: {', '.join(roles_for(action))}",
            user=user.name, role=role, action=action,
        )
    touch = getattr(session, "touch", None)
    if touch is not None:
        touch()
