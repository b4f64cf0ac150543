"""Something to run once a widget's first frame is on screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Runs ``then`` once, after the first paint of ``widget`` has been flushed, and goes."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        # A zero timer runs after the whole repaint, the flush to the screen included. Its
        # own object, not QTimer.singleShot: that leaves a helper on the application until
        # it fires.
        self._after = QTimer(self)
        self._after.setSingleShot(True)
        self._after.setInterval(0)
        self._after.timeout.connect(self._run)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._after.start()
        return False

    def _run(self) -> None:
        self._then()
        self.deleteLater()
