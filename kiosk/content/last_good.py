"""Show only content that was checked, from a copy staff cannot change underneath the kiosk.

The live folder is where staff edit. When it checks out, it is copied to a staging folder,
the copy is checked again (so a file saved between the check and the copy is caught), and
the copy replaces ``<data>/last-good-content``. The kiosk shows pages and pictures from that
copy, never from the live folder: deleting or half-copying a picture in the live folder
cannot reach the screen. At start-up the kiosk uses the live folder if it is good, else that
copy, else the content shipped with the program.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import RESOURCES, Settings
from kiosk.content.drawing_cost import DrawingBudget
from kiosk.content.files import Fingerprint, fingerprint
from kiosk.content.folder_budget import MB, FolderBudget
from kiosk.content.loader import LoadResult, load_content
from kiosk.content.model import ContentSet, Problem, Section, Severity, escaped
from kiosk.private_files import private_dir

log = logging.getLogger(__name__)

BUNDLED_CONTENT = RESOURCES / "content"


@dataclass
class StartupContent:
    result: LoadResult
    source: Path
    # Problems of the live folder when a fallback had to be used, for the staff panel.
    live_result: LoadResult


def drawing_budget(settings: Settings) -> DrawingBudget:
    return DrawingBudget(cpu_ms=settings.drawing_budget_ms, memory_mb=settings.drawing_memory_mb,
                         cache_dir=settings.cache_dir)


def folder_budget(settings: Settings) -> FolderBudget:
    return FolderBudget(max_bytes=settings.max_content_mb * MB,
                        max_files=settings.max_content_files)


def load_live(settings: Settings, root: Path | None = None) -> LoadResult:
    """Check ``root`` (the configured content folder) with every limit in the settings."""
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
    needed = sum((root / name).stat().st_size for name in used)
    free = shutil.disk_usage(settings.last_good_content_dir.parent).free
    if free - needed >= settings.keep_free_mb * MB:
        return None
    return (f"the good content ({needed / MB:.1f} MB) was not copied to the kiosk's data disk: "
            f"only {free / MB:.0f} MB is free there and {settings.keep_free_mb} MB is kept for "
            "sign-ups (keep_free_for_signups_mb in kiosk.toml); it is shown from the content "
            "folder itself until there is room")


def _moved(content: ContentSet, old: Path, new: Path) -> ContentSet:
    def move(section: Section) -> Section:
        return dataclasses.replace(
            section, image=new / section.image.relative_to(old),
            source=new / section.source.relative_to(old))

    return ContentSet(content.default_language,
                      {lang: tuple(move(s) for s in sections)
                       for lang, sections in content.by_language.items()})


def _already_kept(settings: Settings, live: LoadResult, expected: Fingerprint) -> bool:
    """The last good copy has the files just checked, and they did not change meanwhile."""
    target = settings.last_good_content_dir
    return (target.is_dir()
            and fingerprint(target, settings.languages) == expected
            and fingerprint(settings.content_dir, settings.languages) == live.fingerprint)


def load_and_keep(settings: Settings) -> tuple[LoadResult, bool]:
    """Check the live folder; if good, make it the last good copy and return the copy's pages.

    Returns (result, settled). ``result.problems`` name the live files staff edit;
    ``result.content``, when there is any, points into the last good copy. ``settled`` is
    False when the folder changed while it was being checked: try again later.
    """
    live = load_live(settings)
    if not live.ok or live.content is None:
        return live, fingerprint(settings.content_dir, settings.languages) == live.fingerprint
    target = settings.last_good_content_dir
    used = used_files(live.content, settings.content_dir)
    expected = _used_fingerprint(live, used)
    if _already_kept(settings, live, expected):
        # Every start-up after the first, and a save that changed nothing: the copy has
        # these very files, so copying and checking them again (40-60 ms) would add nothing.
        return LoadResult(_moved(live.content, settings.content_dir, target), live.problems,
                          live.fingerprint), True
    private_dir(target.parent)
    try:
        short = _short_of_room(settings, settings.content_dir, used)
    except OSError as e:
        short = f"cannot tell how much room the data disk has ({escaped(e)})"
    if short:
        log.warning("%s", short)
        return LoadResult(live.content, [*live.problems, Problem(
            settings.content_dir, 1, short, Severity.WARNING)], live.fingerprint), True
    staging = Path(tempfile.mkdtemp(prefix=".last-good-", dir=target.parent))
    try:
        _copy(settings.content_dir, used, staging)
        copy = load_content(staging, settings.languages, settings.default_language,
                            drawings=drawing_budget(settings), page_values=settings.page_values)
        if not copy.ok or copy.content is None or copy.fingerprint != expected:
            shutil.rmtree(staging, ignore_errors=True)
            return LoadResult(None, [Problem(settings.content_dir, 1, "changed while checked")],
                              live.fingerprint), False
        retired = target.with_name(target.name + ".old")
        if retired.exists():
            shutil.rmtree(retired)
        if target.exists():
            target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        # A full data disk must not hide good content: show it from the live folder.
        log.warning("could not keep a copy of the good content (%s); showing the live folder",
                    escaped(e))
        return live, True
    return LoadResult(_moved(copy.content, staging, target), live.problems,
                      live.fingerprint), True


def load_for_startup(settings: Settings, *, fall_back: bool = True) -> StartupContent:
    """The best content available: live folder, else the last good copy, else the bundled one.

    ``fall_back=False`` (previews) shows only the folder asked for, problems and all.
    """
    live, _settled = load_and_keep(settings)
    if live.ok:
        return StartupContent(live, settings.content_dir, live)

    log.error("content in %s has %d error(s)", escaped(settings.content_dir), len(live.errors))
    for problem in live.errors:
        log.error("%s", problem)
    if not fall_back:
        return StartupContent(live, settings.content_dir, live)
    for fallback in (settings.last_good_content_dir, BUNDLED_CONTENT):
        if fallback.resolve() == settings.content_dir.resolve():
            continue
        result = load_live(settings, fallback)
        if result.ok:
            log.warning("showing the content from %s until the errors are fixed", escaped(fallback))
            return StartupContent(result, fallback, live)
    return StartupContent(live, settings.content_dir, live)
