"""The running kiosk: load content, build the objects, wire them, run Qt's loop.

``kiosk.cli.main`` parses the arguments and loads the settings, then calls ``run_kiosk``;
this module never imports the command line. Every long-lived object is made in ``build``
and handed to the constructors that need it; nothing else looks services up globally. The
screenshot and bench scripts call ``build`` so they measure and show exactly what patients get.
"""

from __future__ import annotations

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
    from PySide6.QtCore import QCoreApplication, QTimer

    from kiosk.security import PinGuard
    from kiosk.signups.service import SignupService
    from kiosk.signups.store import SignupStore
    from kiosk.ui.services.content_watcher import ContentWatcher
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
    # False when the content folder was still being written at start-up (not shown yet).
    live_settled: bool = True

    def close(self) -> None:
        from kiosk.ui.services import pictures

        self.purge_timer.stop()
        self.watcher.stop()
        if self.store is not None:
            self.store.close()
        # Before the QApplication (and the image plugins with it) goes away.
        if not pictures.finish_all():
            log.warning("a picture was still being drawn at exit")


def build(settings: Settings, *, fall_back: bool = True) -> Kiosk:
    """Make and wire every object; a QApplication must exist. Raises StoreLocked."""
    from PySide6.QtCore import QTimer

    from kiosk.content.last_good import load_for_startup
    from kiosk.i18n import load_translations
    from kiosk.signups.store import SignupStore, StoreUnavailable
    from kiosk.ui.services.content_watcher import ContentWatcher
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
    if store is not None and store.recovered_from is not None:
        log.error("the sign-up database was damaged; set aside as %s", store.recovered_from)
    watcher = ContentWatcher(settings)

    def content_status() -> list[str]:
        result = watcher.last_result or startup.live_result
        return [str(p) for p in result.errors]

    # The sign-up service and PIN guard (PyNaCl, argon2) are made when first needed: after
    # the first paint, not before it.
    services = Services.made_later(lambda: _signup_service(settings, store),
                                   lambda: _pin_guard(settings), content_status,
                                   _speaker(settings))
    translations = load_translations(I18N_DIR, settings.languages)
    window = KioskWindow(settings, translations, startup.result.content, services)
    watcher.accepted.connect(window.update_content)

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
    return Kiosk(window, watcher, store, purge_timer, startup.live_settled)


def _signup_service(settings: Settings, store: SignupStore | None) -> SignupService | None:
    if store is None:
        return None
    from kiosk.audit import AuditLog
    from kiosk.signups.service import SignupService

    return SignupService(store, settings.keys_file, AuditLog(settings.audit_log))


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
    code = app.exec()
    heartbeat.stop()
    lockdown.uninstall()
    kiosk.close()
    log.info("stopped with code %d", code)
    return code
