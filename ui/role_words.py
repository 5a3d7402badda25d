"""Who may do what, in the operator's words: "Calibration needs a technician: log in as one".

Built from the permissions table (:mod:`inspector.permissions`), so the line a refused tap shows always names the
roles the runtime will accept. The window opens the login with this line instead of a bare second PIN pad.
"""
from __future__ import annotations

from inspector.permissions import (ALARM_ACKNOWLEDGE, AUDIT_READ, CALIBRATION_SAVE, COUNTERS_LOT, COUNTERS_SHIFT,
                                   LINE_START, LINE_STOP, MODEL_APPROVE, RECIPE_EDIT, RECIPE_SWITCH, REVIEW_LABEL,
                                   USERS_MANAGE, roles_for)
from ui.i18n import tr, tr_noop

WHAT = {  # action -> what the tap does, as the subject of "... needs ..."
    LINE_START: tr_noop("Starting the line"),
    LINE_STOP: tr_noop("Stopping the line"),
    ALARM_ACKNOWLEDGE: tr_noop("Acknowledging an alarm"),
    REVIEW_LABEL: tr_noop("Reviewing parts"),
    CALIBRATION_SAVE: tr_noop("Calibration"),
    RECIPE_EDIT: tr_noop("Editing a recipe"),
    RECIPE_SWITCH: tr_noop("Changing the recipe"),
    AUDIT_READ: tr_noop("The audit trail"),
    MODEL_APPROVE: tr_noop("Changing the models"),
    USERS_MANAGE: tr_noop("Managing users"),
    COUNTERS_SHIFT: tr_noop("Ending a shift"),
    COUNTERS_LOT: tr_noop("Restarting a lot's counters"),
}
FIRST = {"operator": tr_noop("an operator"), "qa": tr_noop("QA"), "technician": tr_noop("a technician"),
         "admin": tr_noop("an admin")}  # the first role named, with its article
OTHER = {"operator": tr_noop("operator"), "qa": tr_noop("QA"), "technician": tr_noop("technician"),
         "admin": tr_noop("admin")}  # the roles after it
ROLE = {"operator": tr_noop("Operator"), "qa": tr_noop("QA"), "technician": tr_noop("Technician"),
        "admin": tr_noop("Admin")}


def who_may(action: str) -> str:
    """'a technician', 'an operator or technician', 'an operator, technician or admin' (people only)."""
    roles = [r for r in roles_for(action) if r in FIRST]
    if not roles:
        return tr("nobody at this screen")
    names = [tr(FIRST[roles[0]])] + [tr(OTHER[r]) for r in roles[1:]]
    if len(names) == 1:
        return names[0]
    return tr("{some} or {last}").format(some=", ".join(names[:-1]), last=names[-1])


def needs(action: str) -> str:
    """'Ending a shift needs an operator or technician' (the refusal, plainly)."""
    return tr("{what} needs {who}").format(what=tr(WHAT[action]) if action in WHAT else action, who=who_may(action))


def needs_login(action: str, session=None) -> str:
    """The login screen's line for a tap the logged-in user (if any) may not make: who is logged in, who may."""
    line = tr("{needs}: log in as one").format(needs=needs(action))
    if session is None:
        return line
    role = session.user.role.value
    return tr("{name} ({role}) is logged in.").format(name=session.user.name, role=tr(ROLE.get(role, role))) + \
        "\n" + line
