"""Lots: the batch / order id a part is made in, set when the line starts and changed only as an audited action.

A lot id is what a person types or a barcode scanner sends: printable text, no control characters, at most
``MAX_LOT_LENGTH`` characters (surrounding spaces are dropped). The station file's ``[lots] required = true`` refuses
to start the line without one. The line stamps the lot in force on each part at its trigger; the run row holds the
lot in force now; each change is one audit entry (who, when, before, after, why).
"""
from __future__ import annotations

from typing import Any

from inspector import audit
from inspector.config import ConfigError
from inspector.permissions import RECIPE_SWITCH

MAX_LOT_LENGTH = 64
LOT_CHANGE = "lot.change"  # the audit action; allowed to whoever may change the product (RECIPE_SWITCH)
REQUIRED_SETTING = "lots.required"


class LotError(ConfigError):
    """A lot id refused, or a start refused for want of one; the message names the value and the rule."""


def validate_lot(value: Any, *, source: str = "lot") -> str | None:
    """The lot id as stored (surrounding spaces dropped); None for no lot (None or blank). Raises LotError naming
    ``source`` (``--lot``, ``lot``…), the value and the rule it breaks."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise LotError(f"{source} = {value!r}: a lot id is text")
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_LOT_LENGTH:
        raise LotError(f"{source} = {text[:20]!r}…: {len(text)} characters; a lot id has at most {MAX_LOT_LENGTH}")
    if not text.isprintable():
        bad = next(c for c in text if not c.isprintable())
        raise LotError(f"{source} = {text!r}: holds the control or non-printable character {bad!r} "
                       f"(U+{ord(bad):04X}); a lot id is printable text only")
    return text


def check_lot_required(config: Any, lot: str | None, *, source: str = "station settings") -> None:
    """Refuse (LotError) to start the line without a lot when the station file requires one."""
    if lot is None and config.lots.required:
        raise LotError(f"{source}: {REQUIRED_SETTING} = true: the line does not start without a lot; give one "
                       "(inspector run --lot L, or type / scan it at the station)")


def change_lot(session: Any, store: Any, line: Any, new: Any, *, reason: str = "lot change",
               required: bool = False, sealer: Any = None) -> bool:
    """Set the lot of ``line`` (running or stopped) to ``new`` as the session's user, in the audit trail with the
    lot before and after; False when it is the lot already. With ``required`` (the station's ``lots.required``) the
    lot cannot be cleared. The run row follows in the same transaction as the audit entry; then ``sealer`` (the
    station's) signs the record chain's head, so the lot that ended is sealed as a whole.
    """
    from inspector.actions import actor
    from inspector.store.lots import set_run_lot

    lot = validate_lot(new)
    if lot is None and required:
        raise LotError(f"lot = {new!r}: {REQUIRED_SETTING} = true: the lot cannot be cleared, only changed")
    who = actor(session, store, RECIPE_SWITCH)
    before = line.lot
    if lot == before:
        return False
    with audit.transaction(store) as conn:
        audit.append(conn, who, LOT_CHANGE, f"line:{line.run_id}", {"lot": before, "running": bool(line.running)},
                     {"lot": lot}, reason)
        set_run_lot(conn, line.run_id, lot)
        line.lot = lot  # the next trigger takes it; parts already triggered keep theirs
    if sealer is not None:
        sealer.seal(store, f"lot change {before} -> {lot}")
    return True
