"""Show only content that was checked, from a copy staff cannot change underneath the kiosk.

The live folder is where staff edit. When it checks out, it is copied to a staging folder,
the copy is checked again (so a file saved between the check and the copy is caught), and
the copy replaces ``<data>/last-good-content``. The kiosk shows pages and pictures from that
copy, never from the live folder: deleting or half-copying a picture in the live folder
cannot reach the screen (pictures are read again from their path at each new size). When no
copy can be made (the data disk is short of room, or the copy fails), the previous copy stays
on screen, else the content shipped with the program, and staff are told why. At start-up the
kiosk uses the live folder if it is good and settled, else that copy, else the shipped
content.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import RESOURCES, Settings
from kiosk.content import checked_record
from kiosk.content.files import Fingerprint, fingerprint
from kiosk.content.folder_budget import MB, FolderBudget, room_after_copy
from kiosk.content.model import ContentSet, Problem, Section, Severity, escaped
from kiosk.content.result import LoadResult
from kiosk.content.versions import FolderVersionStore
from kiosk.private_files import private_dir

if TYPE_CHECKING:
    from kiosk.content.drawing_cost import DrawingBudget

log = logging.getLogger(__name__)

BUNDLED_CONTENT = RESOURCES / "content"


@dataclass
class StartupContent:
    result: LoadResult
    source: Path
    # Problems of the live folder when a fallback had to be used, for the staff panel.
    live_result: LoadResult
    # False when the live folder was still being written at start-up and was not taken:
    # the watcher should take it once it has stayed the same (ContentWatcher.start).
    live_settled: bool = True


def drawing_budget(settings: Settings) -> DrawingBudget:
    from kiosk.content.drawing_cost import DrawingBudget

    return DrawingBudget(cpu_ms=settings.drawing_budget_ms, memory_mb=settings.drawing_memory_mb,
                         cache_dir=settings.cache_dir)


def folder_budget(settings: Settings) -> FolderBudget:
    return FolderBudget(max_bytes=settings.max_content_mb * MB,
                        max_files=settings.max_content_files)


def load_live(settings: Settings, root: Path | None = None) -> LoadResult:
    """Check ``root`` (the configured content folder) with every limit in the settings."""
    # The checker is imported here, when a check is needed, not with the module: a start
    # that reuses the last check (checked_record) never imports it.
    from kiosk.content.loader import load_content

    return load_content(root or settings.content_dir, settings.languages,
                        settings.default_language, drawings=drawing_budget(settings),
                        folder=folder_budget(settings), page_values=settings.page_values)


def used_files(content: ContentSet, root: Path) -> list[str]:
    """``folder/name`` of every page and picture ``content`` (loaded from ``root``) shows."""
    used = {str(path.relative_to(root)) for sections in content.by_language.values()
            for section in sections for path in (section.source, section.image)}
    return sorted(used)


def _used_fingerprint(live: LoadResult, used: list[str]) -> Fingerprint:
    """The part of ``live``'s fingerprint a copy of only the used files must have."""
    wanted = set(used)
    return tuple(entry for entry in live.fingerprint if entry[0] in wanted)


def _copy(root: Path, used: list[str], into: Path) -> None:
    """Copy the files pages use, and nothing else: no unused pictures, sub-folders, devices
    or pipes (a link to one would otherwise copy a whole tree, or read without end)."""
    for name in used:
        target = into / name
        target.parent.mkdir(exist_ok=True)
        # copy2 keeps change times, so the copy's fingerprint equals the original's.
        shutil.copy2(root / name, target)


def _short_of_room(settings: Settings, root: Path, used: list[str]) -> str | None:
    """Why copying ``used`` would leave the data disk short of room for sign-ups, or None."""
    short = room_after_copy(root, used, settings.last_good_content_dir.parent,
                            settings.keep_free_mb)
    if short is None:
        return None
    needed, free = short
    return (f"the good content ({needed / MB:.1f} MB) was not copied to the kiosk's data disk: "
            f"only {free / MB:.0f} MB is free there and {settings.keep_free_mb} MB is kept for "
            "sign-ups (keep_free_for_signups_mb in kiosk.toml)")


def _moved(content: ContentSet, old: Path, new: Path) -> ContentSet:
    def move(section: Section) -> Section:
        return dataclasses.replace(
            section, image=new / section.image.relative_to(old),
            source=new / section.source.relative_to(old))

    return ContentSet(content.default_language,
                      {lang: tuple(move(s) for s in sections)
                       for lang, sections in content.by_language.items()})


def shown_version_folder(settings: Settings) -> Path | None:
    """The files of the published version this kiosk last showed (content/kiosk_pages.py),
    if every one still matches its sha256; None otherwise."""
    try:
        number = json.loads(settings.content_shown_file.read_text(encoding="utf-8"))["number"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    kept = FolderVersionStore(settings.content_versions_dir)
    if not isinstance(number, int) or kept.verify(number):
        return None
    return kept.files_of(number)


def _fallback(settings: Settings) -> tuple[LoadResult, Path, str] | None:
    """The previous good copy, else the newest published version shown here (hash-checked),
    else the shipped content: (result, folder, what it is)."""
    candidates = [(settings.last_good_content_dir, "the last content that was copied")]
    kept = shown_version_folder(settings)
    if kept is not None:
        candidates.append((kept, "the last published pages this kiosk showed"))
    candidates.append((BUNDLED_CONTENT, "the content shipped with the kiosk"))
    for folder, what in candidates:
        if not folder.is_dir() or folder.resolve() == settings.content_dir.resolve():
            continue
        shown = load_live(settings, folder)
        if shown.ok and shown.content is not None:
            return shown, folder, what
    return None


def _not_kept(settings: Settings, live: LoadResult, why: str) -> LoadResult:
    """What to show when the good live content could not be copied: never the live folder
    itself (a picture swapped there later would be drawn at the next new size), but the
    previous copy, else the shipped content; the live folder's problems, and why, for staff."""
    found = _fallback(settings)
    if found is None:
        message = f"{why}; there is no other good content to show instead"
        log.error("%s", message)
        return LoadResult(None, [*live.problems, Problem(settings.content_dir, 1, message)],
                          live.fingerprint)
    shown, _folder, what = found
    message = f"{why}; {what} is shown until it can be copied"
    log.warning("%s", message)
    return LoadResult(shown.content, [*live.problems, Problem(
        settings.content_dir, 1, message, Severity.WARNING)], live.fingerprint)


def still_changing(settings: Settings, now: float) -> str | None:
    """Why the live folder may not be taken yet (a file in it changed less than
    ``reload_settle_ms`` before ``now``, by its change time), or None.

    At start-up there is no earlier look to compare with, so the files' own times stand in
    for the watcher's wait (settle.py): a slow copy writes the page it is on just now. A
    time in the future counts as just now."""
    found = fingerprint(settings.content_dir, settings.languages)
    newest = max((mtime_ns for _name, _size, mtime_ns in found), default=0) / 1e9
    settle_s = settings.reload_settle_ms / 1000
    if now - newest >= settle_s:
        return None
    return (f"the content folder was still changing at start-up (a file in it was saved in "
            f"the last {settle_s:g} s); it is shown once it has stayed the same")


def _already_kept(settings: Settings, live: LoadResult, expected: Fingerprint) -> bool:
    """The last good copy has the files just checked, and they did not change meanwhile."""
    target = settings.last_good_content_dir
    return (target.is_dir()
            and fingerprint(target, settings.languages) == expected
            and fingerprint(settings.content_dir, settings.languages) == live.fingerprint)


def _replace(target: Path, staging: Path) -> None:
    """Make ``staging`` the last good copy; if that fails, the previous copy stays."""
    retired = target.with_name(target.name + ".old")
    if retired.exists():
        shutil.rmtree(retired)
    if target.exists():
        target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        if retired.exists() and not target.exists():
            retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def load_and_keep(settings: Settings) -> tuple[LoadResult, bool]:
    """Check the live folder; if good, make it the last good copy and return the copy's pages.

    Returns (result, settled). ``result.problems`` name the live files staff edit;
    ``result.content``, when there is any, points into the last good copy (or, when no copy
    could be made, the previous one or the shipped content), never into the live folder.
    ``settled`` is False when the folder changed while it was being checked: try again later.
    """
    today = date.today()
    reused = checked_record.reuse(settings, today=today)
    if reused is not None:
        # Every file has the bytes of the last check that passed, under the same settings
        # and program: its pages, without checking them again (about 200 ms at start-up).
        content, problems, found = reused
        return LoadResult(content, problems, found), True
    before = fingerprint(settings.content_dir, settings.languages)
    seen = checked_record.snapshot(settings.content_dir, settings.languages)
    live = load_live(settings)
    if not live.ok or live.content is None:
        return live, fingerprint(settings.content_dir, settings.languages) == live.fingerprint
    target = settings.last_good_content_dir
    used = used_files(live.content, settings.content_dir)
    expected = _used_fingerprint(live, used)
    if _already_kept(settings, live, expected):
        # Every start-up after the first, and a save that changed nothing: the copy has
        # these very files, so copying and checking them again (40-60 ms) would add nothing.
        kept = LoadResult(_moved(live.content, settings.content_dir, target), live.problems,
                          live.fingerprint)
        _record(settings, before, seen, kept, today)
        return kept, True
    try:
        private_dir(target.parent)
        short = _short_of_room(settings, settings.content_dir, used)
    except OSError as e:
        short = f"the good content was not copied: the data folder cannot be used ({escaped(e)})"
    if short:
        return _not_kept(settings, live, short), True
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".last-good-", dir=target.parent))
        _copy(settings.content_dir, used, staging)
        from kiosk.content.loader import load_content

        copy = load_content(staging, settings.languages, settings.default_language,
                            drawings=drawing_budget(settings), page_values=settings.page_values)
        if not copy.ok or copy.content is None or copy.fingerprint != expected:
            shutil.rmtree(staging, ignore_errors=True)
            return LoadResult(None, [Problem(settings.content_dir, 1, "changed while checked")],
                              live.fingerprint), False
        _replace(target, staging)
    except OSError as e:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        return _not_kept(settings, live, "the good content could not be copied to the "
                                         f"kiosk's data disk ({escaped(e)})"), True
    kept = LoadResult(_moved(copy.content, staging, target), live.problems, live.fingerprint)
    _record(settings, before, seen, kept, today)
    return kept, True


def _record(settings: Settings, before: Fingerprint, seen: checked_record.Snapshot | None,
            kept: LoadResult, today: date) -> None:
    """Remember that these bytes passed, if they are the bytes that were checked: the files
    seen before the check are the ones it listed, and are the same after it."""
    if (seen is None or kept.content is None or kept.fingerprint != before
            or checked_record.snapshot(settings.content_dir, settings.languages) != seen):
        return
    checked_record.save(settings, seen, kept.content, kept.problems, today=today)


def load_for_startup(settings: Settings, *, fall_back: bool = True,
                     clock: Callable[[], float] = time.time) -> StartupContent:
    """The best content available: the live folder if it is good and settled, else the last
    good copy, else the bundled one. ``clock`` gives the time files' change times are
    compared with.

    ``fall_back=False`` (previews) shows only the folder asked for, problems and all.
    """
    if fall_back and (changing := still_changing(settings, clock())):
        # A half-written page must neither be shown nor become the last good copy.
        found = _fallback(settings)
        if found is not None:
            shown, folder, _what = found
            log.warning("%s; showing %s meanwhile", changing, escaped(folder))
            waiting = LoadResult(None, [Problem(settings.content_dir, 1, changing,
                                                Severity.WARNING)])
            return StartupContent(shown, folder, waiting, live_settled=False)
    live, _settled = load_and_keep(settings)
    if live.ok:
        return StartupContent(live, settings.content_dir, live)

    log.error("content in %s has %d error(s)", escaped(settings.content_dir), len(live.errors))
    for problem in live.errors:
        log.error("%s", problem)
    if not fall_back:
        return StartupContent(live, settings.content_dir, live)
    found = _fallback(settings)
    if found is not None:
        shown, folder, _what = found
        log.warning("showing the content from %s until the errors are fixed", escaped(folder))
        return StartupContent(shown, folder, live)
    return StartupContent(live, settings.content_dir, live)
