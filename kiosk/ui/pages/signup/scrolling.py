"""Scrolling the form to a field: the least that shows it, and never through a line of text."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QScrollArea, QWidget

# Room kept above and below a field scrolled into view, so it never touches an edge.
_VIEW_MARGIN = 16


def scroll_to_show(scroll_area: QScrollArea, widgets: list[QWidget]) -> None:
    """Scroll the least needed to show all of ``widgets`` (a field with its hint, label
    and error); when they do not all fit, the bottom of them (the field itself)."""
    inner = scroll_area.widget()
    shown = [w for w in widgets if not w.isHidden()]
    if inner is None or not shown:
        return
    tops = [w.mapTo(inner, QPoint(0, 0)).y() for w in shown]
    top = min(tops) - _VIEW_MARGIN
    bottom = max(t + w.height() for t, w in zip(tops, shown, strict=True)) + _VIEW_MARGIN
    bar = scroll_area.verticalScrollBar()
    height = scroll_area.viewport().height()
    # How far it may go and still show the field (all of them when they fit).
    lowest = max(0, bottom - _VIEW_MARGIN - height)
    highest = min(bar.maximum(), max(tops) if bottom - top > height else min(tops))
    if bottom - top > height:
        bar.setValue(_at_a_row(scroll_area, bottom - height, lowest, highest))
    elif top < bar.value():
        bar.setValue(_at_a_row(scroll_area, top, lowest, highest))
    elif bottom > bar.value() + height:
        bar.setValue(_at_a_row(scroll_area, bottom - height, lowest, highest))
    else:  # in view, but the page may have grown or shrunk under a line (summary, keys)
        bar.setValue(_at_a_row(scroll_area, bar.value(), lowest, highest))

def _at_a_row(scroll_area: QScrollArea, wanted: int, lowest: int, highest: int) -> int:
    """The scroll position nearest ``wanted``, from ``lowest`` to ``highest``, whose top
    edge falls in the gap above a row of the form (a label, a field, a hint), never
    through a line of text; ``wanted`` itself if there is none."""
    inner = scroll_area.widget()
    layout = inner.layout() if inner is not None else None
    if inner is None or layout is None:
        return wanted
    gap = layout.spacing() // 2
    rows = {max(0, child.y() - gap) for child in inner.children()
            if isinstance(child, QWidget) and child.isVisible()}
    fits = [row for row in rows if lowest <= row <= highest]
    return min(fits, key=lambda row: abs(row - wanted)) if fits else wanted
