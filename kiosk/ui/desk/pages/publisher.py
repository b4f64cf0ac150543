"""What the Pages view does with the version store: publish the drafts (off the UI thread,
checked again first), read the history, show one version's pages, put one version back as
the next one or as the drafts. The view owns one, hands it what staff chose and shows what
it says; nothing here draws."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from kiosk.config import Settings
from kiosk.content.draft_folder import start_drafts
from kiosk.content.last_good import load_live
from kiosk.content.model import Section
from kiosk.content.version_publish import PublishOutcome, publish_checked
from kiosk.content.versions import VersionError, VersionInfo, VersionStore, live_at
from kiosk.server.errors import ServerUnavailable
from kiosk.ui.services.off_thread import OffThread, Outcome

# What a version store may raise: a bad version, a folder or stick that fails, a server away.
STORE_ERRORS = (VersionError, OSError, ServerUnavailable)


def shown_path(path: Path, folder: Path) -> str:
    """A file as staff read it: relative to the drafts folder, else just its name."""
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else path.name


class History(NamedTuple):
    versions: list[VersionInfo]
    live: int | None  # the number of the version the kiosks show now
    started: bool  # the empty drafts folder was just filled from the newest version


class Publisher(QObject):
    said = Signal(str)  # a line for the view's status
    published = Signal(object)  # VersionInfo
    ended = Signal()  # a publish ended, published or refused by the check (not a store error)

    def __init__(self, settings: Settings, folder: Path, store: VersionStore, author: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._folder = folder
        self._store = store
        self._author = author
        self._working = OffThread("desk-publish", self)
        self._working.finished.connect(self._finished)

    @property
    def busy(self) -> bool:
        return self._working.busy

    def publish(self, note: str, starts: datetime | None) -> bool:
        """Check the drafts again and publish them as the next version; False if busy."""
        settings, folder, store, author = (self._settings, self._folder, self._store,
                                           self._author)
        if not self._working.start(lambda: publish_checked(folder, settings, store,
                                                           author=author, note=note,
                                                           starts_at=starts)):
            return False
        self.said.emit("Checking and publishing…")
        return True

    def republish(self, number: int) -> None:
        """One click: version ``number``'s files become the next version."""
        settings, store, author = self._settings, self._store, self._author

        def again() -> PublishOutcome:
            with tempfile.TemporaryDirectory(prefix="desk-again-") as temp:
                folder = Path(temp) / "content"
                store.export(number, folder)
                return publish_checked(folder, settings, store, author=author,
                                       note=f"version {number} again")

        if self._working.start(again):
            self.said.emit(f"Publishing version {number} again…")

    def _finished(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            if not isinstance(outcome.error, STORE_ERRORS):
                raise outcome.error
            self.said.emit(f"Not published: {outcome.error}")
            return
        done = outcome.value
        assert isinstance(done, PublishOutcome)
        if done.version is None:
            first = done.result.errors[0]
            self.said.emit(f"Not published: {shown_path(first.path, self._folder)}:"
                           f"{first.line}: {first.message}")
        else:
            version = done.version
            when = (f", goes live {version.starts_at.astimezone():%Y-%m-%d %H:%M}"
                    if version.starts_at else "")
            self.said.emit(f"Published as version {version.number}{when}.")
            self.published.emit(version)
        self.ended.emit()

    def history(self) -> History | None:
        """Every version, newest first (None, said, if the store cannot be read); fills an
        empty drafts folder from the newest version if the store was away until now."""
        try:
            versions = self._store.history()
            started = start_drafts(self._folder, self._store)
        except STORE_ERRORS as e:
            self.said.emit(f"The published versions cannot be read: {e}")
            return None
        live = live_at(versions, datetime.now().astimezone())
        return History(versions, live.number if live else None, started)

    @contextlib.contextmanager
    def _exported(self, number: int, prefix: str, failed: str) -> Iterator[Path | None]:
        """Version ``number``'s files in a temporary folder while the block runs; None, said
        ("cannot be ``failed``"), if the store cannot give them."""
        with tempfile.TemporaryDirectory(prefix=prefix) as temp:
            folder = Path(temp) / "content"
            try:
                self._store.export(number, folder)
            except STORE_ERRORS as e:
                self.said.emit(f"Version {number} cannot be {failed}: {e}")
                yield None
                return
            yield folder

    def show_version(self, number: int, slug: str | None,
                     show: Callable[[dict[str, Section | None]], None]) -> bool:
        """Hand ``show`` version ``number``'s page ``slug`` (else its first) in each language,
        while its pictures exist; False, said, if it cannot be read."""
        with self._exported(number, "desk-version-", "shown") as folder:
            if folder is None:
                return False
            result = load_live(self._settings, folder)
            sections: dict[str, Section | None] = {}
            for language in self._settings.languages:
                own = list(result.content.by_language.get(language, ())
                           if result.content else ())
                sections[language] = next((s for s in own if s.slug == slug),
                                          own[0] if own else None)
            show(sections)
        return True

    def into_drafts(self, number: int) -> bool:
        """Replace the drafts with version ``number``'s files; False, said, if it fails."""
        with self._exported(number, "desk-open-", "opened") as folder:
            if folder is None:
                return False
            for language in self._settings.languages:
                shutil.rmtree(self._folder / language, ignore_errors=True)
            shutil.copytree(folder, self._folder, dirs_exist_ok=True)
        return True

    def join(self, seconds: float) -> None:
        self._working.join(seconds)
