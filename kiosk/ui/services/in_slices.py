"""Long UI-thread work cut into short slices, so a finger on the screen is answered between them.

Building thirty section pages takes 90-130 ms and deleting the old ones tens more (see
``bench/reload_stall.py``); done in one go, a tap during a content reload would wait for all
of it. ``InSlices`` runs a list of steps a few at a time, for at most ``slice_ms`` per
event-loop turn, and lets input and painting in between.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

# One slice leaves room in a 50 ms budget for the layout and paint that may follow it.
SLICE_MS = 12.0


class InSlices(QObject):
    """Runs ``steps`` in order on the UI thread, in slices of at most ``slice_ms``
    (``SLICE_MS`` when not given).

    A slice always runs at least one step, so a slow step delays but never stops the work.
    ``finished`` comes once, after the last step; ``cancel`` drops the steps not yet run. A
    step that raises stops the work: ``failed`` comes instead, and the error goes on to
    ``sys.excepthook`` like any other unexpected error (error_guard's restart rule).
    """

    finished = Signal()
    failed = Signal()

    def __init__(self, steps: Iterable[Callable[[], object]], slice_ms: float | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: deque[Callable[[], object]] = deque(steps)
        self._slice_s = (SLICE_MS if slice_ms is None else slice_ms) / 1000
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_slice)
        self._done = False

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def steps_left(self) -> int:
        return len(self._steps)

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.stop()
        self._steps.clear()
        self._done = True

    def _run_slice(self) -> None:
        deadline = time.perf_counter() + self._slice_s
        while self._steps:
            try:
                self._steps.popleft()()
            except Exception:
                log.error("work in slices stopped: a step failed")
                self.cancel()
                self.failed.emit()
                raise  # on to sys.excepthook as from any slot: error_guard logs and counts it
            if time.perf_counter() >= deadline:
                break
        if self._steps:
            self._timer.start()
        elif not self._done:
            self._done = True
            self.finished.emit()


def delete_in_slices(widgets: Iterable[QWidget], parent: QObject,
                     slice_ms: float | None = None) -> InSlices:
    """Delete ``widgets`` (hidden, out of any layout) a slice at a time, not in one stall.

    Each is deleted there and then, so the time a slice measures is the time deleting takes
    (``deleteLater`` would defer it all to one pass of the event loop).
    """
    def delete(widget: QWidget) -> None:
        # One whose parent went first (a stack rebuilt for another language) is gone already.
        if shiboken6.isValid(widget):
            shiboken6.delete(widget)

    deleting = InSlices([partial(delete, widget) for widget in widgets], slice_ms, parent)
    deleting.finished.connect(deleting.deleteLater)
    deleting.start()
    return deleting
