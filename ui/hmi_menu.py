"""The line screen's HMI conventions in the ☰ MENU: END SHIFT, RESTART LOT COUNTERS, HELP; and the idle-logout
warning over the window. ``install(window)`` adds them to a ``StationWindow`` (one call in ui/app.py)."""
from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from ui.i18n import tr, tr_noop

ENTRIES = (  # objectName, button, caption under it
    ("endShift", tr_noop("END SHIFT"), tr_noop("operator, technician: shift counters to zero")),
    ("restartLot", tr_noop("RESTART LOT\nCOUNTERS"), tr_noop("technician, admin: lot counters to zero")),
)


def install(window) -> None:
    """The two menu entries, HELP in the menu's title row and (with users) the idle-logout warning; kept on the window as ``hmi_*``."""
    buttons = {name: window.menu.add(QPushButton(tr(text), objectName=name), tr(caption))
               for name, text, caption in ENTRIES}
    window.end_shift_button, window.restart_lot_button = buttons.values()
    window.help_button = window.menu.add_top(QPushButton("?  " + tr("HELP"), objectName="help"))  # the title row
    window.end_shift_button.clicked.connect(lambda: open_counters_reset(window, "shift"))
    window.restart_lot_button.clicked.connect(lambda: open_counters_reset(window, "lot"))
    window.help_button.clicked.connect(lambda: open_help(window))
    window.hmi_sheet = None
    window.idle_warning = None
    install_idle_warning(window)
    window.controller.link.connected_changed.connect(lambda _connected: install_idle_warning(window))  # after
    # the window's own handler: a window started before its runtime learns on connecting whether it has users


def install_idle_warning(window):
    from ui.idle_warning import IdleWarning

    if window.idle_warning is None and window.login is not None:
        window.idle_warning = IdleWarning(window, window.login.keeper, window.controller.link)
    return window.idle_warning


def open_counters_reset(window, scope: str):
    from ui.counters_reset import CountersResetSheet

    if window.login is not None:
        install_idle_warning(window)  # a window that learnt of users on connecting
    window.hmi_sheet = CountersResetSheet(window, scope, login=window.login)
    window.hmi_sheet.open()
    return window.hmi_sheet


def open_help(window):
    from ui.help_sheet import HelpSheet

    window.hmi_sheet = HelpSheet(window)
    window.hmi_sheet.open()
    return window.hmi_sheet
