"""`kiosk check` on the desk's draft folder, off the UI thread, again after every pause in
typing: the full check the kiosks run (every limit, pictures drawn once under the budget), so
what the desk says is what a kiosk would say. A check asked for while one runs is run once
more when it ends, so the answer always belongs to the newest words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.config import Settings
from kiosk.content.last_good import load_live
from kiosk.content.loader import LoadResult
from kiosk.ui.services.off_thread import OffThread, Outcome

PAUSE_MS = 300


class DraftCheck(QObject):
    checked = Signal(object)  # LoadResult

    def __init__(self, settings: Settings, folder: Path, pause_ms: int = PAUSE_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.folder = folder
        self.last: LoadResult | None = None
        self._again = False
        self.working = OffThread("desk-check", self)
        self.working.finished.connect(self._done)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(pause_ms)
        self._pause.timeout.connect(self.check_now)

    @property
    def busy(self) -> bool:
        return self.working.busy or self._pause.isActive() or self._again

    def soon(self) -> None:
        """Check once typing has paused."""
        self._pause.start()

    def check_now(self) -> None:
        settings, folder = self._settings, self.folder
        if not self.working.start(lambda: load_live(settings, folder)):
            self._again = True

    def _done(self, outcome: Outcome) -> None:
        if self._again:
            self._again = False
            self.check_now()
            return
        if outcome.error is not None:
            raise outcome.error  # a bug in the check: error_guard / the desk's hook logs it
        assert isinstance(outcome.value, LoadResult)
        self.last = outcome.value
        self.checked.emit(outcome.value)

    def stop(self) -> None:
        self._pause.stop()
        self.working.join(30)
