"""The running kiosk: load content, build the objects, wire them, run Qt's loop.

``kiosk.cli.main`` parses the arguments and loads the settings, then calls ``run_kiosk``;
this module never imports the command line. Every long-lived object is made in ``build``
and handed to the constructors that need it; nothing else looks services up globally. The
screenshot and bench scripts call ``build`` so they measure and show exactly what patients get.
"""

from __future__ import annotations

import hashlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import error_guard
from kiosk.config import I18N_DIR, Settings
from kiosk.logging_setup import setup_logging

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication, QObject, QTimer

    from kiosk.content.kiosk_pages import KioskPages
    from kiosk.content.model import ContentSet
    from kiosk.outbox.runner import ShipperThread
    from kiosk.security import PinGuard
    from kiosk.signups.service import SignupService
    from kiosk.signups.store import SignupStore
    from kiosk.ui.services.content_watcher import ContentWatcher
    from kiosk.ui.services.pages_follower import PagesFollower
    from kiosk.ui.services.scheduled_pages import ScheduledPages
    from kiosk.ui.shell.window import KioskWindow
    from kiosk.ui.widgets.listen_button import Speaker

log = logging.getLogger(__name__)
EXIT_ALREADY_RUNNING = 3
PURGE_EVERY_MS = 60 * 60 * 1000
STORE_FILE_CHECK_MS = 2_000


@dataclass
class Kiosk:
    """The running kiosk's long-lived objects."""

    window: KioskWindow
    watcher: ContentWatcher
    store: SignupStore | None
    purge_timer: QTimer
    scheduled_pages: ScheduledPages
    # False when the content folder was still being written at start-up (not shown yet).
    live_settled: bool = True
    # Server mode ([server]): sends saved sign-ups to the clinic server; started by run_kiosk.
    outbox: ShipperThread | None = None
    # Follows the clinic server's published pages; None without a server (issue 16). Its
    # status() is the heartbeat's content version and last refusal.
    pages_follower: PagesFollower | None = None

    def close(self) -> None:
        from kiosk.ui.services import pictures

        self.purge_timer.stop()
        self.scheduled_pages.stop()
        if self.pages_follower is not None:
            self.pages_follower.stop()
        self.watcher.stop()
        if self.outbox is not None and not self.outbox.stop():
            log.warning("the outbox was still sending at exit; what it sent is kept here too "
                        "and goes again next time (the server takes it once)")
        if self.store is not None:
            self.store.close()
        # Before the QApplication (and the image plugins with it) goes away.
        if not pictures.finish_all():
            log.warning("a picture was still being drawn at exit")


def build(settings: Settings, *, fall_back: bool = True) -> Kiosk:
    """Make and wire every object; a QApplication must exist. Raises StoreLocked."""
    from PySide6.QtCore import QTimer

    from kiosk.content.kiosk_pages import KioskPages, find_package
    from kiosk.content.last_good import load_for_startup
    from kiosk.i18n import load_translations
    from kiosk.signups.store import SignupStore, StoreUnavailable
    from kiosk.ui.services.content_watcher import ContentWatcher
    from kiosk.ui.services.scheduled_pages import ScheduledPages
    from kiosk.ui.shell.services import Services
    from kiosk.ui.shell.window import KioskWindow

    startup = load_for_startup(settings, fall_back=fall_back)
    try:
        # Opened before the first paint: a second kiosk on this data stops here (StoreLocked).
        store: SignupStore | None = SignupStore.open(settings.signups_db)
    except StoreUnavailable as e:
        # The pages still show; the form sends patients to the desk until this is fixed.
        log.critical("sign-ups are unavailable: %s", e)
        store = None
    # For the heartbeat: (the pages shown, "PagesRefused" when the server's newest were
    # refused), one list item replaced whole on the UI thread, read by the outbox's thread.
    shown = [(content_version(startup.result.content), "")]
    outbox = None if store is None else _outbox(settings, lambda: shown[0][0],
                                                lambda: shown[0][1])
    if store is not None and store.recovered_from is not None:
        log.error("the sign-up database was damaged; set aside as %s", store.recovered_from)
    watcher = ContentWatcher(settings)

    def content_status() -> list[str]:
        result = watcher.last_result or startup.live_result
        return [str(p) for p in result.errors]

    pages = KioskPages(settings)
    # The sign-up service and PIN guard (PyNaCl, argon2) are made when first needed: after
    # the first paint, not before it.
    services = Services.made_later(
        lambda: _signup_service(settings, store, None if outbox is None else outbox.wake),
        lambda: _pin_guard(settings), content_status, _speaker(settings),
        sends_to_desk=settings.server is not None, pages=pages,
        find_stick=lambda: find_package(settings.usb_pages), pages_shown=watcher.take_now)
    translations = load_translations(I18N_DIR, settings.languages)
    window = KioskWindow(settings, translations, startup.result.content, services)
    watcher.accepted.connect(window.update_content)

    digest = [content_version(startup.result.content)]
    follower: list[PagesFollower | None] = [None]

    def report_pages() -> None:
        # With a server, the version number's digest the desk knows from its history.
        version, problem = digest[0], ""
        if follower[0] is not None:
            followed, why = follower[0].status()
            version = digest[0] if followed == "local" else followed
            # A class name, as every heartbeat problem is (the desk shows words for it;
            # the reason itself is in this kiosk's log, never in text a kiosk writes).
            problem = "PagesRefused" if why else ""
        shown[0] = (version, problem)

    def content_accepted(content: ContentSet) -> None:
        digest[0] = content_version(content)
        report_pages()

    watcher.accepted.connect(content_accepted)

    # Old sign-ups go on schedule even if nobody opens the panel.
    def purge() -> None:
        if (signups := services.signups) is not None:
            try:
                signups.purge_expired(settings.retention_days)
            except StoreUnavailable as e:
                log.error("could not purge old sign-ups: %s", e)

    purge_timer = QTimer(window)
    purge_timer.setInterval(PURGE_EVERY_MS)
    purge_timer.timeout.connect(purge)
    # The first purge just after the start screen is painted, not before it.
    window.firstPainted.connect(purge)
    purge_timer.start()
    if store is not None:
        # A -wal file removed under the kiosk is folded back within seconds, not only at the
        # next save (SignupStore.check_files); the timer dies with the window.
        file_check = QTimer(window)
        file_check.setInterval(STORE_FILE_CHECK_MS)
        file_check.timeout.connect(store.check_files)
        file_check.start()
    # A version loaded ahead with a start time goes live then (issue 16).
    scheduled = ScheduledPages(pages, watcher.take_now, parent=window)
    follower[0] = _pages_follower(settings, pages, watcher.take_now, report_pages, window)
    report_pages()
    return Kiosk(window, watcher, store, purge_timer, scheduled, startup.live_settled, outbox,
                 follower[0])


def content_version(content: ContentSet | None) -> str:
    """What the heartbeat reports as the content shown: a short digest of every section's
    words and picture names, the same on every kiosk showing the same pages (wherever its
    checked copy lives)."""
    if content is None:
        return "none"
    digest = hashlib.sha256()
    for language in sorted(content.by_language):
        for s in content.by_language[language]:
            for part in (language, s.slug, str(s.order), s.title, s.image.name, s.image_alt,
                         s.html, s.more_info):
                digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:12]


def _outbox(settings: Settings, shown: Callable[[], str],
            pages_problem: Callable[[], str]) -> ShipperThread | None:
    """Server mode: the thread that ships sign-ups and heartbeats (not started yet)."""
    server = settings.server
    if server is None:
        return None
    from kiosk import __version__
    from kiosk.outbox.queue import OutboxQueue
    from kiosk.outbox.runner import ShipperThread
    from kiosk.outbox.shipper import Shipper
    from kiosk.server.kiosk_link import KioskLink

    db = settings.signups_db
    shipper = Shipper(lambda: OutboxQueue(db), lambda: KioskLink(server),
                      program_version=__version__, content_version=shown,
                      heartbeat_s=server.heartbeat_seconds, keys_file=settings.keys_file,
                      pages_problem=pages_problem)
    log.info("server mode: sign-ups go to the clinic server as %r", server.kiosk_name)
    return ShipperThread(shipper)


def _pages_follower(settings: Settings, pages: KioskPages, shown: Callable[[], None],
                    on_status: Callable[[], None], owner: QObject) -> PagesFollower | None:
    """With a clinic server, the kiosk follows its published pages (LISTEN, then polling)."""
    if settings.server is None:
        return None
    from kiosk.server.page_versions import PgVersionStore
    from kiosk.ui.services.pages_follower import PagesFollower

    server = settings.server
    store = PgVersionStore(server.conninfo, timeout_s=server.connect_timeout_seconds)
    return PagesFollower(pages, store, store.wait_for_change, shown,
                         poll_seconds=server.poll_seconds, close=store.close,
                         on_status=on_status, parent=owner)


def _signup_service(settings: Settings, store: SignupStore | None,
                    on_saved: Callable[[], None] | None) -> SignupService | None:
    if store is None:
        return None
    from kiosk.audit import AuditLog
    from kiosk.signups.service import SignupService

    return SignupService(store, settings.keys_file, AuditLog(settings.audit_log),
                         on_saved=on_saved)


def _pin_guard(settings: Settings) -> PinGuard:
    from kiosk.security import PinGuard

    return PinGuard(settings.pin_file)


def _speaker(settings: Settings) -> Speaker | None:
    """The Listen buttons' speaker, or None (and the reason in the log) when this kiosk has
    no speech engine, no player or no sound output."""
    from kiosk.speech import unavailable_reason
    from kiosk.ui.widgets.listen_button import Speaker

    reason = unavailable_reason(settings.speech)
    if reason is not None:
        log.info("no Listen button: %s", reason)
        return None
    log.info("Listen button: %s, then %s", settings.speech.engine[0], settings.speech.player[0])
    return Speaker(settings.speech)


def _quit_on_signals(app: QCoreApplication, quit_kiosk: Callable[[], None]) -> None:
    """Ctrl+C in a terminal and systemd's stop (SIGTERM) end the kiosk cleanly."""
    from PySide6.QtCore import QTimer

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: quit_kiosk())
    # Python runs signal handlers only between bytecodes; wake it while Qt's loop waits.
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _answer_automation(window: KioskWindow) -> None:
    """End-to-end tests ask, with SIGUSR1, where the buttons are (see ui/services/automation.py)."""
    import os

    from kiosk.ui.services import automation

    target = os.environ.get(automation.ENVIRONMENT_VARIABLE)
    if target:
        signal.signal(signal.SIGUSR1,
                      lambda *_: automation.write_widget_map(window, Path(target)))


def run_kiosk(settings: Settings, *, program: str = "kiosk", fall_back: bool = True) -> int:
    """Show the kiosk until it is told to stop; the exit code. ``program`` names the window's
    class for the window system; ``fall_back=False`` (a preview) shows the given content or
    its problems, never the last good copy."""
    setup_logging(settings.log_file)
    # Qt is imported only here, so the other commands work on a machine without a display.
    from PySide6.QtWidgets import QApplication

    from kiosk.signups.store import StoreLocked
    from kiosk.ui.services import fonts, qt_log
    from kiosk.ui.services.heartbeat import Heartbeat
    from kiosk.ui.shell.lockdown import Lockdown
    from kiosk.watchdog import Notifier

    # Qt's warnings to the log file, and stacks to the journal if the process itself dies.
    qt_log.install()
    error_guard.dump_stacks_on_crash()
    app = QApplication([program])
    app.setApplicationName("Sciatica kiosk")
    # The shipped typeface, before any widget measures its words.
    fonts.load_fonts(app)
    log.info("starting; content %s, data %s", settings.content_dir, settings.data_dir)
    try:
        kiosk = build(settings, fall_back=fall_back)
    except StoreLocked:
        log.error("another kiosk is already running on %s; not starting a second one",
                  settings.data_dir)
        return EXIT_ALREADY_RUNNING
    error_guard.install(recover=kiosk.window.show_attract)
    # systemd's READY=1 after the first paint, then WATCHDOG=1 from the UI thread.
    heartbeat = Heartbeat(Notifier.from_environ(), kiosk.window,
                          status=f"log: {settings.log_file}")

    def quit_kiosk() -> None:
        # Qt 6 quits only if every window agrees to close; the kiosk window agrees only now.
        kiosk.window.allow_close()
        app.quit()

    kiosk.window.exitRequested.connect(quit_kiosk)
    _quit_on_signals(app, quit_kiosk)
    _answer_automation(kiosk.window)
    # Menus, tooltips, drops, other windows and the keys that leave: refused app-wide.
    lockdown = Lockdown(kiosk.window, keep_full_screen=not settings.windowed)
    lockdown.install(app)
    kiosk.window.show_kiosk()
    kiosk.watcher.start(live_settled=kiosk.live_settled)
    kiosk.scheduled_pages.start()
    if kiosk.outbox is not None:
        kiosk.outbox.start()
    if kiosk.pages_follower is not None:
        kiosk.pages_follower.start()
    code = app.exec()
    heartbeat.stop()
    lockdown.uninstall()
    kiosk.close()
    log.info("stopped with code %d", code)
    return code
