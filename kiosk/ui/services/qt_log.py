"""Qt's own messages (qWarning, qCritical, qFatal, from Qt or from us) go to the kiosk's log.

Without this they only reach stderr, which nobody reads on a kiosk; with it they land in the
rotating log file (and the journal) like everything else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def install() -> Callable[[], None]:
    """Route Qt's messages into logging; returns a function that puts the old handler back."""

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        level = _LEVELS.get(kind, logging.WARNING)
        category = context.category or "default"
        logger = log if category == "default" else log.getChild(category)
        where = f" ({context.file}:{context.line})" if context.file else ""
        # Critical and fatal messages say where the Python code was when Qt complained.
        logger.log(level, "%s%s", message, where, stack_info=level >= logging.ERROR)
        if kind == QtMsgType.QtFatalMsg:
            # Qt aborts the process as soon as this returns.
            for h in logging.getLogger().handlers:
                h.flush()
        if previous is not None:
            # A Python handler was there first (pytest-qt's, in the tests): it hears it too.
            previous(kind, context, message)

    previous = qInstallMessageHandler(handler)

    def uninstall() -> None:
        qInstallMessageHandler(previous)

    return uninstall
