"""One slow call (an Argon2 check) on a worker thread, its answer back on the UI thread.

Argon2 is meant to be slow: the PIN check takes tens of milliseconds and the passphrase
about half a second. Run on the UI thread, that froze the screen for each try. Here the
call runs on a plain Python thread (argon2-cffi and libsodium release the GIL) and its
result, or the exception it raised, comes back through a queued signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal


@dataclass(frozen=True)
class Outcome:
    value: object = None
    error: BaseException | None = None


class OffThread(QObject):
    """Runs one call at a time; ``finished`` carries an `Outcome` on the UI thread."""

    finished = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None, poll_ms: int = 10) -> None:
        super().__init__(parent)
        self._name = name
        self._thread: threading.Thread | None = None
        self._box: list[Outcome] = []
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self._collect)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, call: Callable[[], object]) -> bool:
        """Start ``call`` unless one is still running (then return False)."""
        if self._thread is not None:
            return False

        box: list[Outcome] = []

        def work() -> None:
            try:
                box.append(Outcome(value=call()))
            except Exception as e:  # noqa: BLE001 - handed to the UI thread, which reports it
                box.append(Outcome(error=e))

        self._box = box
        self._thread = threading.Thread(target=work, name=self._name, daemon=True)
        self._thread.start()
        self._poll.start()
        return True

    def _collect(self) -> None:
        thread = self._thread
        if thread is None or thread.is_alive():
            return
        self._poll.stop()
        self._thread = None
        outcome = self._box[0] if self._box else Outcome(
            error=RuntimeError("the check ended without an answer"))
        self._box = []  # the answer may hold the private key: keep no copy of it here
        self.finished.emit(outcome)

    def join(self, timeout: float) -> bool:
        """Wait for a running call (at exit); True if none is left running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True
