"""Make a scroll area scroll by dragging a finger, the way a phone does, without selecting."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QWidget,
)


def make_touch_scrollable(area: QAbstractScrollArea) -> None:
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    never = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, never)
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, never)
    scroller.setScrollerProperties(properties)


def scroll_into_view(area: QScrollArea, widget: QWidget, margin: int) -> None:
    """Scroll ``area`` the least needed to show all of ``widget`` plus ``margin`` around it.

    (``QScrollArea.ensureWidgetVisible`` only shows a line edit's cursor, not the field.)
    """
    inner = area.widget()
    if inner is None:
        return
    bar = area.verticalScrollBar()
    top = widget.mapTo(inner, QPoint(0, 0)).y() - margin
    bottom = top + widget.height() + 2 * margin
    height = area.viewport().height()
    QScroller.scroller(area.viewport()).stop()
    if top < bar.value() or bottom - top > height:
        bar.setValue(top)
    elif bottom > bar.value() + height:
        bar.setValue(bottom - height)
