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

    from kiosk.content.versions import VersionStore
    from kiosk.server.page_versions import PgVersionStore
    from kiosk.ui.desk.pages.pages_view import PagesView
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
    # The Pages tab (issue 16): the desk's working copy of the pages, published to the
    # clinic server. None: page-drafts in the data folder.
    pages_drafts: Path | None = None
    with_pages: bool = True


@dataclass
class Desk:
    window: DeskWindow
    link: ServerLink
    activity: ActivityFilter
    pages: PagesView | None = None
    page_versions: PgVersionStore | None = None

    def close(self, app: QApplication) -> None:
        app.removeEventFilter(self.activity)
        if self.pages is not None:
            self.pages.stop()  # saves the draft being typed, waits for a publish
        if self.page_versions is not None:
            self.page_versions.close()
        self.window.timer.stop()
        if self.window.session.unlocked:
            self.window.session.lock("closed")
        self.link.stop()
        if not self.window.keys.checker.join(10.0):
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
    if not options.with_pages:
        return Desk(window, link, activity)
    from kiosk.server.page_versions import PgVersionStore

    versions = PgVersionStore(options.conninfo, timeout_s=options.connect_timeout_s)
    pages = _pages_view(settings, options.pages_drafts or settings.data_dir / "page-drafts",
                        versions, desk_user)
    window.add_view(pages, strings["desk_tab_pages"])
    return Desk(window, link, activity, pages, versions)


def _pages_view(settings: Settings, drafts: Path, store: VersionStore, author: str) -> PagesView:
    from kiosk.ui.desk.pages.launcher import make_pages_view

    drafts.mkdir(parents=True, exist_ok=True)  # pages, not patient data: shared with staff
    return make_pages_view(settings, drafts, store, author)


def run_pages(settings: Settings, store_folder: Path, drafts: Path, *,
              program: str = "kiosk") -> int:
    """``kiosk pages``: the Pages view alone, publishing versions to a folder (a shared drive
    or a USB stick) for clinics without a server; the exit code."""
    setup_logging(settings.desk_log_file)
    from PySide6.QtWidgets import QApplication

    from kiosk.content.versions import FolderVersionStore
    from kiosk.ui.services import fonts, qt_log

    qt_log.install()
    app = QApplication([program])
    app.setApplicationName("Sciatica kiosk pages")
    fonts.load_fonts(app)
    view = _pages_view(settings, drafts, FolderVersionStore(store_folder),
                       getpass.getuser())
    view.setWindowTitle(load_strings(I18N_DIR, settings.default_language)["desk_tab_pages"])
    view.resize(1600, 1000)
    view.show()
    code = app.exec()
    view.stop()
    return code


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
