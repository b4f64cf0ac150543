"""Send the kiosk's log to a rotating, private file that IT can send to the developers.

Never log patient data: log what happened (page shown, content reloaded), not what was typed.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from kiosk.private_files import private_dir

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    def _open(self):  # type: ignore[no-untyped-def]
        # Created 0600 from the first byte, not chmod-ed afterwards.
        old = os.umask(0o077)
        try:
            return super()._open()
        finally:
            os.umask(old)


def setup_logging(log_file: Path, *, level: int = logging.INFO, to_stderr: bool = True) -> None:
    private_dir(log_file.parent)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [
        _PrivateRotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    ]
    if to_stderr:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
