"""Watch the content folder; when it changes and settles, check it off the UI thread.

Valid content is handed over with ``accepted``; invalid content is logged with every
``file:line: message`` and reported with ``rejected``, and the kiosk keeps what it shows.
A file still being written never shows: loading waits until the folder has been quiet for
``reload_quiet_ms``, a load during which any file changed is thrown away and retried, and
what is shown comes from the checked copy (see content/last_good.py), not the live folder.

Hostile content (50 MB pictures, link loops, ten thousand problems) is the loader's to refuse;
here the screen's thread only lists the folders and swaps in content that passed, and a load
that fails for any reason keeps the last good content and is tried again on the next change.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from kiosk.config import Settings
from kiosk.content.last_good import load_and_keep
from kiosk.content.loader import IMAGES_FOLDER, LoadResult, content_files
from kiosk.content.model import ContentSet, Problem, escaped

log = logging.getLogger(__name__)
# A broken folder can have thousands of problems; the log gets the first ones and a count.
LOGGED_PROBLEMS = 50


class ContentWatcher(QObject):
    accepted = Signal(ContentSet)
    rejected = Signal(object)  # LoadResult
    # Internal: carries a finished load from the worker thread back to the UI thread.
    _loaded = Signal(object, bool)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._root = settings.content_dir
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._changed)
        self._watcher.fileChanged.connect(self._changed)
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(settings.reload_quiet_ms)
        self._quiet.timeout.connect(self._start_load)
        self._loaded.connect(self._finish_load)
        self._worker: threading.Thread | None = None
        self._pending = False
        # What the last check found, to report each outcome once. Not the fingerprint alone:
        # it follows links and ignores permissions, so a page swapped for a link to the same
        # file elsewhere, or made unreadable, looks unchanged; its problems do not.
        self._last: tuple[object, ...] | None = None
        self.last_result: LoadResult | None = None

    def start(self) -> None:
        self._watch_paths()

    def stop(self) -> None:
        self._quiet.stop()
        if self._worker is not None:
            self._worker.join(timeout=10)

    def _watch_paths(self) -> None:
        folders = [self._root / f for f in (*self._settings.languages, IMAGES_FOLDER)]
        paths = [self._root] + [f for f in folders if _is_folder(f)]
        for folder in folders:
            paths.extend(child for child, _status in content_files(folder))
        current = set(self._watcher.files()) | set(self._watcher.directories())
        # A name that is not UTF-8 cannot be handed to Qt; the check reports it to staff.
        missing = [str(p) for p in paths if _utf8(str(p)) and str(p) not in current]
        if missing:
            self._watcher.addPaths(missing)

    def _changed(self, _path: str) -> None:
        # Every change restarts the quiet period, so a burst of saves loads once.
        self._quiet.start()

    def _start_load(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            self._pending = True
            return
        self._worker = threading.Thread(target=self._load, name="content-load", daemon=True)
        self._worker.start()

    def _load(self) -> None:
        # Runs on the worker thread: no widgets here, only the Qt-free loader.
        try:
            result, settled = load_and_keep(self._settings)
        except Exception:
            # A bug, not bad content (that comes back as problems); the shown pages stay.
            log.exception("checking the content failed")
            result = LoadResult(None, [Problem(self._root, 1, "the kiosk could not check this "
                                                              "folder; its log says why")], ())
            settled = True
        self._loaded.emit(result, settled)

    def _finish_load(self, result: LoadResult, settled: bool) -> None:
        self._watch_paths()
        if not settled or self._pending:
            self._pending = False
            log.info("content changed while it was being checked; checking again")
            self._quiet.start()
            return
        found = (result.fingerprint, tuple(result.problems))
        if found == self._last:
            return
        self._last = found
        self.last_result = result
        if result.ok and result.content is not None:
            log.info("content reloaded from %s", escaped(self._root))
            self.accepted.emit(result.content)
        else:
            errors = result.errors
            log.error("content in %s has %d error(s); keeping the last good content",
                      escaped(self._root), len(errors))
            for problem in errors[:LOGGED_PROBLEMS]:
                log.error("%s", problem)
            if len(errors) > LOGGED_PROBLEMS:
                log.error("... and %d more (kiosk check lists them all)",
                          len(errors) - LOGGED_PROBLEMS)
            self.rejected.emit(result)


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a folder staff cannot read is reported by the check, not here
        return False


def _utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
