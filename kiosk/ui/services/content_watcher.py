"""Watch the content folder; when it changes and settles, check it off the UI thread.

Valid content is handed over with ``accepted``; invalid content is logged with every
``file:line: message`` and reported with ``rejected``, and the kiosk keeps what it shows.
A file still being written never shows:
- loading waits until the folder has been quiet for ``reload_quiet_ms``, and then takes a
  version only once it has stayed exactly the same for ``reload_settle_ms`` (a slow copy
  pauses between pieces; see content/settle.py), emitting ``settling`` meanwhile;
- a load during which any file changed is thrown away and retried;
- what is shown comes from the checked copy (see content/last_good.py), not the live folder.

The file watcher (inotify) can go blind: when its kernel queue overflows (a folder of 20,000
files replaced) later edits were missed for good. So every ``content_check_ms`` the folder's
fingerprint is compared with the last one loaded, whatever the watcher saw, and the watched
paths are set up again if the folder itself was replaced (``kiosk publish`` swaps it).

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
from kiosk.content.files import IMAGES_FOLDER, Fingerprint, content_files, fingerprint
from kiosk.content.last_good import load_and_keep
from kiosk.content.model import ContentSet, Problem, escaped
from kiosk.content.result import LoadResult
from kiosk.content.settle import Settler

log = logging.getLogger(__name__)
# A broken folder can have thousands of problems; the log gets the first ones and a count.
LOGGED_PROBLEMS = 50


class ContentWatcher(QObject):
    accepted = Signal(ContentSet)
    rejected = Signal(object)  # LoadResult
    # A changed version was seen; it is taken if it stays the same for reload_settle_ms.
    settling = Signal()
    # Internal: carry a finished look or load from the worker thread back to the UI thread.
    _loaded = Signal(object, bool)
    _unsettled = Signal(int)
    _unchanged = Signal()

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
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._start_load)
        # The safety net: a look at the fingerprint whatever the file watcher saw.
        self._check = QTimer(self)
        self._check.setInterval(settings.content_check_ms)
        self._check.timeout.connect(self._look)
        self._loaded.connect(self._finish_load)
        self._unsettled.connect(self._wait_to_settle)
        self._unchanged.connect(self._finish_look)
        self._settler = Settler(settings.reload_settle_ms / 1000)
        self._worker: threading.Thread | None = None
        self._pending = False
        # Set by `take_now`: the next load skips the settle wait (a whole folder swapped in).
        self._whole = False
        # The fingerprint of the folder as last loaded (or at start): a look that finds it
        # the same has nothing to do.
        self._seen: Fingerprint | None = None
        self._root_id: tuple[int, int] | None = None
        # What the last check found, to report each outcome once. Not the fingerprint alone:
        # it follows links and ignores permissions, so a page swapped for a link to the same
        # file elsewhere, or made unreadable, looks unchanged; its problems do not.
        self._last: tuple[object, ...] | None = None
        self.last_result: LoadResult | None = None

    def start(self, *, live_settled: bool = True) -> None:
        """Watch from now on. ``live_settled=False``: the live folder was still being written
        at start-up and is not what is shown, so load it (after the settle wait) even if it
        never changes again."""
        self._seen = fingerprint(self._root, self._settings.languages) if live_settled else None
        self._watch_paths()
        self._check.start()
        if not live_settled:
            self._quiet.start()

    def stop(self) -> None:
        self._quiet.stop()
        self._settle.stop()
        self._check.stop()
        if self._worker is not None:
            self._worker.join(timeout=10)

    def _watch_paths(self) -> None:
        root_id = _identity(self._root)
        if root_id != self._root_id:
            # The folder was replaced (or first seen): the old watches follow the old one.
            self._root_id = root_id
            watched = self._watcher.files() + self._watcher.directories()
            if watched:
                self._watcher.removePaths(watched)
        folders = [self._root / f for f in (*self._settings.languages, IMAGES_FOLDER)]
        # The folder's parent too: `kiosk publish` (or staff) replacing the folder whole
        # changes the parent; watches on the folder itself stay with the old one.
        paths = [self._root.parent, self._root] + [f for f in folders if _is_folder(f)]
        for folder in folders:
            paths.extend(child for child, _status in content_files(folder))
        current = set(self._watcher.files()) | set(self._watcher.directories())
        # A name that is not UTF-8 cannot be handed to Qt; the check reports it to staff.
        missing = [str(p) for p in paths if _utf8(str(p)) and str(p) not in current]
        if missing:
            self._watcher.addPaths(missing)

    def take_now(self) -> None:
        """The folder was just replaced whole by a checked swap (`kiosk publish`, a version
        from the staff panel): nothing can be half written, so load it without the settle
        wait."""
        self._whole = True
        self._quiet.stop()
        self._settle.stop()
        self._run(full=True)

    def _changed(self, _path: str) -> None:
        # Every change restarts the quiet period, so a burst of saves loads once.
        self._quiet.start()

    def _look(self) -> None:
        """The periodic safety net: load only if the fingerprint moved since the last load."""
        busy = self._worker is not None and self._worker.is_alive()
        if not (busy or self._quiet.isActive() or self._settle.isActive()):
            self._run(full=False)

    def _start_load(self) -> None:
        self._run(full=True)

    def _run(self, *, full: bool) -> None:
        if self._worker is not None and self._worker.is_alive():
            self._pending = True
            return
        self._worker = threading.Thread(target=self._load, args=(full,), name="content-load",
                                        daemon=True)
        self._worker.start()

    def _load(self, full: bool) -> None:
        # Runs on the worker thread: no widgets here, only the Qt-free loader.
        try:
            now = fingerprint(self._root, self._settings.languages)
            if not full and now == self._seen:
                self._unchanged.emit()
                return
            wait_s = 0.0 if self._whole else self._settler.wait_s(now)
            self._whole = False
            if wait_s > 0:
                self._unsettled.emit(max(1, round(wait_s * 1000)))
                return
            result, settled = load_and_keep(self._settings)
            settled = settled and result.fingerprint == now
        except Exception:
            # A bug, not bad content (that comes back as problems); the shown pages stay.
            log.exception("checking the content failed")
            result = LoadResult(None, [Problem(self._root, 1, "the kiosk could not check this "
                                                              "folder; its log says why")], ())
            settled = True
        self._loaded.emit(result, settled)

    def _finish_look(self) -> None:
        self._watch_paths()
        self._retry_if_pending()

    def _wait_to_settle(self, wait_ms: int) -> None:
        log.info("content changed; showing it once it has stayed the same for %d ms",
                 self._settings.reload_settle_ms)
        self._watch_paths()
        if not self._retry_if_pending():
            self._settle.start(wait_ms)
        self.settling.emit()

    def _retry_if_pending(self) -> bool:
        if not self._pending:
            return False
        self._pending = False
        self._quiet.start()
        return True

    def _finish_load(self, result: LoadResult, settled: bool) -> None:
        self._watch_paths()
        if not settled or self._pending:
            self._pending = False
            log.info("content changed while it was being checked; checking again")
            self._quiet.start()
            return
        self._seen = result.fingerprint
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


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


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
