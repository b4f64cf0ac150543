"""Notice any touch, click or key anywhere in the window, e.g. to keep a panel unlocked."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal

_ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin)


class ActivityWatcher(QObject):
    """Install on the window's QWindow; it only watches and never swallows an event."""

    activity = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.activity.emit()
        return False
