"""Start-up: parse arguments, load settings and content, build the objects, wire them, run.

Every long-lived object is made here and handed to the constructors that need it; nothing
else looks services up globally.
"""

from __future__ import annotations

import logging
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import cli, error_guard
from kiosk.config import I18N_DIR, ConfigError, Settings, load_settings
from kiosk.logging_setup import setup_logging

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

log = logging.getLogger(__name__)


def _settings_for(args: object) -> Settings:
    command = getattr(args, "command", "run")
    config = getattr(args, "config", None)
    data_dir = getattr(args, "data_dir", None)
    if command == "preview":
        # A preview must not replace the kiosk's last good content with a draft.
        data_dir = data_dir or Path(tempfile.mkdtemp(prefix="kiosk-preview-"))
        return load_settings(config, content_dir=getattr(args, "folder", None),
                             data_dir=data_dir, windowed=True)
    return load_settings(config, content_dir=getattr(args, "content", None),
                         data_dir=data_dir, windowed=bool(getattr(args, "windowed", False)))


def run(argv: list[str]) -> int:
    """Entry point of ``main.py`` and the ``kiosk`` command; returns the exit code."""
    args = cli.parse_args(argv[1:])
    if args.command == "check":
        return cli.check(args)
    try:
        settings = _settings_for(args)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)  # noqa: T201 - before logging exists
        return 2
    setup_logging(settings.log_file)
    return _run_kiosk(settings, argv)


def _quit_on_signals(app: QCoreApplication) -> None:
    """Ctrl+C in a terminal and systemd's stop (SIGTERM) end the kiosk cleanly."""
    from PySide6.QtCore import QTimer

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: app.quit())
    # Python runs signal handlers only between bytecodes; wake it while Qt's loop waits.
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _run_kiosk(settings: Settings, argv: list[str]) -> int:
    # Qt is imported only here, so `kiosk check` works on a machine without a display.
    from PySide6.QtWidgets import QApplication

    from kiosk.content.last_good import load_for_startup
    from kiosk.i18n import load_strings
    from kiosk.ui.content_watcher import ContentWatcher
    from kiosk.ui.window import KioskWindow

    app = QApplication(argv[:1])
    app.setApplicationName("Sciatica kiosk")
    log.info("starting; content %s, data %s", settings.content_dir, settings.data_dir)

    startup = load_for_startup(settings)
    strings = load_strings(I18N_DIR, settings.default_language)
    window = KioskWindow(settings, strings, startup.result.content)
    error_guard.install(recover=window.show_attract)
    watcher = ContentWatcher(settings)
    watcher.accepted.connect(window.set_content)
    _quit_on_signals(app)
    window.show_kiosk()
    watcher.start()
    code = app.exec()
    watcher.stop()
    log.info("stopped with code %d", code)
    return code
