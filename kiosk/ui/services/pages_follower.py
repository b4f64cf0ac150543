"""The kiosk following the clinic server's published pages (issue 16).

A worker thread waits for the server's NOTIFY (``kiosk_pages``), or ``poll_seconds`` when
none comes (a lost notification, a start time reached), and then asks `KioskPages.follow`,
which downloads the live version, checks every hash and the full check, and swaps it in
through `kiosk publish`'s swap. The answer comes back to the UI thread on a timer (never a
signal emitted from the Python worker): ``shown`` tells the watcher to load at once, and
`status` says which version is shown and why the last one was refused, for the heartbeat.
A server that cannot be reached is tried again after the poll time; the pages stay.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from kiosk.content.kiosk_pages import Followed, KioskPages
from kiosk.content.versions import VersionError, VersionStore
from kiosk.server.errors import ServerUnavailable

log = logging.getLogger(__name__)
COLLECT_MS = 100


class PagesFollower(QObject):
    def __init__(self, pages: KioskPages, store: VersionStore,
                 wait_for_change: Callable[[float], bool], shown: Callable[[], None], *,
                 poll_seconds: float = 2.0, close: Callable[[], None] = lambda: None,
                 parent: QObject | None = None) -> None:
        """``wait_for_change(seconds)``: the store's LISTEN (True when woken); ``close``
        ends a wait from another thread."""
        super().__init__(parent)
        self._pages = pages
        self._store = store
        self._wait = wait_for_change
        self._close = close
        self._shown = shown
        self._poll_s = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._answers: list[Followed | str] = []
        self._answers_lock = threading.Lock()
        self.last_error = ""
        self.refused = ""
        self._collect = QTimer(self)
        self._collect.setInterval(COLLECT_MS)
        self._collect.timeout.connect(self._take_answers)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="pages-follower", daemon=True)
        self._thread.start()
        self._collect.start()

    def stop(self) -> None:
        self._stop.set()
        self._close()
        self._collect.stop()
        if self._thread is not None:
            self._thread.join(30)

    def status(self) -> tuple[str, str]:
        """(the version shown, as the heartbeat names it: ``sha256:`` and the first 12 hex
        digits of its digest, which the desk matches to its history; "local" before the
        first version; the last refusal or error)."""
        shown = self._pages.shown()
        version = f"sha256:{shown.digest[:12]}" if shown else "local"
        return version, self.refused or self.last_error

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                answer: Followed | str = self._pages.follow(self._store)
            except (VersionError, ServerUnavailable, OSError) as e:
                answer = str(e)
            with self._answers_lock:
                self._answers.append(answer)
            if self._stop.is_set():
                return
            try:
                self._wait(self._poll_s)
            except ServerUnavailable:  # cannot listen now: poll instead
                self._stop.wait(self._poll_s)

    def _take_answers(self) -> None:
        with self._answers_lock:
            answers, self._answers = self._answers, []
        for answer in answers:
            if isinstance(answer, str):
                if answer != self.last_error:
                    log.error("cannot follow the clinic server's pages: %s", answer)
                self.last_error = answer
                continue
            self.last_error = ""
            if answer.refused and answer.refused != self.refused:
                log.error("published pages refused, the pages shown stay: %s", answer.refused)
            self.refused = answer.refused
            if answer.shown is not None:
                log.info("published pages shown (kept version %d)", answer.shown.number)
                self._shown()
