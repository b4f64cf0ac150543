"""Unexpected errors are logged with their traceback and the kiosk goes back to its start page.

Expected problems (bad content, a missing picture) are handled where they happen; this is for
bugs. A patient never sees a traceback or a dialog. Qt-free: the caller says how to recover.
An error that recovery cannot fix (recovery itself fails, or errors keep coming) ends the
program with EXIT_FATAL so the supervisor (deploy/sciatica-kiosk.service) starts it afresh.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

log = logging.getLogger(__name__)
# EX_SOFTWARE: an internal error. Any non-zero code makes systemd's Restart=always restart it.
EXIT_FATAL = 70
# This many errors within WINDOW_S means recovering is not helping (a timer failing every
# tick, say): start afresh instead of filling the log until the first traceback rotates out.
BURST = 5
WINDOW_S = 60.0


def install(recover: Callable[[], None], *,
            clock: Callable[[], float] = time.monotonic) -> None:
    recent: list[float] = []

    def give_up(reason: str) -> None:
        log.critical("%s; exiting so the supervisor restarts the kiosk", reason)
        for handler in logging.getLogger().handlers:
            handler.flush()
        raise SystemExit(EXIT_FATAL) from None

    def on_error(kind: type[BaseException], error: BaseException,
                 tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.critical("unexpected error; returning to the start page", exc_info=(kind, error, tb))
        now = clock()
        recent[:] = [t for t in recent if now - t < WINDOW_S]
        recent.append(now)
        if len(recent) >= BURST:
            give_up(f"{len(recent)} unexpected errors within {WINDOW_S:.0f} s")
        if threading.current_thread() is not threading.main_thread():
            # Widgets belong to the UI thread; the error is logged, nothing else to undo here.
            return
        try:
            recover()
        except Exception:
            log.critical("could not return to the start page", exc_info=True)
            give_up("recovery failed")

    def on_thread_error(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        log.critical("unexpected error in thread %s", getattr(args.thread, "name", "?"),
                     exc_info=(args.exc_type, args.exc_value or args.exc_type(),
                               args.exc_traceback))

    sys.excepthook = on_error
    threading.excepthook = on_thread_error


def dump_stacks_on_crash(stream: TextIO | None = None) -> None:
    """On a crash in native code, or the watchdog's SIGABRT for a frozen UI, write the Python
    stack of every thread to stderr (the journal under systemd): the logging module cannot run
    then, so the rotating log cannot get it."""
    target = stream or sys.__stderr__
    if target is not None:
        faulthandler.enable(file=target, all_threads=True)
