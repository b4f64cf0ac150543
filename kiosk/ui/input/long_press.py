"""Press and hold a widget for a while: the hidden way staff open their panel."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal


class LongPress(QObject):
    triggered = Signal()

    def __init__(self, hold_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.triggered)

    def watch(self, widget: QObject) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self._timer.start()
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                      QEvent.Type.TouchCancel, QEvent.Type.Leave, QEvent.Type.Hide):
            self._timer.stop()
        return False
