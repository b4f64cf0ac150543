"""Turn a horizontal finger drag anywhere on the window into 'next page' / 'previous page'.

The filter sits on the window's QWindow, so it sees presses and releases before any widget
(and before QScroller, which takes drags on the text for vertical scrolling). It only watches;
it never swallows an event, so taps and scrolling behave as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent


class SwipeDetector(QObject):
    # +1: the finger moved right-to-left (show the next page); -1: left-to-right (back).
    swiped = Signal(int)

    def __init__(self, min_distance: int = 140, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._min_distance = min_distance
        self._start: QPointF | None = None
        self.enabled = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.LeftButton:
                self._start = event.globalPosition()
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            start, self._start = self._start, None
            if start is not None and self.enabled:
                delta = event.globalPosition() - start
                dx, dy = delta.x(), delta.y()
                # Mostly sideways, and far enough that a tap or a scroll is never a swipe.
                if abs(dx) >= self._min_distance and abs(dx) > 1.5 * abs(dy):
                    self.swiped.emit(1 if dx < 0 else -1)
        return False
