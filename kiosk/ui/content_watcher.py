"""Watch the content folder; when it changes and settles, check it off the UI thread.

Valid content is handed over with ``accepted``; invalid content is logged with every
``file:line: message`` and reported with ``rejected``, and the kiosk keeps what it shows.
A file still being written never shows: loading waits until the folder has been quiet for
``reload_quiet_ms``, a load during which any file changed is thrown away and retried, and
what is shown comes from the checked copy (see content/last_good.py), not the live folder.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from kiosk.config import Settings
from kiosk.content.last_good import load_and_keep
from kiosk.content.loader import IMAGES_FOLDER, LoadResult, fingerprint
from kiosk.content.model import ContentSet

log = logging.getLogger(__name__)


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
        self._last = fingerprint(self._root, settings.languages)
        self.last_result: LoadResult | None = None

    def start(self) -> None:
        self._watch_paths()

    def stop(self) -> None:
        self._quiet.stop()
        if self._worker is not None:
            self._worker.join(timeout=10)

    def _watch_paths(self) -> None:
        folders = [self._root / f for f in (*self._settings.languages, IMAGES_FOLDER)]
        paths = [str(self._root)] + [str(f) for f in folders if f.is_dir()]
        for folder in folders:
            if folder.is_dir():
                paths.extend(str(p) for p in folder.iterdir() if p.is_file())
        current = set(self._watcher.files()) | set(self._watcher.directories())
        missing = [p for p in paths if p not in current]
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
        result, settled = load_and_keep(self._settings)
        self._loaded.emit(result, settled)

    def _finish_load(self, result: LoadResult, settled: bool) -> None:
        self._watch_paths()
        if not settled or self._pending:
            self._pending = False
            log.info("content changed while it was being checked; checking again")
            self._quiet.start()
            return
        if result.fingerprint == self._last:
            return
        self._last = result.fingerprint
        self.last_result = result
        if result.ok and result.content is not None:
            log.info("content reloaded from %s", self._root)
            self.accepted.emit(result.content)
        else:
            log.error("content in %s has %d error(s); keeping the last good content",
                      self._root, len(result.errors))
            for problem in result.errors:
                log.error("%s", problem)
            self.rejected.emit(result)
