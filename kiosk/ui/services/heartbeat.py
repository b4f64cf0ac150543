"""The systemd watchdog's heartbeat, from the UI thread.

READY=1 goes once the window has painted for the first time; WATCHDOG=1 then comes from a
QTimer on the UI thread, so the pings stop when that thread stops turning the event loop (a
slot that never returns, a deadlock, a stopped process) and systemd restarts the kiosk. A
thread of its own would keep pinging for a frozen screen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.watchdog import Notifier

log = logging.getLogger(__name__)


class Heartbeat(QObject):
    def __init__(self, notifier: Notifier, window: QWidget, status: str = "") -> None:
        super().__init__(window)
        self._notifier = notifier
        self._status = status
        self._window = window
        self._ready = False
        self.timer = QTimer(self)
        interval = notifier.ping_interval_ms
        if interval is not None:
            self.timer.setInterval(interval)
        self.timer.timeout.connect(notifier.ping)
        if notifier.enabled:
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._ready:
            self._ready = True
            self._window.removeEventFilter(self)
            # After this paint has finished, not before it starts.
            QTimer.singleShot(0, self, self._send_ready)
        return False

    def _send_ready(self) -> None:
        self._notifier.ready(self._status)
        if self._notifier.ping_interval_ms is not None:
            log.info("systemd watchdog: a ping every %d ms", self._notifier.ping_interval_ms)
            self._notifier.ping()
            self.timer.start()

    def stop(self) -> None:
        """The kiosk is quitting on purpose: no more pings, and systemd should not wait."""
        self.timer.stop()
        self._notifier.stopping()
