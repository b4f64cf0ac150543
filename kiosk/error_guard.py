"""Unexpected errors are logged with their traceback and the kiosk goes back to its start page.

Expected problems (bad content, a missing picture) are handled where they happen; this is for
bugs. A patient never sees a traceback or a dialog. Qt-free: the caller says how to recover.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger(__name__)


def install(recover: Callable[[], None]) -> None:
    def on_error(kind: type[BaseException], error: BaseException,
                 tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.critical("unexpected error; returning to the start page", exc_info=(kind, error, tb))
        try:
            recover()
        except Exception:
            log.critical("could not recover; exiting so the supervisor restarts the kiosk",
                         exc_info=True)
            raise SystemExit(70) from None

    def on_thread_error(args: threading.ExceptHookArgs) -> None:
        log.critical("unexpected error in thread %s", getattr(args.thread, "name", "?"),
                     exc_info=args.exc_value or True)

    sys.excepthook = on_error
    threading.excepthook = on_thread_error
