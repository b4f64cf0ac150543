"""The shipper's own thread: ticks `Shipper` when due, or at once when a sign-up was saved.

Nothing here touches the UI thread: the form's save only calls `wake` (setting an event), so
a server that is slow, down or unreachable for days never holds up a patient. Qt-free.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kiosk.outbox.shipper import Shipper

log = logging.getLogger(__name__)


class ShipperThread:
    def __init__(self, shipper: Shipper, clock: Callable[[], float] = time.monotonic) -> None:
        self.shipper = shipper
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        # A daemon: a connection attempt hanging at exit must not keep the kiosk alive.
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A sign-up was saved: look now (unless the server is being given time to return)."""
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Finish the entry being sent and stop; True if the thread ended within the time."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def join(self, timeout_s: float | None = None) -> None:
        self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                due = self.shipper.tick(self._clock())
                self._wake.wait(max(0.0, due - self._clock()))
                self._wake.clear()
        finally:
            self.shipper.close()
