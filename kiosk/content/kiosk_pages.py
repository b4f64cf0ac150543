"""A kiosk's own side of published versions: take one in, keep the last few, go back. Qt-free.

A version from anywhere (a USB stick's package, later the clinic server) is copied out and
every file hashed against its manifest, then checked in full as `kiosk check` would, and
only then shown through `kiosk publish`'s swap (the live folder changes whole; the watcher
reloads it as any change). What the kiosk showed is kept, hash-checked, in
``<data>/content-versions`` (the last ``keep``), so "go back to the previous pages" needs
nothing plugged in, and a restart with the live folder broken still finds a good version.
A version that fails anywhere is refused with the reason and the kiosk keeps what it shows.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.config import Settings
from kiosk.content.changes import describe_changes, titles_of
from kiosk.content.last_good import load_live, shown_version_folder, used_files
from kiosk.content.publish import publish
from kiosk.content.result import LoadResult
from kiosk.content.versions import (
    FolderVersionStore,
    VersionError,
    VersionInfo,
    VersionStore,
    live_at,
    manifest_of,
)
from kiosk.private_files import private_dir, write_atomic

KEEP = 5


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _named(path: Path, folder: Path) -> str:
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else path.name


@dataclass
class Offer:
    """A version ready to show (checked, copied out), or why it is refused."""

    version: VersionInfo | None
    folder: Path | None
    changes: list[str]
    # Plain words; empty when the version may be shown.
    refused: str = ""
    result: LoadResult | None = None
    # Where it came from, for the kept copy's note and the audit ("USB stick version 3").
    origin: str = ""

    @property
    def ok(self) -> bool:
        return not self.refused and self.folder is not None


def find_package(patterns: tuple[str, ...]) -> FolderVersionStore | None:
    """The first folder matching ``patterns`` (a USB stick's ``kiosk-pages``) that holds at
    least one version, or None (no stick, or nothing published on it)."""
    for pattern in patterns:
        anchor = Path(Path(pattern).anchor or ".")
        for found in sorted(anchor.glob(str(Path(pattern).relative_to(anchor)))):
            store = FolderVersionStore(found)
            if store.numbers():
                return store
    return None


@dataclass(frozen=True)
class Followed:
    """What following a store did: the kept copy of a version now shown, or why the live
    version was refused (the kiosk keeps what it shows); both empty when nothing changed."""

    shown: VersionInfo | None
    refused: str


class KioskPages:
    def __init__(self, settings: Settings, *, keep: int = KEEP,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self._settings = settings
        self._keep = keep
        self._clock = clock
        self.kept = FolderVersionStore(settings.content_versions_dir)
        self._state = settings.content_shown_file
        # The staff panel and the schedule may both swap (each on a worker thread).
        self._swapping = threading.Lock()
        # Versions refused here, by digest, with why: not downloaded and checked again.
        self._refused: dict[str, str] = {}
        # What a kiosk stopped mid-check (power cut) left behind: nothing is using it now.
        for leftover in settings.data_dir.glob(".incoming-*"):
            shutil.rmtree(leftover, ignore_errors=True)

    # What is shown ---------------------------------------------------------------------

    def _read_state(self) -> dict[str, object]:
        try:
            data = json.loads(self._state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def shown(self) -> VersionInfo | None:
        """The kept version the live folder was last set to, or None."""
        number = self._read_state().get("number")
        if not isinstance(number, int):
            return None
        try:
            return self.kept.get(number)
        except VersionError:
            return None

    def _shown_since(self) -> datetime | None:
        since = self._read_state().get("since")
        return datetime.fromisoformat(since) if isinstance(since, str) else None

    def _mark_shown(self, number: int) -> None:
        private_dir(self._state.parent)
        write_atomic(self._state, json.dumps(
            {"number": number, "since": self._clock().isoformat()}).encode())

    def newest_good_folder(self) -> Path | None:
        """The files of the shown kept version if every hash still matches (start-up's
        fallback before the content shipped with the program)."""
        return shown_version_folder(self._settings)

    # Taking a version in ----------------------------------------------------------------

    def offer(self, store: VersionStore, number: int | None = None, *,
              origin: str = "") -> Offer:
        """Copy version ``number`` (default: the one live now) out of ``store``, verify every
        hash and run the full check; say what it changes against what is shown."""
        try:
            history = store.history()
        except (VersionError, OSError) as e:
            return Offer(None, None, [], f"the pages cannot be read: {e}", origin=origin)
        if number is None:
            version = live_at(history, self._clock())
        else:
            version = next((v for v in history if v.number == number), None)
        if version is None:
            return Offer(None, None, [], "there are no published pages there", origin=origin)
        private_dir(self._settings.data_dir)
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self._settings.data_dir))
        folder = staging / "content"
        try:
            store.export(version.number, folder)
        except (VersionError, OSError) as e:
            shutil.rmtree(staging, ignore_errors=True)
            return Offer(version, None, [], f"version {version.number} was refused: {e}",
                         origin=origin)
        except BaseException:  # e.g. the server gone mid-download: no staging folder stays
            shutil.rmtree(staging, ignore_errors=True)
            raise
        result = load_live(self._settings, folder)
        if not result.ok:
            shutil.rmtree(staging, ignore_errors=True)
            first = result.errors[0] if result.errors else None
            why = (f"{_named(first.path, folder)}:{first.line}: {first.message}" if first
                   else "it did not check out")
            return Offer(version, None, [], f"version {version.number} has "
                         f"{len(result.errors)} problem(s) and was refused: {why}",
                         result, origin)
        return Offer(version, folder, self._changes(version, result, folder), "", result,
                     origin)

    def _changes(self, version: VersionInfo, result: LoadResult, folder: Path) -> list[str]:
        live = load_live(self._settings)
        root = self._settings.content_dir
        old_files = (manifest_of(root, used_files(live.content, root))
                     if live.content is not None else {})
        return describe_changes(old_files, titles_of(live.content, root), dict(version.files),
                                titles_of(result.content, folder))

    def discard(self, offer: Offer) -> None:
        if offer.folder is not None:
            shutil.rmtree(offer.folder.parent, ignore_errors=True)
            offer.folder = None

    def apply(self, offer: Offer, *, author: str = "") -> VersionInfo:
        """Show ``offer``'s version: keep what is shown now first (so there is always a way
        back), swap the live folder, keep the new one. Raises VersionError if the swap was
        refused; the kiosk then shows what it showed."""
        if not offer.ok or offer.folder is None or offer.version is None:
            raise VersionError(offer.refused or "nothing to show")
        with self._swapping:
            return self._apply(offer, author)

    def _apply(self, offer: Offer, author: str) -> VersionInfo:
        folder = offer.folder
        assert folder is not None
        try:
            self._keep_current()
            done = publish(folder, self._settings)
            if not done.swapped:
                why = "; ".join(str(p) for p in done.result.errors[:3])
                raise VersionError(f"the pages were not shown: {why}")
            kept = self._kept_copy(offer, author)
            self._mark_shown(kept.number)
            self._prune()
            return kept
        finally:
            self.discard(offer)

    def _kept_copy(self, offer: Offer, author: str) -> VersionInfo:
        version, folder = offer.version, offer.folder
        assert version is not None
        assert folder is not None
        for kept in self.kept.history():
            if kept.digest == version.digest and not self.kept.verify(kept.number):
                return kept  # going back: the very files are kept already
        note = f"{offer.origin}: {version.note}" if offer.origin else version.note
        return self.kept.publish(folder, version.files, author=author or version.author,
                                 note=note, starts_at=version.starts_at,
                                 now=version.created_at)

    def _keep_current(self) -> None:
        """The live folder as a kept version, unless it is one already."""
        live = load_live(self._settings)
        if live.content is None or not live.ok:
            return
        root = self._settings.content_dir
        names = used_files(live.content, root)
        files = manifest_of(root, names)
        shown = self.shown()
        if shown is not None and dict(shown.files) == files:
            return
        kept = self.kept.publish(root, names, author="kiosk", note="the pages shown before",
                                 now=self._clock())
        self._mark_shown(kept.number)

    def _prune(self) -> None:
        numbers = self.kept.numbers()
        shown = self.shown()
        keep = set(numbers[-self._keep:]) | ({shown.number} if shown else set())
        self.kept.prune(sorted(keep))

    # Going back and schedules ------------------------------------------------------------

    def previous(self) -> VersionInfo | None:
        """The kept version shown before the one shown now."""
        shown = self.shown()
        if shown is None:
            return None
        older = [v for v in self.kept.history() if v.number < shown.number]
        return older[0] if older else None

    def offer_previous(self) -> Offer:
        previous = self.previous()
        if previous is None:
            return Offer(None, None, [], "there are no earlier pages kept on this kiosk")
        return self.offer(self.kept, previous.number, origin="went back")

    def due(self) -> Offer | None:
        """A kept version whose start time has come since the shown one was chosen (a
        holiday page loaded in advance), ready to show; None when nothing is due."""
        since, now = self._shown_since(), self._clock()
        waiting = [v for v in self.kept.history()
                   if v.starts_at is not None and v.starts_at <= now
                   and (since is None or v.starts_at > since)]
        if not waiting:
            return None
        version = max(waiting, key=lambda v: (v.starts_at or v.created_at, v.number))
        return self.offer(self.kept, version.number, origin="scheduled")

    def apply_due(self) -> VersionInfo | None:
        """Show a version whose start time has come (see `due`); its kept copy, or None when
        nothing was due. Raises VersionError when it was due but refused."""
        offer = self.due()
        if offer is None:
            return None
        if not offer.ok:
            self.discard(offer)
            raise VersionError(offer.refused)
        return self.apply(offer, author="schedule")

    def keep_scheduled(self, store: VersionStore, *, origin: str = "") -> list[VersionInfo]:
        """Copy ``store``'s versions that start later into the kept ones (checked and
        hashed), so they go live at their time with the stick long unplugged."""
        now = self._clock()
        kept_digests = {v.digest for v in self.kept.history()}
        taken = []
        for version in store.history():
            if (version.starts_at is None or version.starts_at <= now
                    or version.digest in kept_digests):
                continue
            offer = self.offer(store, version.number, origin=origin)
            try:
                if offer.ok:
                    taken.append(self._kept_copy(offer, ""))
            finally:
                self.discard(offer)
        return taken

    # Following a store (the clinic server) -----------------------------------------------

    def follow(self, store: VersionStore, *, origin: str = "clinic server") -> Followed:
        """Show ``store``'s live version unless it is shown already or was refused before:
        every hash and the full check first; refused, it is remembered (not downloaded again)
        and the kiosk keeps what it shows."""
        live = live_at(store.history(), self._clock())
        shown = self.shown()
        if live is None or (shown is not None and shown.digest == live.digest):
            return Followed(None, "")
        if live.digest in self._refused:
            return Followed(None, self._refused[live.digest])
        offer = self.offer(store, live.number, origin=f"{origin} version {live.number}")
        if not offer.ok:
            self.discard(offer)
            self._refused[live.digest] = offer.refused
            return Followed(None, offer.refused)
        try:
            return Followed(self.apply(offer), "")
        except VersionError as e:
            self._refused[live.digest] = str(e)
            return Followed(None, str(e))
