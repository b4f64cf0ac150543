"""Shows a kept page version at its start time (holiday hours loaded from a USB stick days
before): a look every minute, the check and swap on a worker thread, and the watcher told
to load the swapped folder at once. A refused version is logged, and the pages stay."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from kiosk.content.kiosk_pages import KioskPages
from kiosk.content.versions import VersionError, VersionInfo
from kiosk.ui.services.off_thread import OffThread, Outcome

log = logging.getLogger(__name__)
LOOK_EVERY_MS = 60_000


class ScheduledPages(QObject):
    def __init__(self, pages: KioskPages, shown: Callable[[], None],
                 interval_ms: int = LOOK_EVERY_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pages = pages
        self._shown = shown
        self.working = OffThread("scheduled-pages", self)
        self.working.finished.connect(self._done)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.look)

    def start(self) -> None:
        self._timer.start()
        self.look()

    def stop(self) -> None:
        self._timer.stop()
        self.working.join(30)

    def look(self) -> None:
        self.working.start(self._pages.apply_due)

    def _done(self, outcome: Outcome) -> None:
        if isinstance(outcome.error, VersionError | OSError):
            log.error("a scheduled page version was refused: %s", outcome.error)
        elif outcome.error is not None:
            raise outcome.error
        elif isinstance(outcome.value, VersionInfo):
            log.info("scheduled pages shown (kept version %d)", outcome.value.number)
            self._shown()
