"""In-window dialogs ("sheets"): an overlay over the station window instead of a separate top-level window.

A top-level QDialog sizes itself from its content and relies on a window manager to place it: on the 800 x 480 panel
(often without a window manager) that hid OK / CANCEL / CLOSE below the screen's edge. A sheet is sized from the
window it covers, never from its content:

- the window is dimmed behind it (``Backdrop``), and taps outside it go nowhere;
- its content (``sheet.body``: subclasses lay out into it) scrolls when taller than the window;
- its button row (``sheet.pin_buttons``) is pinned under the content, always visible;
- it follows the window's size while open.

The API is the QDialog subset the screens use: ``open()``, ``accept()``, ``reject()``, ``done(r)``, ``result()``,
``accepted`` / ``rejected`` / ``finished(int)`` signals, ``setModal`` (a sheet is always modal). There is no
``exec()``: nothing waits in a nested event loop. Without a parent a sheet is a plain top-level widget (tests,
screenshots), laid out the same way.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLayout, QScrollArea, QVBoxLayout, QWidget

from ui import theme

DIM = QColor(0, 0, 0, 170)
PAD = 9  # Qt's default margin of a child widget's layout, which the content has
ROOMY_HEIGHT = 600  # from this window height on, a sheet leaves a margin of the dimmed window around it


class Backdrop(QWidget):
    """The window behind an open sheet, dimmed; it swallows taps so nothing behind the sheet reacts."""

    def __init__(self, host: QWidget):
        super().__init__(host, objectName="sheetBackdrop")
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.hide()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        QPainter(self).fillRect(self.rect(), DIM)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        event.accept()


class SheetBody(QWidget):
    """The content's page. Its height for a width is the least its layout needs: QScrollArea asks heightForWidth,
    which a layout answers with its preferred height (a picture's, a plot's), and would scroll content that fits."""

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return self.minimumSizeHint().height()


class Sheet(QFrame):
    """The base of every dialog of the station window. Subclasses lay their content out in ``self.body`` and hand
    their buttons to ``pin_buttons``; ``compact = True`` keeps a short question narrow on a wide screen."""

    accepted = Signal()
    rejected = Signal()
    finished = Signal(int)
    Accepted, Rejected = 1, 0
    compact = False

    def __init__(self, parent: QWidget | None = None):
        self.host = parent.window() if parent is not None else None
        super().__init__(self.host, objectName="sheet")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._result = self.Rejected
        self._finished = False
        self.backdrop: Backdrop | None = None
        self.body = SheetBody(objectName="sheetBody")
        self.scroll = QScrollArea(objectName="sheetScroll", widgetResizable=True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)
        self.button_row = QHBoxLayout()  # the content's own layout keeps it off the edges; the row lines up with it
        self.button_row.setContentsMargins(PAD, 0, PAD, PAD)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.scroll, 1)
        outer.addLayout(self.button_row)
        if self.host is not None:
            self.hide()
            self._follower = _Follower(self)
            self.host.installEventFilter(self._follower)

    # -- content ---------------------------------------------------------------------------------------------------
    def pin_buttons(self, *items: QWidget | QLayout, stretch: int = 0) -> None:
        """Buttons (or a row of them) under the content, never scrolled away."""
        for item in items:
            if isinstance(item, QLayout):
                self.button_row.addLayout(item, stretch)
            else:
                self.button_row.addWidget(item, stretch)

    # -- QDialog's API ---------------------------------------------------------------------------------------------
    def setModal(self, _modal: bool) -> None:  # noqa: N802 (QDialog's name): a sheet covers the window, always modal
        pass

    def open(self) -> None:
        self._finished = False
        self.show()
        self.raise_()

    def result(self) -> int:
        return self._result

    def accept(self) -> None:
        self.done(self.Accepted)

    def reject(self) -> None:
        self.done(self.Rejected)

    def done(self, result: int) -> None:
        self._result, self._finished = result, True
        self.hide()
        (self.accepted if result == self.Accepted else self.rejected).emit()
        self.finished.emit(result)

    # -- placement -------------------------------------------------------------------------------------------------
    def place(self) -> None:
        """Cover the window: all of it on a small screen, with a dimmed margin on a roomy one."""
        if self.host is None:
            return
        area = self.host.rect()
        scale = theme.scale_for(area.width(), area.height())
        margin = round(16 * scale) if area.height() >= ROOMY_HEIGHT else 0
        rect = area.adjusted(margin, margin, -margin, -margin)
        if self.compact and area.height() >= ROOMY_HEIGHT:
            width = min(rect.width(), max(round(800 * scale), rect.width() * 3 // 5))
            rect.setLeft(area.center().x() - width // 2)
            rect.setWidth(width)
        if self.backdrop is not None:
            self.backdrop.setGeometry(area)
        self.setGeometry(rect)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.host is not None:
            self._sweep()
            if self.backdrop is None:
                self.backdrop = Backdrop(self.host)
            self.place()
            self.backdrop.show()
            self.backdrop.raise_()
            self.raise_()
        (self.focusWidget() or self).setFocus(Qt.FocusReason.PopupFocusReason)
        super().showEvent(event)

    def _sweep(self) -> None:
        """Delete the window's sheets that were closed before this one opened (a part detail per tap would pile up
        on a station that runs for months)."""
        for sheet in self.host.findChildren(Sheet, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if sheet is not self and sheet._finished and not sheet.isVisible():
                if sheet.backdrop is not None:
                    sheet.backdrop.deleteLater()
                sheet.deleteLater()

    def hideEvent(self, event) -> None:  # noqa: N802
        if self.backdrop is not None:
            self.backdrop.hide()
        super().hideEvent(event)

    def event(self, event) -> bool:
        """Keys typed in a sheet are its own: the screens' shortcuts behind it (Return confirms a verdict) stay quiet,
        as behind a modal dialog."""
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
        else:
            super().keyPressEvent(event)


class _Follower(QObject):
    """Keeps an open sheet over its window when the window is resized (a rotated or replugged screen, tests)."""

    def __init__(self, sheet: Sheet):
        super().__init__(sheet)
        self.sheet = sheet

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and self.sheet.isVisible():
            self.sheet.place()
        return False

