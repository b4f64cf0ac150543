"""The front-desk app (``kiosk desk``): build its objects, wire them, run Qt's loop.

``kiosk.cli.desk`` checks the settings and calls ``run_desk``; tests and the screenshot
script call ``build_desk`` so they drive exactly what the desk gets. Every long-lived object
is made here and handed to the constructors that need it. Nothing in the desk's path may be
Linux-only: it runs on Windows and macOS from pip too.
"""

from __future__ import annotations

import getpass
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import I18N_DIR, Settings
from kiosk.desk.idle_lock import DEFAULT_LOCK_AFTER_S, IdleLock
from kiosk.desk.server_link import RETRY_SECONDS, ServerLink
from kiosk.desk.session import DeskSession
from kiosk.i18n import load_strings
from kiosk.logging_setup import setup_logging
from kiosk.security import PinGuard
from kiosk.signups import crypto
from kiosk.signups.desk_format import DeskFormat

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.desk.window import ActivityFilter, DeskWindow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeskOptions:
    """What ``kiosk desk`` takes besides the settings (tests shorten the times)."""

    conninfo: str
    desk_user: str = ""
    language: str = ""
    lock_after_s: float = DEFAULT_LOCK_AFTER_S
    poll_seconds: float = 2.0
    heartbeat_seconds: int = 30
    connect_timeout_s: int = 5
    retry_seconds: tuple[float, ...] = RETRY_SECONDS
    export_dir: Path | None = None
    tick_ms: int = 100
    key_cost: crypto.KdfCost = crypto.CURRENT_COST
    idle_clock: Callable[[], float] | None = None
    guard_clock: Callable[[], float] | None = None


@dataclass
class Desk:
    window: DeskWindow
    link: ServerLink
    activity: ActivityFilter

    def close(self, app: QApplication) -> None:
        app.removeEventFilter(self.activity)
        self.window.timer.stop()
        if self.window.session.unlocked:
            self.window.session.lock("closed")
        self.link.stop()
        if not self.window.checker.join(10.0):
            log.warning("a passphrase check was still running at exit")


def build_desk(settings: Settings, options: DeskOptions, app: QApplication) -> Desk:
    """Make and wire every object; a QApplication must exist. Nothing connects yet."""
    from kiosk.server.desk_store import DeskStore
    from kiosk.ui.desk.window import ActivityFilter, DeskWindow

    language = options.language or settings.default_language
    strings = load_strings(I18N_DIR, language)
    desk_user = options.desk_user or getpass.getuser()
    guard = PinGuard(settings.desk_guard_file, clock=options.guard_clock or time.time)
    guard.passphrase_only()
    link = ServerLink(lambda: DeskStore(options.conninfo, desk_user,
                                        timeout_s=options.connect_timeout_s),
                      poll_seconds=options.poll_seconds, retry_seconds=options.retry_seconds)

    def record(action: str) -> None:
        link.submit("audit", lambda store: store.record(action))

    session = DeskSession(guard, settings.keys_file, record, key_cost=options.key_cost)
    idle = IdleLock(options.lock_after_s, options.idle_clock or time.monotonic)
    window = DeskWindow(strings, session, link, idle,
                        DeskFormat(language, settings.phone_region),
                        options.heartbeat_seconds,
                        options.export_dir or settings.exports or Path.home(),
                        clinic_name=settings.clinic_name, tick_ms=options.tick_ms,
                        clock=lambda: datetime.now().astimezone())
    activity = ActivityFilter(idle, window)
    app.installEventFilter(activity)
    return Desk(window, link, activity)


def run_desk(settings: Settings, options: DeskOptions, *, program: str = "kiosk") -> int:
    """Show the desk until its window is closed; the exit code."""
    setup_logging(settings.desk_log_file)
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.services import fonts, qt_log

    qt_log.install()
    app = QApplication([program])
    app.setApplicationName("Sciatica kiosk desk")
    fonts.load_fonts(app)
    log.info("desk starting; data %s", settings.data_dir)
    desk = build_desk(settings, options, app)
    desk.window.resize(1280, 800)
    desk.window.show()
    desk.link.start()
    code = app.exec()
    desk.close(app)
    log.info("desk stopped with code %d", code)
    return code
