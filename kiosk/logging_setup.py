"""Send the kiosk's log to a rotating, private file that IT can send to the developers.

Never log patient data: log what happened (page shown, content reloaded), not what was typed.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from types import TracebackType

from kiosk.private_files import private_dir

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger(__name__)


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    def _open(self):  # type: ignore[no-untyped-def]
        # Created 0600 from the first byte, not chmod-ed afterwards.
        old = os.umask(0o077)
        try:
            return super()._open()
        finally:
            os.umask(old)


def _log_uncaught(kind: type[BaseException], error: BaseException,
                  tb: TracebackType | None) -> None:
    # Until error_guard.install() takes over (once the window exists), an error that ends the
    # start-up goes to the log file too, not only to stderr.
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    log.critical("unexpected error while starting", exc_info=(kind, error, tb))


def setup_logging(log_file: Path, *, level: int = logging.INFO, to_stderr: bool = True) -> None:
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    problem = None
    try:
        private_dir(log_file.parent)
        handlers.append(_PrivateRotatingFileHandler(log_file, maxBytes=2_000_000,
                                                    backupCount=5, encoding="utf-8"))
    except OSError as e:
        # A log folder that cannot be written must not keep the pages from showing; stderr
        # (the journal, under systemd) still gets everything.
        problem = e
    if to_stderr or problem is not None:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    if problem is not None:
        log.error("cannot write the log file %s (%s); logging to stderr only", log_file, problem)
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _log_uncaught
