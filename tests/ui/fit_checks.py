"""Does a screen fit? Checks over any Qt widget tree, each returning the findings (empty: it fits).

Nothing here knows the station's screens, so another language's run can reuse them:

- ``outside(root)``: shown widgets that reach past the window (or past the content they scroll in);
- ``overlapping(root)``: pairs of shown siblings, laid out by the same layout, that cover each other;
- ``cut_texts(root)``: labels and buttons whose text does not fit their room, measured with Qt's font metrics (a
  label that shrinks its own font to fit, ``fitted()``, by what it draws: whole, and legible);
- ``small_targets(root)``: tap targets under 48 x 48 px.

A widget counts as shown when it is visible, non-empty and its whole chain up to ``root`` is; widgets inside a scroll
area are judged within the scrolled content, and the scroll area itself within the window.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox, QComboBox,
                               QHeaderView, QLabel, QLayout, QLineEdit, QPushButton, QStyle, QStyleOptionButton,
                               QWidget)

MIN_TARGET_PX = 48
MIN_FITTED_PX = 11  # a label that shrinks its font to fit (``fitted()``) must stay legible on the Pi's 7" (~2 mm)
SLACK_PX = 1  # rounding of fractional font advances


def shown(root: QWidget) -> list[QWidget]:
    """Every widget under ``root`` that the user can see (visible, with a size)."""
    return [w for w in root.findChildren(QWidget)
            if w.isVisibleTo(root) and w.isVisible() and w.width() > 0 and w.height() > 0
            and not _in_item_view(w, root)]


def _in_item_view(widget: QWidget, root: QWidget) -> bool:
    """Inside a table or list's own viewport machinery (headers, editors, scroll bars): the view's business."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea) and not _is_plain_scroll(parent):
            return True
        parent = parent.parentWidget()
    return False


def _is_plain_scroll(area: QWidget) -> bool:
    return type(area).__name__ == "QScrollArea" or area.inherits("QScrollArea")


def frame_of(widget: QWidget, root: QWidget) -> tuple[QWidget, QRect]:
    """The widget it must stay inside (the scroll area's content, else ``root``) and its rectangle there."""
    parent = widget.parentWidget()
    if parent is not None and parent.objectName() == "qt_scrollarea_viewport":
        return widget, widget.rect()  # the scrolled content itself: larger than its view on purpose
    while parent is not None and parent is not root:
        holder = parent.parentWidget()
        if holder is not None and holder.objectName() == "qt_scrollarea_viewport":
            return parent, QRect(widget.mapTo(parent, QPoint(0, 0)), widget.size())
        parent = holder
    return root, QRect(widget.mapTo(root, QPoint(0, 0)), widget.size())


def describe(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    text = text.replace("\n", " ⏎ ")[:40] if isinstance(text, str) else ""
    return f"{type(widget).__name__}#{widget.objectName() or '-'}" + (f" '{text}'" if text else "")


def outside(root: QWidget) -> list[str]:
    found = []
    for widget in shown(root):
        frame, rect = frame_of(widget, root)
        if not frame.rect().contains(rect):
            found.append(f"{describe(widget)} at {_r(rect)} outside {describe(frame)} {_r(frame.rect())}")
    return found


def _managed(widget: QWidget) -> bool:
    """Placed by its parent's layout (overlays, pop-ups and sheets are placed by hand and cover on purpose)."""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    return layout is not None and _holds(layout, widget)


def _holds(layout: QLayout, widget: QWidget) -> bool:
    if layout.indexOf(widget) >= 0:
        return True
    for i in range(layout.count()):
        child = layout.itemAt(i).layout()
        if child is not None and _holds(child, widget):
            return True
    return False


def overlapping(root: QWidget) -> list[str]:
    found = []
    widgets = [w for w in shown(root) if _managed(w)]
    by_parent: dict[int, list[QWidget]] = {}
    for widget in widgets:
        by_parent.setdefault(id(widget.parentWidget()), []).append(widget)
    for siblings in by_parent.values():
        for i, a in enumerate(siblings):
            for b in siblings[i + 1:]:
                common = a.geometry().intersected(b.geometry())
                if common.width() > 0 and common.height() > 0:
                    found.append(f"{describe(a)} {_r(a.geometry())} overlaps {describe(b)} {_r(b.geometry())}")
    return found


def cut_headers(root: QWidget) -> list[str]:
    """Column headers of tables: each section at least as wide as its words (a table may scroll sideways)."""
    found = []
    for header in root.findChildren(QHeaderView):
        if header.orientation() != Qt.Orientation.Horizontal or not header.isVisible() or not header.isVisibleTo(root):
            continue
        metrics = QFontMetrics(header.font())
        margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        model = header.model()
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            wide = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0) + margin
            if wide > header.sectionSize(section) + SLACK_PX:
                found.append(f"header '{text.replace(chr(10), ' ')}' needs {wide}, has {header.sectionSize(section)}")
    return found


def cut_texts(root: QWidget) -> list[str]:
    found = []
    for widget in shown(root):
        if isinstance(widget, QLabel):
            problem = _label_cut(widget)
        elif isinstance(widget, QPushButton):
            problem = _button_cut(widget)
        else:
            problem = None
        if problem:
            found.append(f"{describe(widget)}: {problem}")
    return found


def _label_cut(label: QLabel) -> str | None:
    text = label.text()
    if not text:
        return None
    if callable(getattr(label, "fitted", None)):  # it draws itself shrunk to its room: judged by what it draws
        font, drawn = label.fitted()
        size = QFontMetrics(font).height() if font.pixelSize() <= 0 else font.pixelSize()
        if drawn != text:
            return f"elided to {drawn!r}"
        natural = label.fontMetrics().horizontalAdvance(text)
        return (f"shrunk to {size} px to fit {label.contentsRect().width()} px (needs {natural} px at its own size; "
                f"under {MIN_FITTED_PX} px)" if size < MIN_FITTED_PX else None)
    room = label.contentsRect()
    indent = max(label.margin(), 0)
    room = room.adjusted(indent, indent, -indent, -indent)
    if _rich(label):
        return _rich_cut(label, room)
    metrics = label.fontMetrics()
    if label.wordWrap():
        needed = metrics.boundingRect(QRect(0, 0, room.width(), 100_000),
                                      int(Qt.TextFlag.TextWordWrap) | int(label.alignment()), text)
        if needed.height() > room.height() + SLACK_PX or needed.width() > room.width() + SLACK_PX:
            return f"needs {needed.width()}x{needed.height()}, has {room.width()}x{room.height()}"
        return None
    lines = text.split("\n")
    wide = max(metrics.horizontalAdvance(line) for line in lines)
    tall = metrics.lineSpacing() * (len(lines) - 1) + metrics.height()
    if wide > room.width() + SLACK_PX or tall > room.height() + SLACK_PX:
        return f"needs {wide}x{tall}, has {room.width()}x{room.height()}"
    return None


def _rich(label: QLabel) -> bool:
    form = label.textFormat()
    return form == Qt.TextFormat.RichText or form == Qt.TextFormat.AutoText and "<" in label.text() \
        and ">" in label.text()


def _rich_cut(label: QLabel, room: QRect) -> str | None:
    """Rich text laid out as QLabel does: a document in the label's font, wrapped to its width when it wraps."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    if label.wordWrap():
        document.setTextWidth(room.width())
    wide, tall = round(document.idealWidth()), round(document.size().height())
    if wide > room.width() + SLACK_PX or tall > room.height() + SLACK_PX:
        return f"needs {wide}x{tall}, has {room.width()}x{room.height()}"
    return None


def _button_cut(button: QPushButton) -> str | None:
    text = button.text()
    if not text:
        return None
    option = QStyleOptionButton()
    button.initStyleOption(option)
    room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    metrics = button.fontMetrics()
    lines = text.replace("&&", "&").split("\n")
    wide = max(metrics.horizontalAdvance(line) for line in lines)
    if not button.icon().isNull():
        wide += button.iconSize().width() + 4
    tall = metrics.lineSpacing() * (len(lines) - 1) + metrics.height()
    if wide > room.width() + SLACK_PX or tall > room.height() + SLACK_PX:
        return f"needs {wide}x{tall}, has {room.width()}x{room.height()}"
    return None


def small_targets(root: QWidget, minimum: int = MIN_TARGET_PX) -> list[str]:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSlider, QAbstractSpinBox)
    return [f"{describe(w)} {w.width()}x{w.height()}" for w in shown(root)
            if isinstance(w, kinds) and not _in_scroll_bar(w) and not _inside_spin_box(w)
            and (w.width() < minimum or w.height() < minimum)]


def _inside_spin_box(widget: QWidget) -> bool:
    """A spin box's own line edit: the spin box is the target."""
    return isinstance(widget.parentWidget(), QAbstractSpinBox)


def _in_scroll_bar(widget: QWidget) -> bool:
    return widget.inherits("QScrollBar")


def _r(rect: QRect) -> str:
    return f"({rect.x()},{rect.y()} {rect.width()}x{rect.height()})"


def problems(root: QWidget, *, targets: bool = True, texts: bool = True) -> list[str]:
    """All findings for ``root`` (the overlap and bounds checks always; texts and tap targets as asked)."""
    found = outside(root) + overlapping(root)
    if texts:
        found += cut_texts(root) + cut_headers(root)
    if targets:
        found += small_targets(root)
    return found


def painted_texts(rows, bounds: QRect, flags: int) -> list[str]:
    """Text a widget paints itself, as ``(text, font, rect)`` rows: each must stay in its rect and inside ``bounds``,
    and no two may cover each other (measured with the font's metrics, wrapped as drawn)."""
    from PySide6.QtGui import QFontMetrics

    found, inked = [], []
    for text, font, rect in rows:
        if not text:
            continue
        ink = QFontMetrics(font).boundingRect(rect, flags, text)
        if not rect.contains(ink) or not bounds.contains(ink):
            found.append(f"'{text[:40]}' needs {_r(ink)}, has {_r(rect)}")
        for other, other_ink in inked:
            if ink.intersects(other_ink):
                found.append(f"'{text[:40]}' {_r(ink)} overlaps '{other[:40]}' {_r(other_ink)}")
        inked.append((text, ink))
    return found
