"""Make a scroll area scroll by dragging a finger, the way a phone does, without selecting."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QWidget,
)

# The application's one flick recognizer, as a dynamic property of the application object.
_FLICK_GESTURE = "kiosk_flick_gesture"


def _flick_gesture() -> Qt.GestureType:
    """The gesture type of one drag-to-scroll recognizer, registered once per program.

    ``QScroller.grabGesture`` registers a new recognizer with a new gesture type number on
    every call, and PySide6 (6.11) keeps a Python enum member for every number it converts,
    for ever: a scroll area built for each patient (the form) or each change of language
    would leak about 4 KB. One recognizer serves every viewport, because the gesture it
    makes for a widget drives that widget's own QScroller. It is registered for the
    application object itself, which lives as long as the program: registered for a child
    object of the application instead, the process corrupted its heap on exit.
    """
    app = QCoreApplication.instance()
    assert app is not None
    known = app.property(_FLICK_GESTURE)
    if known is not None:
        return Qt.GestureType(int(known))  # a number seen before: PySide reuses its member
    gesture = QScroller.grabGesture(app, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    app.setProperty(_FLICK_GESTURE, int(gesture))
    return gesture


def make_touch_scrollable(area: QAbstractScrollArea) -> None:
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    viewport = area.viewport()
    scroller = QScroller.scroller(viewport)
    viewport.grabGesture(_flick_gesture())
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
